"""Writes about a user's own credentials: API tokens, calendar-feed tokens, the password; and the account
writes an administrator makes in the admin (a user's role, revoking anyone's API token).

A user manages only their own tokens: a token of someone else is answered exactly like a missing one
(NotFound), so its existence is not revealed. Changing the password revokes every token of the user, so a
leaked token or feed address dies with the old password.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from biopark.accounts import policy
from biopark.accounts.models import ApiToken, FeedToken, Profile, Role, hash_token
from biopark.core import tiles
from biopark.core.audit import diff, record_change, snapshot
from biopark.core.errors import NotFound, PermissionRefused, ValidationFailed
from biopark.core.models import ChangeRecord

NAME_MAX = 100
LABEL_MAX = 200


def _signed_in(actor: Any) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise PermissionRefused(_("Sign in first."))


def _clean_name(value: str, *, field: str, label: str, limit: int, default: str) -> str:
    text = " ".join((value or "").split())
    if len(text) > limit:
        raise ValidationFailed(
            _("%(field)s is longer than %(n)d characters.") % {"field": label, "n": limit}, field=field
        )
    if any(ord(ch) < 32 for ch in text):
        raise ValidationFailed(_("%(field)s contains a control character.") % {"field": label}, field=field)
    return text or default


@transaction.atomic
def api_token_create(*, actor: Any, name: str = "web") -> tuple[ApiToken, str]:
    """A new API token for the actor; returns the row and the raw value (shown once, stored hashed)."""
    _signed_in(actor)
    name = _clean_name(name, field="name", label=_("Name"), limit=NAME_MAX, default=_("web"))
    raw = ApiToken.new_raw()
    token = ApiToken.objects.create(user=actor, name=name, token_hash=hash_token(raw), prefix=raw[:8])
    record_change(actor=actor, obj=token, action=ChangeRecord.CREATE, changes={"name": [None, name]})
    return token, raw


def _own_token_revoke(*, actor: Any, model: type[ApiToken] | type[FeedToken], token_id: int, what: str) -> None:
    """Delete one of the actor's own tokens of `model`; anyone else's answers like a missing one."""
    _signed_in(actor)
    token = model.objects.select_for_update().filter(pk=token_id, user=actor).first()
    if token is None:
        raise NotFound(_("No such token."))
    record_change(actor=actor, obj=token, action=ChangeRecord.DELETE, note=f"{what} {token.prefix}… revoked")
    token.delete()


@transaction.atomic
def api_token_revoke(*, actor: Any, token_id: int) -> None:
    """Delete one of the actor's own API tokens; anyone else's is NotFound."""
    _own_token_revoke(actor=actor, model=ApiToken, token_id=token_id, what="API token")


@transaction.atomic
def feed_token_create(
    *, actor: Any, kind: str, target_id: int | None = None, label: str = ""
) -> tuple[FeedToken, str]:
    """A new calendar-feed token for the actor. The caller (facilities) has checked that the actor may see the
    target; what the feed shows is decided again by the policy each time it is read."""
    _signed_in(actor)
    if kind not in FeedToken.Kind.values:
        raise ValidationFailed(
            _("kind must be one of %(values)s.") % {"values": ", ".join(FeedToken.Kind.values)}, field="kind"
        )
    if kind == FeedToken.Kind.RESOURCE and not target_id:
        raise ValidationFailed(_("Choose a resource."), field="resource")
    if kind == FeedToken.Kind.BOOKINGS:
        target_id = None
    label = _clean_name(label, field="label", label=_("Label"), limit=LABEL_MAX, default="")
    raw = FeedToken.new_raw()
    token = FeedToken.objects.create(
        user=actor, kind=kind, target_id=target_id, label=label, token_hash=hash_token(raw), prefix=raw[:8]
    )
    record_change(
        actor=actor, obj=token, action=ChangeRecord.CREATE,
        changes={"kind": [None, kind], "target_id": [None, target_id], "label": [None, label]},
    )
    return token, raw


@transaction.atomic
def feed_token_revoke(*, actor: Any, token_id: int) -> None:
    """Delete one of the actor's own feed tokens; anyone else's is NotFound."""
    _own_token_revoke(actor=actor, model=FeedToken, token_id=token_id, what="feed token")


def tokens_revoke_all(*, actor: Any, user: Any, reason: str) -> tuple[int, int]:
    """Delete every API and feed token of `user`; returns how many of each. Runs inside the caller's
    transaction (the password change)."""
    api = ApiToken.objects.filter(user=user).delete()[0]
    feeds = FeedToken.objects.filter(user=user).delete()[0]
    if api or feeds:
        record_change(
            actor=actor, obj=user, action=ChangeRecord.UPDATE,
            note=f"{reason}: {api} API token(s) and {feeds} feed token(s) revoked",
        )
    return api, feeds


@transaction.atomic
def user_password_change(*, actor: Any, user: Any, password: str) -> tuple[int, int]:
    """Set `user`'s password and revoke all of the user's tokens. The actor is the user (change page, reset
    link) or an administrator; the history records who, never the password. Returns the tokens revoked."""
    # None is the system (a management command run by whoever runs the server).
    if actor is not None and actor.pk != user.pk and not policy.actor_for(actor).is_admin:
        raise PermissionRefused(_("You may change only your own password."))
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed(" ".join(exc.messages), field="new_password1") from exc
    user.set_password(password)
    user.save(update_fields=["password"])
    record_change(actor=actor or user, obj=user, action=ChangeRecord.UPDATE, note="password changed")
    return tokens_revoke_all(actor=actor or user, user=user, reason="password changed")


@transaction.atomic
def user_password_disable(*, actor: Any, user: Any) -> tuple[int, int]:
    """An administrator turns off password sign-in for `user` (Django's "unusable password"); every token of
    the user is revoked with it, as on a password change."""
    _require_admin(actor, policy.CHANGE, user)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    record_change(actor=actor, obj=user, action=ChangeRecord.UPDATE, note="password sign-in disabled")
    return tokens_revoke_all(actor=actor, user=user, reason="password sign-in disabled")


def feed_token_use(*, raw: str) -> FeedToken | None:
    """The live feed token with this raw value (None if unknown, revoked, or its owner is deactivated), its
    use noted at most once a minute (every poll of a calendar app would otherwise be a write)."""
    if not raw.startswith("bpf_") or len(raw) > 100:
        return None
    token = (
        FeedToken.objects.select_related("user", "user__profile")
        .filter(token_hash=hash_token(raw), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        FeedToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


# --- administrators, in the admin ---------------------------------------------------------------

_PROFILE_FIELDS = ["role", "organisation_id", "park_id"]


def _require_admin(actor: Any, action: str, obj: Any) -> None:
    """The policy's answer, and an administrator in any case: a role grants every other permission."""
    policy.require(actor, action, obj)
    if not policy.actor_for(actor).is_admin:
        raise PermissionRefused(_("only administrators manage accounts"))


@transaction.atomic
def profile_save(
    *, actor: Any, user: Any, role: str, organisation: Any = None, park: Any = None
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
def api_token_revoke_any(*, actor: Any, token: ApiToken) -> None:
    """An administrator revokes anyone's API token at once (it is deleted; its hash is never shown)."""
    _require_admin(actor, policy.DELETE, token)
    record_change(
        actor=policy.user_of(actor), obj=token, action=ChangeRecord.DELETE,
        changes={"user": [token.user_id, None], "name": [token.name, None], "prefix": [token.prefix, None]},
        note="token revoked",
    )
    token.delete()


# Home-page views closer together than this belong to one visit (a reload does not empty "since last visit").
VISIT_GAP = dt.timedelta(hours=1)


def profile_home_visit(*, user: Any, now: dt.datetime | None = None) -> None:
    """Note that the user opened the home page. A view more than VISIT_GAP after the current visit began
    starts a new visit, and the current one becomes "the last visit". Bookkeeping of the user's own profile
    (no history row: it changes nothing anybody else reads)."""
    if not getattr(user, "is_authenticated", False):
        return
    now = now or timezone.now()
    # Most views belong to the visit under way: answered by one plain read, without a lock or a write.
    loaded = getattr(user, "_state", None) and user._state.fields_cache.get("profile")
    current = (loaded.home_visit_at if loaded is not None
               else Profile.objects.filter(user_id=user.pk).values_list("home_visit_at", flat=True).first())
    if current is not None and now - current < VISIT_GAP:
        return
    with transaction.atomic():
        profile = Profile.objects.select_for_update().filter(user_id=user.pk).first()
        if profile is None:
            return
        if profile.home_visit_at is not None and now - profile.home_visit_at < VISIT_GAP:
            return
        profile.home_previous_visit_at = profile.home_visit_at
        profile.home_visit_at = now
        profile.save(update_fields=["home_visit_at", "home_previous_visit_at"])
        # The "since your last visit" tile counts from the visit just ended: its cached copy is stale now.
        tiles.note_write(Profile._meta.label_lower)


def profile_language_set(*, user: Any, language: str) -> bool:
    """Remember the language the user chose on the site, so mail sent to them later is written in it.
    Bookkeeping of the user's own profile, like profile_home_visit (no history row). True when it changed."""
    from biopark.core.mail import supported_language

    code = supported_language(language)
    if code is None or not getattr(user, "is_authenticated", False):
        return False
    with transaction.atomic():
        return bool(Profile.objects.filter(user_id=user.pk).exclude(language=code).update(language=code))
