"""How leads follow an organisation merged into another (see biopark.core.merge)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from biopark.core.merge import ForeignKeyFollower, register_follower
from biopark.promotion.models import Lead


def register() -> None:
    """Called by PromotionConfig.ready."""
    register_follower(
        "ecosystem.Organisation",
        ForeignKeyFollower(app="promotion", kind="leads", label=_("investment promotion leads"), model=Lead,
                           field="organisation"),
    )
