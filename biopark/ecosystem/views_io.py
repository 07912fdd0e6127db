"""Import and export pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from biopark.accounts import policy
from biopark.core.errors import DomainError
from biopark.ecosystem import importer, tabular
from biopark.ecosystem.views import TYPE_OF_PLURAL, _forbidden

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    context: dict = {"types": list(TYPE_OF_PLURAL.items()), "report": None, "error": ""}
    if request.method == "POST":
        plural = request.POST.get("type", "")
        upload = request.FILES.get("file")
        context["selected"] = plural
        try:
            if plural not in TYPE_OF_PLURAL:
                raise DomainError("choose what the file holds", field="type")
            if upload is None:
                raise DomainError("choose a file", field="file")
            fmt = tabular.detect_format(upload.name or "")
            table = tabular.read_table(upload.read(), fmt, encoding=request.POST.get("encoding") or "utf-8")
            report = importer.plan_and_apply(
                actor=request.user,
                type_name=TYPE_OF_PLURAL[plural],
                table=table,
                dry_run=request.POST.get("apply") != "1",
                accept_merges=request.POST.get("accept_merges") == "1",
            )
            context["report"] = report
        except DomainError as exc:
            context["error"] = exc.message
    status = 422 if context["error"] or (context["report"] and not context["report"].ok) else 200
    return render(request, "ecosystem/import.html", context, status=status)


def export_file(request: HttpRequest, plural: str, fmt: str) -> HttpResponse:
    if plural not in TYPE_OF_PLURAL or fmt not in tabular.FORMATS:
        raise Http404("unknown export")
    type_name = TYPE_OF_PLURAL[plural]
    decision = policy.decide(request.user, policy.EXPORT, importer.TYPE_NAMES[type_name])
    if not decision:
        return _forbidden(request, decision.reason)
    columns, rows = importer.export_records(user=request.user, type_name=type_name)
    response = HttpResponse(tabular.write_table(columns, rows, fmt), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="biopark-{plural}.{fmt}"'
    return response
