"""Who a user is in the park: one role, and the organisation or park it acts for; API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from biopark.core.roles import Role


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile", verbose_name=_("user"))
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.VIEWER, verbose_name=_("role"))
    organisation = models.ForeignKey(
        "ecosystem.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="member_profiles", verbose_name=_("organisation")
    )
    park = models.ForeignKey("ecosystem.Park", null=True, blank=True, on_delete=models.SET_NULL, related_name="operator_profiles", verbose_name=_("park"))
    language = models.CharField(max_length=10, blank=True, default="", verbose_name=_("language"))
    # The home page's "since last visit": when the current visit began, and when the one before it did.
    # A visit is a run of home-page views without a gap longer than accounts.services.VISIT_GAP.
    home_visit_at = models.DateTimeField(null=True, blank=True, editable=False, verbose_name=_("home visit at"))
    home_previous_visit_at = models.DateTimeField(null=True, blank=True, editable=False, verbose_name=_("home previous visit at"))

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the API. Only its hash is stored; the raw value is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user"))
    name = models.CharField(max_length=100, default="default", verbose_name=_("name"))
    token_hash = models.CharField(max_length=64, unique=True, verbose_name=_("token hash"))
    prefix = models.CharField(max_length=8, verbose_name=_("prefix"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    last_used_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last used at"))

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @staticmethod
    def new_raw() -> str:
        return "bp_" + secrets.token_urlsafe(32)

    class Meta:
        verbose_name = _("api token")
        verbose_name_plural = _("api tokens")


class FeedToken(models.Model):
    """The secret in a calendar-feed address (calendar apps cannot sign in). Random, stored hashed, shown once;
    revoked by deleting the row, and all of a user's go when the password changes. The feed shows only what
    its owner may see at the time it is read."""

    class Kind(models.TextChoices):
        BOOKINGS = "bookings", _("My bookings")
        RESOURCE = "resource", _("A resource's bookings")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_tokens", verbose_name=_("user"))
    kind = models.CharField(max_length=10, choices=Kind.choices, verbose_name=_("kind"))
    # The resource of a resource feed. A plain number rather than a foreign key: accounts must not depend on
    # facilities; a feed whose resource is gone answers 404.
    target_id = models.PositiveBigIntegerField(null=True, blank=True, verbose_name=_("target id"))
    label = models.CharField(max_length=200, blank=True, default="", verbose_name=_("label"))
    token_hash = models.CharField(max_length=64, unique=True, verbose_name=_("token hash"))
    prefix = models.CharField(max_length=8, verbose_name=_("prefix"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    last_used_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last used at"))

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.label or self.kind})"

    @staticmethod
    def new_raw() -> str:
        return "bpf_" + secrets.token_urlsafe(32)

    class Meta:
        verbose_name = _("feed token")
        verbose_name_plural = _("feed tokens")
