"""How facility rows follow an organisation merged into another (see biopark.core.merge)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from biopark.core.merge import ForeignKeyFollower, register_follower
from biopark.facilities.models import Booking, BookingSeries, UsageRecord, WaitlistEntry

TARGET = "ecosystem.Organisation"


def register() -> None:
    """Called by FacilitiesConfig.ready. Bookings, series, wait-list entries and usage records all belong
    to the organisation that books; none has a unique constraint on it, so every row moves."""
    kinds = (
        ("bookings", _("bookings"), Booking),
        ("booking_series", _("recurring bookings"), BookingSeries),
        ("waitlist", _("wait-list entries"), WaitlistEntry),
        ("usage", _("usage records"), UsageRecord),
    )
    for kind, label, model in kinds:
        register_follower(
            TARGET,
            ForeignKeyFollower(
                app="facilities", kind=kind, label=label, model=model, field="organisation",
                select_related=("resource",),
            ),
        )
