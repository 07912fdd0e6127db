"""How agreements follow an organisation merged into another (see biopark.core.merge)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from biopark.core.merge import ForeignKeyFollower, register_follower
from biopark.deals.models import AgreementParty

TARGET = "ecosystem.Organisation"


def _describe(link: AgreementParty) -> str:
    return f"{link.agreement} ({link.get_role_display()})"


def register() -> None:
    """Called by DealsConfig.ready. An agreement that names both records in the same role keeps one party."""
    register_follower(
        TARGET,
        ForeignKeyFollower(
            app="deals", kind="agreements", label=_("agreement parties"), model=AgreementParty, field="organisation",
            same_when=("agreement", "role"), describe=_describe, select_related=("agreement",),
        ),
    )
