"""Writes of the facilities app. Each function is keyword-only, atomic, checks the permission policy, runs the
booking policy where a booking is concerned, and records who changed what (biopark.core.audit)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from biopark.accounts import policy
from biopark.core import mail
from biopark.core import text as core_text
from biopark.core.audit import change_record_for, diff, record_change, snapshot
from biopark.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from biopark.core.fastread import JoinedSelect, insert_with
from biopark.core.models import ChangeRecord
from biopark.core.text import search_blob
from biopark.core.writes import Editable, apply_changes, clean_names, field_label, model_errors, optional_key
from biopark.ecosystem.models import Organisation, Platform
from biopark.facilities import timeutil
from biopark.facilities.errors import BookingConflict, refused
from biopark.facilities.locks import booking_write_lock
from biopark.facilities.models import (
    Booking,
    BookingSeries,
    BookingUnit,
    Outage,
    Qualification,
    Resource,
    WaitlistEntry,
)
from biopark.facilities.permissions import APPROVE, BOOK, CANCEL
from biopark.facilities.policy import BookingRequest, Refusal, booking_policy
from biopark.facilities.selectors import bookable_projects
from biopark.pipeline.models import Project

logger = logging.getLogger(__name__)

CENT = Decimal("0.01")

RESOURCE_FIELDS = [
    "key", "name_zh", "name_en", "aliases", "kind", "capacity", "unit_label", "description_zh", "description_en",
    "is_active", "min_minutes", "max_minutes", "max_advance_days", "notice_minutes", "cancel_notice_minutes",
    "buffer_minutes", "opening_hours", "quota_hours_week", "quota_hours_month", "requires_approval",
    "requires_qualification", "price_unit", "price_member", "price_non_member", "currency", "price_note",
]
_INTS = {"capacity", "min_minutes", "max_minutes", "max_advance_days", "notice_minutes", "cancel_notice_minutes",
         "buffer_minutes"}
_DECIMALS = {"quota_hours_week", "quota_hours_month", "price_member", "price_non_member"}
_BOOLS = {"is_active", "requires_approval", "requires_qualification"}


_user = policy.user_of


# --- resources ----------------------------------------------------------------------------------


def _whole_number(value: Any, name: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(_("%(field)s must be a whole number") % {"field": _label(name)}, field=name) from exc
    if number < 0:
        raise ValidationFailed(_("%(field)s must not be negative") % {"field": _label(name)}, field=name)
    return number


def _amount(value: Any, name: str) -> Decimal | None:
    if value in (None, "") and name.startswith("quota"):
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationFailed(_("%(field)s must be a decimal number") % {"field": _label(name)}, field=name) from exc
    if amount < 0 or not amount.is_finite():
        raise ValidationFailed(_("%(field)s must not be negative") % {"field": _label(name)}, field=name)
    return amount


def _flag(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise ValidationFailed(_("%(field)s must be true or false") % {"field": _label(name)}, field=name)
    return value


def _opening_hours(value: Any, name: str) -> Any:
    try:
        return timeutil.validate_opening_hours(value)
    except ValueError as exc:
        raise ValidationFailed(str(exc), field=name) from exc
def _label(name: str) -> str:
    """A resource field's name for people (its verbose name), for messages that name the field."""
    return field_label(Resource, name)


def _validate_resource(resource: Resource) -> None:
    if not (resource.name_zh or resource.name_en):
        raise ValidationFailed(_("a Chinese or an English name is required"), field="name_zh")
    if resource.capacity < 1:
        raise ValidationFailed(_("capacity must be at least 1"), field="capacity")
    if resource.min_minutes < 1:
        raise ValidationFailed(_("the minimum length must be at least 1 minute"), field="min_minutes")
    if resource.max_minutes < resource.min_minutes:
        raise ValidationFailed(_("the maximum length must not be below the minimum"), field="max_minutes")
    model_errors(resource, exclude=["search_text", "platform"], validate_unique=True, validate_constraints=False)
    resource.search_text = search_blob(resource.name_zh, resource.name_en, aliases=resource.aliases)
    bigrams = getattr(core_text, "han_bigrams", None)  # the registry's two-character search index
    if bigrams is not None and hasattr(resource, "search_grams"):
        resource.search_grams = bigrams(resource.search_text)


RESOURCE_EDITABLE = Editable(
    fields=RESOURCE_FIELDS,
    convert={
        **dict.fromkeys(_INTS, _whole_number), **dict.fromkeys(_DECIMALS, _amount), **dict.fromkeys(_BOOLS, _flag),
        "opening_hours": _opening_hours, "aliases": clean_names, "key": optional_key,
    },
    check=_validate_resource,
)


_AUDITED = [f for f in RESOURCE_FIELDS if f not in ("aliases",)] + ["platform_id"]


@transaction.atomic
def resource_create(*, actor: Any, platform: Platform, data: Mapping[str, Any]) -> Resource:
    """Publish a bookable resource on a platform, with its rules and prices."""
    resource = Resource(platform=platform)
    RESOURCE_EDITABLE.set(resource, data)
    policy.require(actor, policy.CREATE, resource)
    _validate_resource(resource)
    try:
        with transaction.atomic():
            resource.save()
    except IntegrityError as exc:
        raise Conflict(_("a resource with this key exists already"), field="key") from exc
    record_change(
        actor=_user(actor), obj=resource, action=ChangeRecord.CREATE, changes=diff({}, snapshot(resource, _AUDITED))
    )
    return resource


def resource_update(
    *, actor: Any, resource: Resource, data: Mapping[str, Any], expected_version: int | None = None
) -> Resource:
    try:
        apply_changes(
            actor=actor, instance=resource, data=data, editable=RESOURCE_EDITABLE, audited=_AUDITED,
            expected_version=expected_version,
        )
    except Conflict as exc:
        raise Conflict(_("a resource with this key exists already"), field="key") from exc
    return resource


# --- qualifications -----------------------------------------------------------------------------


@transaction.atomic
def qualification_grant(
    *, actor: Any, resource: Resource, user: Any, expires_on: dt.date | None = None
) -> Qualification:
    """Record that `user` is trained on `resource` (until `expires_on`, if given). Granting again renews."""
    qual = Qualification.objects.filter(user=user, resource=resource).first()
    before = {"expires_on": qual.expires_on.isoformat() if qual and qual.expires_on else None} if qual else {}
    if qual is None:
        qual = Qualification(user=user, resource=resource)
    policy.require(actor, policy.CREATE if qual.pk is None else policy.CHANGE, qual)
    qual.expires_on = expires_on
    qual.granted_by = _user(actor)
    qual.save()
    record_change(
        actor=_user(actor),
        obj=qual,
        action=ChangeRecord.CREATE if not before else ChangeRecord.UPDATE,
        changes=diff(before, {"user": user.pk, "resource": resource.pk, "expires_on": expires_on and expires_on.isoformat()}),
    )
    return qual


@transaction.atomic
def qualification_revoke(*, actor: Any, qualification: Qualification) -> None:
    policy.require(actor, policy.DELETE, qualification)
    record_change(actor=_user(actor), obj=qualification, action=ChangeRecord.DELETE, note="qualification revoked")
    qualification.delete()


# --- bookings -----------------------------------------------------------------------------------


def _booking_changes(booking: Booking) -> dict[str, list[Any]]:
    return diff(
        {},
        snapshot(
            booking,
            ["resource_id", "user_id", "organisation_id", "start", "end", "quantity", "status", "project_id",
             "project_label"],
        ),
    )


def _organisation_for(actor: Any, organisation: Organisation | None) -> int:
    if organisation is not None:
        return organisation.pk
    org_id = policy.actor_for(actor).organisation_id
    if org_id is None:
        raise ValidationFailed(_("choose the organisation the booking is for"), field="organisation")
    return org_id


ProjectRef = Project | int | str | None  # a project, or its id (as text from a form)

PROJECT_REFUSED = gettext_lazy("choose a project of the organisation the booking is for")


def _project_for(project: ProjectRef, org_id: int) -> int | None:
    """The id of `project` when a booking for organisation `org_id` may name it; else ValidationFailed on
    field "project" (the same message whether the project is another organisation's or does not exist)."""
    if project is None or project == "":
        return None
    pk = project.pk if isinstance(project, Project) else project
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(_("project must be a project id, got %(value)s") % {"value": repr(project)}, field="project") from exc
    if not bookable_projects(org_id).filter(pk=pk).exists():
        raise ValidationFailed(str(PROJECT_REFUSED), field="project")
    return pk


def booking_create(
    *,
    actor: Any,
    resource: Resource | int,
    start: dt.datetime,
    end: dt.datetime,
    quantity: int = 1,
    organisation: Organisation | None = None,
    project: ProjectRef = None,
    project_label: str = "",
    note: str = "",
    series: BookingSeries | None = None,
    now: dt.datetime | None = None,
) -> Booking:
    """Book a resource. The booking policy decides (and names the rule when it refuses); the resource row is
    locked while it counts, and on PostgreSQL an exclusion constraint backs it up. Atomic.

    `resource` may be given by id (as the API does): it is then read once, under the lock, and a resource the
    actor may not see is refused as not found."""
    with booking_write_lock():
        return _booking_create(
            actor=actor, resource=resource, start=start, end=end, quantity=quantity, organisation=organisation,
            project=project, project_label=project_label, note=note, series=series, now=now,
        )


# The resource row, locked while a booking of it is checked and written, with what the rules read (its
# platform's park gives the time zone). Read on every booking, so its SQL is built once.
_LOCKED_RESOURCE = JoinedSelect(Resource, ["platform", "platform__park"], by="id", for_update=True)


@transaction.atomic
def _booking_create(
    *,
    actor: Any,
    resource: Resource | int,
    start: dt.datetime,
    end: dt.datetime,
    quantity: int = 1,
    organisation: Organisation | None = None,
    project: ProjectRef = None,
    project_label: str = "",
    note: str = "",
    series: BookingSeries | None = None,
    now: dt.datetime | None = None,
) -> Booking:
    now = now or timezone.now()
    user = _user(actor)
    policy.require(actor, BOOK, Booking)  # the role may book at all (before asking which organisation for)
    org_id = _organisation_for(actor, organisation)
    # Lock the resource: concurrent bookings of it queue here (SQLite serialises whole write transactions).
    resource_id = resource if isinstance(resource, int) else resource.pk
    locked = _LOCKED_RESOURCE.first(resource_id) if 0 < resource_id < 2**63 else None
    if isinstance(resource, int):
        # One the actor may not see is refused exactly like one that does not exist.
        if locked is None or not policy.decide(actor, policy.VIEW, locked):
            raise NotFound(_("no such resource"), field="resource")
    elif locked is None:
        raise ValidationFailed(_("no resource %(id)s") % {"id": resource_id}, field="resource")
    tz = timeutil.resource_zone(locked)
    booking = Booking(
        resource=locked,
        user=user,
        organisation_id=org_id,
        start=timeutil.as_utc(start, tz),
        end=timeutil.as_utc(end, tz),
        quantity=quantity,
        project_label=project_label[:200],
        note=note[:500],
        series=series,
    )
    policy.require(actor, BOOK, booking)
    # After the permission check: who may not book for the organisation learns nothing about its projects.
    booking.project_id = _project_for(project, org_id)
    if user is None:
        raise ValidationFailed(_("bookings are made by a user"), field="user")
    rules = booking_policy()
    req = BookingRequest(
        resource=locked, user=user, organisation_id=org_id, start=booking.start, end=booking.end,
        now=now, quantity=quantity,
    )
    refusal = rules.check_booking(req)
    if refusal is not None:
        raise refused(refusal)
    free, _strict = rules.free_units(req)
    if len(free) < quantity:  # a policy that skipped the availability check still cannot double-book
        raise BookingConflict(Refusal("overlap", _("this slot is already booked"), conflict=True))
    booking.status = rules.status_for(req)
    blocked_until = booking.end + dt.timedelta(minutes=locked.buffer_minutes)
    span = int((blocked_until - booking.start).total_seconds() // 60) + 1
    if span > locked.longest_booking_minutes:
        Resource.objects.filter(pk=locked.pk).update(longest_booking_minutes=span)
        locked.longest_booking_minutes = span
    # No savepoint of its own: a clash ends this atomic block at once (rolled back, or back to the caller's
    # savepoint, as a booking series makes one per occurrence), so two round trips are saved per booking.
    # The booking, its units and its history entry in one statement on PostgreSQL (the busiest write: three
    # round trips became one); what save() would write, with the SQL built once.
    units = [
        BookingUnit(resource=locked, unit_no=n, start=booking.start, blocked_until=blocked_until)
        for n in free[:quantity]
    ]
    history = change_record_for(actor=user, obj=booking, action=ChangeRecord.CREATE, changes=_booking_changes(booking))
    try:
        insert_with(booking, [*((unit, "booking_id") for unit in units), (history, "object_id")])
    except IntegrityError as exc:
        raise BookingConflict(Refusal("overlap", _("this slot was just booked by someone else"), conflict=True)) from exc
    return booking


@dataclass
class SeriesResult:
    series: BookingSeries
    created: list[Booking] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)


@transaction.atomic
def booking_series_create(
    *,
    actor: Any,
    resource: Resource,
    start: dt.datetime,
    end: dt.datetime,
    frequency: str,
    count: int,
    quantity: int = 1,
    organisation: Organisation | None = None,
    project: ProjectRef = None,
    project_label: str = "",
    now: dt.datetime | None = None,
) -> SeriesResult:
    """Book the same local wall-clock slot `count` times, daily or weekly. Occurrences that a rule refuses
    are skipped and reported (date, rule, message); the others are booked."""
    if frequency not in BookingSeries.Frequency.values:
        raise ValidationFailed(_("frequency must be daily or weekly"), field="frequency")
    if not 1 <= count <= 104:
        raise ValidationFailed(_("count must be between 1 and 104"), field="count")
    policy.require(actor, BOOK, BookingSeries)
    org_id = _organisation_for(actor, organisation)
    tz = timeutil.resource_zone(Resource.objects.select_related("platform__park").get(pk=resource.pk))
    local_start = timeutil.as_utc(start, tz).astimezone(tz)
    local_end = timeutil.as_utc(end, tz).astimezone(tz)
    series = BookingSeries(
        resource=resource, user=_user(actor), organisation_id=org_id, frequency=frequency, count=count
    )
    policy.require(actor, BOOK, series)
    project_id = _project_for(project, org_id)  # refused before the series is written
    series.save()
    result = SeriesResult(series=series)
    step = dt.timedelta(days=1 if frequency == BookingSeries.Frequency.DAILY else 7)
    for i in range(count):
        # Same wall-clock time in the park's zone, across daylight-saving changes.
        s = dt.datetime.combine(local_start.date() + step * i, local_start.time(), tzinfo=tz)
        e = dt.datetime.combine(local_end.date() + step * i, local_end.time(), tzinfo=tz)
        try:
            with transaction.atomic():
                booking = booking_create(
                    actor=actor, resource=resource, start=s, end=e, quantity=quantity,
                    organisation=Organisation(pk=org_id), project=project_id, project_label=project_label,
                    series=series, now=now,
                )
            result.created.append(booking)
        except DomainError as exc:
            if exc.status == 403:
                raise
            rule = getattr(exc, "rule", exc.code)
            result.skipped.append(
                {"start": s.astimezone(dt.UTC).isoformat(), "date": s.date().isoformat(), "rule": rule,
                 "message": exc.message}
            )
    series.skipped = result.skipped
    series.save(update_fields=["skipped"])
    record_change(
        actor=_user(actor), obj=series, action=ChangeRecord.CREATE,
        changes={"created": [None, len(result.created)], "skipped": [None, len(result.skipped)]},
    )
    return result


def _release(booking: Booking) -> None:
    """Free the booking's units; mark the overlapping wait-list entries notified and e-mail their users once
    the transaction commits (nothing is sent when it rolls back)."""
    BookingUnit.objects.filter(booking=booking).update(active=False)
    waiting = WaitlistEntry.objects.filter(
        resource_id=booking.resource_id, start__lt=booking.end, end__gt=booking.start, notified_at__isnull=True
    )
    entries = list(waiting.select_related("user__profile").order_by("created_at", "id"))
    if not entries:
        return
    WaitlistEntry.objects.filter(pk__in=[e.pk for e in entries]).update(notified_at=timezone.now())
    resource = Resource.objects.select_related("platform__park").get(pk=booking.resource_id)
    told = [e for e in entries if e.user.email]
    if told:
        transaction.on_commit(lambda: _send_waitlist_mails(resource, booking, told), robust=True)


def _local(value: dt.datetime, tz: Any) -> str:
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _slot(start: dt.datetime, end: dt.datetime, tz: Any) -> str:
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    until = local_end.strftime("%H:%M") if local_end.date() == local_start.date() else _local(end, tz)
    return f"{_local(start, tz)}–{until}"


def waitlist_mail(*, resource: Resource, booking: Booking, entry: WaitlistEntry) -> tuple[str, str]:
    """(subject, body) of the e-mail telling a wait-listed user that a slot freed up, in the active language
    (the caller makes it the recipient's), times in the park's time zone."""
    tz = timeutil.resource_zone(resource)
    values = {
        "resource": resource.display_name, "zone": str(getattr(tz, "key", tz)),
        "freed": _slot(booking.start, booking.end, tz), "wanted": _slot(entry.start, entry.end, tz),
        "link": f"/facilities/resources/{resource.pk}/",
    }
    subject = _("[BioPark] A slot was freed: %(resource)s") % values
    body = "\n".join([
        _("Hello,"),
        "",
        _("A slot of %(resource)s, which you are wait-listed for, has been freed: %(freed)s (%(zone)s).") % values,
        _("The slot you are waiting for: %(wanted)s (%(zone)s).") % values,
        _("Freed slots go to whoever books first; sign in to book it."),
        "",
        _("Resource page: %(link)s") % values,
    ]) + "\n"
    return subject, body


def _send_waitlist_mails(resource: Resource, booking: Booking, entries: list[WaitlistEntry]) -> None:
    """One e-mail per wait-listed user, each in the user's language (biopark.core.mail)."""
    by_user = {e.user_id: e for e in entries}
    mail.send_to_users(
        [e.user for e in entries],
        lambda user: waitlist_mail(resource=resource, booking=booking, entry=by_user[user.pk]),
        from_email=settings.DEFAULT_FROM_EMAIL,
    )


@transaction.atomic
def booking_cancel(*, actor: Any, booking: Booking, now: dt.datetime | None = None) -> Booking:
    """Cancel within the rules (members: before the cancel notice; managers: any time before the start).
    Wait-listed users whose slot overlaps are marked as notified."""
    now = now or timezone.now()
    policy.require(actor, CANCEL, booking)
    managing = policy.decide(actor, APPROVE, booking).allowed
    refusal = booking_policy().check_cancel(booking, user=_user(actor), now=now, managing=managing)
    if refusal is not None:
        raise refused(refusal)
    old = booking.status
    booking.status = Booking.Status.CANCELLED
    booking.save(update_fields=["status", "updated_at"])
    _release(booking)
    record_change(
        actor=_user(actor), obj=booking, action=ChangeRecord.UPDATE, changes={"status": [old, booking.status]},
        note="cancelled",
    )
    return booking


@transaction.atomic
def booking_decide(*, actor: Any, booking: Booking, approve: bool, note: str = "", reason: str = "") -> Booking:
    """Approve or reject a pending booking. `reason` (a rejection's, usually) is kept on the booking and shown
    to the requester; `note` only goes to the history (older callers)."""
    policy.require(actor, APPROVE, booking)
    if booking.status != Booking.Status.PENDING:
        raise Conflict(_("only pending bookings are approved or rejected; this one is %(status)s")
            % {"status": booking.get_status_display()}, field="status")
    reason = (reason or "").strip()[:500]
    if not approve and not reason:  # every interface asks for it: the requester is told why
        raise ValidationFailed(_("Enter the reason: the requester will see it."), field="reason")
    old = booking.status
    booking.status = Booking.Status.CONFIRMED if approve else Booking.Status.REJECTED
    booking.decided_by = _user(actor)
    booking.decision_reason = reason
    booking.save(update_fields=["status", "decided_by", "decision_reason", "updated_at"])
    if not approve:
        _release(booking)
    said = reason or note
    record_change(
        actor=_user(actor), obj=booking, action=ChangeRecord.UPDATE, changes={"status": [old, booking.status]},
        note=("approved" if approve else "rejected") + (f": {said}" if said else ""),
    )
    return booking


# --- wait list ----------------------------------------------------------------------------------


@transaction.atomic
def waitlist_join(
    *, actor: Any, resource: Resource, start: dt.datetime, end: dt.datetime, organisation: Organisation | None = None
) -> WaitlistEntry:
    policy.require(actor, policy.CREATE, WaitlistEntry)
    org_id = _organisation_for(actor, organisation)
    tz = timeutil.resource_zone(resource)
    entry = WaitlistEntry(
        resource=resource, user=_user(actor), organisation_id=org_id,
        start=timeutil.as_utc(start, tz), end=timeutil.as_utc(end, tz),
    )
    if entry.end <= entry.start:
        raise ValidationFailed(_("the slot must end after it starts"), field="end")
    policy.require(actor, policy.CREATE, entry)
    entry.save()
    record_change(actor=_user(actor), obj=entry, action=ChangeRecord.CREATE,
                  changes=diff({}, snapshot(entry, ["resource_id", "start", "end"])))
    return entry


@transaction.atomic
def waitlist_leave(*, actor: Any, entry: WaitlistEntry) -> None:
    """Take an entry off the wait list (its owner's organisation, or the resource's managers)."""
    policy.require(actor, policy.DELETE, entry)
    record_change(
        actor=_user(actor), obj=entry, action=ChangeRecord.DELETE,
        changes={k: [v, None] for k, v in snapshot(entry, ["resource_id", "start", "end"]).items()},
        note="left the wait list",
    )
    entry.delete()


# --- outages ------------------------------------------------------------------------------------


@transaction.atomic
def outage_create(
    *, actor: Any, resource: Resource, start: dt.datetime, end: dt.datetime, kind: str = Outage.Kind.MAINTENANCE,
    reason: str = "",
) -> tuple[Outage, int]:
    """Black out a resource; active bookings that fall into the outage are flagged to their owners.
    Returns the outage and how many bookings were flagged."""
    if kind not in Outage.Kind.values:
        raise ValidationFailed(_("kind must be one of %(choices)s") % {"choices": ", ".join(str(label) for label in Outage.Kind.labels)}, field="kind")
    tz = timeutil.resource_zone(resource)
    outage = Outage(
        resource=resource, kind=kind, start=timeutil.as_utc(start, tz), end=timeutil.as_utc(end, tz),
        reason=reason[:500], created_by=_user(actor),
    )
    if outage.end <= outage.start:
        raise ValidationFailed(_("the outage must end after it starts"), field="end")
    policy.require(actor, policy.CREATE, outage)
    outage.save()
    flagged = Booking.objects.filter(
        resource=resource, status__in=[Booking.Status.PENDING, Booking.Status.CONFIRMED],
        start__lt=outage.end, end__gt=outage.start,
    ).update(outage=outage)
    record_change(
        actor=_user(actor), obj=outage, action=ChangeRecord.CREATE,
        changes=diff({}, snapshot(outage, ["resource_id", "kind", "start", "end", "reason"])),
        note=f"{flagged} booking(s) flagged",
    )
    return outage, flagged


@transaction.atomic
def outage_delete(*, actor: Any, outage: Outage) -> None:
    """Remove an outage; the bookings it flagged lose the flag (the foreign key is set to null)."""
    policy.require(actor, policy.DELETE, outage)
    flagged = Booking.objects.filter(outage=outage).count()
    record_change(
        actor=_user(actor), obj=outage, action=ChangeRecord.DELETE,
        changes={k: [v, None] for k, v in snapshot(outage, ["resource_id", "kind", "start", "end", "reason"]).items()},
        note=f"outage removed; {flagged} booking(s) unflagged",
    )
    outage.delete()


@transaction.atomic
def outage_end(*, actor: Any, outage: Outage, now: dt.datetime | None = None) -> Outage | None:
    """End an outage now: one under way ends at this moment (bookings after it lose their flag); one that has
    not begun is removed. Returns the shortened outage, or None when it was removed."""
    now = now or timezone.now()
    policy.require(actor, policy.CHANGE, outage)
    if outage.start >= now:
        outage_delete(actor=actor, outage=outage)
        return None
    if outage.end <= now:
        raise Conflict(_("this outage is over already"), field="end")
    old_end = outage.end
    outage.end = now
    outage.save(update_fields=["end"])
    Booking.objects.filter(outage=outage, start__gte=now).update(outage=None)
    record_change(
        actor=_user(actor), obj=outage, action=ChangeRecord.UPDATE, changes={"end": [old_end.isoformat(), now.isoformat()]},
        note="outage ended",
    )
    return outage
