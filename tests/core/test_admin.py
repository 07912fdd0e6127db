"""The contract of the admin: every BioPark admin screen is a PolicyAdmin, asks the policy for every
permission (the class-level change question too), and has no bulk delete."""

from __future__ import annotations

import dataclasses

import pytest
from django.contrib import admin
from django.test import RequestFactory

from biopark.accounts import policy
from biopark.core.admin_policy import PolicyAdmin
from biopark.facilities.models import Resource

pytestmark = pytest.mark.django_db

BIOPARK_ADMINS = [
    (model, model_admin)
    for model, model_admin in admin.site._registry.items()
    if model.__module__.startswith("biopark.")
]


def request_for(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_every_biopark_admin_is_a_policy_admin():
    assert len(BIOPARK_ADMINS) >= 17
    offenders = [m.__name__ for m, a in BIOPARK_ADMINS if not isinstance(a, PolicyAdmin)]
    assert offenders == []


def test_no_admin_offers_the_bulk_delete(roles):
    superuser = roles["users"]["admin"]
    superuser.is_superuser = True
    superuser.save()
    request = request_for(superuser)
    offering = [m.__name__ for m, a in BIOPARK_ADMINS if "delete_selected" in a.get_actions(request)]
    assert offering == []


@pytest.mark.parametrize("role", ["admin", "operator", "platform_manager", "enterprise_member", "investor", "viewer"])
def test_class_level_permissions_are_the_policys_answers(roles, role):
    user = roles["users"][role]
    user.is_staff = True
    user.save()
    request = request_for(user)
    for model, model_admin in BIOPARK_ADMINS:
        if model.__module__ == "biopark.accounts.models":
            continue  # superusers only, on top of the policy (tested in tests/accounts/test_admin.py)
        writes = {name: getattr(type(model_admin), name) is not getattr(PolicyAdmin, name)
                  for name in ("service_create", "service_update", "service_delete")}
        may = {action: policy.decide(user, action, model).allowed for action in
               (policy.VIEW, policy.CREATE, policy.CHANGE, policy.DELETE)}
        assert model_admin.has_module_permission(request) == may[policy.VIEW], model
        assert model_admin.has_add_permission(request) == (writes["service_create"] and may[policy.VIEW]
                                                           and may[policy.CREATE]), model
        assert model_admin.has_change_permission(request) == (writes["service_update"] and may[policy.VIEW]
                                                              and may[policy.CHANGE]), model
        assert model_admin.has_delete_permission(request) == (writes["service_delete"] and may[policy.VIEW]
                                                              and may[policy.DELETE]), model


def test_the_class_level_change_question_is_asked_of_the_policy(roles, monkeypatch):
    """A rule that refuses changing resources closes the change screens of every role, admins included."""
    staff = roles["users"]["admin"]
    request = request_for(staff)
    resource_admin = admin.site._registry[Resource]
    assert resource_admin.has_change_permission(request) is True
    frozen = policy.rule_set(Resource)
    assert frozen is not None
    monkeypatch.setitem(policy._rules, Resource, dataclasses.replace(frozen, decide=lambda actor, action, obj: (
        policy.refuse("frozen") if action == policy.CHANGE else policy.ALLOW)))
    assert resource_admin.has_change_permission(request) is False
    assert resource_admin.has_view_permission(request) is True


def test_non_staff_users_never_reach_the_admin(roles):
    member = roles["users"]["enterprise_member"]
    request = request_for(member)
    assert [m.__name__ for m, a in BIOPARK_ADMINS if a.has_module_permission(request)] == []
