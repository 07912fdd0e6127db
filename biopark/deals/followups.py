"""What happens when an investor asks to follow up a project presented at an event (a roadshow).

financing records the feedback and promotion keeps the leads; the two apps share a layer and may not import
each other, so the hand-over goes through this small registry one layer down (next to the Event it is about):
promotion registers the function that opens a financing lead, financing calls `open_lead` after it saved a
follow-up. Without a registered opener (an installation without promotion) nothing happens.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from biopark.deals.models import Event
from biopark.ecosystem.models import Organisation, Park


@dataclass(frozen=True)
class FollowUp:
    """An investor's wish to follow up one project after an event."""

    investor: Organisation
    project_name: str
    park: Park | None
    event: Event | None
    amount: Decimal | None = None
    currency: str = ""


Opener = Callable[..., int | None]  # opener(*, actor, follow_up) -> the id of the lead opened, or None
_openers: list[Opener] = []


def register_opener(opener: Opener) -> None:
    if opener not in _openers:
        _openers.append(opener)


def open_lead(*, actor: Any, follow_up: FollowUp) -> int | None:
    """The id of the lead the registered opener opened for the follow-up (None when none is registered)."""
    for opener in _openers:
        lead_id = opener(actor=actor, follow_up=follow_up)
        if lead_id is not None:
            return lead_id
    return None
