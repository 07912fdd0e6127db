"""Calendar feeds: per-user random tokens stored hashed, revocable, rotated with the password; a feed shows
only what its owner may see. Signed tokens of the old scheme (forgeable with a known SECRET_KEY) are refused."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from django.core import signing
from django.test import Client

from biopark.accounts.models import FeedToken, Profile, Role
from biopark.accounts.services import feed_token_create, user_password_change
from biopark.facilities import services
from tests.facilities.conftest import NOW
from tests.facilities.factories import ResourceFactory
from tests.factories import PlatformFactory, make_user

pytestmark = pytest.mark.django_db
H = dt.timedelta(hours=1)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _uids(response) -> list[str]:
    return re.findall(r"UID:booking-(\d+)@", response.content.decode().replace("\r\n ", ""))


def _row(token: FeedToken) -> tuple:
    fresh = FeedToken.objects.get(pk=token.pk)
    return (fresh.user_id, fresh.kind, fresh.target_id, fresh.label, fresh.token_hash, fresh.prefix,
            fresh.created_at, fresh.last_used_at)


@pytest.fixture
def two_orgs(fac):
    """The resource booked by the roles' enterprise member and by a member of another organisation."""
    other_member = make_user(Role.ENTERPRISE_MEMBER, organisation=fac["other_enterprise"])
    mine = services.booking_create(actor=fac["member"], resource=fac["resource"], start=NOW + 2 * H,
                                   end=NOW + 3 * H, now=NOW)
    theirs = services.booking_create(actor=other_member, resource=fac["resource"], start=NOW + 4 * H,
                                     end=NOW + 5 * H, now=NOW)
    return {**fac, "other_member": other_member, "mine": mine, "theirs": theirs}


def _feed_url(client: Client, **post: str) -> str:
    resp = client.post("/facilities/feeds/new/", post)
    assert resp.status_code == 200, resp.content
    match = re.search(r'<code id="feed-url">http://testserver(/facilities/feeds/[^<]+\.ics)</code>', resp.content.decode())
    assert match, resp.content.decode()
    return match.group(1)


def test_old_signed_tokens_are_refused(two_orgs, settings):
    member = two_orgs["member"]
    anonymous = Client()
    # What the old scheme made: a signature over ("user", pk) with SECRET_KEY, for a user and for a resource,
    # with this installation's key and with the published development key.
    for key in (settings.SECRET_KEY, "biopark-insecure-development-key-change-me"):
        for payload in (["user", member.pk], ["resource", two_orgs["resource"].pk]):
            forged = signing.dumps(payload, key=key, salt="biopark.facilities.ical", compress=True)
            assert anonymous.get(f"/facilities/feeds/{forged}.ics").status_code == 404
    assert anonymous.get("/facilities/feeds/bpf_not-a-real-token.ics").status_code == 404


def test_my_bookings_feed_from_the_calendar_page(two_orgs):
    member = two_orgs["member"]
    client = _client(member)
    page = client.get("/facilities/calendar/").content.decode()
    assert 'action="/facilities/feeds/new/"' in page and 'name="kind" value="bookings"' in page
    assert ".ics" not in page  # no address in the page: it is made on request and shown once
    url = _feed_url(client, kind="bookings")
    resp = Client().get(url)
    assert resp.status_code == 200
    assert resp["Content-Type"] == "text/calendar; charset=utf-8"
    assert resp["Cache-Control"] == "private, no-cache"
    assert _uids(resp) == [str(two_orgs["mine"].pk)]
    # Stored hashed: the raw token appears in no column.
    raw = url.removeprefix("/facilities/feeds/").removesuffix(".ics")
    token = FeedToken.objects.get(user=member)
    assert (token.kind, token.target_id, token.label) == ("bookings", None, "")
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert token.prefix == raw[:8] and raw not in repr(_row(token))
    assert token.last_used_at is not None


def test_resource_feed_shows_only_what_its_owner_may_see(two_orgs):
    res = two_orgs["resource"]
    member_url = _feed_url(_client(two_orgs["member"]), kind="resource", resource=str(res.pk))
    manager_url = _feed_url(_client(two_orgs["users"]["platform_manager"]), kind="resource", resource=str(res.pk))
    other_url = _feed_url(_client(two_orgs["other_member"]), kind="resource", resource=str(res.pk))
    anonymous = Client()
    assert _uids(anonymous.get(member_url)) == [str(two_orgs["mine"].pk)]
    assert _uids(anonymous.get(other_url)) == [str(two_orgs["theirs"].pk)]
    assert _uids(anonymous.get(manager_url)) == [str(two_orgs["mine"].pk), str(two_orgs["theirs"].pk)]


def test_feed_follows_the_owners_current_rights(two_orgs):
    member = two_orgs["member"]
    url = _feed_url(_client(member), kind="resource", resource=str(two_orgs["resource"].pk))
    Profile.objects.filter(user=member).update(role=Role.VIEWER)
    assert _uids(Client().get(url)) == []  # a viewer sees no bookings
    member.is_active = False
    member.save()
    assert Client().get(url).status_code == 404


def test_resource_feed_of_a_deleted_resource_is_gone(two_orgs):
    other = ResourceFactory(platform=PlatformFactory(operator=two_orgs["enterprise"], park=two_orgs["zone"]))
    url = _feed_url(_client(two_orgs["users"]["platform_manager"]), kind="resource", resource=str(other.pk))
    other.delete()
    assert Client().get(url).status_code == 404


def test_revoked_feed_answers_404(two_orgs):
    member = two_orgs["member"]
    client = _client(member)
    url = _feed_url(client, kind="bookings")
    assert Client().get(url).status_code == 200
    token = FeedToken.objects.get(user=member)
    assert client.post(f"/accounts/feeds/{token.pk}/revoke/").status_code == 302
    assert not FeedToken.objects.filter(pk=token.pk).exists()
    assert Client().get(url).status_code == 404


def test_password_change_rotates_feeds(two_orgs):
    member = two_orgs["member"]
    url = _feed_url(_client(member), kind="bookings")
    other_url = _feed_url(_client(two_orgs["other_member"]), kind="bookings")
    user_password_change(actor=member, user=member, password="a-new-long-passphrase-7")
    assert Client().get(url).status_code == 404
    assert Client().get(other_url).status_code == 200


def test_someone_elses_feed_cannot_be_revoked(two_orgs):
    token, _raw = feed_token_create(actor=two_orgs["other_member"], kind="bookings")
    before = _row(token)
    resp = _client(two_orgs["member"]).post(f"/accounts/feeds/{token.pk}/revoke/")
    assert resp.status_code == 404
    assert _row(token) == before


@pytest.mark.parametrize("post", [
    {"kind": "resource", "resource": "abc"},
    {"kind": "resource", "resource": "\x00"},
    {"kind": "resource", "resource": "99999999999999999999999"},
    {"kind": "resource", "resource": "0"},
    {"kind": "resource"},
])
def test_feed_for_a_missing_resource_is_refused(two_orgs, post):
    resp = _client(two_orgs["member"]).post("/facilities/feeds/new/", post)
    assert resp.status_code == 404
    assert not FeedToken.objects.exists()


def test_feed_of_an_unknown_kind_is_refused(two_orgs):
    resp = _client(two_orgs["member"]).post("/facilities/feeds/new/", {"kind": "everything"})
    assert resp.status_code == 302 and resp["Location"] == "/facilities/calendar/"
    assert not FeedToken.objects.exists()


def test_roles_without_bookings_get_no_feed(two_orgs):
    viewer = two_orgs["users"]["viewer"]
    resp = _client(viewer).post("/facilities/feeds/new/", {"kind": "bookings"})
    assert resp.status_code == 302 and resp["Location"] == "/facilities/calendar/"
    assert not FeedToken.objects.exists()


def test_signing_in_is_needed_to_make_a_feed(two_orgs):
    resp = Client().post("/facilities/feeds/new/", {"kind": "bookings"})
    assert resp.status_code == 302 and resp["Location"].startswith("/accounts/login/")
    assert not FeedToken.objects.exists()
    assert Client().get("/facilities/feeds/new/").status_code == 405
