"""The account page: a user lists, creates and revokes their own API tokens and feeds, never anyone else's."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.test import Client

from biopark.accounts.models import ApiToken, FeedToken, Role
from biopark.accounts.services import api_token_create, feed_token_create
from biopark.core.models import ChangeRecord
from tests.factories import make_user

pytestmark = pytest.mark.django_db
API = "/api/v1/organisations"


def _client(user, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def _api_row(token: ApiToken) -> tuple:
    fresh = ApiToken.objects.get(pk=token.pk)
    return (fresh.user_id, fresh.name, fresh.token_hash, fresh.prefix, fresh.created_at, fresh.last_used_at)


def _feed_row(token: FeedToken) -> tuple:
    fresh = FeedToken.objects.get(pk=token.pk)
    return (fresh.user_id, fresh.kind, fresh.target_id, fresh.label, fresh.token_hash, fresh.prefix,
            fresh.created_at, fresh.last_used_at)


@pytest.fixture
def people(db):
    return {"me": make_user(Role.VIEWER), "other": make_user(Role.VIEWER)}


def test_account_page_lists_only_my_tokens(people):
    mine, _ = api_token_create(actor=people["me"], name="my script")
    theirs, _ = api_token_create(actor=people["other"], name="their script")
    my_feed, _ = feed_token_create(actor=people["me"], kind="bookings")
    their_feed, _ = feed_token_create(actor=people["other"], kind="bookings")
    page = _client(people["me"]).get("/accounts/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"<code>{mine.prefix}…</code></td><td>my script</td>" in html
    assert f"<code>{my_feed.prefix}…</code></td><td>My bookings</td>" in html
    assert theirs.prefix not in html and "their script" not in html and their_feed.prefix not in html
    assert f'action="/accounts/tokens/{mine.pk}/revoke/"' in html
    assert f'action="/accounts/feeds/{my_feed.pk}/revoke/"' in html
    # Every page's header links the user name to this page.
    assert f'<a href="/accounts/" id="account-link" title="My account">{people["me"].username}</a>' in html


def test_account_page_in_chinese(people):
    html = _client(people["me"], "zh-hans").get("/accounts/").content.decode()
    assert "<h1>我的账户</h1>" in html
    assert "日历订阅" in html and "修改密码" in html


def test_account_page_needs_a_sign_in():
    resp = Client().get("/accounts/")
    assert resp.status_code == 302 and resp["Location"] == "/accounts/login/?next=/accounts/"


def test_create_a_token_shows_it_once_and_it_works(people):
    client = _client(people["me"])
    resp = client.post("/accounts/tokens/", {"name": "  nightly   export "})
    assert resp.status_code == 200
    raw = re.search(r'<code id="new-token">([^<]+)</code>', resp.content.decode()).group(1)
    token = ApiToken.objects.get(user=people["me"])
    assert (token.name, token.prefix) == ("nightly export", raw[:8])
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert Client().get(API, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    # Shown once: the page lists it by prefix only afterwards.
    assert raw not in client.get("/accounts/").content.decode()
    record = ChangeRecord.objects.filter(object_id=token.pk, action=ChangeRecord.CREATE).get()
    assert (record.actor_id, record.changes) == (people["me"].pk, {"name": [None, "nightly export"]})


def test_old_token_page_address_still_works(people):
    client = _client(people["me"])
    resp = client.get("/accounts/token/")
    assert resp.status_code == 302 and resp["Location"] == "/accounts/"
    assert client.post("/accounts/token/").status_code == 200
    assert ApiToken.objects.get(user=people["me"]).name == "web"


@pytest.mark.parametrize("name, message", [("x" * 101, "Name is longer than 100 characters."),
                                           ("a\x00b", "Name contains a control character.")])
def test_bad_token_name_is_refused(people, name, message):
    resp = _client(people["me"]).post("/accounts/tokens/", {"name": name})
    assert resp.status_code == 422
    assert f'<span class="errors">{message}</span>' in resp.content.decode()
    assert not ApiToken.objects.exists()


def test_revoke_my_token(people):
    token, raw = api_token_create(actor=people["me"], name="t")
    client = _client(people["me"])
    resp = client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert resp.status_code == 302 and resp["Location"] == "/accounts/"
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert Client().get(API, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    record = ChangeRecord.objects.filter(object_id=token.pk, action=ChangeRecord.DELETE).get()
    assert record.actor_id == people["me"].pk and record.note == f"API token {token.prefix}… revoked"


def test_someone_elses_token_cannot_be_revoked(people):
    token, raw = api_token_create(actor=people["other"], name="theirs")
    before = _api_row(token)
    client = _client(people["me"])
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    # Exactly like a token that does not exist.
    assert client.post("/accounts/tokens/999999/revoke/").status_code == 404
    assert _api_row(token) == before
    assert Client().get(API, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


def test_even_an_administrator_revokes_others_tokens_only_in_the_admin(people):
    admin = make_user(Role.ADMIN)
    token, _ = feed_token_create(actor=people["other"], kind="bookings")
    before = _feed_row(token)
    assert _client(admin).post(f"/accounts/feeds/{token.pk}/revoke/").status_code == 404
    assert _feed_row(token) == before


def test_revoking_needs_post_and_a_sign_in(people):
    token, _ = api_token_create(actor=people["me"], name="t")
    before = _api_row(token)
    assert _client(people["me"]).get(f"/accounts/tokens/{token.pk}/revoke/").status_code == 405
    resp = Client().post(f"/accounts/tokens/{token.pk}/revoke/")
    assert resp.status_code == 302 and resp["Location"].startswith("/accounts/login/")
    assert _api_row(token) == before
