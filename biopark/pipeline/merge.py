"""How projects follow an organisation merged into another (see biopark.core.merge)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from biopark.core.merge import ForeignKeyFollower, ManyToManyFollower, register_follower
from biopark.pipeline.models import Project, StageEvent

TARGET = "ecosystem.Organisation"


def register() -> None:
    """Called by PipelineConfig.ready. Projects move before partner links, so a project the duplicate both
    owned and partnered is not left as its new owner's partner."""
    register_follower(
        TARGET, ForeignKeyFollower(app="pipeline", kind="projects", label=_("projects"), model=Project, field="organisation")
    )
    register_follower(
        TARGET,
        ManyToManyFollower(
            app="pipeline", kind="partner_projects", label=_("projects as partner"), model=Project, field="partners",
            owner="organisation",
        ),
    )
    # The events keep a copy of their project's organisation for the portfolio's grouping.
    register_follower(
        TARGET,
        ForeignKeyFollower(
            app="pipeline", kind="stage_events", label=_("stage events"), model=StageEvent, field="organisation",
            select_related=("project",), describe=lambda e: f"{e.project} {e.stage} {e.date}",
        ),
    )
