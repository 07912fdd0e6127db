"""The roles a user can hold. They live in the kernel because the permission core (core.policy) decides on
them; accounts stores a user's role on its Profile."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Platform administrator")
    OPERATOR = "operator", _("Park operator")
    PLATFORM_MANAGER = "platform_manager", _("Platform manager")
    ENTERPRISE_MEMBER = "enterprise_member", _("Enterprise member")
    INVESTOR = "investor", _("Investor")
    VIEWER = "viewer", _("Viewer")
