"""Demo data for the facilities app: resources with rules and ILLUSTRATIVE prices for every registry platform,
a few qualified enterprise members, and a month of bookings and usage, so that the calendar, statements and
utilisation charts show something. Idempotent: records are found by key / username / note before they are made.

Call after the registry demo is loaded:  biopark.facilities.demo.build_demo(now=timezone.now())
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from biopark.accounts.demo_users import demo_password_hash
from biopark.accounts.models import Profile, Role
from biopark.accounts.policy import SYSTEM
from biopark.core.errors import DomainError
from biopark.ecosystem.models import Organisation, Platform
from biopark.facilities import services, timeutil, usage
from biopark.facilities.models import Booking, Outage, Qualification, Resource, UsageRecord

DEMO_NOTE = "demo"
PRICE_NOTE = "illustrative demo price, not the platform's tariff / 示意价格，非平台实际收费"
WEEKDAYS = {d: [["08:30", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
ALL_WEEK = {d: [["00:00", "24:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}

# (suffix, name_zh, name_en, kind, capacity, unit, rules and prices)
_GENERIC = ("instrument", "共享仪器（示意）", "Shared instrument (illustrative)", Resource.Kind.INSTRUMENT, 1, "", {
    "min_minutes": 60, "max_minutes": 480, "opening_hours": WEEKDAYS, "price_member": "120.00",
    "price_non_member": "180.00"})
_BY_KIND: dict[str, list[tuple[str, str, str, str, int, str, dict[str, Any]]]] = {
    Platform.Kind.ANIMAL: [
        ("cages", "IVC 笼位", "IVC cage places", Resource.Kind.ANIMAL_CAPACITY, 40, "cage", {
            "min_minutes": 24 * 60, "max_minutes": 14 * 24 * 60, "opening_hours": {}, "max_advance_days": 90,
            "notice_minutes": 24 * 60, "requires_qualification": True, "price_unit": "use",
            "price_member": "35.00", "price_non_member": "50.00", "quota_hours_month": None}),
    ],
    Platform.Kind.GMP_PILOT: [
        ("gmp-line", "GMP 中试线", "GMP pilot line", Resource.Kind.GMP_LINE, 1, "", {
            "min_minutes": 8 * 60, "max_minutes": 72 * 60, "opening_hours": {}, "requires_approval": True,
            "buffer_minutes": 240, "max_advance_days": 120, "notice_minutes": 72 * 60,
            "price_member": "2800.00", "price_non_member": "3600.00"}),
    ],
    Platform.Kind.GLP_SAFETY: [
        ("slide-scanner", "病理切片扫描仪", "Histopathology slide scanner", Resource.Kind.INSTRUMENT, 1, "", {
            "min_minutes": 30, "max_minutes": 240, "opening_hours": WEEKDAYS, "requires_qualification": True,
            "buffer_minutes": 15, "price_member": "260.00", "price_non_member": "380.00"}),
    ],
    Platform.Kind.SCREENING: [
        ("hcs", "高内涵成像系统", "High-content imaging system", Resource.Kind.INSTRUMENT, 1, "", {
            "min_minutes": 60, "max_minutes": 480, "opening_hours": WEEKDAYS, "requires_qualification": True,
            "quota_hours_week": "20", "price_member": "300.00", "price_non_member": "450.00"}),
    ],
}
_ROOM = ("room", "共享实验室 / 会议室", "Shared lab / meeting room", Resource.Kind.ROOM, 1, "", {
    "min_minutes": 30, "max_minutes": 240, "opening_hours": WEEKDAYS, "cancel_notice_minutes": 120,
    "price_unit": "use", "price_member": "80.00", "price_non_member": "120.00"})


def _resource_specs(platform: Platform) -> list[tuple[str, str, str, str, int, str, dict[str, Any]]]:
    return [*_BY_KIND.get(platform.kind, [_ROOM]), _GENERIC]


def _upsert_resource(platform: Platform, spec: tuple) -> Resource:
    suffix, name_zh, name_en, kind, capacity, unit, rules = spec
    key = f"demo-facility-{platform.pk}-{suffix}"
    found = Resource.objects.filter(key=key).first()
    if found is not None:
        return found
    data = {
        "key": key, "name_zh": f"{platform.name_zh or platform.name_en} · {name_zh}",
        "name_en": f"{platform.name_en or platform.name_zh} · {name_en}", "kind": kind, "capacity": capacity,
        "unit_label": unit, "price_note": PRICE_NOTE, "max_advance_days": 60,
        "description_en": "Demo resource with illustrative rules and prices.",
        "description_zh": "演示资源：规则与价格均为示意。",
        **rules,
    }
    return services.resource_create(actor=SYSTEM, platform=platform, data=data)


def _members(count: int, parks: set[int]) -> list[Any]:
    users = get_user_model()
    orgs = list(Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE, park_id__in=parks).order_by("id")[:3])
    orgs += list(
        Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE).exclude(pk__in=[o.pk for o in orgs])
        .order_by("id")[: max(0, 3 - len(orgs))]
    )
    if not orgs:
        return []
    out = []
    for n in range(1, count + 1):
        user, created = users.objects.get_or_create(username=f"member-{n}")
        if created:
            user.password = demo_password_hash()
            user.save()
        Profile.objects.get_or_create(
            user=user, defaults={"role": Role.ENTERPRISE_MEMBER, "organisation": orgs[(n - 1) % len(orgs)]}
        )
        out.append(user)
    return out


def build_demo(*, now: dt.datetime | None = None, members: int = 6, log: Any = None) -> dict[str, int]:
    """Add facilities demo data on top of the registry demo. Returns counts of what exists afterwards."""
    now = (now or timezone.now()).astimezone(dt.UTC)
    say = log or (lambda _msg: None)
    with transaction.atomic():
        platforms = list(Platform.objects.select_related("park").order_by("id"))
        resources = [_upsert_resource(p, spec) for p in platforms for spec in _resource_specs(p)]
        users = _members(members, {p.park_id for p in platforms if p.park_id})
        for r in resources:
            if r.requires_qualification:
                for i, u in enumerate(users):
                    if not Qualification.objects.filter(user=u, resource=r).exists():
                        # The last member's qualification has lapsed: the booking page says so.
                        expires = (now - dt.timedelta(days=3)).date() if i == len(users) - 1 else (
                            now + dt.timedelta(days=180)).date()
                        services.qualification_grant(actor=SYSTEM, resource=r, user=u, expires_on=expires)
    say(f"facilities: {len(resources)} resources on {len(platforms)} platforms, {len(users)} members")
    if users:
        for r in resources:
            _book_month(r, users[:-1] or users, now)
    return {
        "resources": Resource.objects.filter(key__startswith="demo-facility-").count(),
        "members": len(users),
        "bookings": Booking.objects.filter(note=DEMO_NOTE).count(),
        "usage": UsageRecord.objects.filter(booking__note=DEMO_NOTE).count(),
        "outages": Outage.objects.filter(reason__startswith="Demo").count(),
    }


@transaction.atomic
def _book_month(resource: Resource, users: list[Any], now: dt.datetime) -> None:
    if Booking.objects.filter(resource=resource, note=DEMO_NOTE).exists():
        return
    rng = random.Random(resource.pk)
    resource = Resource.objects.select_related("platform__park").get(pk=resource.pk)
    tz = timeutil.resource_zone(resource)
    today = now.astimezone(tz).date()
    first = today - dt.timedelta(days=28)
    made: list[Booking] = []
    for offset in range(0, 42):
        day = first + dt.timedelta(days=offset)
        if day.weekday() >= 5 or rng.random() < 0.35:
            continue
        user = users[rng.randrange(len(users))]
        if resource.kind == Resource.Kind.ANIMAL_CAPACITY:
            if day.weekday() != 0:
                continue
            start = dt.datetime.combine(day, dt.time(9), tzinfo=tz)
            end, quantity = start + dt.timedelta(days=7), rng.choice([4, 6, 8, 10])
        elif resource.kind == Resource.Kind.GMP_LINE:
            if day.weekday() not in (0, 3):
                continue
            start = dt.datetime.combine(day, dt.time(8), tzinfo=tz)
            end, quantity = start + dt.timedelta(hours=rng.choice([24, 48])), 1
        else:
            hour = rng.choice([9, 10, 13, 14])
            start = dt.datetime.combine(day, dt.time(hour), tzinfo=tz)
            end, quantity = start + dt.timedelta(hours=rng.choice([1, 2, 3])), 1
        # Booked a few days ahead of the slot: the policy checks it as it would have then.
        booked_at = start.astimezone(dt.UTC) - dt.timedelta(days=4)
        try:
            with transaction.atomic():
                made.append(services.booking_create(
                    actor=user, resource=resource, start=start, end=end, quantity=quantity,
                    project_label=rng.choice(["", "ADC-001", "mAb-PD1", "CAR-T-07"]), note=DEMO_NOTE, now=booked_at,
                ))
        except DomainError:
            continue
    # Usage is recorded in runs (usages_record: the rows and history entries of one usage_record per booking,
    # in a few statements); a run is written before the next approval, so the history keeps its order.
    used: list[tuple[Booking, dt.datetime | None, dt.datetime | None]] = []
    for b in made:
        if b.status == Booking.Status.PENDING and b.start < now:
            if used:
                usage.usages_record(actor=SYSTEM, items=used)
                used = []
            services.booking_decide(actor=SYSTEM, booking=b, approve=True)
        if b.end <= now and b.status == Booking.Status.CONFIRMED:
            if rng.random() < 0.3:
                used.append((b, b.start, b.end - dt.timedelta(minutes=rng.choice([15, 30]))))
            else:
                used.append((b, None, None))
    if used:
        usage.usages_record(actor=SYSTEM, items=used)
    future = [b for b in made if b.start > now + dt.timedelta(days=2)]
    if future and rng.random() < 0.25:
        b = future[0]
        services.outage_create(actor=SYSTEM, resource=resource, start=b.start - dt.timedelta(hours=1),
                               end=b.end, kind=Outage.Kind.MAINTENANCE, reason="Demo: yearly maintenance / 年度维护")


