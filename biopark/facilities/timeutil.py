"""Time helpers: a resource's park time zone, its opening hours as UTC intervals, weeks and months in local
time. Everything stored is UTC; opening hours and calendars are read in the park's zone (DST included)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.utils.translation import gettext as _

from biopark.core.errors import ValidationFailed
from biopark.facilities.models import WEEKDAY_LABELS, WEEKDAYS, Resource

UTC = dt.UTC
Interval = tuple[dt.datetime, dt.datetime]


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def resource_zone(resource: Resource) -> ZoneInfo:
    """The time zone of the park the resource's platform is in (Asia/Shanghai unless the park says)."""
    park = resource.platform.park if resource.platform_id else None
    return zone(park.time_zone if park is not None else None)


def _parse_hhmm(text: str) -> tuple[int, int]:
    hours, _sep, minutes = str(text).partition(":")
    try:
        h, m = int(hours), int(minutes or 0)
    except ValueError:
        h, m = -1, 0  # refused just below, with the same message
    if not (0 <= h <= 24 and 0 <= m < 60) or (h == 24 and m):
        raise ValueError(_("not a time: %(value)s (use HH:MM)") % {"value": repr(text)})
    return h, m


def validate_opening_hours(value: object) -> dict[str, list[list[str]]]:
    """{"mon": [["08:00", "18:00"], ...], ...}; raises ValueError naming the bad entry."""
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise ValueError(_("opening hours must map weekdays (mon..sun) to lists of [from, to] times"))
    clean: dict[str, list[list[str]]] = {}
    for day, spans in value.items():
        if day not in WEEKDAYS:
            raise ValueError(_("unknown weekday %(value)s; use %(known)s") % {"value": repr(day), "known": ", ".join(WEEKDAYS)})
        if not isinstance(spans, list):
            raise ValueError(_("%(day)s: expected a list of [from, to] pairs") % {"day": WEEKDAY_LABELS[day]})
        out = []
        for span in spans:
            if not isinstance(span, list | tuple) or len(span) != 2:
                raise ValueError(_("%(day)s: expected [from, to], got %(value)s") % {"day": WEEKDAY_LABELS[day], "value": repr(span)})
            a, b = _parse_hhmm(span[0]), _parse_hhmm(span[1])
            if b <= a:
                raise ValueError(
                    _("%(day)s: %(from)s–%(to)s ends before it starts") % {"day": WEEKDAY_LABELS[day], "from": span[0], "to": span[1]}
                )
            out.append([f"{a[0]:02d}:{a[1]:02d}", f"{b[0]:02d}:{b[1]:02d}"])
        clean[day] = sorted(out)
    return clean


def _local(day: dt.date, hm: tuple[int, int], tz: ZoneInfo) -> dt.datetime:
    if hm[0] == 24:
        return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=tz)
    return dt.datetime.combine(day, dt.time(hm[0], hm[1]), tzinfo=tz)


def opening_intervals(
    opening_hours: dict, tz: ZoneInfo, start: dt.datetime, end: dt.datetime
) -> list[Interval]:
    """The open intervals between start and end (UTC, clipped, merged)."""
    if end <= start:
        return []
    if not opening_hours:
        return [(start, end)]
    first = start.astimezone(tz).date() - dt.timedelta(days=1)
    last = end.astimezone(tz).date()
    out: list[Interval] = []
    day = first
    while day <= last:
        for a, b in opening_hours.get(WEEKDAYS[day.weekday()], []):
            s = _local(day, _parse_hhmm(a), tz).astimezone(UTC)
            e = _local(day, _parse_hhmm(b), tz).astimezone(UTC)
            s, e = max(s, start), min(e, end)
            if e > s:
                out.append((s, e))
        day += dt.timedelta(days=1)
    return merge(out)


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    out: list[Interval] = []
    for s, e in sorted(intervals):
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def subtract(base: list[Interval], holes: Iterable[Interval]) -> list[Interval]:
    """base minus holes; both sorted lists of intervals."""
    result = list(base)
    for hs, he in merge(holes):
        nxt: list[Interval] = []
        for s, e in result:
            if he <= s or hs >= e:
                nxt.append((s, e))
                continue
            if hs > s:
                nxt.append((s, hs))
            if he < e:
                nxt.append((he, e))
        result = nxt
    return result


def hours(intervals: Iterable[Interval]) -> float:
    return sum((e - s).total_seconds() for s, e in intervals) / 3600


def week_start(moment: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """Monday 00:00 local of the week holding `moment`, as an aware UTC datetime."""
    local = moment.astimezone(tz).date()
    monday = local - dt.timedelta(days=local.weekday())
    return dt.datetime.combine(monday, dt.time(0, 0), tzinfo=tz).astimezone(UTC)


def week_bounds(moment: dt.datetime, tz: ZoneInfo) -> Interval:
    start = week_start(moment, tz)
    monday = start.astimezone(tz).date() + dt.timedelta(days=7)
    return start, dt.datetime.combine(monday, dt.time(0, 0), tzinfo=tz).astimezone(UTC)


def month_bounds(year: int, month: int, tz: ZoneInfo) -> Interval:
    if not 1900 <= year <= 2200:
        raise ValidationFailed(_("year: %(value)s is not a year between 1900 and 2200") % {"value": year}, field="year")
    if not 1 <= month <= 12:
        raise ValidationFailed(_("month: %(value)s is not a month (1-12)") % {"value": month}, field="month")
    first = dt.datetime(year, month, 1, tzinfo=tz)
    nxt = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
    return first.astimezone(UTC), nxt.astimezone(UTC)


def as_utc(value: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """An aware datetime in UTC; a naive one is read in `tz` (the park's zone)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(UTC)
