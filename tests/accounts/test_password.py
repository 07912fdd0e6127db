"""Password change and e-mail reset pages; a new password revokes every API token and feed of the user."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation

from biopark.accounts.models import ApiToken, FeedToken, Role
from biopark.accounts.services import api_token_create, feed_token_create, user_password_change
from biopark.core.errors import PermissionRefused, ValidationFailed
from biopark.core.models import ChangeRecord
from tests.factories import make_user

pytestmark = pytest.mark.django_db
OLD, NEW = "correct-horse-9", "a-new-long-passphrase-7"
API = "/api/v1/organisations"


@pytest.fixture
def me(db):
    user = make_user(Role.VIEWER, email="me@example.org")
    api_token_create(actor=user, name="a")
    api_token_create(actor=user, name="b")
    feed_token_create(actor=user, kind="bookings")
    return user


@pytest.fixture
def other(db):
    user = make_user(Role.VIEWER, email="other@example.org")
    _token, raw = api_token_create(actor=user, name="theirs")
    feed_token_create(actor=user, kind="bookings")
    user.raw_token = raw
    return user


def _tokens(user) -> tuple[list[str], list[str]]:
    return (sorted(ApiToken.objects.filter(user=user).values_list("token_hash", flat=True)),
            sorted(FeedToken.objects.filter(user=user).values_list("token_hash", flat=True)))


def test_change_password_page_revokes_tokens_and_keeps_me_signed_in(me, other):
    raw = api_token_create(actor=me, name="c")[1]
    others_before = _tokens(other)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(me)
    page = client.get("/accounts/password/change/")
    assert page.status_code == 200 and "<h1>Change my password</h1>" in page.content.decode()
    resp = client.post("/accounts/password/change/",
                       {"old_password": OLD, "new_password1": NEW, "new_password2": NEW})
    assert resp.status_code == 302 and resp["Location"] == "/accounts/password/change/done/"
    me.refresh_from_db()
    assert me.check_password(NEW) and not me.check_password(OLD)
    assert _tokens(me) == ([], [])
    assert _tokens(other) == others_before
    assert Client().get(API, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert Client().get(API, HTTP_AUTHORIZATION=f"Bearer {other.raw_token}").status_code == 200
    done = client.get("/accounts/password/change/done/")
    assert done.status_code == 200
    assert "3 API token(s) and 1 calendar feed(s) were revoked." in done.content.decode()
    assert client.get("/accounts/").status_code == 200  # this browser stays signed in
    notes = list(ChangeRecord.objects.filter(object_id=me.pk, action=ChangeRecord.UPDATE)
                 .order_by("id").values_list("note", flat=True))
    assert notes == ["password changed", "password changed: 3 API token(s) and 1 feed token(s) revoked"]


def test_other_sessions_end_with_the_old_password(me):
    elsewhere = Client()
    elsewhere.force_login(me)
    user_password_change(actor=me, user=me, password=NEW)
    resp = elsewhere.get("/accounts/")
    assert resp.status_code == 302 and resp["Location"].startswith("/accounts/login/")


def test_wrong_current_password_changes_nothing(me):
    before_hash, before_tokens = me.password, _tokens(me)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(me)
    resp = client.post("/accounts/password/change/",
                       {"old_password": "wrong", "new_password1": NEW, "new_password2": NEW})
    assert resp.status_code == 200
    assert "Your old password was entered incorrectly." in resp.content.decode()
    me.refresh_from_db()
    assert me.password == before_hash and _tokens(me) == before_tokens


def test_weak_new_password_is_refused_on_the_page(me):
    before_hash, before_tokens = me.password, _tokens(me)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(me)
    resp = client.post("/accounts/password/change/",
                       {"old_password": OLD, "new_password1": "short", "new_password2": "short"})
    assert resp.status_code == 200
    assert "This password is too short. It must contain at least 8 characters." in resp.content.decode()
    me.refresh_from_db()
    assert me.password == before_hash and _tokens(me) == before_tokens


def test_change_password_page_needs_a_sign_in():
    resp = Client().get("/accounts/password/change/")
    assert resp.status_code == 302 and resp["Location"] == "/accounts/login/?next=/accounts/password/change/"


def test_password_pages_in_chinese(me):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "<h1>重置密码</h1>" in client.get("/accounts/password/reset/").content.decode()
    assert "忘记密码？" in client.get("/accounts/login/").content.decode()
    client.force_login(me)
    assert "<h1>修改密码</h1>" in client.get("/accounts/password/change/").content.decode()


def test_reset_by_email_sets_the_password_and_revokes_tokens(me, other):
    others_before = _tokens(other)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    resp = client.post("/accounts/password/reset/", {"email": "me@example.org"})
    assert resp.status_code == 302 and resp["Location"] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["me@example.org"]
    assert message.subject == "Reset your BioPark password"
    link = re.search(r"http://testserver(/accounts/password/reset/[^/\s]+/[^/\s]+/)", message.body).group(1)
    assert f'account "{me.username}"' in message.body
    form_url = client.get(link)["Location"]  # Django moves the token out of the address
    page = client.get(form_url)
    assert page.status_code == 200 and 'id="password-reset-confirm-form"' in page.content.decode()
    done = client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302 and done["Location"] == "/accounts/password/reset/done/"
    me.refresh_from_db()
    assert me.check_password(NEW)
    assert _tokens(me) == ([], [])
    assert _tokens(other) == others_before
    # The link works once.
    again = Client(HTTP_ACCEPT_LANGUAGE="en").get(link, follow=True)
    assert "This link does not work: it was used already or has expired." in again.content.decode()


def test_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(me):
    client = Client()
    resp = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert resp.status_code == 302 and resp["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox == []


def test_service_refuses_changing_someone_elses_password(me, other):
    before = other.password
    with pytest.raises(PermissionRefused):
        user_password_change(actor=me, user=other, password=NEW)
    other.refresh_from_db()
    assert other.password == before


def test_service_lets_an_administrator_reset_a_password(me):
    admin = make_user(Role.ADMIN)
    assert user_password_change(actor=admin, user=me, password=NEW) == (2, 1)
    me.refresh_from_db()
    assert me.check_password(NEW) and _tokens(me) == ([], [])


def test_service_validates_the_password(me):
    before_hash, before_tokens = me.password, _tokens(me)
    with translation.override("en"), pytest.raises(ValidationFailed) as err:
        user_password_change(actor=me, user=me, password="password")
    assert err.value.fields == {"new_password1": "This password is too common."}
    me.refresh_from_db()
    assert me.password == before_hash and _tokens(me) == before_tokens
