"""Investment promotion pages: the board by stage, the list (with its XLSX export), one lead, the create and
edit forms, moves, activities, documents, and the statistics. Thin: they read through the selectors, write
through the services, and show every DomainError next to its field with its 4xx status."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from biopark.accounts import policy
from biopark.core import uploads
from biopark.core.errors import DomainError, ValidationFailed
from biopark.core.handlers import forbidden
from biopark.core.params import BadParameter, Params, register_labels
from biopark.deals.models import Agreement, Event
from biopark.ecosystem.models import Organisation, Park
from biopark.promotion import cards, charts, exports, forms, selectors, services
from biopark.promotion.models import Activity, Lead, LostReason, Pipeline, Source, Stage
from biopark.promotion.rules import TRANSITIONS
from biopark.services import files

register_labels({"pipeline": gettext_lazy("pipeline"), "owner": gettext_lazy("owner"),
                 "source": gettext_lazy("source"), "due": gettext_lazy("action due")})


def _refusal(request: HttpRequest) -> HttpResponse | None:
    decision = policy.decide(request.user, policy.VIEW, Lead)
    return None if decision else forbidden(request, decision.reason)


def _pipeline(request: HttpRequest, get: Params) -> tuple[Pipeline | None, list[Pipeline]]:
    available = selectors.pipelines(request.user)
    chosen = get.int("pipeline")
    found = next((p for p in available if p.pk == chosen), None) if chosen else None
    if chosen and found is None:
        raise BadParameter(_("there is no pipeline %(id)s") % {"id": chosen}, field="pipeline")
    return found or (available[0] if available else None), available


def _filters(request: HttpRequest) -> tuple[selectors.LeadFilters, dict[str, Any], list[Pipeline]]:
    get = Params(request.GET)
    pipeline, available = _pipeline(request, get)
    stages = selectors.stages_of(pipeline) if pipeline else []
    owners = selectors.owners(request.user)
    filters = selectors.LeadFilters(
        pipeline=pipeline,
        stage=int(get.choice("stage", [(str(s.pk), s.display_name) for s in stages]) or 0) or None,
        owner=int(get.choice("owner", [(str(u.pk), u.get_username()) for u in owners]) or 0) or None,
        source=get.choice("source", Source.choices),
        park=get.text("park"),
        q=get.text("q"),
        due=get.flag("due"),
    )
    context = {
        "pipelines": available, "pipeline": pipeline, "stages": stages, "owners": owners,
        "sources": Source.choices, "filters": filters,
    }
    return filters, context, available


def _query(filters: selectors.LeadFilters) -> str:
    """The filters as a query string, for links that keep them (pages, export, "more")."""
    values: dict[str, Any] = {
        "pipeline": filters.pipeline.pk if filters.pipeline else "", "stage": filters.stage or "",
        "owner": filters.owner or "", "source": filters.source, "park": filters.park, "q": filters.q,
        "due": "1" if filters.due else "",
    }
    return urlencode({k: v for k, v in values.items() if v})


def board(request: HttpRequest) -> HttpResponse:
    refused = _refusal(request)
    if refused:
        return refused
    filters, context, _available = _filters(request)
    today = timezone.localdate()
    columns = selectors.board(request.user, filters) if filters.pipeline else []
    query = _query(filters)
    labels = cards.Labels.current()
    # The CSRF field every card's move form repeats, rendered once (the same token for the whole page).
    csrf_input = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request))
    for column in columns:
        # The same options on every card of a column: built once.
        options = format_html_join(
            "", '<option value="{}">{}</option>', ((s.pk, s.display_name) for s in column.forward))
        column.cards = cards.board_cards(  # type: ignore[attr-defined]
            column.leads, options=options, labels=labels, csrf_input=csrf_input, back=f"/promotion/?{query}",
            today=today, movable=bool(column.forward))
    context.update({"columns": columns, "query": query})
    return render(request, "promotion/board.html", context)


def lead_list(request: HttpRequest) -> HttpResponse:
    refused = _refusal(request)
    if refused:
        return refused
    filters, context, _available = _filters(request)
    get = Params(request.GET)
    page = selectors.lead_page(request.user, filters, get.int("page", maximum=10**6))
    rows = cards.list_rows(page.object_list, labels=cards.Labels.current(), today=timezone.localdate())
    context.update({"page": page, "rows": rows, "query": _query(filters), "may_create": policy.decide(
        request.user, policy.CREATE, Lead).allowed})
    template = "promotion/list.html#results" if request.htmx else "promotion/list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def lead_export(request: HttpRequest) -> HttpResponse:
    decision = policy.decide(request.user, policy.EXPORT, Lead)
    if not decision:
        return forbidden(request, decision.reason)
    filters, _context, _available = _filters(request)
    content = exports.leads_xlsx(selectors.lead_list(request.user, filters))
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="leads.xlsx"'
    return response


# --- one lead ---------------------------------------------------------------------------------------


def _load(request: HttpRequest, pk: int) -> Lead:
    lead = selectors.lead_detail(pk)
    # A lead the user may not see answers exactly like one that does not exist.
    if lead is None or not policy.decide(request.user, policy.VIEW, lead):
        raise Http404(_("No such lead"))
    return lead


def _detail_context(request: HttpRequest, lead: Lead, **extra: Any) -> dict[str, Any]:
    stages = selectors.stages_of(lead.pipeline)
    context: dict[str, Any] = {
        "lead": lead,
        "overdue": selectors.is_overdue(lead),
        "targets": TRANSITIONS.targets(request.user, lead, stages),
        "lost_reasons": LostReason.choices,
        "activities": list(lead.activities.all()),
        "changes": list(lead.stage_changes.all()),
        "documents": list(lead.documents.all()),
        "activity_kinds": Activity.Kind.choices,
        "people_choices": selectors.people_for(lead),
        "today": timezone.localdate().isoformat(),
        "history": selectors.history(lead),
        "allowed_files": ", ".join(files.ALLOWED),
        "max_mb": files.max_bytes() // (1024 * 1024),
        "error": "", "fields": {}, "post": {},
    }
    context.update(extra)
    return context


def lead_detail(request: HttpRequest, pk: int) -> HttpResponse:
    refused = _refusal(request)
    if refused:
        return refused
    return render(request, "promotion/lead.html", _detail_context(request, _load(request, pk)))


def _choices(request: HttpRequest, lead: Lead | None) -> dict[str, Any]:
    actor = policy.actor_for(request.user)
    parks = Park.objects.all() if actor.is_admin else Park.objects.filter(pk__in=actor.park_scope)
    organisations = list(Organisation.objects.order_by("name_zh", "id")[:500])
    if lead is not None and lead.organisation not in organisations:
        organisations.append(lead.organisation)
    return {
        "parks": list(parks.order_by("name_zh", "id")[:500]),
        "owners": selectors.owners(request.user),
        "events": list(Event.objects.order_by("-starts_on", "id")[:200]),
        "agreements": list(Agreement.objects.order_by("-signed_on", "id")[:200]),
        "organisations": organisations,
    }


def _form(request: HttpRequest, lead: Lead | None, values: dict[str, Any], error: str = "",
          errors: dict[str, str] | None = None, status: int = 200) -> HttpResponse:
    fields = forms.lead_fields(values=values, errors=errors or {}, creating=lead is None, **_choices(request, lead))
    return render(request, "promotion/form.html", {"lead": lead, "fields": fields, "error": error,
                                                   "version": lead.version if lead else ""}, status=status)


def lead_create(request: HttpRequest) -> HttpResponse:
    decision = policy.decide(request.user, policy.CREATE, Lead)
    if not decision:
        return forbidden(request, decision.reason)
    if request.method != "POST":
        get = Params(request.GET)
        return _form(request, None, {"organisation": get.int("organisation") or ""})
    values = forms.posted(request.POST)
    new_org = {"name_zh": request.POST.get("new_organisation_zh", "").strip(),
               "name_en": request.POST.get("new_organisation_en", "").strip()}
    data = dict(values)
    if not data.get("organisation"):
        data.pop("organisation", None)
    try:
        if not data.get("organisation") and not any(new_org.values()):
            raise ValidationFailed(_("choose an organisation from the registry or name a new one"),
                                   field="organisation")
        lead = services.lead_create(actor=request.user, data=data,
                                    new_organisation=new_org if any(new_org.values()) else None)
    except DomainError as exc:
        values.update({"new_organisation_zh": new_org["name_zh"], "new_organisation_en": new_org["name_en"]})
        return _form(request, None, values, exc.message, exc.fields, exc.status)
    messages.success(request, _("Lead created."))
    return redirect(f"/promotion/leads/{lead.pk}/")


def lead_edit(request: HttpRequest, pk: int) -> HttpResponse:
    refused = _refusal(request)
    if refused:
        return refused
    lead = _load(request, pk)
    decision = policy.decide(request.user, policy.CHANGE, lead)
    if not decision:
        return forbidden(request, decision.reason)
    if request.method != "POST":
        return _form(request, lead, forms.initial_values(lead))
    values = forms.posted(request.POST)
    current = forms.initial_values(lead)
    # Only what the person changed is written (another person's change to other fields is kept).
    changed = {k: v for k, v in values.items() if str(current.get(k, "")) != v}
    try:
        version = Params(request.POST).int("version")
        services.lead_update(actor=request.user, lead=lead, data=changed, expected_version=version)
    except DomainError as exc:
        return _form(request, lead, values, exc.message, exc.fields, exc.status)
    messages.success(request, _("Lead saved."))
    return redirect(f"/promotion/leads/{lead.pk}/")


def _act(request: HttpRequest, pk: int, action: Any, done: str) -> HttpResponse:
    refused = _refusal(request)
    if refused:
        return refused
    lead = _load(request, pk)
    try:
        action(lead)
    except DomainError as exc:
        fresh = _load(request, pk)
        context = _detail_context(request, fresh, error=exc.message, fields=exc.fields, post=request.POST)
        return render(request, "promotion/lead.html", context, status=exc.status)
    messages.success(request, done)
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/promotion/") and "//" not in back else f"/promotion/leads/{pk}/")


def _stage(lead: Lead, value: Any) -> Stage | None:
    raw = str(value or "").strip()
    if not raw.isdigit() or len(raw) > 12:
        return None
    return lead.pipeline.stages.filter(pk=int(raw)).first()


@require_POST
def lead_move(request: HttpRequest, pk: int) -> HttpResponse:
    def action(lead: Lead) -> None:
        services.lead_move(actor=request.user, lead=lead, to_stage=_stage(lead, request.POST.get("stage")),
                           note=request.POST.get("note", ""), lost_reason=request.POST.get("lost_reason", ""))

    return _act(request, pk, action, _("Stage changed."))


@require_POST
def activity_add(request: HttpRequest, pk: int) -> HttpResponse:
    def action(lead: Lead) -> None:
        people = services.people_from_ids(request.POST.getlist("people"))
        services.activity_record(actor=request.user, lead=lead, kind=request.POST.get("kind", ""),
                                 on=request.POST.get("on", ""), summary=request.POST.get("summary", ""),
                                 people=people)

    return _act(request, pk, action, _("Activity recorded."))


@require_POST
def document_add(request: HttpRequest, pk: int) -> HttpResponse:
    def action(lead: Lead) -> None:
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationFailed(_("choose a file"), field="file")
        uploads.check_size(upload, limit=files.max_bytes())
        services.document_add(actor=request.user, lead=lead, name=upload.name or "", content=upload.read())

    return _act(request, pk, action, _("Document added."))


def document_download(request: HttpRequest, pk: int, did: int) -> HttpResponseBase:
    refused = _refusal(request)
    if refused:
        return refused
    lead = _load(request, pk)
    document = lead.documents.filter(pk=did).first()
    if document is None:
        raise Http404(_("No such document"))
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.original_name)


def stats(request: HttpRequest) -> HttpResponse:
    refused = _refusal(request)
    if refused:
        return refused
    get = Params(request.GET)
    pipeline, available = _pipeline(request, get)
    data = selectors.pipeline_statistics(request.user, pipeline) if pipeline else None
    context = {"pipelines": available, "pipeline": pipeline, "data": data,
               "charts": charts.statistics_charts(data) if data else {}}
    return render(request, "promotion/stats.html", context)
