"""Writes to accounts made from the admin: a user's role and what it acts for, and revoking an API token.
Keyword-only, atomic, checked against the policy (and, as roles grant every other permission, refused to
anyone but an administrator), recorded in the history."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from biopark.accounts import policy
from biopark.accounts.models import ApiToken, Profile, Role
from biopark.core.audit import diff, record_change, snapshot
from biopark.core.errors import PermissionRefused, ValidationFailed
from biopark.core.models import ChangeRecord
from biopark.ecosystem.models import Organisation, Park

_PROFILE_FIELDS = ["role", "organisation_id", "park_id"]


def _require_admin(actor: Any, action: str, obj: Any) -> None:
    policy.require(actor, action, obj)
    if not policy.actor_for(actor).is_admin:
        raise PermissionRefused(_("only administrators manage accounts"))


@transaction.atomic
def profile_save(
    *, actor: Any, user: Any, role: str, organisation: Organisation | None = None, park: Park | None = None
) -> Profile:
    """Give `user` a role (and the organisation or park it acts for); creates the profile when missing."""
    if role not in Role.values:
        raise ValidationFailed(
            _("unknown role %(role)r; known: %(known)s") % {"role": role, "known": ", ".join(Role.values)}, field="role"
        )
    profile = Profile.objects.select_for_update().filter(user=user).first()
    created = profile is None
    if profile is None:
        profile = Profile(user=user)
    _require_admin(actor, policy.CREATE if created else policy.CHANGE, profile)
    before = {} if created else snapshot(profile, _PROFILE_FIELDS)
    profile.role, profile.organisation, profile.park = role, organisation, park
    changes = diff(before, snapshot(profile, _PROFILE_FIELDS))
    if not changes and not created:
        return profile
    profile.save()
    record_change(
        actor=policy.user_of(actor), obj=profile, action=ChangeRecord.CREATE if created else ChangeRecord.UPDATE,
        changes=changes,
    )
    # The cached permission view of this user is stale now.
    if hasattr(user, "_biopark_actor"):
        del user._biopark_actor
    return profile


@transaction.atomic
def token_revoke(*, actor: Any, token: ApiToken) -> None:
    """Revoke an API token at once (it is deleted; its hash is never shown)."""
    _require_admin(actor, policy.DELETE, token)
    record_change(
        actor=policy.user_of(actor), obj=token, action=ChangeRecord.DELETE,
        changes={"user": [token.user_id, None], "name": [token.name, None], "prefix": [token.prefix, None]},
        note="token revoked",
    )
    token.delete()
