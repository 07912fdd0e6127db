"""Deals pages: thin views over the selectors, the forms and the services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from biopark.accounts import policy
from biopark.core import formatting
from biopark.core.errors import DomainError, PermissionRefused
from biopark.core.handlers import forbidden
from biopark.core.params import Params
from biopark.deals import forms, rules, selectors, services
from biopark.deals.models import Agreement, Event, IPAsset
from biopark.deals.selectors import Totals
from biopark.ecosystem.selectors import cited_passages, history_of


def totals_text(totals: Totals) -> str:
    """"32 项协议，277 亿元" / "32 agreements, 27,700,000,000 CNY": computed, never typed."""
    lang = get_language()
    text = ngettext("%(count)d agreement", "%(count)d agreements", totals.count) % {"count": totals.count}
    for currency, total in totals.sums:
        text += _(", ") + formatting.format_money(total, currency, lang).text
    return text


def _visible(request: HttpRequest, obj: Any) -> Any:
    # A record the reader may not see answers exactly like one that does not exist.
    if obj is None or not policy.decide(request.user, policy.VIEW, obj):
        raise Http404(_("No such record"))
    return obj


def _may(request: HttpRequest, action: str, obj: Any) -> bool:
    return policy.decide(request.user, action, obj).allowed


# --- agreements ----------------------------------------------------------------------------------------------


def agreement_list(request: HttpRequest) -> HttpResponse:
    get = Params(request.GET)
    params: dict[str, Any] = {
        "q": get.text("q") or None,
        "kind": get.choice("kind", Agreement.Kind.choices) or None,
        "status": get.choice("status", Agreement.Status.choices) or None,
        "park": get.text("park", max_length=200) or None,
        "event": get.int("event"),
        "organisation": get.int("organisation"),
    }
    qs = selectors.agreement_list(user=request.user, **params)
    page = Paginator(qs, 50).get_page(get.int("page", maximum=10**6))
    context = {
        "page": page, "params": params, "kinds": Agreement.Kind.choices, "statuses": Agreement.Status.choices,
        "may_create": _may(request, policy.CREATE, Agreement),
    }
    return render(request, "deals/list.html", context)


def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _visible(request, selectors.agreement_detail(pk))
    may_change = _may(request, policy.CHANGE, agreement)
    error, fields = "", {}
    if request.method == "POST":
        if not may_change:
            return forbidden(request, policy.decide(request.user, policy.CHANGE, agreement).reason)
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise DomainError(_("choose a file"), field="file")
            services.document_add(actor=request.user, agreement=agreement, name=upload.name or "",
                                  content=upload.read())
        except DomainError as exc:
            error, fields = exc.message, exc.fields
        else:
            messages.success(request, _("Document added."))
            return redirect(f"/deals/{agreement.pk}/")
    context = {
        "agreement": agreement,
        "terms": selectors.licence_terms_of(agreement),
        "projects": [p for p in agreement.projects.all() if _may(request, policy.VIEW, p)],
        "ip_assets": [a for a in agreement.ip_assets.all() if _may(request, policy.VIEW, a)],
        "citations": cited_passages(agreement, request.user),
        "history": history_of(agreement) if may_change else [],
        "may_change": may_change,
        "error": error,
        "fields": fields,
    }
    return render(request, "deals/detail.html", context, status=422 if error else 200)


def document_download(request: HttpRequest, pk: int, doc: int) -> HttpResponseBase:
    agreement = _visible(request, selectors.agreement_detail(pk))
    document = agreement.documents.filter(pk=doc).first()
    if document is None:
        raise Http404(_("No such record"))
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.original_name)


def _form_page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, template, context, status=status)


def _agreement_form_context(request: HttpRequest, values: dict[str, Any], errors: dict[str, str], **extra: Any
                            ) -> dict[str, Any]:
    return {
        "fields": forms.fill(forms.agreement_fields(request.user), values, errors),
        "groups": [
            (_("Parties"), "party", forms.rows(forms.PARTY_ROWS, values, errors), errors.get("parties", "")),
            (_("Signatories and witnesses"), "signatory", forms.rows(forms.SIGNATORY_ROWS, values, errors),
             errors.get("signatories", "")),
        ],
        **extra,
    }


def agreement_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    agreement = _visible(request, selectors.agreement_detail(pk)) if pk is not None else None
    decision = policy.decide(request.user, policy.CHANGE if agreement else policy.CREATE, agreement or Agreement)
    if not decision:
        return forbidden(request, decision.reason)
    values: dict[str, Any] = {}
    if agreement is not None:
        values = forms.agreement_values(agreement)
        values.update(forms.values_from_rows(forms.PARTY_ROWS, [
            {"organisation": link.organisation.key or str(link.organisation_id), "role": link.role}
            for link in agreement.party_links.all()]))
        values.update(forms.values_from_rows(forms.SIGNATORY_ROWS, [
            {"person": s.person.key or str(s.person_id), "role": s.role,
             "organisation": (s.organisation.key or str(s.organisation_id)) if s.organisation else "",
             "title_zh": s.title_zh, "title_en": s.title_en} for s in agreement.signatories.all()]))
    else:
        values = {"status": Agreement.Status.SIGNED, "confidentiality": "park", "kind": Agreement.Kind.COOPERATION}
    errors: dict[str, str] = {}
    message = ""
    if request.method == "POST":
        values = request.POST.dict()
        found = forms.Errors()
        parties = forms.read_parties(request.POST, found)
        signatories = forms.read_signatories(request.POST, found)
        projects = forms.read_projects(values.get("projects", ""), found)
        ip_assets = forms.read_ip_assets(values.get("ip_assets", ""), found)
        data = {name: values.get(name, "") for name in services.AGREEMENT_FIELDS if name != "key"}
        try:
            if found:
                raise DomainError(_("correct the fields marked below"), fields=dict(found))
            if agreement is None:
                agreement = services.agreement_create(actor=request.user, data=data, parties=parties,
                                                      signatories=signatories, projects=projects, ip_assets=ip_assets)
            else:
                services.agreement_update(actor=request.user, agreement=agreement, data=data, parties=parties,
                                          signatories=signatories, projects=projects, ip_assets=ip_assets,
                                          expected_version=Params(request.POST).int("version"))
        except DomainError as exc:
            message, errors = exc.message, exc.fields
            if pk is None:
                agreement = None
        else:
            messages.success(request, _("Agreement saved."))
            return redirect(f"/deals/{agreement.pk}/")
    context = _agreement_form_context(request, values, errors, obj=agreement, message=message,
                                      version=getattr(agreement, "version", None),
                                      cancel=f"/deals/{agreement.pk}/" if agreement else "/deals/",
                                      heading=_("Edit agreement") if agreement else _("New agreement"))
    return _form_page(request, "deals/form.html", context, status=422 if message else 200)


def terms_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _visible(request, selectors.agreement_detail(pk))
    decision = policy.decide(request.user, policy.CHANGE, agreement)
    if not decision:
        return forbidden(request, decision.reason)
    values = forms.terms_values(selectors.licence_terms_of(agreement))
    errors: dict[str, str] = {}
    message = ""
    if request.method == "POST":
        values = request.POST.dict()
        found = forms.Errors()
        milestones = forms.read_milestones(request.POST, found)
        tiers = forms.read_tiers(request.POST)
        data = {f.name: values.get(f.name, "") for f in forms.terms_fields()}
        try:
            if found:
                raise DomainError(_("correct the fields marked below"), fields=dict(found))
            services.licence_terms_set(actor=request.user, agreement=agreement, data=data, milestones=milestones,
                                       royalty_tiers=tiers)
        except DomainError as exc:
            message = exc.message
            errors = {**forms.row_error(exc, milestones, "milestone", "milestones")}
            errors.update(forms.row_error(exc, tiers, "tier", "royalty_tiers"))
        else:
            messages.success(request, _("Licence terms saved."))
            return redirect(f"/deals/{agreement.pk}/")
    context = {
        "fields": forms.fill(forms.terms_fields(), values, errors),
        "groups": [
            (_("Milestones"), "milestone", forms.rows(forms.MILESTONE_ROWS, values, errors), ""),
            (_("Royalty tiers"), "tier", forms.rows(forms.TIER_ROWS, values, errors), errors.get("royalty_tiers", "")),
        ],
        "obj": agreement, "message": message, "cancel": f"/deals/{agreement.pk}/",
        "heading": _("Licence terms of %(title)s") % {"title": agreement.title},
    }
    return _form_page(request, "deals/form.html", context, status=422 if message else 200)


def add_row(request: HttpRequest, prefix: str, index: int) -> HttpResponse:
    """One more blank row of a form's table (htmx)."""
    spec = forms.ROW_SPECS.get(prefix)
    if spec is None or index >= forms.MAX_ROWS:
        raise Http404(_("No such record"))
    row = forms.row_fields(spec, index, {}, {})
    return render(request, "deals/_row.html", {"row": row, "prefix": prefix, "next": index + 1})


# --- IP assets ------------------------------------------------------------------------------------------------


def ip_list(request: HttpRequest) -> HttpResponse:
    get = Params(request.GET)
    params = {
        "q": get.text("q") or None,
        "kind": get.choice("kind", IPAsset.Kind.choices) or None,
        "status": get.choice("status", IPAsset.Status.choices) or None,
        "jurisdiction": get.choice("jurisdiction", IPAsset.Jurisdiction.choices) or None,
    }
    page = Paginator(selectors.ip_list(user=request.user, **params), 50).get_page(get.int("page", maximum=10**6))
    context = {"page": page, "params": params, "kinds": IPAsset.Kind.choices, "statuses": IPAsset.Status.choices,
               "jurisdictions": IPAsset.Jurisdiction.choices, "may_create": _may(request, policy.CREATE, IPAsset)}
    return render(request, "deals/ip_list.html", context)


def ip_detail(request: HttpRequest, pk: int) -> HttpResponse:
    asset = _visible(request, selectors.ip_detail(pk))
    may_change = _may(request, policy.CHANGE, asset)
    context = {
        "asset": asset, "agreements": selectors.agreements_of_ip(request.user, asset),
        "projects": [p for p in asset.projects.all() if _may(request, policy.VIEW, p)],
        "citations": cited_passages(asset, request.user), "history": history_of(asset) if may_change else [],
        "may_change": may_change,
    }
    return render(request, "deals/ip_detail.html", context)


def ip_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    asset = _visible(request, selectors.ip_detail(pk)) if pk is not None else None
    decision = policy.decide(request.user, policy.CHANGE if asset else policy.CREATE, asset or IPAsset)
    if not decision:
        return forbidden(request, decision.reason)
    values: dict[str, Any] = forms.ip_values(asset) if asset else {"confidentiality": "park", "jurisdiction": "CN"}
    errors: dict[str, str] = {}
    message = ""
    if request.method == "POST":
        values = request.POST.dict()
        found = forms.Errors()
        owners = forms.read_organisations(forms.OWNER_ROWS, request.POST, found)
        projects = forms.read_projects(values.get("projects", ""), found)
        data = {name: values.get(name, "") for name in services.IP_FIELDS}
        try:
            if found:
                raise DomainError(_("correct the fields marked below"), fields=dict(found))
            if asset is None:
                asset = services.ip_asset_create(actor=request.user, data=data, owners=owners, projects=projects)
            else:
                services.ip_asset_update(actor=request.user, asset=asset, data=data, owners=owners, projects=projects,
                                         expected_version=Params(request.POST).int("version"))
        except DomainError as exc:
            message, errors = exc.message, exc.fields
            if pk is None:
                asset = None
        else:
            messages.success(request, _("IP asset saved."))
            return redirect(f"/deals/ip/{asset.pk}/")
    context = {
        "fields": forms.fill(forms.ip_fields(request.user), values, errors),
        "groups": [(_("Owners"), "owner", forms.rows(forms.OWNER_ROWS, values, errors), errors.get("owners", ""))],
        "obj": asset, "message": message, "version": getattr(asset, "version", None),
        "cancel": f"/deals/ip/{asset.pk}/" if asset else "/deals/ip/",
        "heading": _("Edit IP asset") if asset else _("New IP asset"),
    }
    return _form_page(request, "deals/form.html", context, status=422 if message else 200)


# --- events ------------------------------------------------------------------------------------------------------


def event_list(request: HttpRequest) -> HttpResponse:
    decision = policy.decide(request.user, policy.VIEW, Event)
    if not decision:
        return forbidden(request, decision.reason)
    get = Params(request.GET)
    kind = get.choice("kind", Event.Kind.choices) or None
    rows = [(e, totals_text(t)) for e, t in selectors.event_list(user=request.user, kind=kind)]
    context = {"rows": rows, "kind": kind, "kinds": Event.Kind.choices,
               "may_create": _may(request, policy.CREATE, Event)}
    return render(request, "deals/events.html", context)


def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = _visible(request, selectors.event_detail(pk))  # a confidential event answers like a missing one
    totals = selectors.totals_by_event(request.user, [event.pk]).get(event.pk, Totals(0, [], 0))
    may_change = _may(request, policy.CHANGE, event)
    context = {
        "event": event, "agreements": selectors.event_agreements(request.user, event), "totals": totals_text(totals),
        "audience": rules.event_audience(event),
        "citations": cited_passages(event, request.user), "history": history_of(event) if may_change else [],
        "may_change": may_change,
    }
    return render(request, "deals/event_detail.html", context)


def event_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    event = selectors.event_detail(pk) if pk is not None else None
    if pk is not None:
        _visible(request, event)
    decision = policy.decide(request.user, policy.CHANGE if event else policy.CREATE, event or Event)
    if not decision:
        return forbidden(request, decision.reason)
    values: dict[str, Any] = forms.event_values(event) if event else {"kind": Event.Kind.SIGNING}
    errors: dict[str, str] = {}
    message = ""
    if request.method == "POST":
        values = request.POST.dict()
        found = forms.Errors()
        organisers = forms.read_organisations(forms.ORGANISER_ROWS, request.POST, found)
        participants = forms.read_participants(request.POST, found)
        data = {name: values.get(name, "") for name in services.EVENT_FIELDS if name != "key"}
        # A form without the field (or left on its empty choice) keeps the event as it is, or confidential.
        data["visibility"] = data["visibility"] or (event.visibility if event else Event.Visibility.CONFIDENTIAL)
        try:
            if found:
                raise DomainError(_("correct the fields marked below"), fields=dict(found))
            if event is None:
                event = services.event_create(actor=request.user, data=data, organisers=organisers,
                                              participants=participants)
            else:
                services.event_update(actor=request.user, event=event, data=data, organisers=organisers,
                                      participants=participants, expected_version=Params(request.POST).int("version"))
        except DomainError as exc:
            message, errors = exc.message, exc.fields
            if isinstance(exc, PermissionRefused):
                errors.setdefault("park", exc.message)
            if pk is None:
                event = None
        else:
            messages.success(request, _("Event saved."))
            return redirect(f"/deals/events/{event.pk}/")
    context = {
        "fields": forms.fill(forms.event_fields(request.user), values, errors),
        "groups": [
            (_("Organisers"), "organiser", forms.rows(forms.ORGANISER_ROWS, values, errors), ""),
            (_("Participants"), "participant", forms.rows(forms.PARTICIPANT_ROWS, values, errors), ""),
        ],
        "obj": event, "message": message, "version": getattr(event, "version", None),
        "cancel": f"/deals/events/{event.pk}/" if event else "/deals/events/",
        "heading": _("Edit event") if event else _("New event"),
    }
    return _form_page(request, "deals/form.html", context, status=422 if message else 200)
