"""How member accounts follow an organisation merged into another (see biopark.core.merge)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from biopark.accounts.models import Profile
from biopark.core.merge import ForeignKeyFollower, register_follower

TARGET = "ecosystem.Organisation"


def register() -> None:
    """Called by AccountsConfig.ready: the people who act for the duplicate act for the survivor."""
    register_follower(
        TARGET,
        ForeignKeyFollower(
            app="accounts", kind="members", label=_("member accounts"), model=Profile, field="organisation",
            select_related=("user",), describe=lambda p: p.user.get_username(),
        ),
    )
