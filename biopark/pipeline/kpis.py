"""KPIs the project pipeline answers live (registered with biopark.core.kpis in PipelineConfig.ready)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from biopark.core.kpis import Scope, register_kpi
from biopark.ecosystem.models import STAGES
from biopark.pipeline.models import Direction, Project, StageEvent


def projects_at(stage: str | None = None):  # type: ignore[no-untyped-def]
    def compute(scope: Scope) -> Decimal:
        qs = Project.objects.filter(park_id__in=list(scope.park_ids))
        if stage:
            qs = qs.filter(highest_stage=stage)
        return Decimal(qs.count())

    return compute


def new_approvals(scope: Scope) -> Decimal:
    return Decimal(StageEvent.objects.filter(
        park_id__in=list(scope.park_ids), stage="approved", occurred_on__gte=scope.start,
        occurred_on__lte=scope.end,
    ).exclude(direction=Direction.BACK).count())


def register() -> None:
    register_kpi(
        "projects", projects_at(), stock=True, label=_("Projects"),
        definition=_("Projects of the park or a zone below it in the pipeline, today."), unit=_("projects"),
    )
    for code, name in STAGES:
        register_kpi(
            f"projects.{code}", projects_at(code), stock=True, label=format_lazy(_("Projects at stage: {stage}"), stage=name),
            definition=_("Projects of the park or a zone below it whose highest stage reached is this one, today."),
            unit=_("projects"),
        )
    register_kpi(
        "new_approvals", new_approvals, label=_("New approvals"),
        definition=_("Stage events of the park's projects reaching approval with a date within the period "
                     "(one per indication approved; moves back are not counted)."),
        unit=_("approvals"),
    )
