"""The pipeline's home tiles: the operator's project funnel and the projects with no development reported,
an enterprise's own projects with their next step, and for investors the projects that moved recently."""

from __future__ import annotations

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from biopark.core import tiles
from biopark.core.errors import PermissionRefused
from biopark.core.formatting import format_date
from biopark.core.policy import Actor
from biopark.core.roles import Role
from biopark.ecosystem.models import STAGE_CODES, STAGES
from biopark.pipeline import charts, selectors
from biopark.pipeline.models import stage_label
from biopark.pipeline.stages import DISCONTINUED, SUSPENDED

OPERATORS = frozenset({Role.OPERATOR.value, Role.ADMIN.value})
LIST_LENGTH = 5
# The operator's pipeline tiles are stale after a write to any of these (see biopark.core.tiles, Tile.reads).
PORTFOLIO_READS = frozenset({"pipeline.project", "pipeline.indication", "pipeline.stageevent"})


def _park_param(actor: Actor) -> str:
    return f"&park={actor.park_id}" if actor.park_id and not actor.is_admin else ""


def funnel(actor: Actor) -> tiles.TileData | None:
    """Projects of the operator's park by highest stage, as a bar chart with its numbers in words."""
    try:
        scope = selectors.portfolio_scope(actor)
    except PermissionRefused:
        return None
    counts = dict(scope.order_by().values_list("highest_stage").annotate(n=Count("id")))
    rows = [(code, str(label), counts.get(code, 0)) for code, label in STAGES]
    total = sum(counts.values())
    lang = get_language()
    chart_rows = [(label, n) for _code, label, n in rows]
    park = _park_param(actor)
    return tiles.TileData(
        value=tiles.count_text(total, lang),
        value_label=_("projects"),
        href="/pipeline/portfolio/",
        chart=charts.hbar(chart_rows, title=_("Projects by highest stage"), width=420, row=18),
        chart_text="; ".join(f"{label}: {tiles.count_text(n, lang)}" for _code, label, n in rows),
        items=[tiles.TileItem(label=label, href=f"/pipeline/?stage={code}{park}", detail=tiles.count_text(n, lang))
               for code, label, n in rows if n],
        extra={"by_stage": {code: n for code, _label, n in rows}, "total": total},
    )


def stale(actor: Actor) -> tiles.TileData | None:
    """Projects in development whose last reported progress is older than the no-development period."""
    try:
        scope = selectors.portfolio_scope(actor)
    except PermissionRefused:
        return None
    qs = scope.filter(selectors.stale_q(selectors.stale_cutoff()))
    oldest = list(qs.order_by("last_event_on", "id").only("id", "name_zh", "name_en", "last_event_on")[:LIST_LENGTH])
    lang = get_language()
    return tiles.TileData(
        value=tiles.count_text(qs.count(), lang),
        value_label=_("projects with no development reported for %(n)s months")
        % {"n": selectors.no_development_months()},
        href=f"/pipeline/?stale=1{_park_param(actor)}",
        items=[tiles.TileItem(label=p.display_name, href=f"/pipeline/{p.pk}/",
                              detail=format_date(p.last_event_on, lang) if p.last_event_on else _("no stage reported"),
                              status="stale") for p in oldest],
        empty_text=_("Every project reported progress recently."),
    )


def next_step(stage: str) -> str:
    """What a project at this highest stage works towards, in words."""
    if stage in (SUSPENDED, DISCONTINUED):
        return _("resume or close")
    if not stage:
        return _("report a first stage")
    index = STAGE_CODES.index(stage) if stage in STAGE_CODES else -1
    if index < 0 or index + 1 >= len(STAGE_CODES):
        return _("on market")
    return _("next: %(stage)s") % {"stage": stage_label(STAGE_CODES[index + 1])}


def my_projects(actor: Actor) -> tiles.TileData | None:
    if not actor.organisation_id:
        return None
    qs = selectors.visible_projects(actor).filter(organisation_id=actor.organisation_id)
    listed = list(qs.order_by("-last_event_on", "-id").only("id", "name_zh", "name_en", "highest_stage")[:LIST_LENGTH])
    none = _("no stage reported")
    return tiles.TileData(
        value=tiles.count_text(qs.count()),
        value_label=_("projects of my organisation"),
        href=f"/pipeline/?organisation={actor.organisation_id}",
        items=[tiles.TileItem(label=p.display_name, href=f"/pipeline/{p.pk}/",
                              detail=f"{stage_label(p.highest_stage) or none} · {next_step(p.highest_stage)}")
               for p in listed],
        empty_text=_("Your organisation has no projects yet."),
    )


def moved(actor: Actor) -> tiles.TileData:
    """Projects visible to the reader with a stage event in the last MOVED_DAYS days, latest first."""
    since = selectors.moved_since(timezone.localdate())
    qs = selectors.visible_projects(actor).filter(last_event_on__gte=since)
    listed = list(qs.order_by("-last_event_on", "-id").only("id", "name_zh", "name_en", "highest_stage",
                                                            "last_event_on")[:LIST_LENGTH])
    lang = get_language()
    return tiles.TileData(
        value=tiles.count_text(qs.count(), lang),
        value_label=_("projects changed stage in the last %(n)s days") % {"n": selectors.MOVED_DAYS},
        href="/pipeline/?moved=1",
        items=[tiles.TileItem(label=p.display_name, href=f"/pipeline/{p.pk}/",
                              detail=f"{stage_label(p.highest_stage)} · {format_date(p.last_event_on, lang)}")
               for p in listed],
        empty_text=_("No project you can see changed stage recently."),
    )


def register() -> None:
    tiles.register_tile(tiles.Tile("pipeline.funnel", gettext_lazy("Project funnel"), OPERATORS, funnel, order=20,
                                   wide=True, cache_seconds=60, reads=PORTFOLIO_READS))
    tiles.register_tile(tiles.Tile("pipeline.stale", gettext_lazy("No development reported"), OPERATORS, stale,
                                   order=25, cache_seconds=60, reads=PORTFOLIO_READS))
    tiles.register_tile(tiles.Tile("pipeline.mine", gettext_lazy("My projects"),
                                   frozenset({Role.ENTERPRISE_MEMBER.value}), my_projects, order=10))
    tiles.register_tile(tiles.Tile("pipeline.moved", gettext_lazy("Projects that changed stage"),
                                   frozenset({Role.INVESTOR.value}), moved, order=10))
