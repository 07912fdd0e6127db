"""The platform managers' pages: resources (create, edit), outages (create, end, list), qualifications (grant
with an expiry, revoke, list) and the usage of past bookings. No daily link points into the Django admin.
Thin: parse, call a service, render; errors go next to their fields and what was typed stays."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from biopark.accounts import policy
from biopark.core.errors import DomainError
from biopark.facilities import forms, selectors, services, timeutil, usage
from biopark.facilities.models import Booking, Outage, Qualification, Resource
from biopark.facilities.pages import default_zone as _tz
from biopark.facilities.pages import forbidden as _forbidden
from biopark.facilities.templatetags.facilities_nav import may_manage

EXPIRING_DAYS = 30  # a qualification expiring within this many days is marked on the list


def _managed_resource(request: HttpRequest, pk: int) -> Resource:
    """A resource the user manages; any other answers like a missing one."""
    resource = selectors.managed_resources(user=request.user).filter(pk=pk).first()
    if resource is None:
        raise Http404(_("No such resource"))
    return resource


def _guard(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect(f"/accounts/login/?next={request.path}")
    if not may_manage(request.user):
        return _forbidden(request, _("You manage no resources."))
    return None


def _resource_form(request: HttpRequest, resource: Resource | None) -> HttpResponse:
    platforms = selectors.managed_platforms(user=request.user)
    if resource is not None:  # a resource stays on its platform: the edit form shows it, without a choice
        platforms = platforms.filter(pk=resource.platform_id)
    error_message = ""
    if request.method == "POST":
        form = forms.parse(request.POST, platforms)
        if not form.errors and form.platform is not None:
            try:
                if resource is None:
                    resource = services.resource_create(actor=request.user, platform=form.platform, data=form.data)
                    messages.success(request, _("Resource created."))
                else:
                    services.resource_update(actor=request.user, resource=resource, data=form.data)
                    messages.success(request, _("Resource saved."))
                return redirect(f"/facilities/resources/{resource.pk}/")
            except DomainError as exc:
                form.errors.update(exc.fields or {"name_zh": exc.message})
                error_message = exc.message
        else:
            error_message = _("Check the fields marked below.")
    else:
        form = forms.initial(resource, platforms)
    context = {
        "form": form, "resource": resource, "platforms": platforms, "error_message": error_message,
        "kinds": Resource.Kind.choices, "price_units": Resource.PriceUnit.choices,
        "currencies": Resource._meta.get_field("currency").choices,
    }
    return render(request, "facilities/resource_form.html", context, status=422 if error_message else 200)


def resource_new(request: HttpRequest) -> HttpResponse:
    refused = _guard(request)
    if refused is not None:
        return refused
    if not selectors.managed_platforms(user=request.user).exists():
        return _forbidden(request, _("You manage no platform."))
    return _resource_form(request, None)


def resource_edit(request: HttpRequest, pk: int) -> HttpResponse:
    refused = _guard(request)
    if refused is not None:
        return refused
    return _resource_form(request, _managed_resource(request, pk))


# --- outages ------------------------------------------------------------------------------------


def _parse_moment(value: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        return None


def outages(request: HttpRequest) -> HttpResponse:
    refused = _guard(request)
    if refused is not None:
        return refused
    resources = list(selectors.managed_resources(user=request.user)[:500])
    form = {"resource": request.GET.get("resource", ""), "kind": Outage.Kind.MAINTENANCE, "start": "", "end": "",
            "reason": ""}
    errors: dict[str, str] = {}
    if request.method == "POST":
        form.update({k: request.POST.get(k, "").strip() for k in form})
        resource = next((r for r in resources if str(r.pk) == form["resource"]), None)
        start, end = _parse_moment(form["start"]), _parse_moment(form["end"])
        if resource is None:
            errors["resource"] = _("choose one of the resources you manage")
        if start is None:
            errors["start"] = _("enter the start as a date and time")
        if end is None:
            errors["end"] = _("enter the end as a date and time")
        if not errors and resource is not None and start is not None and end is not None:
            try:
                _outage, flagged = services.outage_create(
                    actor=request.user, resource=resource, start=start, end=end, kind=form["kind"],
                    reason=form["reason"])
                messages.success(request, _("Outage recorded; %(n)d booking(s) in it were flagged to their owners.")
                                 % {"n": flagged})
                return redirect("/facilities/manage/outages/")
            except DomainError as exc:
                errors.update(exc.fields or {"start": exc.message})
    listed = selectors.outages_managed(user=request.user, since=timezone.now())
    context = {"resources": resources, "form": form, "errors": errors, "outages": list(listed[:200]),
               "kinds": Outage.Kind.choices, "tz": _tz()}
    return render(request, "facilities/outages.html", context, status=422 if errors else 200)


@require_POST
def outage_end(request: HttpRequest, pk: int) -> HttpResponse:
    outage = Outage.objects.select_related("resource__platform__park").filter(pk=pk).first()
    if outage is None or not policy.decide(request.user, policy.CHANGE, outage):
        raise Http404(_("No such outage"))
    try:
        ended = services.outage_end(actor=request.user, outage=outage)
        messages.success(request, _("Outage ended.") if ended else _("Outage removed (it had not begun)."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("/facilities/manage/outages/")


# --- qualifications -----------------------------------------------------------------------------


def _find_person(text: str) -> Any:
    text = text.strip()
    if not text:
        return None
    return get_user_model().objects.filter(Q(username=text) | Q(email__iexact=text), is_active=True).first()


def qualifications(request: HttpRequest) -> HttpResponse:
    refused = _guard(request)
    if refused is not None:
        return refused
    resources = list(selectors.managed_resources(user=request.user)[:500])
    form = {"resource": request.GET.get("resource", ""), "person": "", "expires_on": ""}
    errors: dict[str, str] = {}
    if request.method == "POST":
        form.update({k: request.POST.get(k, "").strip() for k in form})
        resource = next((r for r in resources if str(r.pk) == form["resource"]), None)
        person = _find_person(form["person"])
        expires: dt.date | None = None
        if resource is None:
            errors["resource"] = _("choose one of the resources you manage")
        if person is None:
            errors["person"] = _("no active account has this user name or e-mail address")
        if form["expires_on"]:
            try:
                expires = dt.date.fromisoformat(form["expires_on"])
            except ValueError:
                errors["expires_on"] = _("enter the expiry as a date")
        if not errors and resource is not None and person is not None:
            try:
                services.qualification_grant(actor=request.user, resource=resource, user=person, expires_on=expires)
                messages.success(request, _("Qualification granted."))
                return redirect("/facilities/manage/qualifications/")
            except DomainError as exc:
                errors.update(exc.fields or {"person": exc.message})
    today = timezone.now().astimezone(_tz()).date()
    rows = []
    for q in selectors.qualifications_managed(user=request.user)[:500]:
        state = ""
        if q.expires_on is not None and q.expires_on < today:
            state = "expired"
        elif q.expires_on is not None and q.expires_on <= today + dt.timedelta(days=EXPIRING_DAYS):
            state = "soon"
        rows.append((q, state))
    context = {"resources": resources, "form": form, "errors": errors, "rows": rows, "days": EXPIRING_DAYS}
    return render(request, "facilities/qualifications.html", context, status=422 if errors else 200)


@require_POST
def qualification_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    qual = Qualification.objects.select_related("resource__platform").filter(pk=pk).first()
    if qual is None or not policy.decide(request.user, policy.DELETE, qual):
        raise Http404(_("No such qualification"))
    try:
        services.qualification_revoke(actor=request.user, qualification=qual)
        messages.success(request, _("Qualification revoked."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("/facilities/manage/qualifications/")


# --- usage of a past booking --------------------------------------------------------------------


def usage_form(request: HttpRequest, pk: int) -> HttpResponse:
    """Record what a past booking actually used: its start and end, and the units or samples."""
    booking = Booking.objects.select_related("resource__platform__park", "organisation", "user").filter(pk=pk).first()
    if booking is None or not policy.decide(request.user, policy.CHANGE, booking):
        raise Http404(_("No such booking"))
    tz = timeutil.resource_zone(booking.resource)
    fmt = "%Y-%m-%dT%H:%M"
    form = {"start": booking.start.astimezone(tz).strftime(fmt), "end": booking.end.astimezone(tz).strftime(fmt),
            "quantity": str(booking.quantity)}
    errors: dict[str, str] = {}
    if request.method == "POST" and "start" not in request.POST:  # "confirm as booked" on the manage page
        try:
            usage.usage_record(actor=request.user, booking=booking)
            messages.success(request, _("Usage recorded."))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("/facilities/manage/")
    if request.method == "POST":
        form.update({k: request.POST.get(k, "").strip() for k in form})
        start, end = _parse_moment(form["start"]), _parse_moment(form["end"])
        quantity = None
        try:
            quantity = int(form["quantity"])
        except ValueError:
            errors["quantity"] = _("enter the units or samples used as a whole number")
        if start is None:
            errors["start"] = _("enter the start as a date and time")
        if end is None:
            errors["end"] = _("enter the end as a date and time")
        if not errors:
            try:
                usage.usage_record(actor=request.user, booking=booking, start=start, end=end, quantity=quantity)
                messages.success(request, _("Usage recorded."))
                return redirect("/facilities/manage/")
            except DomainError as exc:
                errors.update(exc.fields or {"start": exc.message})
    context = {"booking": booking, "form": form, "errors": errors, "tz": tz}
    return render(request, "facilities/usage_form.html", context, status=422 if errors else 200)
