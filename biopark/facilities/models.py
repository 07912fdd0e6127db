"""Shared platform booking: resources with their booking rules and prices, qualifications, bookings (and the
units they hold), recurring series, wait lists, outages and recorded usage.

Times are stored in UTC; a resource's opening hours are read in its park's time zone.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from biopark.core.models import BilingualNamed
from biopark.ecosystem.models import CURRENCIES, Organisation, Platform

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
# Opening hours are keyed by these codes; pages show the weekday's short name ("周一" / "Mon").
WEEKDAY_LABELS = {
    "mon": pgettext_lazy("weekday", "Mon"),
    "tue": pgettext_lazy("weekday", "Tue"),
    "wed": pgettext_lazy("weekday", "Wed"),
    "thu": pgettext_lazy("weekday", "Thu"),
    "fri": pgettext_lazy("weekday", "Fri"),
    "sat": pgettext_lazy("weekday", "Sat"),
    "sun": pgettext_lazy("weekday", "Sun"),
}


class Resource(BilingualNamed):
    """Something on a platform that can be booked: an instrument, a room, N cages, a GMP line."""

    class Kind(models.TextChoices):
        INSTRUMENT = "instrument", _("Instrument")
        ROOM = "room", _("Room")
        ANIMAL_CAPACITY = "animal_capacity", _("Animal facility capacity")
        GMP_LINE = "gmp_line", _("GMP line")
        OTHER = "other", _("Other")

    class PriceUnit(models.TextChoices):
        HOUR = "hour", _("per hour")
        USE = "use", _("per use")

    platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, related_name="resources", verbose_name=_("platform")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.INSTRUMENT)
    capacity = models.PositiveIntegerField(_("capacity (units)"), default=1)
    unit_label = models.CharField(
        _("unit"), max_length=50, blank=True, default="", help_text=_("what one unit is: cage, seat")
    )
    description_zh = models.TextField(_("description (Chinese)"), blank=True, default="")
    description_en = models.TextField(_("description (English)"), blank=True, default="")
    is_active = models.BooleanField(_("open for booking"), default=True)
    # Booking rules.
    min_minutes = models.PositiveIntegerField(_("minimum length (minutes)"), default=30)
    max_minutes = models.PositiveIntegerField(_("maximum length (minutes)"), default=8 * 60)
    max_advance_days = models.PositiveIntegerField(_("bookable how far ahead (days)"), default=60)
    notice_minutes = models.PositiveIntegerField(_("notice period (minutes)"), default=0)
    cancel_notice_minutes = models.PositiveIntegerField(_("cancel at least (minutes) before start"), default=0)
    buffer_minutes = models.PositiveIntegerField(_("buffer between bookings (minutes)"), default=0)
    # {"mon": [["08:00", "18:00"]], ...} in the park's local time; empty means open around the clock.
    opening_hours = models.JSONField(_("opening hours"), default=dict, blank=True)
    quota_hours_week = models.DecimalField(
        _("quota per organisation per week (hours)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    quota_hours_month = models.DecimalField(
        _("quota per organisation per month (hours)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    requires_approval = models.BooleanField(_("bookings need approval"), default=False)
    requires_qualification = models.BooleanField(_("users must be qualified"), default=False)
    # Prices.
    price_unit = models.CharField(_("price unit"), max_length=10, choices=PriceUnit.choices, default=PriceUnit.HOUR)
    price_member = models.DecimalField(_("member price"), max_digits=12, decimal_places=2, default=Decimal("0"))
    price_non_member = models.DecimalField(_("non-member price"), max_digits=12, decimal_places=2, default=Decimal("0"))
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, default="CNY")
    price_note = models.CharField(_("price note"), max_length=200, blank=True, default="")
    # The longest booking (plus buffer) ever made of this resource, in minutes: how far back an overlap search
    # must look. Raised by booking_create under the resource's row lock; never lowered.
    longest_booking_minutes = models.PositiveIntegerField(_("longest booking (minutes)"), default=0, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["id"]
        indexes = [models.Index(fields=["platform", "kind"])]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="resource_capacity_positive"),
            models.CheckConstraint(condition=Q(max_minutes__gte=models.F("min_minutes")), name="resource_min_le_max"),
        ]


class Qualification(models.Model):
    """A user trained on a resource, possibly until a date."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="qualifications", verbose_name=_("user")
    )
    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, related_name="qualifications", verbose_name=_("resource")
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("granted by"),
    )
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    class Meta:
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["user", "resource"], name="qualification_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.resource}"


class BookingSeries(models.Model):
    """A recurring booking: the occurrences are ordinary bookings pointing here."""

    class Frequency(models.TextChoices):
        DAILY = "daily", _("daily")
        WEEKLY = "weekly", _("weekly")

    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, related_name="series", verbose_name=_("resource")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    count = models.PositiveIntegerField(_("occurrences"))
    skipped = models.JSONField(_("skipped dates"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("booking series")
        verbose_name_plural = _("booking series")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_frequency_display()} x{self.count} {self.resource}"


class Booking(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending approval")
        CONFIRMED = "confirmed", _("Confirmed")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")
        REJECTED = "rejected", _("Rejected")

    # No single-column index on these three: the (resource|user|organisation, start) indexes below serve every
    # lookup by them, and each index less is less work on every booking written.
    resource = models.ForeignKey(
        Resource, on_delete=models.PROTECT, related_name="bookings", db_index=False, verbose_name=_("resource")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings", db_index=False,
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="bookings", db_index=False,
        verbose_name=_("organisation"),
    )
    # The pipeline project the booking is for (of the booking's organisation), and a free-text note about it
    # (before the link existed this was the only project field: migration 0005 kept those texts here).
    project = models.ForeignKey(
        "pipeline.Project", null=True, blank=True, on_delete=models.SET_NULL, related_name="bookings",
        verbose_name=_("project"),
    )
    project_label = models.CharField(_("project note"), max_length=200, blank=True, default="")
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CONFIRMED)
    series = models.ForeignKey(
        BookingSeries, null=True, blank=True, on_delete=models.SET_NULL, related_name="bookings",
        verbose_name=_("series"),
    )
    outage = models.ForeignKey(
        "Outage", null=True, blank=True, on_delete=models.SET_NULL, related_name="flagged_bookings",
        verbose_name=_("outage"),
    )
    note = models.CharField(_("note"), max_length=500, blank=True, default="")
    # Who approved or rejected the booking, and why (a rejection's reason is shown to the requester).
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("decided by"),
    )
    decision_reason = models.CharField(_("reason"), max_length=500, blank=True, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["resource", "start"]),
            models.Index(fields=["organisation", "start"]),
            models.Index(fields=["user", "start"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="booking_end_after_start"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="booking_quantity_positive"),
        ]

    ACTIVE = (Status.PENDING, Status.CONFIRMED, Status.COMPLETED)

    def __str__(self) -> str:
        return f"{self.resource} {self.start:%Y-%m-%d %H:%M}Z"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


class BookingUnit(models.Model):
    """One unit of a resource held by a booking from `start` to `blocked_until` (its end plus the buffer).

    On PostgreSQL an exclusion constraint forbids two active rows of the same resource unit to overlap,
    whatever code path writes them (migration 0002).
    """

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="units", verbose_name=_("booking"))
    resource = models.ForeignKey(  # its index is the (resource, start) one in Meta
        Resource, on_delete=models.CASCADE, related_name="+", db_index=False, verbose_name=_("resource")
    )
    unit_no = models.PositiveIntegerField(_("unit number"))
    start = models.DateTimeField(_("start"))
    blocked_until = models.DateTimeField(_("blocked until"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("booking unit")
        verbose_name_plural = _("booking units")
        ordering = ["id"]
        indexes = [models.Index(fields=["resource", "start"], name="facil_unit_res_start")]
        constraints = [
            models.CheckConstraint(condition=Q(blocked_until__gt=models.F("start")), name="unit_range_not_empty"),
        ]

    def __str__(self) -> str:
        return f"unit {self.unit_no} of booking {self.booking_id}"


class WaitlistEntry(models.Model):
    """Somebody who wants a slot that is taken; told when it frees up."""

    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, related_name="waitlist", verbose_name=_("resource")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("wait-list entry")
        verbose_name_plural = _("wait-list entries")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"wait list {self.resource} {self.start:%Y-%m-%d %H:%M}Z"


class Outage(models.Model):
    class Kind(models.TextChoices):
        OUTAGE = "outage", _("Outage")
        MAINTENANCE = "maintenance", _("Maintenance")

    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, related_name="outages", verbose_name=_("resource")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.MAINTENANCE)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    reason = models.CharField(_("reason"), max_length=500, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("outage")
        verbose_name_plural = _("outages")
        ordering = ["start", "id"]
        indexes = [models.Index(fields=["resource", "start"])]
        constraints = [models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="outage_end_after_start")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.resource} {self.start:%Y-%m-%d %H:%M}Z"


class UsageRecord(models.Model):
    """What was actually used, priced when recorded (exact decimals)."""

    class Rate(models.TextChoices):
        MEMBER = "member", _("member rate")
        NON_MEMBER = "non_member", _("non-member rate")

    booking = models.OneToOneField(
        Booking, null=True, blank=True, on_delete=models.SET_NULL, related_name="usage", verbose_name=_("booking")
    )
    resource = models.ForeignKey(
        Resource, on_delete=models.PROTECT, related_name="usage", verbose_name=_("resource")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="facility_usage", verbose_name=_("organisation")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("user"),
    )
    project = models.CharField(_("project"), max_length=200, blank=True, default="")
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    rate = models.CharField(_("price class"), max_length=12, choices=Rate.choices)
    price_unit = models.CharField(_("price unit"), max_length=10, choices=Resource.PriceUnit.choices)
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    billed_units = models.DecimalField(_("billed units"), max_digits=12, decimal_places=4)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, default="CNY")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    confirmed_from_booking = models.BooleanField(_("confirmed from a booking"), default=False)

    class Meta:
        verbose_name = _("usage record")
        verbose_name_plural = _("usage records")
        ordering = ["start", "id"]
        indexes = [models.Index(fields=["organisation", "start"]), models.Index(fields=["resource", "start"])]
        constraints = [models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="usage_end_after_start")]

    def __str__(self) -> str:
        return f"usage {self.resource} {self.start:%Y-%m-%d}"
