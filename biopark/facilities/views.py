"""Facilities pages: find free slots, book, a week calendar (htmx), manage bookings, statements with exports,
utilisation charts and iCalendar feeds. Thin: parse, call a selector or a service, render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from biopark.accounts import policy
from biopark.accounts import services as account_services
from biopark.accounts.models import FeedToken
from biopark.core import formatting
from biopark.core.errors import DomainError
from biopark.core.params import Params
from biopark.ecosystem.models import Organisation, Platform
from biopark.facilities import charts, exports, ical, selectors, services, timeutil, usage, week
from biopark.facilities.models import Booking, Qualification, Resource
from biopark.facilities.pages import default_zone as _tz
from biopark.facilities.pages import forbidden as _forbidden
from biopark.facilities.permissions import STATEMENT
from biopark.facilities.templatetags.facilities_nav import may_manage


def _week(request: HttpRequest, default: dt.date) -> dt.date:
    """The Monday of the week the `week` parameter names (default: this week)."""
    day = Params(request.GET).date("week", default=default)
    return day - dt.timedelta(days=day.weekday())


def index(request: HttpRequest) -> HttpResponse:
    """Find free slots across resources by platform, kind and week."""
    decision = policy.decide(request.user, policy.VIEW, Resource)
    if not decision:
        return _forbidden(request, decision.reason)
    tz = _tz()
    today = timezone.now().astimezone(tz).date()
    monday = _week(request, today)
    params = Params(request.GET)
    platform_id = params.int("platform")
    platform = str(platform_id or "")
    kinds = Resource.Kind.choices + Platform.Kind.choices
    kind, q = params.choice("kind", kinds), params.text("q")
    resources = selectors.for_availability(selectors.resource_list(
        user=request.user, platform_id=platform_id, kind=kind or None, q=q, active_only=True,
    ))[:100]
    start = dt.datetime.combine(monday, dt.time(0), tzinfo=tz).astimezone(dt.UTC)
    found = selectors.availability(resources=resources, start=start, end=start + dt.timedelta(days=7))
    context = {
        "found": found, "monday": monday, "prev": monday - dt.timedelta(days=7), "next": monday + dt.timedelta(days=7),
        "platform": platform, "kind": kind, "q": q, "kinds": kinds,
        "platforms": Platform.objects.filter(resources__isnull=False).distinct().order_by("id"),
        "may_manage": bool(selectors.managed_resources(user=request.user).exists()),
        "qualified_ids": set(selectors.qualifications_of(user=request.user).values_list("resource_id", flat=True))
        if request.user.is_authenticated else set(),
    }
    template = "facilities/index.html#results" if request.htmx else "facilities/index.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def resource_detail(request: HttpRequest, pk: int) -> HttpResponse:
    resource = Resource.objects.select_related("platform__park", "platform__operator").filter(pk=pk).first()
    # A resource the user may not see answers exactly like one that does not exist.
    if resource is None or not policy.decide(request.user, policy.VIEW, resource):
        raise Http404(_("No such resource"))
    tz = timeutil.resource_zone(resource)
    today = timezone.now().astimezone(tz).date()
    monday = _week(request, today)
    errors: dict[str, str] = {}
    error_message = ""
    taken = False
    form = {
        "start": "", "end": "", "quantity": "1", "project": "", "project_label": "", "count": "1",
        "frequency": "weekly",
    }
    if request.method == "GET":  # a free slot clicked on the week grid fills the form
        form.update({k: Params(request.GET).text(k, max_length=16) or "" for k in ("start", "end")})
    if request.method == "POST":
        form.update({k: request.POST.get(k, "") for k in form})
        try:
            start = dt.datetime.fromisoformat(form["start"])
            end = dt.datetime.fromisoformat(form["end"])
            quantity, count = int(form["quantity"] or 1), int(form["count"] or 1)
        except ValueError:
            errors, error_message = {"start": _("Enter start and end as date and time.")}, _("Check the form.")
        else:
            try:
                if count > 1:
                    result = services.booking_series_create(
                        actor=request.user, resource=resource, start=start, end=end, frequency=form["frequency"],
                        count=count, quantity=quantity, project=form["project"] or None,
                        project_label=form["project_label"],
                    )
                    messages.success(request, _("%(n)d booked, %(m)d skipped.") % {
                        "n": len(result.created), "m": len(result.skipped)})
                    for skip in result.skipped:
                        messages.warning(request, f"{formatting.format_date(skip['date'], get_language())}: {skip['message']}")
                else:
                    booking = services.booking_create(
                        actor=request.user, resource=resource, start=start, end=end, quantity=quantity,
                        project=form["project"] or None, project_label=form["project_label"],
                    )
                    if booking.status == Booking.Status.PENDING:
                        return redirect(f"/facilities/bookings/{booking.pk}/")  # says it waits, and for whom
                    messages.success(request, _("Booked."))
                return redirect(f"/facilities/resources/{resource.pk}/?week={start.date().isoformat()}")
            except DomainError as exc:
                errors, error_message = exc.fields, exc.message
                taken = exc.status == 409
    start = dt.datetime.combine(monday, dt.time(0), tzinfo=tz).astimezone(dt.UTC)
    slots = selectors.availability(resources=[resource], start=start, end=start + dt.timedelta(days=7))[0]
    context = {
        "resource": resource, "slots": slots, "monday": monday, "tz": tz,
        "grid": week.resource_week(user=request.user, resource=resource, monday=monday, tz=tz),
        "approvers": week.approvers(resource) if resource.requires_approval else [],
        "qualified": _qualified(request.user, resource),
        "prev": monday - dt.timedelta(days=7), "next": monday + dt.timedelta(days=7),
        "may_book": policy.decide(request.user, "book", resource).allowed,
        "may_manage": policy.decide(request.user, policy.CHANGE, resource).allowed,
        "errors": errors, "error_message": error_message, "form": form, "taken": taken,
        "may_feed": policy.decide(request.user, policy.VIEW, Booking).allowed,
        "projects": selectors.bookable_projects(policy.actor_for(request.user).organisation_id),
    }
    template = "facilities/resource.html#week" if request.htmx else "facilities/resource.html"  # type: ignore[attr-defined]
    return render(request, template, context, status=422 if error_message else 200)


@require_POST
def waitlist_join(request: HttpRequest, pk: int) -> HttpResponse:
    """Join the wait list for a slot that was taken (offered on the resource page after a conflict)."""
    resource = Resource.objects.select_related("platform__park").filter(pk=pk).first()
    if resource is None or not policy.decide(request.user, policy.VIEW, resource):  # hidden answers like missing
        raise Http404(_("No such resource"))
    try:
        services.waitlist_join(
            actor=request.user, resource=resource, start=dt.datetime.fromisoformat(request.POST.get("start", "")),
            end=dt.datetime.fromisoformat(request.POST.get("end", "")),
        )
        messages.success(request, _("You are on the wait list; you will be told when the slot frees up."))
    except ValueError:
        messages.error(request, _("Enter start and end as date and time."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(f"/facilities/resources/{resource.pk}/")


def _qualified(user: Any, resource: Resource) -> bool:
    """Whether the user may book as far as training goes (no qualification needed, or one held)."""
    if not resource.requires_qualification or not user.is_authenticated:
        return True
    return Qualification.objects.filter(user=user, resource=resource).exists()


def calendar(request: HttpRequest) -> HttpResponse:
    """The week calendar of the bookings the user may see (own organisation's, or managed resources')."""
    if not request.user.is_authenticated:
        return redirect(f"/accounts/login/?next={request.path}")
    tz = _tz()
    today = timezone.now().astimezone(tz).date()
    monday = _week(request, today)
    flagged = list(selectors.booking_list(user=request.user, start=timezone.now(), flagged=True)[:50])
    since = timezone.now() - dt.timedelta(days=30)
    context = {
        "grid": week.my_week(user=request.user, monday=monday, tz=tz), "monday": monday,
        "waitlist": list(week.waitlist_of(user=request.user)[:100]),
        "rejected": list(week.decided_of(user=request.user, since=since)[:50]),
        "prev": monday - dt.timedelta(days=7), "next": monday + dt.timedelta(days=7),
        "tz": tz, "flagged": flagged,
    }
    template = "facilities/calendar.html#week" if request.htmx else "facilities/calendar.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@require_POST
def booking_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    booking = Booking.objects.select_related("resource__platform__park").filter(pk=pk).first()
    if booking is None or not policy.decide(request.user, policy.VIEW, booking):  # hidden answers like missing
        raise Http404(_("No such booking"))
    if action == "cancel":  # never in one click: the confirmation page does it
        return redirect(f"/facilities/bookings/{booking.pk}/cancel/")
    if action == "reject":  # a rejection needs its reason
        return redirect(f"/facilities/bookings/{booking.pk}/reject/")
    try:
        if action == "approve":
            services.booking_decide(actor=request.user, booking=booking, approve=True)
            messages.success(request, _("Approved."))
        elif action == "usage":
            usage.usage_record(actor=request.user, booking=booking)
            messages.success(request, _("Usage recorded."))
        else:
            raise Http404(_("No such action"))
    except DomainError as exc:
        messages.error(request, exc.message)
    nxt = request.POST.get("next", "")
    return redirect(nxt if nxt.startswith("/facilities/") else "/facilities/calendar/")


def manage(request: HttpRequest) -> HttpResponse:
    """For platform managers and operators: bookings waiting for approval, bookings to record usage for."""
    resources = selectors.managed_resources(user=request.user)
    if not request.user.is_authenticated:
        return redirect(f"/accounts/login/?next={request.path}")
    if not may_manage(request.user):  # the same test decides whether the navigation offers this page
        return _forbidden(request, _("You manage no resources."))
    visible = selectors.bookings_visible(user=request.user).filter(resource__in=resources)
    now = timezone.now()
    context = {
        "pending": list(visible.filter(status=Booking.Status.PENDING).order_by("start")[:100]),
        "to_record": list(
            visible.filter(status=Booking.Status.CONFIRMED, end__lte=now).order_by("-end")[:100]
        ),
        "resources": list(resources[:200]),
    }
    return render(request, "facilities/manage.html", context)


def statement_page(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"/accounts/login/?next={request.path}")
    actor = policy.actor_for(request.user)
    tz = _tz()
    today = timezone.now().astimezone(tz).date()
    month = Params(request.GET).text("month", max_length=7) or f"{today.year}-{today.month:02d}"
    try:
        year, mon = (int(x) for x in month.split("-"))
        dt.date(year, mon, 1)
    except ValueError:
        year, mon = today.year, today.month
    org_id = Params(request.GET).int("organisation") or actor.organisation_id
    org = Organisation.objects.filter(pk=org_id).first() if org_id else None
    statement = None
    if org is not None:
        decision = policy.decide(request.user, STATEMENT, org)
        if not decision:
            return _forbidden(request, decision.reason)
        statement = selectors.statement(user=request.user, organisation=org, year=year, month=mon, tz=tz)
    billed = selectors.billed_organisations(user=request.user)
    return render(
        request, "facilities/statement.html",
        {"statement": statement, "organisation": org, "month": f"{year}-{mon:02d}", "organisations": billed},
    )


def statement_export(request: HttpRequest, org: int, year: int, month: int, fmt: str) -> HttpResponse:
    organisation = Organisation.objects.filter(pk=org).first()
    if organisation is None or not 1 <= month <= 12 or fmt not in ("csv", "xlsx"):
        raise Http404(_("No such statement"))
    decision = policy.decide(request.user, STATEMENT, organisation)
    if not decision:
        return _forbidden(request, decision.reason)
    st = selectors.statement(user=request.user, organisation=organisation, year=year, month=month, tz=_tz())
    name = f"statement-{organisation.pk}-{year}-{month:02d}"
    if fmt == "csv":
        resp = HttpResponse(exports.statement_csv(st), content_type="text/csv; charset=utf-8")
    else:
        resp = HttpResponse(
            exports.statement_xlsx(st),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    resp["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return resp


def utilisation_page(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"/accounts/login/?next={request.path}")
    resources = selectors.managed_resources(user=request.user)
    params = Params(request.GET)
    platform_id = params.int("platform")
    platform = str(platform_id or "")
    if platform_id:
        resources = resources.filter(platform_id=platform_id)
    weeks = params.int("weeks", maximum=26) or 6
    tz = _tz()
    today = timezone.now().astimezone(tz).date()
    first = today - dt.timedelta(weeks=weeks - 2)
    uses = selectors.utilisation(resources=resources[:200], first_week=first, weeks=weeks, tz=tz)
    platforms = selectors.platform_utilisation(uses)
    for row in platforms:
        row["chart"] = charts.bar_chart(
            [formatting.format_day_short(w.week_start, get_language()) for w in row["weeks"]],
            [w.booked_hours for w in row["weeks"]],
            [w.available_hours for w in row["weeks"]],
            title=_("%(platform)s: booked vs available hours per week") % {"platform": row["platform"]},
        )
    return render(
        request, "facilities/utilisation.html",
        {"platforms": platforms, "uses": uses, "weeks": weeks, "platform": platform},
    )


@require_POST
def feed_create(request: HttpRequest) -> HttpResponse:
    """Make a calendar-feed address for the signed-in user: of their own bookings (kind=bookings) or of one
    resource's bookings (kind=resource, resource=<id>). The address is shown on this answer only; the account
    page lists and revokes it."""
    if not request.user.is_authenticated:
        return redirect(f"/accounts/login/?next={request.path}")
    kind = request.POST.get("kind", "")
    resource = None
    if kind == FeedToken.Kind.RESOURCE:
        try:
            resource_id = int(request.POST.get("resource", ""))
        except ValueError:
            resource_id = 0
        resource = Resource.objects.select_related("platform__park", "platform__operator").filter(
            pk=resource_id).first() if 0 < resource_id < 2**63 else None
        # A resource the user may not see answers like a missing one.
        if resource is None or not policy.decide(request.user, policy.VIEW, resource):
            raise Http404(_("No such resource"))
    try:
        policy.require(request.user, policy.VIEW, Booking)
        token, raw = account_services.feed_token_create(
            actor=request.user, kind=kind, target_id=resource.pk if resource else None,
            label=str(resource) if resource else "",
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(f"/facilities/resources/{resource.pk}/" if resource else "/facilities/calendar/")
    url = request.build_absolute_uri(reverse("facilities-feed", args=[raw]))
    return render(request, "facilities/feed_created.html", {"url": url, "token": token, "resource": resource})


def feed(request: HttpRequest, token: str) -> HttpResponse:
    """A user's or a resource's iCalendar feed, named by the owner's feed token (calendar apps cannot sign in).
    It shows what the token's owner may see now; an unknown or revoked token, a deactivated owner or a resource
    the owner may no longer see all answer 404."""
    found = account_services.feed_token_use(raw=token)
    if found is None:
        raise Http404(_("no such feed"))
    owner = found.user
    since = timezone.now() - dt.timedelta(days=90)
    if found.kind == FeedToken.Kind.BOOKINGS:
        bookings = selectors.booking_list(user=owner, start=since, mine=True)
        name = _("My bookings")
    else:
        resource = Resource.objects.select_related("platform__park", "platform__operator").filter(
            pk=found.target_id or 0).first()
        if resource is None or not policy.decide(owner, policy.VIEW, resource):
            raise Http404(_("no such feed"))
        bookings = selectors.booking_list(user=owner, start=since, resource_id=resource.pk).filter(
            status__in=Booking.ACTIVE)
        name = str(resource)
    body = ical.calendar(bookings, name=name, now=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    # The address is a credential: keep the answer out of shared caches.
    response["Cache-Control"] = "private, no-cache"
    return response
