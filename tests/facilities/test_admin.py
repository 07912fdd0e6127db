"""The facilities admin writes only through the facilities services: a booking cancelled in the admin frees
its slot, tells the wait list and is in the history; an outage made in the admin flags the bookings it hits;
resource and qualification saves are in the history; what the policy refuses leaves the row unchanged; the
booking status is read-only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import translation

from biopark.accounts.models import Role
from biopark.core.models import ChangeRecord
from biopark.facilities import services
from biopark.facilities.models import Booking, BookingUnit, Outage, Qualification, Resource, WaitlistEntry
from tests.admin_forms import admin_url, form_post, staff_client
from tests.facilities.conftest import NOW
from tests.facilities.factories import ResourceFactory
from tests.factories import PlatformFactory, make_user

pytestmark = pytest.mark.django_db

H = dt.timedelta(hours=1)


def history(obj):
    return list(
        ChangeRecord.objects.filter(object_id=str(obj.pk), content_type__model=obj._meta.model_name)
        .order_by("id")
        .values_list("action", "actor_label", "changes", "note")
    )


def row(model, pk):
    return model.objects.values().get(pk=pk)


@pytest.fixture
def booked(fac):
    waiter = make_user(Role.ENTERPRISE_MEMBER, organisation=fac["enterprise"], email="waiter@example.org")
    booking = services.booking_create(actor=fac["member"], resource=fac["resource"], start=NOW + 2 * H,
                                      end=NOW + 3 * H, now=NOW)
    entry = services.waitlist_join(actor=waiter, resource=fac["resource"], start=NOW + 2 * H, end=NOW + 3 * H)
    return {**fac, "waiter": waiter, "booking": booking, "entry": entry}


# --- bookings -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "platform_manager", "operator"])
def test_cancelling_in_the_admin_frees_the_slot_records_history_and_tells_the_wait_list(
    booked, role, django_capture_on_commit_callbacks
):
    manager = booked["users"][role]
    client = staff_client(manager)
    booking = booked["booking"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(admin_url(Booking), {"action": "cancel_bookings", "_selected_action": [booking.pk]})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert list(BookingUnit.objects.filter(booking=booking).values_list("active", flat=True)) == [False]
    assert history(booking)[-1] == ("update", manager.username, {"status": ["confirmed", "cancelled"]}, "cancelled")
    # The wait list is told exactly as booking_cancel tells it.
    booked["entry"].refresh_from_db()
    assert booked["entry"].notified_at is not None
    with translation.override("zh-hans"):  # the waiter chose no language: the site's
        subject, body = services.waitlist_mail(resource=booked["resource"], booking=booking, entry=booked["entry"])
    assert [(m.to, m.subject, m.body) for m in mail.outbox] == [(["waiter@example.org"], subject, body)]
    # The slot is free: the same slot can be booked again.
    again = services.booking_create(actor=booked["member"], resource=booked["resource"], start=NOW + 2 * H,
                                    end=NOW + 3 * H, now=NOW)
    assert again.status == Booking.Status.CONFIRMED


def test_approving_in_the_admin_goes_through_booking_decide_and_rejecting_is_not_offered(fac):
    """Rejecting needs the reason the requester reads, so the admin has no bulk rejection."""
    resource = fac["resource"]
    resource.requires_approval = True
    resource.save()
    first = services.booking_create(actor=fac["member"], resource=resource, start=NOW + 2 * H, end=NOW + 3 * H,
                                    now=NOW)
    second = services.booking_create(actor=fac["member"], resource=resource, start=NOW + 4 * H, end=NOW + 5 * H,
                                     now=NOW)
    manager = fac["users"]["platform_manager"]
    client = staff_client(manager)
    client.post(admin_url(Booking), {"action": "approve_bookings", "_selected_action": [first.pk]})
    before = row(Booking, second.pk)
    client.post(admin_url(Booking), {"action": "reject_bookings", "_selected_action": [second.pk]})
    first.refresh_from_db()
    assert first.status == Booking.Status.CONFIRMED
    assert history(first)[-1][:3] == ("update", manager.username, {"status": ["pending", "confirmed"]})
    assert row(Booking, second.pk) == before


def test_a_refused_cancellation_is_an_admin_message_and_changes_nothing(booked):
    """Approving a confirmed booking is refused by booking_decide: a message, no server error, row unchanged."""
    booking = booked["booking"]
    before = row(Booking, booking.pk)
    client = staff_client(booked["users"]["platform_manager"])
    response = client.post(admin_url(Booking), {"action": "approve_bookings", "_selected_action": [booking.pk]},
                           follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert "只有待审批的预约可以批准或拒绝；该预约的状态为：已确认" in text
    assert row(Booking, booking.pk) == before


@pytest.mark.parametrize("role", ["admin", "platform_manager"])
def test_booking_status_is_read_only_in_the_admin(booked, role):
    booking = booked["booking"]
    before = row(Booking, booking.pk)
    client = staff_client(booked["users"][role])
    page = client.get(admin_url(Booking, "change", booking.pk))
    assert page.status_code == 200 and 'name="status"' not in page.content.decode()
    response = client.post(admin_url(Booking, "change", booking.pk), {"status": "cancelled", "quantity": "1"})
    assert response.status_code == 403
    assert row(Booking, booking.pk) == before
    assert list(BookingUnit.objects.filter(booking=booking).values_list("active", flat=True)) == [True]


def test_bookings_are_not_deleted_in_bulk_or_one_by_one(booked):
    booking = booked["booking"]
    client = staff_client(booked["users"]["admin"])
    client.post(admin_url(Booking), {"action": "delete_selected", "_selected_action": [booking.pk], "post": "yes"})
    assert client.post(admin_url(Booking, "delete", booking.pk), {"post": "yes"}).status_code == 403
    assert Booking.objects.filter(pk=booking.pk).exists()


# --- outages ------------------------------------------------------------------------------------


def test_an_outage_made_in_the_admin_flags_the_bookings_it_hits(booked):
    operator = booked["users"]["operator"]
    outside = services.booking_create(actor=booked["member"], resource=booked["resource"], start=NOW + 5 * H,
                                      end=NOW + 6 * H, now=NOW)
    client = staff_client(operator)
    data = form_post(Outage, operator, resource=booked["resource"], kind="outage", start=NOW + 1 * H,
                     end=NOW + 4 * H, reason="laser broken")
    response = client.post(admin_url(Outage, "add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    outage = Outage.objects.get()
    assert (outage.start, outage.end, outage.kind, outage.reason, outage.created_by) == (
        NOW + 1 * H, NOW + 4 * H, "outage", "laser broken", operator
    )
    assert Booking.objects.get(pk=booked["booking"].pk).outage_id == outage.pk
    assert Booking.objects.get(pk=outside.pk).outage_id is None
    assert history(outage)[0][0::3] == ("create", "1 booking(s) flagged")
    # Removing it (through outage_delete) clears the flag and is in the history too.
    assert client.post(admin_url(Outage, "delete", outage.pk), {"post": "yes"}).status_code == 302
    assert Booking.objects.get(pk=booked["booking"].pk).outage_id is None
    assert history(outage)[-1][0::3] == ("delete", "outage removed; 1 booking(s) unflagged")


def test_an_outage_of_an_unmanaged_resource_is_refused_on_the_form(fac):
    foreign = ResourceFactory(platform=PlatformFactory(operator=fac["other_enterprise"]))
    manager = fac["users"]["platform_manager"]
    client = staff_client(manager)
    data = form_post(Outage, manager, resource=foreign, kind="outage", start=NOW + 1 * H, end=NOW + 4 * H)
    response = client.post(admin_url(Outage, "add"), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "your organisation does not operate this platform" in response.content.decode()
    chinese = client.post(admin_url(Outage, "add"), data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "您的机构不运营该平台" in chinese.content.decode()
    assert not Outage.objects.exists()


def test_an_outage_is_not_changed_in_place(booked):
    outage, _flagged = services.outage_create(actor=booked["users"]["operator"], resource=booked["resource"],
                                              start=NOW + 1 * H, end=NOW + 4 * H)
    before = row(Outage, outage.pk)
    client = staff_client(booked["users"]["operator"])
    data = form_post(Outage, booked["users"]["operator"], outage, end=NOW + 10 * H)
    assert client.post(admin_url(Outage, "change", outage.pk), data).status_code == 403
    assert row(Outage, outage.pk) == before


# --- resources ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "platform_manager", "operator"])
def test_a_resource_saved_in_the_admin_is_in_the_history(fac, role):
    user = fac["users"][role]
    resource = fac["resource"]
    client = staff_client(user)
    data = form_post(Resource, user, resource, price_member="120.50", max_minutes=240)
    response = client.post(admin_url(Resource, "change", resource.pk), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    resource.refresh_from_db()
    assert (str(resource.price_member), resource.max_minutes) == ("120.50", 240)
    assert history(resource) == [
        ("update", user.username, {"price_member": ["100.00", "120.50"], "max_minutes": [480, 240]}, "")
    ]


def test_a_resource_added_in_the_admin_is_in_the_history(fac):
    manager = fac["users"]["platform_manager"]
    client = staff_client(manager)
    data = form_post(Resource, manager, platform=fac["platform"], name_zh="离心机", name_en="Centrifuge",
                     capacity=2)
    response = client.post(admin_url(Resource, "add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    resource = Resource.objects.get(name_en="Centrifuge")
    assert (resource.platform_id, resource.capacity, resource.search_text != "") == (fac["platform"].pk, 2, True)
    action, actor, changes, _note = history(resource)[0]
    assert (action, actor, changes["name_en"], changes["capacity"]) == (
        "create", manager.username, [None, "Centrifuge"], [None, 2]
    )


def test_a_platform_manager_cannot_change_another_platforms_resource(fac):
    foreign = ResourceFactory(platform=PlatformFactory(operator=fac["other_enterprise"]))
    before = row(Resource, foreign.pk)
    manager = fac["users"]["platform_manager"]
    client = staff_client(manager)
    data = form_post(Resource, fac["users"]["admin"], foreign, price_member="1.00", name_en="Mine now")
    response = client.post(admin_url(Resource, "change", foreign.pk), data)
    assert response.status_code in (302, 403)
    assert row(Resource, foreign.pk) == before
    assert history(foreign) == []
    # Nor create one on that platform.
    data = form_post(Resource, manager, platform=foreign.platform, name_en="Sneaked in")
    assert client.post(admin_url(Resource, "add"), data).status_code == 200
    assert not Resource.objects.filter(name_en="Sneaked in").exists()


def test_a_service_refusal_on_a_resource_is_a_form_error_not_a_server_error(fac):
    resource = fac["resource"]
    before = row(Resource, resource.pk)
    manager = fac["users"]["platform_manager"]
    client = staff_client(manager)
    data = form_post(Resource, manager, resource, opening_hours='{"mon": "all day"}')
    response = client.post(admin_url(Resource, "change", resource.pk), data)
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert row(Resource, resource.pk) == before


def test_the_platform_of_a_resource_is_read_only(fac):
    resource = fac["resource"]
    elsewhere = PlatformFactory(operator=fac["enterprise"])
    admin_user = fac["users"]["admin"]
    data = form_post(Resource, admin_user, resource)
    data["platform"] = str(elsewhere.pk)
    assert staff_client(admin_user).post(admin_url(Resource, "change", resource.pk), data).status_code == 302
    assert Resource.objects.get(pk=resource.pk).platform_id == fac["platform"].pk


# --- qualifications -----------------------------------------------------------------------------


def test_qualifications_are_granted_renewed_and_revoked_through_the_services(fac):
    manager = fac["users"]["platform_manager"]
    member = fac["member"]
    client = staff_client(manager)
    data = form_post(Qualification, manager, user=member, resource=fac["resource"], expires_on=dt.date(2031, 1, 1))
    assert client.post(admin_url(Qualification, "add"), data).status_code == 302
    qual = Qualification.objects.get()
    assert (qual.user, qual.granted_by, qual.expires_on) == (member, manager, dt.date(2031, 1, 1))
    data = form_post(Qualification, manager, qual, expires_on=dt.date(2032, 6, 30))
    assert client.post(admin_url(Qualification, "change", qual.pk), data).status_code == 302
    qual.refresh_from_db()
    assert qual.expires_on == dt.date(2032, 6, 30)
    assert client.post(admin_url(Qualification, "delete", qual.pk), {"post": "yes"}).status_code == 302
    assert not Qualification.objects.exists()
    assert [(a, who, n) for a, who, _c, n in history(qual)] == [
        ("create", manager.username, ""), ("update", manager.username, ""),
        ("delete", manager.username, "qualification revoked"),
    ]
    assert history(qual)[1][2]["expires_on"] == ["2031-01-01", "2032-06-30"]


def test_waitlist_entries_have_no_admin_write_path(booked):
    assert WaitlistEntry.objects.count() == 1
    assert staff_client(booked["users"]["admin"]).get("/admin/facilities/waitlistentry/").status_code == 404


def test_a_delete_refused_by_its_service_is_a_message_not_a_server_error(fac, monkeypatch):
    from biopark.core.errors import Conflict

    manager = fac["users"]["platform_manager"]
    qual = services.qualification_grant(actor=manager, resource=fac["resource"], user=fac["member"])
    before = row(Qualification, qual.pk)

    def refuse(**kwargs):
        raise Conflict("this qualification is still needed by a booking")

    monkeypatch.setattr(services, "qualification_revoke", refuse)
    response = staff_client(manager).post(admin_url(Qualification, "delete", qual.pk), {"post": "yes"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == admin_url(Qualification)
    assert '<li class="error">This qualification is still needed by a booking</li>' in response.content.decode()
    assert row(Qualification, qual.pk) == before


def test_the_booking_actions_speak_chinese(booked):
    page = staff_client(booked["users"]["platform_manager"]).get(admin_url(Booking)).content.decode()
    assert "取消所选预约" in page and "批准所选待审批预约" in page and "拒绝所选待审批预约" not in page
