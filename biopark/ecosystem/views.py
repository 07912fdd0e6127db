"""Registry pages: thin views that call selectors and services and render templates (htmx partials)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from biopark.accounts import policy
from biopark.core.errors import DomainError, PreconditionFailed
from biopark.core.handlers import forbidden as _forbidden
from biopark.core.handlers import visible_or_404 as _visible_or_404
from biopark.core.params import Params
from biopark.ecosystem import forms, selectors, services
from biopark.ecosystem.fields import MODEL_TYPE, PLURAL_LABELS, TYPE_LABELS, TYPE_NAMES
from biopark.ecosystem.models import STAGES, Organisation, Park, Person, Platform, Relation

PLURAL = {"park": "parks", "organisation": "organisations", "person": "people", "platform": "platforms"}
TYPE_OF_PLURAL = {v: k for k, v in PLURAL.items()}


def _model(plural: str) -> Any:
    if plural not in TYPE_OF_PLURAL:
        raise Http404(_("Unknown record type."))
    return TYPE_NAMES[TYPE_OF_PLURAL[plural]]


def search_all(request: HttpRequest) -> HttpResponse:
    q = Params(request.GET).text("q")
    groups = []
    if q:
        for type_name, plural in PLURAL.items():
            model = TYPE_NAMES[type_name]
            qs = selectors.record_list(model=model, user=request.user, q=q)
            groups.append({"plural": plural, "type": type_name, "count": qs.count(), "items": list(qs[:10])})
    template = "ecosystem/search.html#results" if request.htmx else "ecosystem/search.html"  # type: ignore[attr-defined]
    return render(request, template, {"q": q, "groups": groups})


def record_list(request: HttpRequest, plural: str) -> HttpResponse:
    model = _model(plural)
    decision = policy.decide(request.user, policy.VIEW, model)
    if not decision:
        return _forbidden(request, decision.reason)
    kinds = model._meta.get_field("kind").choices if hasattr(model, "kind") else []
    params = Params(request.GET)
    q, kind = params.text("q"), params.choice("kind", kinds) or None
    # Parks and organisations are chosen by name (the fields suggest names as one types); an id still works.
    park_text, org_text = params.text("park"), params.text("organisation")
    park = selectors.named(Park, request.user, park_text) if park_text and model is not Person else None
    org = selectors.named(Organisation, request.user, org_text) if org_text and model in (Person, Platform) else None
    filter_errors = {}
    if park_text and park is None and model is not Person:
        filter_errors["park"] = _("No park is named %(name)s.") % {"name": park_text}
    if org_text and org is None and model in (Person, Platform):
        filter_errors["organisation"] = _("No organisation is named %(name)s.") % {"name": org_text}
    qs = selectors.record_list(model=model, user=request.user, q=q, kind=kind, park_id=park.pk if park else None,
                               organisation_id=org.pk if org else None)
    page = Paginator(qs, 50).get_page(params.int("page", maximum=10**6))
    context: dict[str, Any] = {
        "plural": plural,
        "plural_label": PLURAL_LABELS[plural],
        "type": MODEL_TYPE[model],
        "page": page,
        "q": q,
        "kind": kind or "",
        "kinds": kinds,
        "park_filter": str(park) if park else park_text,
        "organisation_filter": str(org) if org else org_text,
        "filter_errors": filter_errors,
        "may_create": policy.decide(request.user, policy.CREATE, model).allowed,
    }
    if model is Park and not q and not kind and not park_text:
        context["tree"] = selectors.park_tree(request.user)
    template = "ecosystem/list.html#results" if request.htmx else "ecosystem/list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def record_detail(request: HttpRequest, plural: str, pk: int) -> HttpResponse:
    model = _model(plural)
    obj = _visible_or_404(request, model, pk)
    context = {
        "plural": plural,
        "type": MODEL_TYPE[model],
        "obj": obj,
        "relations": selectors.relations_of(obj),
        "citations": selectors.cited_passages(obj, request.user),
        "figures": selectors.figures_of(obj),
        "history": selectors.history_of(obj) if request.user.is_authenticated else [],
        "may_change": policy.decide(request.user, policy.CHANGE, obj).allowed,
        "plural_of": PLURAL,
        "predicates": Relation.Predicate.choices,
        "entity_types": [(t, TYPE_LABELS[t]) for t in PLURAL],
        "stage_labels": {code: str(label) for code, label in STAGES},
    }
    if model is Person:
        context["positions"] = list(obj.positions.select_related("organisation"))
    if model is Organisation:
        context["agreements"] = list(
            obj.agreement_links.select_related("agreement").prefetch_related("agreement__party_links__organisation")
        )
        context["people"] = list(obj.positions.select_related("person"))
        context["platforms"] = list(obj.platforms_operated.all())
        context["may_merge"] = policy.decide(request.user, policy.DELETE, obj).allowed and context["may_change"]
    if model is Park:
        context["children"] = list(obj.children.all())
        context["organisations"] = list(obj.organisations.order_by("id")[:100])
        context["organisation_count"] = obj.organisations.count()
        context["platforms"] = list(obj.platforms.all()[:100])
    return render(request, "ecosystem/detail.html", context)


def record_edit(request: HttpRequest, plural: str, pk: int | None = None) -> HttpResponse:
    model = _model(plural)
    obj = None
    if pk is not None:
        obj = _visible_or_404(request, model, pk)
        decision = policy.decide(request.user, policy.CHANGE, obj)
    else:
        decision = policy.decide(request.user, policy.CREATE, model)
    if not decision:
        return _forbidden(request, decision.reason)
    errors: dict[str, str] = {}
    error_message = ""
    conflict = False
    version = getattr(obj, "version", None)
    if request.method == "POST":
        data = forms.data_from_post(model, request.POST)
        try:
            if obj is None:
                obj = services.record_create(actor=request.user, model=model, data=data)
            else:
                posted = request.POST.get("version", "")
                # A form without a version (an old page) is treated as stale rather than trusted.
                expected = int(posted) if posted.isdigit() else 0
                services.record_update(actor=request.user, instance=obj, data=data, expected_version=expected)
        except PreconditionFailed as exc:
            error_message, conflict = exc.message, True
            version = exc.current_version
            assert obj is not None
            obj.refresh_from_db()
        except DomainError as exc:
            errors, error_message = exc.fields, exc.message
            if obj is not None and obj.pk:
                obj.refresh_from_db()
        else:
            messages.success(request, _("Saved."))
            return redirect(f"/{plural}/{obj.pk}/")
    fields = forms.describe(model, obj, errors, request.POST if request.method == "POST" else None)
    if conflict:
        forms.mark_conflicts(fields, forms.describe(model, obj, {}, None))
    status = 409 if conflict else (422 if error_message else 200)
    return render(
        request,
        "ecosystem/edit.html",
        {
            "plural": plural, "obj": obj, "fields": fields, "error_message": error_message,
            "type": MODEL_TYPE[model], "version": version, "conflict": conflict,
        },
        status=status,
    )


def relation_add(request: HttpRequest, plural: str, pk: int) -> HttpResponse:
    """Add a typed relation from this record to another (form on the record page)."""
    model = _model(plural)
    obj = _visible_or_404(request, model, pk)
    if request.method != "POST":
        raise Http404(_("No such record"))
    try:
        other = selectors.resolve_record(request.POST.get("other_type", ""), request.POST.get("other", ""))
        services.relation_create(actor=request.user, subject=obj, predicate=request.POST.get("predicate", ""),
                                 obj=other, note=request.POST.get("note", ""))
    except (DomainError, ValueError) as exc:
        message = exc.message if isinstance(exc, DomainError) else str(exc)
        if isinstance(exc, DomainError) and exc.status == 403:
            return _forbidden(request, message)
        messages.error(request, message)
    else:
        messages.success(request, _("Relation added."))
    return redirect(f"/{plural}/{obj.pk}/")


def relation_remove(request: HttpRequest, plural: str, pk: int, relation_id: int) -> HttpResponse:
    relation = Relation.objects.filter(pk=relation_id).first()
    if relation is None or request.method != "POST" or not policy.decide(request.user, policy.VIEW, relation):
        raise Http404(_("No such record"))
    try:
        services.relation_delete(actor=request.user, relation=relation)
    except DomainError as exc:
        return _forbidden(request, exc.message)
    messages.success(request, _("Relation removed."))
    return redirect(f"/{plural}/{pk}/")


def position_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = _visible_or_404(request, Person, pk)
    if request.method != "POST":
        raise Http404(_("No such record"))
    try:
        organisation = None
        if request.POST.get("organisation", "").strip():
            organisation = selectors.resolve_record("organisation", request.POST["organisation"])
        services.position_add(
            actor=request.user, person=person, organisation=organisation,
            title_zh=request.POST.get("title_zh", "").strip(), title_en=request.POST.get("title_en", "").strip(),
            start=request.POST.get("start") or None, end=request.POST.get("end") or None,
        )
    except DomainError as exc:
        if exc.status == 403:
            return _forbidden(request, exc.message)
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Position added."))
    return redirect(f"/people/{person.pk}/")


__all__ = ["search_all", "record_list", "record_detail", "record_edit", "Platform"]


def suggest(request: HttpRequest, plural: str) -> HttpResponse:
    """Names of visible parks or organisations matching what was typed: the options of a filter's list."""
    if plural not in ("parks", "organisations"):
        raise Http404(_("Unknown record type."))
    model = _model(plural)
    params = Params(request.GET)
    # The filter field sends its own name (park, organisation); q works too.
    typed = params.text("q") or params.text("park") or params.text("organisation")
    found = selectors.suggest(model, request.user, typed)
    return render(request, "ecosystem/suggest.html", {"found": found})
