"""iCalendar (RFC 5545) feeds of bookings, written by hand: the format is small and the `icalendar`
package is not a dependency. Lines end in CRLF, are folded at 75 octets, text is escaped.

The secret in a feed's address is a per-user random token (biopark.accounts FeedToken), not a signature."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.utils.translation import gettext as _

from biopark.facilities.models import Booking

PRODID = "-//BioPark//Facilities//EN"
_STATUS: dict[str, str] = {
    Booking.Status.PENDING: "TENTATIVE",
    Booking.Status.CONFIRMED: "CONFIRMED",
    Booking.Status.COMPLETED: "CONFIRMED",
    Booking.Status.CANCELLED: "CANCELLED",
    Booking.Status.REJECTED: "CANCELLED",
}


def escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line at 75 octets (continuation lines start with one space), never inside a character."""
    raw = line.encode("utf-8")
    if len(raw) <= 75:
        return line
    parts: list[str] = []
    current = ""
    limit = 75
    for ch in line:
        if len((current + ch).encode("utf-8")) > limit:
            parts.append(current)
            current = ch
            limit = 74  # the leading space counts
        else:
            current += ch
    parts.append(current)
    return "\r\n ".join(parts)


def _stamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(bookings: Iterable[Booking], *, name: str, now: dt.datetime) -> str:
    """A VCALENDAR of the bookings (times in UTC, so every client shows them in its own zone)."""
    host = (settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS else "biopark").strip("[]*.") or "biopark"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
    ]
    for b in bookings:
        resource = b.resource
        summary = f"{resource.name_zh or resource.name_en}"
        if resource.name_en and resource.name_zh:
            summary += f" / {resource.name_en}"
        description = f"{b.organisation} · {b.get_status_display()}"
        if b.quantity > 1:
            unit = resource.unit_label or _("units")
            description += f" · {b.quantity} {unit}"
        if b.project_label:
            description += f" · {b.project_label}"
        if b.outage_id:
            description += " · " + _("FLAGGED: the resource is unavailable (outage/maintenance)")
        lines += [
            "BEGIN:VEVENT",
            f"UID:booking-{b.pk}@{host}",
            f"DTSTAMP:{_stamp(now)}",
            f"DTSTART:{_stamp(b.start)}",
            f"DTEND:{_stamp(b.end)}",
            f"SUMMARY:{escape(summary)}",
            f"LOCATION:{escape(str(resource.platform))}",
            f"DESCRIPTION:{escape(description)}",
            f"STATUS:{_STATUS.get(b.status, 'CONFIRMED')}",
            f"LAST-MODIFIED:{_stamp(b.updated_at)}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)

