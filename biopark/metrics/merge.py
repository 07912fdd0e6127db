"""How figure requests follow an organisation merged into another (see biopark.core.merge)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from biopark.core.merge import ForeignKeyFollower, register_follower
from biopark.metrics.models import ObservationRequest


def register() -> None:
    """Called by MetricsConfig.ready. A request of the duplicate for a figure the survivor was asked for too
    is the same request and is dropped (the survivor's is kept)."""
    register_follower("ecosystem.Organisation", ForeignKeyFollower(
        app="metrics", kind="figure_requests", label=_("figure requests"), model=ObservationRequest,
        field="organisation", same_when=("indicator", "year"),
    ))
