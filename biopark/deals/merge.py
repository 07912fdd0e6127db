"""How agreements follow an organisation merged into another (see biopark.core.merge)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from biopark.core.merge import ForeignKeyFollower, ManyToManyFollower, register_follower
from biopark.deals.models import AgreementParty, Event, EventParticipant, IPAsset, Signatory

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
    # Signatories and participants name the organisation they acted for; they simply follow the survivor.
    register_follower(
        TARGET,
        ForeignKeyFollower(
            app="deals", kind="signatories", label=_("signatories of agreements"), model=Signatory,
            field="organisation", select_related=("agreement", "person"),
        ),
    )
    register_follower(
        TARGET,
        ForeignKeyFollower(
            app="deals", kind="event_participants", label=_("participants of events"), model=EventParticipant,
            field="organisation", select_related=("event", "person"),
        ),
    )
    register_follower(
        TARGET,
        ManyToManyFollower(app="deals", kind="organised_events", label=_("events organised"), model=Event,
                           field="organisers"),
    )
    register_follower(
        TARGET,
        ManyToManyFollower(app="deals", kind="ip_owners", label=_("IP assets owned"), model=IPAsset, field="owners"),
    )
