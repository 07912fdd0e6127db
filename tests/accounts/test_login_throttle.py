"""Login throttling (django-axes): wrong passwords lock one user name from one address; the right password is
then refused too, with a clear translated message, until the cool-off ends or an administrator unlocks."""

from __future__ import annotations

import io

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.core.management import call_command
from django.test import Client

from biopark.accounts.models import Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db
RIGHT = "correct-horse-9"


def _sign_in(username: str, password: str, *, ip: str = "10.0.0.1", language: str = "en"):
    client = Client(REMOTE_ADDR=ip, HTTP_ACCEPT_LANGUAGE=language)
    response = client.post("/accounts/login/", {"username": username, "password": password, "next": "/"})
    return response, client


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def victim(db):
    return make_user(Role.OPERATOR, username="victim")


def _guess(times: int, username: str = "victim", ip: str = "10.0.0.1") -> None:
    for i in range(times):
        response, _ = _sign_in(username, f"guess-{i}", ip=ip)
        assert response.status_code in (200, 429)


def test_settings_lock_per_username_and_address():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60


def test_fifty_wrong_passwords_then_the_right_one_is_refused(victim):
    _guess(50)
    response, client = _sign_in("victim", RIGHT)
    assert response.status_code == 429
    html = response.content.decode()
    assert ('<p class="errors" id="locked-out">Signing in with this user name from your address is locked after '
            "5 failed attempts.") in html
    assert "Try again in 15 minutes, or ask an administrator to unlock it." in html
    assert not _signed_in(client)


def test_the_lock_message_in_chinese(victim):
    _guess(5)
    response, _ = _sign_in("victim", RIGHT, language="zh-hans")
    assert response.status_code == 429
    html = response.content.decode()
    assert "此用户名从您的地址登录失败 5 次，已被锁定。" in html
    assert "请 15 分钟后再试，或请管理员解锁。" in html


def test_below_the_limit_the_right_password_works_and_clears_the_count(victim):
    _guess(4)
    response, client = _sign_in("victim", RIGHT)
    assert response.status_code == 302 and _signed_in(client)
    # The count starts again after a success: four more wrong ones do not lock.
    _guess(4)
    response, client = _sign_in("victim", RIGHT)
    assert response.status_code == 302 and _signed_in(client)


def test_the_lock_is_per_username_and_address(victim):
    bystander = make_user(Role.VIEWER, username="bystander")
    _guess(10)
    # The same user from another address, and another user from the same address, still get in.
    response, client = _sign_in("victim", RIGHT, ip="10.0.0.2")
    assert response.status_code == 302 and _signed_in(client)
    response, client = _sign_in(bystander.username, RIGHT, ip="10.0.0.1")
    assert response.status_code == 302 and _signed_in(client)
    response, client = _sign_in("victim", RIGHT, ip="10.0.0.1")
    assert response.status_code == 429 and not _signed_in(client)


def test_an_administrator_unlocks_with_axes_reset(victim):
    _guess(6)
    assert _sign_in("victim", RIGHT)[0].status_code == 429
    call_command("axes_reset_username", "victim", stdout=io.StringIO())
    response, client = _sign_in("victim", RIGHT)
    assert response.status_code == 302 and _signed_in(client)


def test_an_administrator_unlocks_in_the_admin(victim):
    assert AccessAttempt in admin.site._registry
    _guess(6)
    attempt = AccessAttempt.objects.get(username="victim", ip_address="10.0.0.1")
    assert attempt.failures_since_start == 6
    superuser = make_user(Role.ADMIN, username="root", is_superuser=True)
    staff = Client()
    staff.force_login(superuser)
    response = staff.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(pk=attempt.pk).exists()
    response, client = _sign_in("victim", RIGHT)
    assert response.status_code == 302 and _signed_in(client)


def test_unknown_user_names_are_throttled_alike(db):
    _guess(5, username="nobody")
    response, _ = _sign_in("nobody", "anything")
    assert response.status_code == 429


def test_a_user_name_longer_than_the_column_is_a_form_error(db):
    # It reached authenticate(), and django-axes failed to store the attempt (a 500 on PostgreSQL).
    response, _client = _sign_in("x" * 600, "whatever")
    assert response.status_code == 200
    assert "Wrong user name or password." in response.content.decode()
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == []
