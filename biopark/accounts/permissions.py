"""Who may do what to calendar-feed tokens. Registered with the one policy in AccountsConfig.ready() (API tokens
have their rule in the policy's core rules).

- the owner: sees and revokes (deletes) their own feed tokens, makes new ones for themselves;
- an administrator: sees and revokes anyone's (the admin), makes none for others;
- nobody changes a feed token (revoke it and make a new one) or exports one.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from biopark.accounts.models import FeedToken
from biopark.accounts.policy import (
    ALLOW,
    CREATE,
    DELETE,
    NOTHING,
    VIEW,
    Actor,
    Decision,
    refuse,
    register_rule,
)


def feed_tokens_visible(actor: Actor) -> Q:
    """The queryset filter matching `feed_token_rule`'s VIEW (and DELETE) decision on one token."""
    if actor.is_admin:
        return Q()
    if actor.is_authenticated and actor.user is not None:
        return Q(user_id=actor.user.pk)
    return NOTHING


def feed_token_rule(actor: Actor, action: str, obj: Any) -> Decision:
    if not actor.is_authenticated:
        return refuse(_("sign in first"))
    if isinstance(obj, type):
        return ALLOW if action in (VIEW, CREATE) else refuse(_("choose a record"))
    owner = actor.user is not None and obj.user_id == actor.user.pk
    if action in (VIEW, DELETE) and (owner or actor.is_admin):
        return ALLOW
    if action == CREATE and owner:
        return ALLOW
    return refuse(_("this belongs to another user"))


def register() -> None:
    # CHANGE and EXPORT are not listed, so the policy refuses them before asking the rule.
    register_rule(FeedToken, feed_token_rule, visible=feed_tokens_visible, actions=(VIEW, CREATE, DELETE))
