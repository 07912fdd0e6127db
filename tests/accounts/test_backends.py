"""The signed-in user of a request is read with its profile in one query; sessions signed in through
Django's ModelBackend (before ProfileModelBackend) stay signed in; a password sign-in goes through ProfileModelBackend."""

from __future__ import annotations

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY
from django.test import Client

from biopark.accounts.backends import LEGACY_BACKEND, PROFILE_BACKEND
from biopark.core.roles import Role
from tests.factories import OrganisationFactory, make_user

pytestmark = pytest.mark.django_db


def test_a_signed_in_page_reads_the_user_and_its_profile_in_one_query(django_assert_num_queries):
    organisation = OrganisationFactory()
    user = make_user(Role.ENTERPRISE_MEMBER, organisation=organisation)
    client = Client()
    client.force_login(user)
    # The session, then the user with its profile; nothing else for a page that is not found.
    with django_assert_num_queries(2):
        response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert response.context["actor"].role == Role.ENTERPRISE_MEMBER
    assert response.context["actor"].organisation_id == organisation.pk


def test_a_user_without_a_profile_is_a_viewer_and_costs_no_extra_query(django_assert_num_queries):
    user = make_user(Role.VIEWER)
    user.profile.delete()
    client = Client()
    client.force_login(user)
    with django_assert_num_queries(2):
        response = client.get("/no/such/page/")
    assert response.context["actor"].role == Role.VIEWER
    assert response.context["actor"].user.pk == user.pk


def test_a_session_signed_in_through_model_backend_stays_signed_in():
    user = make_user(Role.INVESTOR)
    client = Client()
    client.force_login(user, backend=LEGACY_BACKEND)
    response = client.get("/no/such/page/")
    assert response.context["actor"].user.pk == user.pk
    assert response.context["actor"].role == Role.INVESTOR
    assert client.session[BACKEND_SESSION_KEY] == PROFILE_BACKEND
    assert client.session[SESSION_KEY] == str(user.pk)


def test_signing_in_with_a_password_goes_through_the_profile_backend():
    user = make_user(Role.VIEWER, username="pw-user")
    client = Client()
    response = client.post("/accounts/login/", {"username": "pw-user", "password": "correct-horse-9", "next": "/"})
    assert response.status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == PROFILE_BACKEND
    assert client.session[SESSION_KEY] == str(user.pk)


def test_an_inactive_user_is_signed_out():
    user = make_user(Role.OPERATOR)
    client = Client()
    client.force_login(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = client.get("/no/such/page/")
    assert response.context["actor"].role is None
    assert not response.context["user"].is_authenticated
