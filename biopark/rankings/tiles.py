"""The rankings' home tile for viewers and visitors: the newest published ranking's leading parks."""

from __future__ import annotations

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from biopark.core import tiles
from biopark.core.demo_texts import shown
from biopark.core.formatting import format_number
from biopark.core.policy import Actor
from biopark.core.roles import Role
from biopark.rankings import selectors
from biopark.rankings.models import JobStatus, Run, RunScore

PUBLIC = frozenset({Role.VIEWER.value, tiles.ANONYMOUS})
LIST_LENGTH = 5


def latest_ranking(actor: Actor) -> tiles.TileData | None:
    run = (
        selectors.run_list(user=actor)
        .filter(job_status=JobStatus.SUCCEEDED, status=Run.Status.PUBLISHED)
        .defer("idata", "imeta", "uncertainty", "sensitivity", "strengths")
        .first()
    )
    if run is None or not run.codes:
        return None
    top = list(RunScore.objects.filter(run=run, code=run.codes[0], rank__isnull=False)
               .select_related("park").order_by("rank", "unit_code")[:LIST_LENGTH])
    lang = get_language()
    items = []
    for s in top:
        name = s.park.display_name if s.park is not None else s.unit_name
        href = f"/parks/{s.park_id}/" if s.park_id else f"/rankings/runs/{run.pk}/"
        detail = format_number(s.score, lang, places=1) if s.score is not None else ""
        items.append(tiles.TileItem(label=f"{s.rank}. {name}", href=href, detail=detail))
    fw = run.framework
    title = (fw.name_zh or fw.name_en) if (lang or "").startswith("zh") else (fw.name_en or fw.name_zh)
    return tiles.TileData(
        value=tiles.count_text(run.n_units, lang),
        value_label=_("parks ranked in %(ranking)s") % {"ranking": shown(run.label) or title},
        href=f"/rankings/runs/{run.pk}/",
        items=items,
        extra={"run": run.pk, "synthetic": run.synthetic},
    )


def register() -> None:
    tiles.register_tile(tiles.Tile("rankings.latest", gettext_lazy("Rankings"), PUBLIC, latest_ranking, order=30))
