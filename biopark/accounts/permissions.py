"""Who may do what to a user's credentials (API and feed tokens). Registered with the one policy in
AccountsConfig.ready().

- the owner: sees and revokes (deletes) their own tokens, makes new ones for themselves;
- an administrator: sees and revokes anyone's (the admin), makes none for others here;
- nobody changes a token (revoke it and make a new one), imports or exports tokens.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from biopark.accounts.models import ApiToken, FeedToken
from biopark.accounts.policy import ALLOW, CREATE, DELETE, VIEW, Actor, Decision, refuse, register_rule


def tokens_visible(actor: Actor) -> Q | None:
    """The queryset filter matching `token_rule`'s VIEW/DELETE decision on a single token."""
    if actor.is_admin:
        return Q()
    if actor.is_authenticated and actor.user is not None:
        return Q(user_id=actor.user.pk)
    return None


def token_rule(actor: Actor, action: str, obj: Any) -> Decision:
    if not actor.is_authenticated:
        return refuse("sign in first")
    if isinstance(obj, type):
        return ALLOW if action in (VIEW, CREATE) else refuse("choose a token")
    if action in (VIEW, DELETE):
        if actor.is_admin or (actor.user is not None and obj.user_id == actor.user.pk):
            return ALLOW
        return refuse("this token is not yours")
    if action == CREATE:
        if actor.user is not None and obj.user_id == actor.user.pk:
            return ALLOW
        return refuse("tokens are made by their owner")
    return refuse("tokens are not changed: revoke one and make a new one")


def register() -> None:
    register_rule(ApiToken, token_rule)
    register_rule(FeedToken, token_rule)
