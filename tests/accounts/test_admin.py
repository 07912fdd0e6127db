"""Accounts in the admin: only superusers reach them; a role change goes through profile_save (history),
a token is revoked through token_revoke (history) and is never created or edited there."""

from __future__ import annotations

import pytest

from biopark.accounts.auth import token_create
from biopark.accounts.models import ApiToken, Profile, Role
from biopark.core.models import ChangeRecord
from tests.admin_forms import admin_url, form_post, staff_client
from tests.factories import UserFactory, make_user

pytestmark = pytest.mark.django_db


def history(model_name, pk):
    return list(
        ChangeRecord.objects.filter(object_id=str(pk), content_type__model=model_name)
        .order_by("id")
        .values_list("action", "actor_label", "changes", "note")
    )


@pytest.fixture
def superuser(db):
    return make_user(Role.ADMIN, is_superuser=True)


def test_a_role_changed_in_the_admin_is_in_the_history(roles, superuser):
    viewer = roles["users"]["viewer"]
    profile = viewer.profile
    data = form_post(Profile, superuser, profile, role=Role.OPERATOR, park=roles["park"])
    response = staff_client(superuser).post(admin_url(Profile, "change", profile.pk), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    profile.refresh_from_db()
    assert (profile.role, profile.park) == (Role.OPERATOR, roles["park"])
    assert history("profile", profile.pk) == [
        ("update", superuser.username, {"role": ["viewer", "operator"], "park_id": [None, roles["park"].pk]}, "")
    ]


def test_a_profile_added_in_the_admin_is_in_the_history(roles, superuser):
    newcomer = UserFactory()
    data = form_post(Profile, superuser, user=newcomer, role=Role.ENTERPRISE_MEMBER, organisation=roles["enterprise"])
    response = staff_client(superuser).post(admin_url(Profile, "add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    profile = Profile.objects.get(user=newcomer)
    assert (profile.role, profile.organisation) == (Role.ENTERPRISE_MEMBER, roles["enterprise"])
    assert history("profile", profile.pk)[0][:2] == ("create", superuser.username)


@pytest.mark.parametrize("role", ["admin", "operator", "platform_manager"])
def test_staff_who_are_not_superusers_cannot_change_roles(roles, role):
    """A role grants every other permission: a staff operator promoting itself would own the installation."""
    user = roles["users"][role]
    profile = user.profile
    before = Profile.objects.values().get(pk=profile.pk)
    client = staff_client(user)
    data = form_post(Profile, user, profile, role=Role.ADMIN)
    assert client.post(admin_url(Profile, "change", profile.pk), data).status_code == 403
    assert client.get(admin_url(Profile)).status_code == 403
    assert Profile.objects.values().get(pk=profile.pk) == before


def test_tokens_are_revoked_through_the_service_and_never_edited(roles, superuser):
    owner = roles["users"]["operator"]
    token_create(user=owner, name="laptop")
    token = ApiToken.objects.get(user=owner)
    before = ApiToken.objects.values().get(pk=token.pk)
    client = staff_client(superuser)
    assert client.post(admin_url(ApiToken, "change", token.pk), {"name": "x", "token_hash": "0" * 64}).status_code == 403
    assert client.post(admin_url(ApiToken, "add"), {"user": owner.pk, "token_hash": "1" * 64}).status_code == 403
    assert ApiToken.objects.values().get(pk=token.pk) == before
    assert client.post(admin_url(ApiToken, "delete", token.pk), {"post": "yes"}).status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert history("apitoken", token.pk)[-1:] == [
        ("delete", superuser.username, {"user": [owner.pk, None], "name": ["laptop", None],
                                        "prefix": [token.prefix, None]}, "token revoked")
    ]
