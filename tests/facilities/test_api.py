"""The REST API: bad inputs answer 4xx in the one error format, and the permission matrix per role."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from biopark.facilities.models import Booking, Resource
from tests.facilities.conftest import api_client
from tests.facilities.factories import ResourceFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/facilities"


def _slot(hours_ahead: int = 48):
    start = (timezone.now() + dt.timedelta(hours=hours_ahead)).replace(minute=0, second=0, microsecond=0)
    return start, start + dt.timedelta(hours=1)


def _error(resp, status, code):
    assert resp.status_code == status, resp.content
    body = resp.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]


def test_bad_inputs_give_the_error_format(fac):
    c = api_client(fac["member"])
    start, end = _slot()
    r = fac["resource"].pk
    _error(c.post(f"{BASE}/bookings", {"resource": r, "start": "tomorrow", "end": end}), 422, "validation_error")
    err = _error(c.post(f"{BASE}/bookings", {"start": start, "end": end}), 422, "validation_error")
    assert "resource" in err["fields"]
    _error(c.post(f"{BASE}/bookings", {"resource": 999999, "start": start, "end": end}), 404, "not_found")
    err = _error(c.post(f"{BASE}/bookings", {"resource": r, "start": end, "end": start}), 422, "booking_refused")
    assert err["fields"]["rule"] == "time_order"
    err = _error(c.post(f"{BASE}/bookings", {"resource": r, "start": start, "end": end, "quantity": 0}), 422,
                 "booking_refused")
    assert err["fields"]["rule"] == "quantity"
    _error(c.get(f"{BASE}/bookings", status="nope"), 422, "validation_error")
    _error(c.get(f"{BASE}/bookings", page=0), 422, "validation_error")
    _error(c.get(f"{BASE}/resources/{r}/slots", start="2030-01-10T00:00:00Z", end="2030-01-01T00:00:00Z"), 422,
           "validation_error")
    _error(c.get(f"{BASE}/resources/{r}/slots", start="2030-01-01T00:00:00Z", end="2030-03-01T00:00:00Z"), 422,
           "validation_error")
    _error(c.get(f"{BASE}/statements/{fac['enterprise'].pk}/2030/13"), 422, "validation_error")
    _error(c.get(f"{BASE}/statements/{fac['enterprise'].pk}/1/1"), 422, "validation_error")
    _error(c.post(f"{BASE}/bookings/series", {"resource": r, "start": start, "end": end, "frequency": "hourly",
                                              "count": 3}), 422, "validation_error")
    assert Booking.objects.count() == 0
    anon = api_client(None)
    _error(anon.post(f"{BASE}/bookings", {"resource": r, "start": start, "end": end}), 403, "forbidden")
    bad = api_client(None)
    from django.test import Client

    resp = Client().get(f"{BASE}/resources", HTTP_AUTHORIZATION="Bearer nope")
    _error(resp, 401, "unauthorized")
    del bad


def test_resource_validation(fac):
    c = api_client(fac["users"]["platform_manager"])
    p = fac["platform"].pk
    err = _error(c.post(f"{BASE}/resources", {"platform": p, "name_en": "X", "opening_hours": {"monday": []}}), 422,
                 "validation_error")
    assert "opening_hours" in err["fields"]
    err = _error(c.post(f"{BASE}/resources", {"platform": p, "name_en": "X", "min_minutes": 90, "max_minutes": 60}),
                 422, "validation_error")
    assert "max_minutes" in err["fields"]
    _error(c.post(f"{BASE}/resources", {"platform": 99999, "name_en": "X"}), 422, "validation_error")
    _error(c.post(f"{BASE}/resources", {"platform": p}), 422, "validation_error")
    err = _error(c.post(f"{BASE}/resources", {"platform": p, "name_en": "X", "price_member": "-1"}), 422,
                 "validation_error")
    assert "price_member" in err["fields"]
    assert Resource.objects.count() == 1


ROLES = ["admin", "operator", "platform_manager", "enterprise_member", "investor", "viewer"]
MAY_MANAGE = {"admin", "operator", "platform_manager"}
MAY_BOOK = {"admin", "operator", "enterprise_member"}


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(fac, role):
    user = fac["users"][role]
    c = api_client(user)
    p, r, org = fac["platform"].pk, fac["resource"].pk, fac["enterprise"].pk

    assert c.get(f"{BASE}/resources").status_code == 200
    resp = c.post(f"{BASE}/resources", {"platform": p, "name_en": f"New {role}"})
    assert resp.status_code == (201 if role in MAY_MANAGE else 403), resp.content
    resp = c.patch(f"{BASE}/resources/{r}", {"buffer_minutes": 5})
    assert resp.status_code == (200 if role in MAY_MANAGE else 403), resp.content

    start, end = _slot(48 + ROLES.index(role) * 2)
    if role not in MAY_BOOK:  # refused for the role, before any question about the organisation
        _error(c.post(f"{BASE}/bookings", {"resource": r, "start": start, "end": end}), 403, "forbidden")
    resp = c.post(f"{BASE}/bookings", {"resource": r, "start": start, "end": end, "organisation": org})
    assert resp.status_code == (201 if role in MAY_BOOK else 403), resp.content

    # A booking by the enterprise member exists; who sees it, who may approve/cancel/record usage?
    member = api_client(fac["member"])
    s2, e2 = _slot(100)
    booking_id = member.post(f"{BASE}/bookings", {"resource": r, "start": s2, "end": e2}).json()["id"]
    listed = {b["id"] for b in c.get(f"{BASE}/bookings", page_size=200).json().get("results", [])}
    sees = role in ("admin", "operator", "platform_manager", "enterprise_member")
    assert (booking_id in listed) is sees
    # A booking one may not see answers like a missing one (no existence oracle).
    assert c.get(f"{BASE}/bookings/{booking_id}").status_code == (200 if sees else 404)
    resp = c.post(f"{BASE}/bookings/{booking_id}/usage", {})
    assert resp.status_code == (201 if role in MAY_MANAGE else 403 if sees else 404), resp.content
    statement = c.get(f"{BASE}/statements/{org}/{s2.astimezone(dt.UTC).year}/{s2.month}")
    assert statement.status_code == (200 if sees else 403)


def test_members_of_another_organisation_see_nothing(fac):
    from biopark.accounts.models import Role
    from tests.factories import make_user

    outsider = make_user(Role.ENTERPRISE_MEMBER, organisation=fac["other_enterprise"])
    member = api_client(fac["member"])
    s, e = _slot()
    booking_id = member.post(f"{BASE}/bookings", {"resource": fac["resource"].pk, "start": s, "end": e}).json()["id"]
    other = api_client(outsider)
    assert other.get(f"{BASE}/bookings").json()["count"] == 0
    _error(other.get(f"{BASE}/bookings/{booking_id}"), 404, "not_found")  # hidden reads as missing
    _error(other.post(f"{BASE}/bookings/{booking_id}/cancel"), 404, "not_found")
    # Booking for another organisation is refused.
    s, e = _slot(60)
    _error(other.post(f"{BASE}/bookings", {"resource": fac["resource"].pk, "start": s, "end": e,
                                           "organisation": fac["enterprise"].pk}), 403, "forbidden")
    # Nor may a platform manager of another organisation manage this platform's resource.
    pm = make_user(Role.PLATFORM_MANAGER, organisation=fac["other_enterprise"])
    _error(api_client(pm).patch(f"{BASE}/resources/{fac['resource'].pk}", {"buffer_minutes": 1}), 403, "forbidden")


def test_free_slots_and_availability(fac):
    res = fac["resource"]
    res.opening_hours = {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
    res.max_advance_days = 3650
    res.save()
    other = ResourceFactory(platform=fac["platform"], capacity=4, max_advance_days=3650)
    c = api_client(fac["member"])
    # Next Monday, local (Shanghai) 10:00-12:00.
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("Asia/Shanghai")
    today = timezone.now().astimezone(tz).date()
    monday = today + dt.timedelta(days=7 - today.weekday())
    s = dt.datetime.combine(monday, dt.time(10), tzinfo=tz)
    assert c.post(f"{BASE}/bookings", {"resource": res.pk, "start": s, "end": s + dt.timedelta(hours=2)}).status_code == 201
    week_start = dt.datetime.combine(monday, dt.time(0), tzinfo=tz)
    slots = c.get(f"{BASE}/resources/{res.pk}/slots", start=week_start.isoformat()).json()
    monday_slots = [(x["start"], x["end"]) for x in slots["slots"]][:2]
    assert monday_slots == [
        (dt.datetime.combine(monday, dt.time(1), tzinfo=dt.UTC).isoformat().replace("+00:00", "Z"),
         dt.datetime.combine(monday, dt.time(2), tzinfo=dt.UTC).isoformat().replace("+00:00", "Z")),
        (dt.datetime.combine(monday, dt.time(4), tzinfo=dt.UTC).isoformat().replace("+00:00", "Z"),
         dt.datetime.combine(monday, dt.time(9), tzinfo=dt.UTC).isoformat().replace("+00:00", "Z")),
    ]
    assert slots["free_hours"] == 38.0  # 5 x 8 h - 2 h
    found = c.get(f"{BASE}/availability", start=week_start.isoformat(), platform=fac["platform"].pk).json()
    assert {x["resource"] for x in found} == {res.pk, other.pk}
    four = next(x for x in found if x["resource"] == other.pk)
    assert four["slots"][0]["free_units"] == 4 and four["free_hours"] == 168.0
    assert c.get(f"{BASE}/availability", start=week_start.isoformat(), kind="room").json() == []


def test_manager_endpoints_series_waitlist_outage(fac):
    pm = api_client(fac["users"]["platform_manager"])
    member = api_client(fac["member"])
    r = fac["resource"]
    r.requires_qualification = True
    r.save()
    s, e = _slot(72)
    err = _error(member.post(f"{BASE}/bookings", {"resource": r.pk, "start": s, "end": e}), 422, "booking_refused")
    assert err["fields"]["rule"] == "qualification"
    _error(pm.post(f"{BASE}/qualifications", {"resource": r.pk, "user": "nobody"}), 422, "validation_error")
    resp = pm.post(f"{BASE}/qualifications", {"resource": r.pk, "user": fac["member"].username,
                                              "expires_on": "2099-01-01"})
    assert resp.status_code == 201 and resp.json()["expires_on"] == "2099-01-01"
    assert [q["resource"] for q in member.get(f"{BASE}/qualifications").json()] == [r.pk]
    # Somebody else holds the second occurrence: the series books 2 of 3 and reports the conflict.
    member.post(f"{BASE}/bookings", {"resource": r.pk, "start": s + dt.timedelta(days=7), "end": e + dt.timedelta(days=7)})
    resp = member.post(f"{BASE}/bookings/series", {"resource": r.pk, "start": s, "end": e, "frequency": "weekly",
                                                   "count": 3})
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert len(body["created"]) == 2 and [x["rule"] for x in body["skipped"]] == ["overlap"]
    first = body["created"][0]["id"]
    resp = member.post(f"{BASE}/waitlist", {"resource": r.pk, "start": s, "end": e})
    assert resp.status_code == 201 and resp.json()["notified_at"] is None
    resp = pm.post(f"{BASE}/outages", {"resource": r.pk, "start": s, "end": e, "kind": "outage", "reason": "power"})
    assert resp.status_code == 201 and resp.json()["flagged"] == 1
    assert [o["flagged"] for o in member.get(f"{BASE}/resources/{r.pk}/outages").json()] == [1]
    flagged = member.get(f"{BASE}/bookings", flagged="true").json()["results"]
    assert [b["id"] for b in flagged] == [first] and flagged[0]["flagged"] is True
    _error(member.post(f"{BASE}/outages", {"resource": r.pk, "start": s, "end": e}), 403, "forbidden")
    _error(pm.post(f"{BASE}/outages", {"resource": r.pk, "start": e, "end": s}), 422, "validation_error")
    assert member.post(f"{BASE}/bookings/{first}/cancel").status_code == 200
    assert member.get(f"{BASE}/waitlist").json()[0]["notified_at"] is not None
    util = pm.get(f"{BASE}/utilisation", weeks=2).json()
    assert [u["resource"] for u in util] == [r.pk]
    _error(pm.get(f"{BASE}/utilisation", weeks=0), 422, "validation_error")


def test_new_booking_answer_is_exactly_the_booking_schema(fac):
    """The answer to a booking is built without the schema (for speed): it must equal what the schema gives."""
    c = api_client(fac["member"])
    start = (timezone.now() + dt.timedelta(hours=50)).replace(minute=0, second=0, microsecond=0)
    resp = c.post(f"{BASE}/bookings", {"resource": fac["resource"].pk, "start": start.isoformat(),
                                       "end": (start + dt.timedelta(minutes=90)).isoformat(),
                                       "project_label": "CAR-T 筛选"})
    assert resp.status_code == 201, resp.content
    created = resp.json()
    again = c.get(f"{BASE}/bookings/{created['id']}")
    assert again.status_code == 200
    assert created == again.json()
    assert created["resource"] == fac["resource"].pk and created["project_label"] == "CAR-T 筛选"
    assert created["start"] == start.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    assert created["local_start"].endswith("+08:00")  # the park's zone, Asia/Shanghai


def test_rejecting_through_the_api_needs_a_reason_and_the_requester_reads_it(fac):
    """As on the page: an empty or missing reason is refused in the reader's language and nothing changes; a
    given reason rejects the booking and the requester finds it on the booking."""
    import json

    from django.test import Client

    from biopark.accounts.auth import token_create
    fac["resource"].requires_approval = True
    fac["resource"].save()
    s, e = _slot(50)
    member = api_client(fac["member"])
    booking_id = member.post(f"{BASE}/bookings", {"resource": fac["resource"].pk, "start": s, "end": e}).json()["id"]
    before = Booking.objects.values().get(pk=booking_id)
    token = token_create(user=fac["users"]["platform_manager"])
    client = Client()

    def reject(body, language):
        return client.post(f"{BASE}/bookings/{booking_id}/reject", json.dumps(body), content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE=language)

    err = _error(reject({"reason": "   "}, "zh-hans"), 422, "validation_error")
    assert err["fields"] == {"reason": "请填写理由：申请人会看到。"}
    err = _error(reject({"reason": ""}, "en"), 422, "validation_error")
    assert err["fields"] == {"reason": "Enter the reason: the requester will see it."}
    err = _error(reject({}, "zh-hans"), 422, "validation_error")
    assert set(err["fields"]) == {"reason"}
    assert Booking.objects.values().get(pk=booking_id) == before

    resp = reject({"reason": "仪器当天校准"}, "zh-hans")
    assert resp.status_code == 200, resp.content
    assert (resp.json()["status"], resp.json()["decision_reason"]) == ("rejected", "仪器当天校准")
    seen = member.get(f"{BASE}/bookings/{booking_id}").json()
    assert (seen["status"], seen["decision_reason"]) == ("rejected", "仪器当天校准")
    listed = member.get(f"{BASE}/bookings", status="rejected").json()["results"]
    assert [(b["id"], b["decision_reason"]) for b in listed] == [(booking_id, "仪器当天校准")]
