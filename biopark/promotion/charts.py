"""The statistics page's charts: server-rendered SVG bars (through the pipeline app's chart builder, which
writes every element with biopark.core.svg), each with its text alternative in the table beside it."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from biopark.pipeline import charts
from biopark.promotion.selectors import Statistics


def statistics_charts(data: Statistics) -> dict[str, Any]:
    progress = [s for s in data.stages if s.stage.outcome != "lost"]
    return {
        "reached": charts.hbar([(s.stage.display_name, s.reached) for s in progress],
                               title=_("Leads that reached each stage")),
        "median": charts.hbar(
            [(s.stage.display_name, float(s.median_days) if s.median_days is not None else None) for s in progress],
            title=_("Median days in stage")),
        "source": charts.hbar([(o.label, o.won) for o in data.by_source], title=_("Won leads by source")),
        "owner": charts.hbar([(o.label, o.won) for o in data.by_owner], title=_("Won leads by owner")),
    }
