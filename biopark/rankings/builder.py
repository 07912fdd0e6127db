"""The framework builder's form: a draft (hierarchy rows and recipe steps) read from posted fields, checked
field by field, and turned into iMeta rows and a recipe the engine accepts. Pure: reads and writes nothing.

Nodes are rows ``n-<i>-*`` (code, type, name, parent, direction, weight, remove); catalogue indicators are
added with ``add`` (one value per indicator) under ``add_parent``; a new aggregate with ``agg_code``,
``agg_name``, ``agg_parent``. Steps are slots ``s-<i>-*`` (step, method, params); params are
``name=value`` pairs separated by ";", each value read as JSON when it is JSON (numbers, lists, true/false)
and as text otherwise. The analyses: ``u_replications``, ``u_seed``, ``u_noise``, the alternative methods
the uncertainty analysis draws from (``u_alt_impute``, ``u_alt_normalise``, ``u_alt_aggregate``: one value
per method) and ``sa_replications``, ``sa_bootstrap``.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from biopark.core.formatting import format_number
from biopark.rankings import labels

CODE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,99}$")
STEP_SLOTS = 7
MAX_NODES = 400


@dataclass
class Node:
    code: str
    type: str  # "Indicator" | "Aggregate"
    name: str
    parent: str
    direction: int
    weight: str  # as typed, so a bad value is shown back as it was
    unit: str = ""


@dataclass
class Step:
    step: str
    method: str
    params: str


@dataclass
class Draft:
    nodes: list[Node]
    steps: list[Step]
    analyses: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    # step -> the methods the uncertainty analysis draws from (none: the step's method is not varied)
    alternatives: dict[str, list[str]] = field(default_factory=dict)

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)


# --- from a stored version ---------------------------------------------------------------------


def _params_text(params: dict[str, Any], skip: str) -> str:
    return "; ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in params.items() if k != skip)


def draft_from(imeta: list[dict[str, Any]], recipe: dict[str, Any]) -> Draft:
    nodes = [Node(str(r["iCode"]), str(r["Type"]), str(r.get("iName") or ""), str(r.get("Parent") or ""),
                  int(r.get("Direction") or 1), _number_text(r.get("Weight", 1)), str(r.get("Unit") or ""))
             for r in imeta if r.get("Type") in ("Indicator", "Aggregate")]
    steps = []
    for entry in recipe.get("steps", []):
        if not isinstance(entry, dict) or len(entry) != 1:
            continue
        name, params = next(iter(entry.items()))
        params = params if isinstance(params, dict) else {}
        key = labels.METHOD_PARAM.get(name, "method")
        steps.append(Step(str(name), str(params.get(key, "")), _params_text(params, key)))
    unc = recipe.get("uncertainty") or {}
    sens = recipe.get("sensitivity") or {}
    noise = ((unc.get("vary") or {}).get("weights") or {}).get("noise", "")
    analyses = {"u_replications": str(unc.get("replications", "")), "u_seed": str(unc.get("seed", "")),
                "u_noise": str(noise), "sa_replications": str(sens.get("replications", "")),
                "sa_bootstrap": str(sens.get("bootstrap", ""))}
    return Draft(nodes, steps, analyses, alternatives=_alternatives_of(unc.get("vary") or {}))


def _number_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# Steps whose method the uncertainty analysis may vary from the form, and the "vary" key of each: whole
# normalisation specs (a method's parameters differ from another's: min-max's range is no z-score parameter),
# the method alone for imputation and aggregation (their other parameters, e.g. weights, apply to every
# method).
ALT_STEPS = ("impute", "normalise", "aggregate")
ALT_KEYS = {"impute": "impute.method", "normalise": "normalise", "aggregate": "aggregate.method"}


def _alternatives_of(vary: dict[str, Any]) -> dict[str, list[str]]:
    """The methods each step's alternatives use, where the form can show them (plain method names)."""
    out: dict[str, list[str]] = {}
    for step in ALT_STEPS:
        values = vary.get(ALT_KEYS[step])
        if step == "normalise" and values is None and isinstance(vary.get("normalise.method"), list):
            values = vary["normalise.method"]
        if not isinstance(values, list):
            continue
        methods = [v.get("method") if isinstance(v, dict) else v for v in values]
        if methods and all(isinstance(m, str) and m in labels.METHODS[step] for m in methods):
            out[step] = list(dict.fromkeys(str(m) for m in methods))
    return out


# --- from a posted form ------------------------------------------------------------------------


def draft_from_post(post: Any, catalogue: dict[str, dict[str, Any]]) -> Draft:
    """The draft as posted: rows kept unless marked removed, catalogue indicators and an aggregate added."""
    nodes: list[Node] = []
    for i in range(MAX_NODES):
        code = str(post.get(f"n-{i}-code", "")).strip()
        if not code:
            if f"n-{i}-code" not in post:
                break
            continue
        if post.get(f"n-{i}-remove") == "1":
            continue
        kind = "Aggregate" if post.get(f"n-{i}-type") == "Aggregate" else "Indicator"
        direction = -1 if post.get(f"n-{i}-direction") == "-1" else 1
        spec = catalogue.get(code, {})
        nodes.append(Node(code, kind, str(post.get(f"n-{i}-name", "")).strip()[:300] or spec.get("name", ""),
                          str(post.get(f"n-{i}-parent", "")).strip(), direction,
                          str(post.get(f"n-{i}-weight", "1")).strip()[:30],
                          str(post.get(f"n-{i}-unit", spec.get("unit", ""))).strip()[:100]))
    present = {n.code for n in nodes}
    add_parent = str(post.get("add_parent", "")).strip()
    for code in post.getlist("add") if hasattr(post, "getlist") else []:
        added = catalogue.get(code)
        if added is not None and code not in present:
            nodes.append(Node(code, "Indicator", added["name"], add_parent, added["direction"], "1", added["unit"]))
            present.add(code)
    agg = str(post.get("agg_code", "")).strip()
    draft_errors: dict[str, str] = {}
    if agg:
        if not CODE_RE.match(agg):
            draft_errors["agg_code"] = _("code: a letter, then letters, digits, '_', '.' or '-' (at most 100)")
        elif agg in present:
            draft_errors["agg_code"] = _("%(code)s is in the framework already") % {"code": agg}
        else:
            nodes.append(Node(agg, "Aggregate", str(post.get("agg_name", "")).strip()[:300],
                              str(post.get("agg_parent", "")).strip(), 1, "1"))
    steps = [Step(str(post.get(f"s-{i}-step", "")).strip(), str(post.get(f"s-{i}-method", "")).strip(),
                  str(post.get(f"s-{i}-params", "")).strip()[:2000]) for i in range(STEP_SLOTS)]
    steps = [s for s in steps if s.step]
    analyses = {k: str(post.get(k, "")).strip()[:20] for k in
                ("u_replications", "u_seed", "u_noise", "sa_replications", "sa_bootstrap")}
    alternatives = {step: [m for m in post.getlist(f"u_alt_{step}") if m in labels.METHODS[step]]
                    for step in ALT_STEPS} if hasattr(post, "getlist") else {}
    return Draft(nodes, steps, analyses, draft_errors, {k: v for k, v in alternatives.items() if v})


# --- to the engine's form ----------------------------------------------------------------------


def _levels(draft: Draft) -> dict[str, int]:
    """Level of each node: 1 for indicators, one above its highest child for aggregates."""
    children: dict[str, list[Node]] = {}
    for n in draft.nodes:
        children.setdefault(n.parent, []).append(n)
    levels: dict[str, int] = {}

    def level(node: Node, depth: int) -> int:
        if node.code in levels:
            return levels[node.code]
        if depth > len(draft.nodes):  # a cycle of parents; reported by the parent check
            return 1
        below = [level(c, depth + 1) for c in children.get(node.code, [])]
        levels[node.code] = 1 if node.type == "Indicator" else 1 + max(below, default=1)
        return levels[node.code]

    for n in draft.nodes:
        level(n, 0)
    return levels


def _check_nodes(draft: Draft) -> None:
    codes = {n.code for n in draft.nodes}
    aggregates = {n.code for n in draft.nodes if n.type == "Aggregate"}
    for i, n in enumerate(draft.nodes):
        try:
            weight = float(n.weight)
        except ValueError:
            weight = math.nan
        if not math.isfinite(weight) or weight < 0:
            draft.error(f"n-{i}-weight", _("weight: give a number, 0 or more"))
        if n.parent and n.parent not in aggregates:
            draft.error(f"n-{i}-parent", _("parent: choose an aggregate of this framework"))
        if n.parent == n.code:
            draft.error(f"n-{i}-parent", _("a node cannot be its own parent"))
        if n.type == "Indicator" and not n.parent:
            draft.error(f"n-{i}-parent", _("parent: every indicator belongs to an aggregate"))
        if n.type == "Aggregate" and not CODE_RE.match(n.code):
            draft.error(f"n-{i}-code", _("code: a letter, then letters, digits, '_', '.' or '-' (at most 100)"))
    if len(codes) != len(draft.nodes):
        draft.error("hierarchy", _("each indicator and aggregate appears once"))
    if not any(n.type == "Indicator" for n in draft.nodes):
        draft.error("hierarchy", _("add at least one indicator"))
    roots = [n for n in draft.nodes if n.type == "Aggregate" and not n.parent]
    if len(roots) != 1:
        draft.error("hierarchy", _("the hierarchy needs exactly one top aggregate (an aggregate without parent)"))


def _value(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def _step_spec(draft: Draft, i: int, step: Step) -> dict[str, Any] | None:
    if step.step not in labels.STEPS:
        draft.error(f"s-{i}-step", _("step: choose one of the listed steps"))
        return None
    params: dict[str, Any] = {}
    key = labels.METHOD_PARAM.get(step.step, "method")
    if step.method:
        if step.method not in labels.METHODS[step.step]:
            draft.error(f"s-{i}-method", _("method: choose one of the listed methods"))
            return None
        params[key] = step.method
    for part in (p.strip() for p in step.params.split(";")):
        if not part:
            continue
        name, eq, text = part.partition("=")
        if not eq or not name.strip():
            draft.error(f"s-{i}-params", _("parameters: write name=value, separated by ';' (%(part)s)")
                        % {"part": part[:60]})
            return None
        params[name.strip()] = _value(text.strip())
    return {step.step: params}


def _int_field(draft: Draft, name: str, low: int, high: int) -> int | None:
    text = draft.analyses.get(name, "")
    if not text:
        return None
    try:
        value = int(text)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        draft.error(name, _("give a whole number from %(low)s to %(high)s") % {
            "low": format_number(low, get_language()), "high": format_number(high, get_language())})
        return None
    return value


def _alternative_values(draft: Draft, step: str, base_vary: dict[str, Any]) -> list[Any] | None:
    """The "vary" list for ``step``'s chosen methods, or None (an error is recorded when it cannot be)."""
    chosen = draft.alternatives.get(step) or []
    if not chosen:
        return None
    field_name = f"u_alt_{step}"
    count = sum(1 for s in draft.steps if s.step == step)
    if len(chosen) < 2:
        draft.error(field_name, _("alternative methods: choose at least two to compare, or none"))
        return None
    if count != 1:
        draft.error(field_name, _("alternative methods: the recipe needs exactly one %(step)s step to vary")
                    % {"step": labels.STEPS[step]})
        return None
    if step != "normalise":
        return list(chosen)
    # Whole normalisation specs: the recipe's own step for its method, the earlier alternative's spec for
    # a method varied before (its parameters kept), the method's defaults otherwise.
    current = next(s for s in draft.steps if s.step == step)
    spec = _step_spec(draft, draft.steps.index(current), current) or {}
    earlier = {v.get("method"): v for v in base_vary.get("normalise") or [] if isinstance(v, dict)}
    out = []
    for method in chosen:
        if method == (spec.get(step) or {}).get("method", "minmax"):
            out.append(dict(spec.get(step) or {}))
        else:
            out.append(dict(earlier.get(method) or {"method": method}))
    return out


def _vary(draft: Draft, base_vary: dict[str, Any]) -> dict[str, Any]:
    """The varied assumptions: the form's (weight noise, alternative methods) over the base recipe's others."""
    # The form owns the weight noise and the alternatives it can show; other varied assumptions (e.g.
    # treat.winmax, per-level aggregation methods) are kept as the recipe has them.
    shown = _alternatives_of(base_vary)
    owned = {"weights"} | {k for step in shown for k in (step, f"{step}.method")}
    # A varied assumption of a step the draft no longer has is dropped with the step.
    present = {s.step for s in draft.steps}
    vary = {k: v for k, v in base_vary.items() if k not in owned and k.partition(".")[0] in present}
    noise_text = draft.analyses.get("u_noise", "")
    if noise_text:
        try:
            noise = float(noise_text)
        except ValueError:
            noise = -1.0
        if not 0 < noise < 1:
            draft.error("u_noise", _("weight noise: a number between 0 and 1"))
        else:
            vary["weights"] = {**(base_vary.get("weights") or {"levels": [1, 2]}), "noise": noise}
    for step in ALT_STEPS:
        values = _alternative_values(draft, step, base_vary)
        if values is not None:
            for key in (step, f"{step}.method"):
                vary.pop(key, None)
            vary[ALT_KEYS[step]] = values
    return vary


def _analyses(draft: Draft, base: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    reps = _int_field(draft, "u_replications", 10, 20000)
    if reps:
        unc = dict(base.get("uncertainty") or {})
        vary = _vary(draft, dict(unc.get("vary") or {}))
        if not vary and "u_noise" not in draft.errors:
            draft.error("u_noise", _("an uncertainty analysis varies something: give the weight noise or "
                                     "alternative methods"))
        unc.update(replications=reps, vary=vary)
        seed = _int_field(draft, "u_seed", 0, 2**31 - 1)
        if seed is not None:
            unc["seed"] = seed
        out["uncertainty"] = unc
        sa = _int_field(draft, "sa_replications", 10, 5000)
        if sa:
            sens: dict[str, Any] = {"replications": sa}
            boot = _int_field(draft, "sa_bootstrap", 0, 5000)
            if boot:
                sens["bootstrap"] = boot
            out["sensitivity"] = sens
    elif draft.analyses.get("sa_replications"):
        draft.error("sa_replications", _("a sensitivity analysis needs an uncertainty analysis"))
    elif draft.alternatives:
        draft.error(f"u_alt_{next(iter(draft.alternatives))}",
                    _("alternative methods are drawn by the uncertainty analysis: give its replications"))
    return out


def to_definition(draft: Draft, base_recipe: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """iMeta rows and the recipe of the draft; problems are recorded in ``draft.errors`` by field."""
    _check_nodes(draft)
    levels = _levels(draft)
    imeta = []
    for n in draft.nodes:
        try:
            weight: float = float(n.weight)
        except ValueError:
            weight = 1.0
        imeta.append({"Level": levels.get(n.code, 1), "iCode": n.code, "iName": n.name or n.code,
                      "Direction": n.direction, "Weight": int(weight) if weight.is_integer() else weight,
                      "Unit": n.unit, "Target": "", "Denominator": "", "Parent": n.parent, "Type": n.type})
    imeta.sort(key=lambda r: (r["Level"], 0))  # indicators first, then each level of aggregates
    steps = [spec for i, s in enumerate(draft.steps) if (spec := _step_spec(draft, i, s)) is not None]
    if not draft.steps:
        draft.error("s-0-step", _("a recipe needs at least the aggregation step"))
    recipe: dict[str, Any] = {k: v for k, v in base_recipe.items() if k in ("name", "description")}
    recipe["steps"] = steps
    recipe.update(_analyses(draft, base_recipe))
    return imeta, recipe
