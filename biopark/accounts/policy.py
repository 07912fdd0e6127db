"""The one permission policy, as the apps import it: the permission core (`biopark.core.policy`: decisions,
actors, the registry of rules) and the rules of accounts' own models and of the history rows.

Every page, API handler, admin screen and service asks `decide` / `require` here. Each app registers the rules
of its own models in its AppConfig.ready (the registry's in biopark.ecosystem.rules, for example).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext as _

from biopark.accounts.models import ApiToken, Profile
from biopark.core.models import ChangeRecord
from biopark.core.policy import *  # noqa: F403  (this module is the core's public face for the apps)
from biopark.core.policy import (
    ALLOW,
    NOTHING,
    VIEW,
    Actor,
    Decision,
    _rules,  # noqa: F401  (tests swap a rule for a moment)
    admin_only_rule,
    admin_visible,
    own_rows,
    refuse,
    register_rule,
)


def register_core_rules() -> None:
    """The rules of accounts' models and of the history rows (called by AccountsConfig.ready)."""
    register_rule(ChangeRecord, admin_only_rule, visible=admin_visible)
    for owned_model in (ApiToken, Profile):
        rule, visible = own_rows("user")
        register_rule(owned_model, rule, visible=visible)
    register_rule(get_user_model(), _user_rule, visible=_user_visible)


def _user_rule(actor: Actor, action: str, obj: Any) -> Decision:
    """Accounts: a user reads their own; administrators manage all."""
    if actor.is_admin:
        return ALLOW
    if action == VIEW and not isinstance(obj, type) and actor.user is not None and obj.pk == actor.user.pk:
        return ALLOW
    return refuse(_("only administrators manage accounts"))


def _user_visible(actor: Actor) -> Q:
    if actor.is_admin:
        return Q()
    if actor.user is None or not actor.is_authenticated:
        return NOTHING
    return Q(pk=actor.user.pk)
