"""Booking pages that explain themselves: a booking's own page (awaiting approval by whom, or rejected and
why), cancelling with a confirmation step, rejecting with a reason, leaving a wait list, and asking the
platform for training on a resource that needs a qualification."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from biopark.accounts import policy
from biopark.core.errors import DomainError
from biopark.facilities import services, timeutil, training, week
from biopark.facilities.models import Booking, Resource, WaitlistEntry
from biopark.facilities.permissions import APPROVE, CANCEL


def _booking(request: HttpRequest, pk: int) -> Booking:
    booking = Booking.objects.select_related(
        "resource__platform__park", "organisation", "user", "decided_by", "outage").filter(pk=pk).first()
    if booking is None or not policy.decide(request.user, policy.VIEW, booking):  # hidden answers like missing
        raise Http404(_("No such booking"))
    return booking


def booking_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"/accounts/login/?next={request.path}")
    booking = _booking(request, pk)
    tz = timeutil.resource_zone(booking.resource)
    context = {
        "booking": booking, "tz": tz, "start": booking.start.astimezone(tz), "end": booking.end.astimezone(tz),
        "approvers": week.approvers(booking.resource) if booking.status == Booking.Status.PENDING else [],
        "may_cancel": booking.status in (Booking.Status.PENDING, Booking.Status.CONFIRMED)
        and policy.decide(request.user, CANCEL, booking).allowed,
        "may_decide": booking.status == Booking.Status.PENDING and policy.decide(request.user, APPROVE, booking).allowed,
    }
    return render(request, "facilities/booking.html", context)


def booking_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the confirmation step (what will be cancelled); POST with confirm=yes: cancel."""
    if not request.user.is_authenticated:
        return redirect(f"/accounts/login/?next={request.path}")
    booking = _booking(request, pk)
    tz = timeutil.resource_zone(booking.resource)
    error = ""
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            services.booking_cancel(actor=request.user, booking=booking)
            messages.success(request, _("Cancelled."))
            return redirect(f"/facilities/calendar/?week={booking.start.astimezone(tz).date().isoformat()}")
        except DomainError as exc:
            error = exc.message
    context = {"booking": booking, "start": booking.start.astimezone(tz), "end": booking.end.astimezone(tz),
               "tz": tz, "error": error}
    return render(request, "facilities/booking_cancel.html", context, status=422 if error else 200)


def booking_reject(request: HttpRequest, pk: int) -> HttpResponse:
    """The manager's rejection form: the reason is required and shown to the requester."""
    if not request.user.is_authenticated:
        return redirect(f"/accounts/login/?next={request.path}")
    booking = _booking(request, pk)
    if not policy.decide(request.user, APPROVE, booking):
        raise Http404(_("No such booking"))
    tz = timeutil.resource_zone(booking.resource)
    reason, error = "", ""
    if request.method == "POST":
        reason = request.POST.get("reason", "").strip()
        if not reason:
            error = _("Enter the reason: the requester will see it.")
        else:
            try:
                services.booking_decide(actor=request.user, booking=booking, approve=False, reason=reason)
                messages.success(request, _("Rejected; the requester sees your reason."))
                return redirect("/facilities/manage/")
            except DomainError as exc:
                error = exc.message
    context = {"booking": booking, "start": booking.start.astimezone(tz), "end": booking.end.astimezone(tz),
               "tz": tz, "reason": reason, "error": error}
    return render(request, "facilities/booking_reject.html", context, status=422 if error else 200)


@require_POST
def waitlist_leave(request: HttpRequest, pk: int) -> HttpResponse:
    entry = WaitlistEntry.objects.select_related("resource__platform").filter(pk=pk).first()
    if entry is None or not policy.decide(request.user, policy.DELETE, entry):
        raise Http404(_("No such wait-list entry"))
    try:
        services.waitlist_leave(actor=request.user, entry=entry)
        messages.success(request, _("You left the wait list."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("/facilities/calendar/")


@require_POST
def training_request(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask the resource's platform for training (a service-desk request to the platform)."""
    if not request.user.is_authenticated:
        return redirect(f"/accounts/login/?next={request.path}")
    resource = Resource.objects.select_related("platform__park").filter(pk=pk).first()
    if resource is None or not policy.decide(request.user, policy.VIEW, resource):
        raise Http404(_("No such resource"))
    try:
        training.training_request(actor=request.user, resource=resource, note=request.POST.get("note", ""))
        messages.success(request, _("Training requested: the platform's managers will contact you."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(f"/facilities/resources/{resource.pk}/")
