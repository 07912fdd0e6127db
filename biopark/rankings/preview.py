"""The effect of a draft on the ranking: the draft and the current version built on the same data, without
their uncertainty and sensitivity analyses, and nothing saved (a read)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from biopark.core.errors import ValidationFailed
from biopark.rankings import engine
from biopark.rankings.models import Framework, FrameworkVersion, JobStatus, Run
from biopark.rankings.services import park_idata


@dataclass
class PreviewRow:
    unit: str
    name: str
    score: float | None
    rank: int | None
    current_rank: int | None

    @property
    def shift(self) -> int | None:
        """Places gained by the draft (positive: better than today)."""
        if self.rank is None or self.current_rank is None:
            return None
        return self.current_rank - self.rank


@dataclass
class Preview:
    code: str
    rows: list[PreviewRow]
    data_label: str


def _data(framework: Framework, version: FrameworkVersion, year: int | None) -> tuple[list[dict[str, Any]], str]:
    if framework.kind == Framework.Kind.PARK:
        if year is None:
            raise ValidationFailed(_("year: give the year of the observations (1900–2200)"), field="preview_year")
        rows, _parks = park_idata(version, year)
        return rows, _("observations of %(year)s") % {"year": year}
    latest = None if framework.pk is None else Run.objects.filter(framework=framework, job_status=JobStatus.SUCCEEDED).order_by("-id").first()
    if latest is None:
        raise ValidationFailed(_("this framework has no data yet: its first run is built through the API with its "
                                 "data table"), field="preview_year")
    return list(latest.idata), _("the data table of run #%(id)s") % {"id": latest.pk}


def _top_ranks(imeta: list[dict[str, Any]], recipe: dict[str, Any], rows: list[dict[str, Any]],
               ) -> tuple[str, dict[str, tuple[str, float | None, int | None]]]:
    quick = {k: v for k, v in recipe.items() if k not in ("uncertainty", "sensitivity")}
    result = engine.build_stored(rows, imeta, quick, engine.column_order(rows)).results
    code = result.codes[0]
    out = {}
    for i, unit in enumerate(result.units):
        score, rank = float(result.scores[i, 0]), float(result.ranks[i, 0])
        out[unit] = (result.unit_names[i], None if math.isnan(score) else score,
                     None if math.isnan(rank) else int(rank))
    return code, out


def preview(*, framework: Framework, imeta: list[dict[str, Any]], recipe: dict[str, Any],
            year: int | None) -> Preview:
    """The draft's top-level ranking beside the current version's on the same data."""
    # A framework not saved yet (the builder's new framework) has no current version to compare with.
    current = framework.versions.order_by("-number").first() if framework.pk else None
    # Park data are read for the draft's indicators (a draft may add some the current version lacks).
    draft_version = FrameworkVersion(framework=framework, number=0, imeta=imeta, recipe=recipe)
    rows, label = _data(framework, draft_version, year)
    code, drafted = _top_ranks(imeta, recipe, rows)
    now: dict[str, tuple[str, float | None, int | None]] = {}
    if current is not None:
        try:
            current_rows = park_idata(current, year)[0] if framework.kind == Framework.Kind.PARK and year else rows
            _code, now = _top_ranks(current.imeta, current.recipe, current_rows)
        except ValidationFailed:
            pass  # the current version cannot be built on these data: no comparison
    table = [PreviewRow(unit, name, score, rank, now.get(unit, ("", None, None))[2])
             for unit, (name, score, rank) in drafted.items()]
    table.sort(key=lambda r: (r.rank is None, r.rank or 0, r.unit))
    return Preview(code, table, label)
