"""Import and export pages."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from biopark.accounts import policy
from biopark.core import uploads
from biopark.core.errors import DomainError
from biopark.ecosystem import import_columns, importer, jobs, nav, staging, tabular
from biopark.ecosystem.fields import FIELD_LABELS, PLURAL_LABELS
from biopark.ecosystem.importer import STATUS_LABELS
from biopark.ecosystem.models import ImportJob, Organisation, Park
from biopark.ecosystem.views import TYPE_OF_PLURAL, _forbidden

PLURAL_OF_TYPE = {type_name: plural for plural, type_name in TYPE_OF_PLURAL.items()}

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def _park_choices(user: Any) -> list[Park]:
    """Parks a whole file may be placed in: those the user may create records in, by name."""
    actor = policy.actor_for(user)
    parks = Park.objects.order_by("name_zh", "name_en")
    if actor.is_admin:
        return list(parks[:500])
    return list(parks.filter(pk__in=actor.park_scope)) if actor.park_scope else []


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    importer_allowed = nav.may_import(policy.actor_for(request.user))
    parks = _park_choices(request.user) if importer_allowed else []
    actor = policy.actor_for(request.user)
    context: dict = {
        "status_labels": STATUS_LABELS, "field_labels": FIELD_LABELS,
        "types": [(plural, PLURAL_LABELS[plural]) for plural in TYPE_OF_PLURAL],
        "columns": [(plural, PLURAL_LABELS[plural], import_columns.columns_for(TYPE_OF_PLURAL[plural]))
                    for plural in TYPE_OF_PLURAL],
        "report": None,
        "error": "",
        "may_import": importer_allowed,
        "parks": parks,
        "selected_park": str(actor.park_id or ""),
        "max_mb": uploads.megabytes(uploads.max_upload_bytes()),
        "max_rows": f"{tabular.max_rows():,}",
    }
    if request.method == "POST":
        if not importer_allowed:
            reason = policy.decide(request.user, policy.IMPORT, Organisation).reason
            return _forbidden(request, reason)
        context["selected_park"] = request.POST.get("park", "")
        try:
            response = _run_import(request, context, parks)
        except DomainError as exc:
            context["error"] = exc.message
        else:
            if response is not None:
                return response
    jobs.expire_stale()
    context["jobs"] = ImportJob.objects.filter(user_id=request.user.pk or 0)[:10]  # signed in: pk is set
    status = 422 if context["error"] or (context["report"] and not context["report"].ok) else 200
    return render(request, "ecosystem/import.html", context, status=status)


def _run_import(request: HttpRequest, context: dict, parks: list[Park]) -> HttpResponse | None:
    """Check (or apply) the uploaded file, or the one a dry run kept; the report goes into `context`."""
    plural = request.POST.get("type", "")
    context["selected"] = plural
    if plural not in TYPE_OF_PLURAL:
        raise DomainError(_("Choose what the file holds."), field="type")
    type_name = TYPE_OF_PLURAL[plural]
    park_id = request.POST.get("park", "")
    park = next((p for p in parks if str(p.pk) == park_id), None)
    if park_id and park is None:
        raise DomainError(_("Choose one of the listed parks."), field="park")
    dry_run = request.POST.get("apply") != "1"
    encoding = request.POST.get("encoding") or "utf-8"
    staged = request.POST.get("staged", "")
    upload = request.FILES.get("file")
    accepted: frozenset[int] | None = None
    accept_merges = request.POST.get("accept_merges") == "1"
    if staged and upload is None:
        # The import of a file a dry run checked: the user decided on each proposed merge (or on all at once).
        file_name, data = staging.load(request.user, staged)
        accepted = None if accept_merges else frozenset(
            int(k.split("-", 1)[1]) for k, v in request.POST.items()
            if k.startswith("merge-") and k.split("-", 1)[1].isdigit() and v == "accept")
    else:
        if upload is None:
            raise DomainError(_("Choose a file."), field="file")
        uploads.check_size(upload)  # before anything reads it
        file_name, data = upload.name or "", upload.read()
    fmt = tabular.detect_format(file_name)
    table = tabular.read_table(data, fmt, encoding=encoding)
    if len(table.rows) > jobs.BACKGROUND_ROWS:
        # A large file: check the permission now, then queue it for a worker while the page polls. A dry run
        # stages the file, so its report can offer the import with a choice per proposed merge; the import
        # carries those choices (and the park) into its job.
        policy.require(request.user, policy.IMPORT, importer.TYPE_NAMES[type_name])
        job = jobs.create_job(
            user=request.user, type_name=type_name, file_name=file_name, data=data,
            encoding=encoding, dry_run=dry_run, accept_merges=accept_merges, rows_total=len(table.rows),
            accepted_lines=accepted, park_id=park.pk if park is not None else None,
            staged=staging.save(request.user, file_name, data) if dry_run else "",
        )
        if staged and not dry_run:
            staging.discard(request.user, staged)  # the job keeps its own copy
        return redirect("import-job", pk=job.pk)
    report = importer.plan_and_apply(
        actor=request.user, type_name=type_name, table=table, dry_run=dry_run, accept_merges=accept_merges,
        defaults={"park": park} if park is not None else None, accepted_lines=accepted,
    )
    context["report"] = report
    if dry_run and report.ok:
        # Kept for the "Import" button of the report, so the file need not be chosen again.
        context["staged"] = staging.save(request.user, file_name, data)
        context["encoding"] = encoding
    elif staged and report.applied:
        staging.discard(request.user, staged)
    return None


def import_template(request: HttpRequest, plural: str, fmt: str) -> HttpResponse:
    """An empty file of one record type (its header names the columns by their labels)."""
    if plural not in TYPE_OF_PLURAL or fmt not in ("csv", "xlsx"):
        raise Http404(_("Unknown record type."))
    response = HttpResponse(import_columns.template_file(TYPE_OF_PLURAL[plural], fmt), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="biopark-{plural}-template.{fmt}"'
    return response


@login_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    """A background import: a progress bar that polls itself while the job runs, then the report."""
    jobs.expire_stale()
    job = get_object_or_404(ImportJob, pk=pk)
    if job.user_id != request.user.pk and not policy.actor_for(request.user).is_admin:
        # Someone else's import answers like a missing one (its id says nothing).
        raise Http404(_("Only the person who started an import (or an administrator) may see it."))
    done = min(job.rows_done, job.rows_total)
    report = job.report
    if report:
        report = {**report, "skipped": [r for r in report.get("rows", []) if r.get("status") == "skipped"]}
    context = {
        "status_labels": STATUS_LABELS, "field_labels": FIELD_LABELS,
        "job": job,
        "rows_done": done,
        "percent": round(100 * done / job.rows_total) if job.rows_total else 0,
        "report": report,
        # Errors the import itself words (a dead process, say) are in the catalogue; others show as written.
        "error": _(job.error) if job.error else "",
    }
    if report and job.dry_run and report.get("staged") and job.user_id == request.user.pk:
        # A clean dry run: its owner reviews the proposed merges row by row and imports the staged file.
        context.update(staged=report["staged"], selected=PLURAL_OF_TYPE[job.type_name],
                       selected_park=str(report.get("park") or ""), encoding=job.encoding, confirm_action="/import/")
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
