"""How investors' financing rows follow an organisation merged into another (see biopark.core.merge)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from biopark.core.merge import ForeignKeyFollower, register_follower
from biopark.financing.models import (
    Interest,
    Introduction,
    InvestorNote,
    Mandate,
    RoadshowFeedback,
    RoadshowInvestor,
)

TARGET = "ecosystem.Organisation"


def register() -> None:
    """Called by FinancingConfig.ready. Where both records hold the same row (an interest in the same project,
    say), the survivor's row is kept."""
    followers = [
        ForeignKeyFollower(app="financing", kind="mandates", label=_("investment mandates"), model=Mandate,
                           field="organisation"),
        ForeignKeyFollower(app="financing", kind="interests", label=_("interests in projects"), model=Interest,
                           field="investor", same_when=("project",), select_related=("project",)),
        ForeignKeyFollower(app="financing", kind="investor_notes", label=_("investor notes"), model=InvestorNote,
                           field="investor"),
        ForeignKeyFollower(app="financing", kind="introductions", label=_("introductions"), model=Introduction,
                           field="investor", same_when=("project",)),
        ForeignKeyFollower(app="financing", kind="roadshow_investors", label=_("roadshow attendance"),
                           model=RoadshowInvestor, field="organisation", same_when=("roadshow",)),
        ForeignKeyFollower(app="financing", kind="roadshow_feedback", label=_("roadshow feedback"),
                           model=RoadshowFeedback, field="investor", same_when=("roadshow", "project")),
    ]
    for follower in followers:
        register_follower(TARGET, follower)
