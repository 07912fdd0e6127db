"""Reads of frameworks and runs: lists, ranking tables, unit profiles, uncertainty and the framework tree."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from biopark.accounts import policy
from biopark.core.errors import NotFound
from biopark.metrics.models import Indicator
from biopark.rankings import defaults, rules
from biopark.rankings.labels import factor_label
from biopark.rankings.models import Framework, FrameworkVersion, JobStatus, Run, RunScore


def _zh() -> bool:
    return (get_language() or "zh-hans").lower().startswith("zh")


def framework_list(*, user: Any = None) -> models.QuerySet[Framework]:
    """The frameworks ``user`` may read (all of them for readers; the policy's filter decides)."""
    qs = Framework.objects.select_related("owner_park", "copied_from").annotate(
        version_count=models.Count("versions", distinct=True),
    )
    return qs.filter(rules.framework_filter(policy.actor_for(user), policy.VIEW)).order_by("id")


def framework_get(key: str) -> Framework:
    framework = Framework.objects.filter(key=key).first()
    if framework is None:
        raise NotFound(_("There is no framework %(key)s.") % {"key": key})
    return framework


def version_get(framework: Framework, number: int | None = None) -> FrameworkVersion:
    qs = framework.versions.order_by("-number")
    version = qs.filter(number=number).first() if number is not None else qs.first()
    if version is None:
        raise NotFound(f"framework {framework.key!r} has no version {number}")
    return version


def run_list(*, user: Any, framework: Framework | None = None) -> models.QuerySet[Run]:
    # The run rule's own filter: published runs, and drafts of the frameworks the user owns.
    qs = Run.objects.select_related("framework", "version").filter(rules.run_filter(policy.actor_for(user),
                                                                                     policy.VIEW))
    if framework is not None:
        qs = qs.filter(framework=framework)
    return qs.order_by("-id")


def latest_runs(*, user: Any) -> dict[int, Run]:
    """The newest visible run of each framework (framework id -> run), in one query."""
    out: dict[int, Run] = {}
    built = run_list(user=user).filter(job_status=JobStatus.SUCCEEDED)
    for run in built.defer("idata", "imeta", "uncertainty", "sensitivity", "strengths"):
        out.setdefault(run.framework_id, run)
    return out


def run_get(pk: int) -> Run:
    run = Run.objects.select_related("framework", "version").filter(pk=pk).first()
    if run is None:
        raise NotFound(_("There is no run %(id)s.") % {"id": pk})
    return run


# --- names ---------------------------------------------------------------------------------------


def node_names(imeta: list[dict[str, Any]], framework: Framework | None = None) -> dict[str, str]:
    """Display names of indicators and aggregates in the current language."""
    names = {str(r["iCode"]): str(r.get("iName") or r["iCode"]) for r in imeta}
    codes = [c for c, r in ((str(r["iCode"]), r) for r in imeta) if r.get("Type") == "Indicator"]
    if framework is not None and framework.kind == Framework.Kind.PARK:
        for ind in Indicator.objects.filter(key__in=codes).only("key", "name_zh", "name_en"):
            names[str(ind.key)] = (ind.name_zh or ind.name_en) if _zh() else (ind.name_en or ind.name_zh)
        if _zh():
            for code, zh in defaults.AGGREGATE_NAMES_ZH.items():
                if code in names:
                    names[code] = zh
    return names


# --- ranking tables ------------------------------------------------------------------------------


@dataclass
class RankingRow:
    rank: int | None
    unit_code: str
    unit_name: str
    park_id: int | None
    score: float | None
    children: list[float | None] = field(default_factory=list)
    # 5th-95th percentile rank and median rank under the run's uncertainty analysis (its target only)
    interval: tuple[float, float, float] | None = None


@dataclass
class RankingTable:
    code: str
    name: str
    level: int
    child_codes: list[str]
    child_names: list[str]
    rows: list[RankingRow]


def children_of(run: Run, code: str) -> list[str]:
    return [str(r["iCode"]) for r in run.imeta if r.get("Parent") == code
            and r.get("Type") in ("Indicator", "Aggregate")]


def ranking_table(run: Run, code: str | None = None) -> RankingTable:
    """One aggregate's ranking (the index by default), with its children's scores as extra columns
    (aggregate children only: indicator columns come from the stored normalised data when needed)."""
    code = code or (run.codes[0] if run.codes else "")
    if code not in run.codes:
        raise NotFound(f"run {run.pk} has no aggregate {code!r}")
    names = node_names(run.imeta, run.framework)
    child_codes = [c for c in children_of(run, code) if c in run.codes]
    wanted = [code, *child_codes]
    by_unit: dict[str, dict[str, RunScore]] = {}
    for s in RunScore.objects.filter(run=run, code__in=wanted).select_related("park"):
        by_unit.setdefault(s.unit_code, {})[s.code] = s
    rows = []
    for unit, scores in by_unit.items():
        main = scores[code]
        park = main.park
        name = main.unit_name
        if park is not None:
            name = (park.name_zh or park.name_en) if _zh() else (park.name_en or park.name_zh)
        rows.append(RankingRow(main.rank, unit, name, main.park_id, main.score,
                               [scores[c].score if c in scores else None for c in child_codes]))
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.unit_code))
    if run.uncertainty and run.uncertainty.get("target") == code:
        intervals = {u["uCode"]: (u["p05_rank"], u["p95_rank"], u["median_rank"]) for u in run.uncertainty["rows"]}
        for row in rows:
            row.interval = intervals.get(row.unit_code)
    level = next((int(r["Level"]) for r in run.imeta if r.get("iCode") == code), 0)
    return RankingTable(code, names.get(code, code), level, child_codes, [names.get(c, c) for c in child_codes],
                        rows)


@dataclass
class UnitProfile:
    unit_code: str
    unit_name: str
    park_id: int | None
    scores: list[tuple[str, str, int, float | None, int | None]]  # code, name, level, score, rank
    strengths: list[tuple[str, str, int]]  # code, name, rank
    weaknesses: list[tuple[str, str, int]]
    n_units: int
    uncertainty: dict[str, Any] | None


def unit_profile(run: Run, unit: str) -> UnitProfile:
    scores = list(RunScore.objects.filter(run=run, unit_code=unit).select_related("park"))
    if not scores:
        raise NotFound(f"run {run.pk} has no unit {unit!r}")
    names = node_names(run.imeta, run.framework)
    order = {c: i for i, c in enumerate(run.codes)}
    scores.sort(key=lambda s: order.get(s.code, 999))
    first = scores[0]
    name = first.unit_name
    if first.park is not None:
        name = (first.park.name_zh or first.park.name_en) if _zh() else (first.park.name_en or first.park.name_zh)
    sw = run.strengths.get(unit, {"strengths": [], "weaknesses": []})
    unc = None
    if run.uncertainty:
        unc = next((r for r in run.uncertainty["rows"] if r["uCode"] == unit), None)
    return UnitProfile(
        unit, name, first.park_id,
        [(s.code, names.get(s.code, s.code), s.level, s.score, s.rank) for s in scores],
        [(c, names.get(c, c), r) for c, r in sw["strengths"]],
        [(c, names.get(c, c), r) for c, r in sw["weaknesses"]],
        run.n_units, unc,
    )


def uncertainty_rows(run: Run) -> list[dict[str, Any]]:
    """Uncertainty rows sorted by nominal rank, each with the unit's display name."""
    if not run.uncertainty:
        return []
    names = dict(RunScore.objects.filter(run=run, code=run.uncertainty["target"]).values_list("unit_code",
                                                                                               "unit_name"))
    rows = [dict(r, name=names.get(r["uCode"], r["uCode"])) for r in run.uncertainty["rows"]]
    rows.sort(key=lambda r: (r["nominal_rank"], r["uCode"]))
    return rows


def sensitivity_rows(run: Run) -> list[dict[str, Any]]:
    """Sobol indices of the run's sensitivity analysis, each factor with its label, largest total first."""
    if not run.sensitivity:
        return []
    rows = [dict(r, label=factor_label(str(r["factor"]))) for r in run.sensitivity.get("rows", [])]
    rows.sort(key=lambda r: (-(r.get("total_order") or 0.0), str(r["factor"])))
    return rows


# --- framework tree ------------------------------------------------------------------------------


@dataclass
class TreeNode:
    code: str
    name: str
    level: int
    type: str
    weight: float
    direction: int
    unit: str
    share: float  # effective weight in the top-level aggregate
    children: list[TreeNode] = field(default_factory=list)

    @property
    def share_pct(self) -> float:
        return self.share * 100


def framework_tree(version: FrameworkVersion) -> list[TreeNode]:
    rows = [r for r in version.imeta if r.get("Type") in ("Indicator", "Aggregate")]
    names = node_names(version.imeta, version.framework)
    weights = _recipe_weights(version.recipe)
    nodes = {
        str(r["iCode"]): TreeNode(
            str(r["iCode"]), names.get(str(r["iCode"]), str(r["iCode"])), int(r.get("Level") or 1), str(r["Type"]),
            float(weights.get(str(r["iCode"]), r.get("Weight") or 0)), int(r.get("Direction") or 1),
            str(r.get("Unit") or ""), 0.0,
        )
        for r in rows
    }
    roots: list[TreeNode] = []
    for r in rows:
        node = nodes[str(r["iCode"])]
        parent = str(r.get("Parent") or "")
        if parent and parent in nodes:
            nodes[parent].children.append(node)
        else:
            roots.append(node)

    def assign(node: TreeNode, share: float) -> None:
        node.share = share
        total = sum(c.weight for c in node.children)
        for child in node.children:
            assign(child, share * (child.weight / total if total else 0.0))

    for root in roots:
        assign(root, 1.0)
    return roots


def _recipe_weights(recipe: dict[str, Any]) -> dict[str, float]:
    for step in recipe.get("steps", []):
        if isinstance(step, dict) and "aggregate" in step and isinstance(step["aggregate"], dict):
            return {str(k): float(v) for k, v in (step["aggregate"].get("weights") or {}).items()}
    return {}
