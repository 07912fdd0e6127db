"""Import and export pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from biopark.accounts import policy
from biopark.core import uploads
from biopark.core.errors import DomainError
from biopark.ecosystem import importer, jobs, tabular
from biopark.ecosystem.models import ImportJob
from biopark.ecosystem.views import TYPE_OF_PLURAL, _forbidden

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    context: dict = {
        "types": list(TYPE_OF_PLURAL.items()),
        "report": None,
        "error": "",
        "max_mb": uploads.megabytes(uploads.max_upload_bytes()),
        "max_rows": f"{tabular.max_rows():,}",
    }
    if request.method == "POST":
        plural = request.POST.get("type", "")
        upload = request.FILES.get("file")
        context["selected"] = plural
        try:
            if plural not in TYPE_OF_PLURAL:
                raise DomainError("choose what the file holds", field="type")
            if upload is None:
                raise DomainError("choose a file", field="file")
            uploads.check_size(upload)  # before anything reads it
            fmt = tabular.detect_format(upload.name or "")
            data = upload.read()
            encoding = request.POST.get("encoding") or "utf-8"
            table = tabular.read_table(data, fmt, encoding=encoding)
            type_name = TYPE_OF_PLURAL[plural]
            dry_run = request.POST.get("apply") != "1"
            accept_merges = request.POST.get("accept_merges") == "1"
            if len(table.rows) > jobs.BACKGROUND_ROWS:
                # A large file: check the permission now, then queue it for a worker while the page polls.
                policy.require(request.user, policy.IMPORT, importer.TYPE_NAMES[type_name])
                job = jobs.create_job(
                    user=request.user, type_name=type_name, file_name=upload.name or "", data=data,
                    encoding=encoding, dry_run=dry_run, accept_merges=accept_merges, rows_total=len(table.rows),
                )
                return redirect("import-job", pk=job.pk)
            report = importer.plan_and_apply(
                actor=request.user, type_name=type_name, table=table, dry_run=dry_run, accept_merges=accept_merges,
            )
            context["report"] = report
        except DomainError as exc:
            context["error"] = exc.message
    jobs.expire_stale()
    context["jobs"] = ImportJob.objects.filter(user_id=request.user.pk or 0)[:10]  # signed in: pk is set
    status = 422 if context["error"] or (context["report"] and not context["report"].ok) else 200
    return render(request, "ecosystem/import.html", context, status=status)


@login_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    """A background import: a progress bar that polls itself while the job runs, then the report."""
    jobs.expire_stale()
    job = get_object_or_404(ImportJob, pk=pk)
    if job.user_id != request.user.pk and not policy.actor_for(request.user).is_admin:
        # Someone else's import answers like a missing one (its id says nothing).
        raise Http404(_("Only the person who started an import (or an administrator) may see it."))
    done = min(job.rows_done, job.rows_total)
    context = {
        "job": job,
        "rows_done": done,
        "percent": round(100 * done / job.rows_total) if job.rows_total else 0,
        "report": job.report,
        # Errors the import itself words (a dead process, say) are in the catalogue; others show as written.
        "error": _(job.error) if job.error else "",
    }
    template = "ecosystem/import_job.html#progress" if getattr(request, "htmx", False) else "ecosystem/import_job.html"
    return render(request, template, context)


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
