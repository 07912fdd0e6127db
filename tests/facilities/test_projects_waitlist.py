"""Bookings for a pipeline project (own organisation only, refused otherwise with nothing written), and the
e-mail a wait-listed user gets when an overlapping booking is cancelled or rejected."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from openpyxl import load_workbook

from biopark.accounts.models import Role
from biopark.core.errors import ValidationFailed
from biopark.core.models import ChangeRecord
from biopark.facilities import selectors, services, usage
from biopark.facilities.exports import statement_csv, statement_xlsx
from biopark.facilities.models import Booking, BookingSeries, BookingUnit, UsageRecord, WaitlistEntry
from tests.facilities.conftest import NOW, api_client
from tests.factories import make_user
from tests.pipeline.factories import ProjectFactory

pytestmark = pytest.mark.django_db

H = dt.timedelta(hours=1)
BASE = "/api/v1/facilities"


def counts():
    return (Booking.objects.count(), BookingUnit.objects.count(), BookingSeries.objects.count(),
            ChangeRecord.objects.count())


@pytest.fixture
def projects(fac):
    own = ProjectFactory(organisation=fac["enterprise"], name_zh="抗体甲", name_en="Antibody A")
    # Another organisation's project, even one shared with every park or public, is not the booker's to name.
    other = ProjectFactory(organisation=fac["other_enterprise"], visibility="public")
    return {**fac, "own": own, "other": other}


# --- project validation -------------------------------------------------------------------------


def test_a_booking_for_a_project_of_the_own_organisation(projects):
    b = services.booking_create(actor=projects["member"], resource=projects["resource"], start=NOW + 2 * H,
                                end=NOW + 3 * H, now=NOW, project=projects["own"], project_label="batch 7")
    b.refresh_from_db()
    assert (b.project_id, b.project_label) == (projects["own"].pk, "batch 7")
    assert list(projects["own"].bookings.all()) == [b]
    change = ChangeRecord.objects.filter(object_id=str(b.pk)).latest("id")
    assert change.changes["project_id"] == [None, projects["own"].pk]
    # An id works as well as the object; no project at all too.
    b2 = services.booking_create(actor=projects["member"], resource=projects["resource"], start=NOW + 4 * H,
                                 end=NOW + 5 * H, now=NOW, project=projects["own"].pk)
    assert b2.project_id == projects["own"].pk
    b3 = services.booking_create(actor=projects["member"], resource=projects["resource"], start=NOW + 6 * H,
                                 end=NOW + 7 * H, now=NOW)
    assert (b3.project_id, b3.project_label) == (None, "")


@pytest.mark.parametrize("which", ["other", "missing", "garbage"])
def test_another_organisations_project_is_refused_and_nothing_is_written(projects, which):
    project = {"other": projects["other"], "missing": 999_999, "garbage": "ABC-101"}[which]
    before = counts()
    with pytest.raises(ValidationFailed) as info:
        services.booking_create(actor=projects["member"], resource=projects["resource"], start=NOW + 2 * H,
                                end=NOW + 3 * H, now=NOW, project=project)
    assert set(info.value.fields) == {"project"}
    if which != "garbage":  # the same answer whether the project exists or not
        assert info.value.message == "请选择预约所属机构的项目"  # the site's default language
    assert counts() == before


def test_an_operator_booking_for_an_organisation_checks_that_organisation(projects):
    operator = projects["users"]["operator"]
    with pytest.raises(ValidationFailed) as info:
        services.booking_create(actor=operator, resource=projects["resource"], start=NOW + 2 * H, end=NOW + 3 * H,
                                now=NOW, organisation=projects["enterprise"], project=projects["other"])
    assert set(info.value.fields) == {"project"}
    b = services.booking_create(actor=operator, resource=projects["resource"], start=NOW + 2 * H, end=NOW + 3 * H,
                                now=NOW, organisation=projects["enterprise"], project=projects["own"])
    assert b.project_id == projects["own"].pk


def test_a_series_checks_the_project_before_writing_anything(projects):
    before = counts()
    with pytest.raises(ValidationFailed) as info:
        services.booking_series_create(actor=projects["member"], resource=projects["resource"], start=NOW + 2 * H,
                                       end=NOW + 3 * H, frequency="daily", count=3, project=projects["other"],
                                       now=NOW)
    assert set(info.value.fields) == {"project"}
    assert counts() == before
    result = services.booking_series_create(actor=projects["member"], resource=projects["resource"],
                                            start=NOW + 2 * H, end=NOW + 3 * H, frequency="daily", count=3,
                                            project=projects["own"], project_label="stability", now=NOW)
    assert [(b.project_id, b.project_label) for b in result.created] == [(projects["own"].pk, "stability")] * 3


def test_deleting_the_project_keeps_the_booking(projects):
    b = services.booking_create(actor=projects["member"], resource=projects["resource"], start=NOW + 2 * H,
                                end=NOW + 3 * H, now=NOW, project=projects["own"], project_label="note")
    projects["own"].delete()
    b.refresh_from_db()
    assert (b.project_id, b.project_label) == (None, "note")


# --- API ----------------------------------------------------------------------------------------


def _slot(days: int = 3) -> tuple[dt.datetime, dt.datetime]:
    from django.utils import timezone

    start = (timezone.now() + dt.timedelta(days=days)).replace(minute=0, second=0, microsecond=0)
    return start, start + H


def test_api_round_trip_with_a_project(projects):
    member = api_client(projects["member"])
    r, own = projects["resource"], projects["own"]
    s, e = _slot()
    resp = member.post(f"{BASE}/bookings", {"resource": r.pk, "start": s, "end": e, "project": own.pk,
                                            "project_label": "lot 12"})
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert (body["project"], body["project_label"]) == (own.pk, "lot 12")
    got = member.get(f"{BASE}/bookings/{body['id']}").json()
    assert (got["project"], got["project_label"]) == (own.pk, "lot 12")
    listed = member.get(f"{BASE}/bookings").json()["results"]
    assert [(x["id"], x["project"]) for x in listed] == [(body["id"], own.pk)]
    # Without a project: null and an empty note.
    resp = member.post(f"{BASE}/bookings", {"resource": r.pk, "start": s + 2 * H, "end": e + 2 * H})
    assert (resp.json()["project"], resp.json()["project_label"]) == (None, "")
    # Another organisation's project: 422 naming the field, nothing written.
    before = counts()
    resp = member.post(f"{BASE}/bookings", {"resource": r.pk, "start": s + 4 * H, "end": e + 4 * H,
                                            "project": projects["other"].pk})
    assert resp.status_code == 422, resp.content
    err = resp.json()["error"]
    assert err["code"] == "validation_error" and set(err["fields"]) == {"project"}
    resp = member.post(f"{BASE}/bookings/series", {"resource": r.pk, "start": s + 4 * H, "end": e + 4 * H,
                                                   "frequency": "daily", "count": 2, "project": projects["other"].pk})
    assert resp.status_code == 422 and set(resp.json()["error"]["fields"]) == {"project"}
    assert counts() == before
    resp = member.post(f"{BASE}/bookings/series", {"resource": r.pk, "start": s + 4 * H, "end": e + 4 * H,
                                                   "frequency": "daily", "count": 2, "project": own.pk})
    assert resp.status_code == 201, resp.content
    assert [x["project"] for x in resp.json()["created"]] == [own.pk, own.pk]


# --- statements ---------------------------------------------------------------------------------


def test_statement_lines_name_the_project(projects):
    from zoneinfo import ZoneInfo

    pm, member = projects["users"]["platform_manager"], projects["member"]
    b1 = services.booking_create(actor=member, resource=projects["resource"], start=NOW + 2 * H, end=NOW + 3 * H,
                                 now=NOW, project=projects["own"], project_label="batch 7")
    b2 = services.booking_create(actor=member, resource=projects["resource"], start=NOW + 4 * H, end=NOW + 5 * H,
                                 now=NOW, project_label="just a note")
    usage.usage_record(actor=pm, booking=b1)
    usage.usage_record(actor=pm, booking=b2)
    assert list(UsageRecord.objects.values_list("project", flat=True)) == ["抗体甲 / Antibody A", "just a note"]
    st = selectors.statement(user=member, organisation=projects["enterprise"], year=2030, month=3,
                             tz=ZoneInfo("Asia/Shanghai"))
    assert [line.project for line in st.lines] == ["抗体甲 / Antibody A", "just a note"]
    assert statement_csv(st).splitlines()[1].split(",")[3] == "抗体甲 / Antibody A"
    ws = load_workbook(io.BytesIO(statement_xlsx(st))).active
    assert [ws.cell(row=3, column=4).value, ws.cell(row=4, column=4).value] == ["抗体甲 / Antibody A", "just a note"]


def test_statement_page_shows_the_project_name(client, projects):
    b = services.booking_create(actor=projects["member"], resource=projects["resource"], start=NOW + 2 * H,
                                end=NOW + 3 * H, now=NOW, project=projects["own"])
    usage.usage_record(actor=projects["users"]["platform_manager"], booking=b)
    client.force_login(projects["member"])
    resp = client.get("/facilities/statements/", {"organisation": projects["enterprise"].pk, "month": "2030-03"})
    assert resp.status_code == 200
    assert "抗体甲 / Antibody A" in resp.content.decode()


# --- pages --------------------------------------------------------------------------------------


def test_the_booking_form_offers_the_organisations_projects(client, projects):
    from zoneinfo import ZoneInfo

    client.force_login(projects["member"])
    url = f"/facilities/resources/{projects['resource'].pk}/"
    page = client.get(url).content.decode()
    assert f'<option value="{projects["own"].pk}"' in page
    assert f'<option value="{projects["other"].pk}"' not in page
    s, e = (v.astimezone(ZoneInfo("Asia/Shanghai")).replace(tzinfo=None).isoformat(timespec="minutes")
            for v in _slot())
    before = counts()
    resp = client.post(url, {"start": s, "end": e, "project": projects["other"].pk})
    assert resp.status_code == 422
    assert "请选择预约所属机构的项目" in resp.content.decode()
    assert counts() == before
    resp = client.post(url, {"start": s, "end": e, "project": projects["own"].pk, "project_label": "lot 3"})
    assert resp.status_code == 302
    b = Booking.objects.get()
    assert (b.project_id, b.project_label) == (projects["own"].pk, "lot 3")


def test_project_bookings_selector(projects):
    b = services.booking_create(actor=projects["member"], resource=projects["resource"], start=NOW + 2 * H,
                                end=NOW + 3 * H, now=NOW, project=projects["own"])
    assert list(selectors.project_bookings(user=projects["member"], project=projects["own"])) == [b]
    outsider = make_user(Role.ENTERPRISE_MEMBER, organisation=projects["other_enterprise"])
    assert list(selectors.project_bookings(user=outsider, project=projects["own"])) == []
    assert list(selectors.project_bookings(user=projects["users"]["viewer"], project=projects["own"])) == []


# --- wait-list e-mail ---------------------------------------------------------------------------


@pytest.fixture
def waiting(fac):
    waiter = make_user(Role.ENTERPRISE_MEMBER, organisation=fac["enterprise"], email="waiter@example.org")
    booking = services.booking_create(actor=fac["member"], resource=fac["resource"], start=NOW + 2 * H,
                                      end=NOW + 3 * H, now=NOW)
    entry = services.waitlist_join(actor=waiter, resource=fac["resource"], start=NOW + 2 * H + dt.timedelta(minutes=30),
                                   end=NOW + 4 * H)
    return {**fac, "waiter": waiter, "booking": booking, "entry": entry}


def test_cancelling_e_mails_the_wait_listed_user_after_commit(waiting, settings, django_capture_on_commit_callbacks):
    settings.DEFAULT_FROM_EMAIL = "facilities@biopark.example"
    res = waiting["resource"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.booking_cancel(actor=waiting["member"], booking=waiting["booking"], now=NOW)
    assert mail.outbox == []  # nothing is sent before the transaction commits
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1
    msg = mail.outbox[0]
    assert msg.to == ["waiter@example.org"]
    assert msg.from_email == "facilities@biopark.example"
    # Written in the waiter's language: none chosen, so the site's (Simplified Chinese).
    assert msg.subject == f"[BioPark] 时段已空出：{res.name_zh}"
    # 03:00-04:00 UTC is 11:00-12:00 in Shanghai; the wanted slot 11:30-13:00.
    assert f"您在候补名单上等候的资源「{res.name_zh}」有时段空出：2030-03-04 11:00–12:00（Asia/Shanghai）。" in msg.body
    assert "您等候的时段：2030-03-04 11:30–13:00（Asia/Shanghai）。" in msg.body
    assert f"资源页面：/facilities/resources/{res.pk}/" in msg.body


def test_the_wait_list_mail_follows_the_waiters_language(waiting, django_capture_on_commit_callbacks):
    from biopark.accounts.models import Profile

    Profile.objects.filter(user=waiting["entry"].user).update(language="en")
    res = waiting["resource"]
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(actor=waiting["member"], booking=waiting["booking"], now=NOW)
    msg = mail.outbox[0]
    assert msg.subject == f"[BioPark] A slot was freed: {res.name_en}"
    assert f"A slot of {res.name_en}, which you are wait-listed for, has been freed: 2030-03-04 11:00–12:00 " \
           "(Asia/Shanghai)." in msg.body
    assert "The slot you are waiting for: 2030-03-04 11:30–13:00 (Asia/Shanghai)." in msg.body
    waiting["entry"].refresh_from_db()
    assert waiting["entry"].notified_at is not None


def test_rejecting_e_mails_once_and_only_overlapping_entries(waiting, django_capture_on_commit_callbacks):
    res = waiting["resource"]
    res.requires_approval = True
    res.save()
    pending = services.booking_create(actor=waiting["member"], resource=res, start=NOW + 6 * H, end=NOW + 7 * H,
                                      now=NOW)
    assert pending.status == Booking.Status.PENDING
    other = make_user(Role.ENTERPRISE_MEMBER, organisation=waiting["enterprise"], email="other@example.org")
    services.waitlist_join(actor=other, resource=res, start=NOW + 6 * H, end=NOW + 7 * H)
    no_mail = make_user(Role.ENTERPRISE_MEMBER, organisation=waiting["enterprise"], email="")
    silent = services.waitlist_join(actor=no_mail, resource=res, start=NOW + 6 * H, end=NOW + 7 * H)
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_decide(actor=waiting["users"]["platform_manager"], booking=pending, approve=False,
                                 reason="维护")
    # Only the overlapping entry with an address gets mail (the 11:30 waiter's slot does not overlap).
    assert [m.to for m in mail.outbox] == [["other@example.org"]]
    assert "2030-03-04 15:00–16:00" in mail.outbox[0].body
    silent.refresh_from_db()
    assert silent.notified_at is not None  # marked notified even without an address to write to
    # Entries already notified are not written to again.
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(actor=waiting["member"], booking=waiting["booking"], now=NOW)
    assert [m.to for m in mail.outbox] == [["other@example.org"], ["waiter@example.org"]]
    assert WaitlistEntry.objects.filter(notified_at__isnull=True).count() == 0


def test_a_refused_cancellation_sends_nothing(waiting, django_capture_on_commit_callbacks):
    from biopark.core.errors import DomainError

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(DomainError):
        services.booking_cancel(actor=waiting["member"], booking=waiting["booking"], now=NOW + 5 * H)  # started
    assert callbacks == [] and mail.outbox == []
    waiting["entry"].refresh_from_db()
    assert waiting["entry"].notified_at is None


def test_project_page_lists_its_bookings_to_those_who_may_see_them(projects, client):
    services.booking_create(actor=projects["member"], resource=projects["resource"], start=NOW + 2 * H,
                            end=NOW + 3 * H, now=NOW, project=projects["own"])
    services.booking_create(actor=projects["member"], resource=projects["resource"], start=NOW + 4 * H,
                            end=NOW + 5 * H, now=NOW)  # for no project: not listed
    path = f"/pipeline/{projects['own'].pk}/"
    client.force_login(projects["member"])
    page = client.get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Shared-platform bookings" in page and page.count(f'/facilities/resources/{projects["resource"].pk}/') == 1
    assert "4 Mar 2030, 11:00" in page  # shown in the park's time zone (Asia/Shanghai)
    # Another organisation's member may read the project (public) but not this organisation's bookings.
    projects["own"].visibility = "public"
    projects["own"].save()
    outsider = make_user(Role.ENTERPRISE_MEMBER, organisation=projects["other_enterprise"])
    client.force_login(outsider)
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "Antibody A" in response.content.decode()
    assert "Shared-platform bookings" not in response.content.decode()
