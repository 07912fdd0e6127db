"""Build recipes: the ordered list of build steps (COINr 1.x semantics) plus uncertainty/sensitivity.

A recipe is YAML (or an equivalent dict); steps run in the order given and may repeat, except aggregate
(once, last)::

    steps:
      - denominate: {}
      - impute: {method: group_mean, group: EurAsia_group}
      - screen: {min_availability: 0.9}
      - treat: {method: winsorise, winmax: 5, skew: 2.0, kurtosis: 3.5, fallback: log}
      - normalise: {method: minmax, range: [0, 100]}
      - aggregate: {method: amean}
    uncertainty: {replications: 1000, seed: 1, vary: {...}}
    sensitivity: {replications: 500}

Every step and parameter is validated here so that a bad recipe fails before any data is touched.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from biopark.index.errors import IndexInputError
from biopark.index.stats import RANK_TIES

STEP_ORDER = ("denominate", "impute", "screen", "treat", "normalise", "aggregate")
IMPUTE_METHODS = ("none", "mean", "median", "group_mean", "group_median")
# COINr's transformations (log_CT, log_CT_plus, log_CT_orig, boxcox); "log" is the older name of log_CT.
TRANSFORMS = ("log", "log_CT", "log_CT_plus", "log_CT_orig", "boxcox")
TREAT_METHODS = ("winsorise", "none", *TRANSFORMS)  # COINr's f1
TREAT_FALLBACKS = ("none", *TRANSFORMS)  # COINr's f2
NORMALISE_METHODS = ("none", "minmax", "zscore", "rank", "borda", "prank", "goalposts", "fracmax",
                     "dist2max", "dist2targ", "dist2ref", "scaled")
AGGREGATE_METHODS = ("amean", "gmean", "hmean", "genmean", "copeland")
GOALPOST_TRANSFORMS = ("none", "log")


@dataclass(frozen=True)
class DenominateSpec:
    """Divide each indicator by the iData column named in its iMeta ``Denominator`` (no parameters)."""


@dataclass(frozen=True)
class ImputeSpec:
    method: str = "none"
    group: str | None = None
    # COINr's impute_by: "column" (each indicator over units) or "row" (each unit over its indicators,
    # within the aggregation groups of group_level if given; by default on min-max normalised values).
    by: str = "column"
    group_level: int | None = None
    normalise_first: bool | None = None  # None: True for by=row, False for by=column (as COINr)


@dataclass(frozen=True)
class ScreenSpec:
    # COINr's dat_thresh (2/3 when not given, as COINr's Screen).
    min_availability: float = 2 / 3
    # As COINr's Screen: availability of the data set the step receives ("current"). "before_impute" counts
    # it on the data set that entered the first impute step (kept for recipes written before step order
    # was free; putting screen before impute says the same thing the COINr way).
    availability_of: str = "current"
    unit_screen: str = "byNA"  # COINr's unit_screen: byNA, byzeros or byNAandzeros
    nonzero_thresh: float = 0.05  # byzeros: minimum share of non-zero values among the available ones
    force_include: tuple[str, ...] = ()  # COINr's Force: units kept / dropped whatever their data
    force_exclude: tuple[str, ...] = ()


@dataclass(frozen=True)
class TreatSpec:
    method: str = "winsorise"
    winmax: int = 5
    skew: float = 2.0
    kurtosis: float = 3.5
    fallback: str = "log"
    # "points" (COINr 1.x): winmax bounds the number of points changed; "iterations" (COINr 6):
    # winmax bounds the number of winsorisation steps.
    count: str = "points"
    exclude: tuple[str, ...] = ()
    combine: bool = False  # COINr's combine_treat: the fallback acts on the winsorised values
    force_win: bool = False  # COINr's force_win: winsorise up to winmax even once the test passes
    boxcox_lambda: float = 1.0  # COINr's boxcox(lambda), used when method or fallback is boxcox
    makepos: bool = True  # boxcox: shift to a minimum of 1 first
    # COINr's indiv_specs: per indicator, parameters overriding the step's own (or "none" to leave it alone).
    indiv: Mapping[str, TreatSpec] = field(default_factory=dict)


@dataclass(frozen=True)
class Goalpost:
    lower: float
    upper: float
    scale: float = 1.0
    transform: str = "none"


@dataclass(frozen=True)
class NormaliseSpec:
    method: str = "minmax"
    range: tuple[float, float] = (0.0, 100.0)
    mean: float = 0.0
    sd: float = 1.0
    goalposts: Mapping[str, Goalpost] = field(default_factory=dict)
    trunc: bool = True
    targets: Mapping[str, float] = field(default_factory=dict)
    cap_max: bool = False
    npara: tuple[float, float] = (0.0, 100.0)  # n_scaled
    scale_factor: float = 100.0  # n_scaled
    ref: str | None = None  # n_dist2ref: the reference unit (COINr's iref names it by row number)
    ties: str = "min"  # n_rank, n_borda, n_prank
    # COINr's indiv_specs: a whole spec per indicator, used instead of the step's own (not merged with it).
    indiv: Mapping[str, NormaliseSpec] = field(default_factory=dict)


@dataclass(frozen=True)
class AggregateSpec:
    # One method for all levels, or one per level starting at level 2.
    method: tuple[str, ...] = ("amean",)
    weights: Mapping[str, float] = field(default_factory=dict)
    # One threshold for all levels, or one per level starting at level 2 (COINr's dat_thresh vector).
    dat_thresh: tuple[float, ...] = (0.0,)
    p: float = 1.0  # exponent of the generalised mean (COINr's a_genmean, f_ag_para = list(p = ...))

    def method_for_level(self, level: int) -> str:
        """Method used to compute aggregates at ``level`` (≥ 2)."""
        return self.method[min(level - 2, len(self.method) - 1)]

    def dat_thresh_for_level(self, level: int) -> float:
        """Data availability threshold of the aggregates at ``level`` (≥ 2)."""
        return self.dat_thresh[min(level - 2, len(self.dat_thresh) - 1)]

    @property
    def any_dat_thresh(self) -> bool:
        return any(t > 0 for t in self.dat_thresh)


StepSpec = DenominateSpec | ImputeSpec | ScreenSpec | TreatSpec | NormaliseSpec | AggregateSpec


@dataclass(frozen=True)
class Step:
    name: str
    params: Mapping[str, Any]
    spec: StepSpec


@dataclass(frozen=True)
class WeightNoise:
    noise: float
    levels: tuple[int, ...]


@dataclass(frozen=True)
class UncertaintySpec:
    replications: int
    seed: int
    # Discrete alternatives: key ("treat.winmax", "normalise", "aggregate.method", ...) -> list of values.
    discrete: Mapping[str, tuple[Any, ...]]
    weights: WeightNoise | None
    target: str | None = None
    chunk: int = 256


@dataclass(frozen=True)
class SensitivitySpec:
    replications: int
    seed: int
    bootstrap: int = 0  # COINr's Nboot: resamples for the 5 %/95 % quantiles of the indices (0: none)


@dataclass(frozen=True)
class Recipe:
    steps: tuple[Step, ...]
    uncertainty: UncertaintySpec | None = None
    sensitivity: SensitivitySpec | None = None
    name: str = ""

    def step(self, name: str) -> Step | None:
        for s in self.steps:
            if s.name == name:
                return s
        return None

    def with_step_params(self, name: str, params: Mapping[str, Any]) -> Recipe:
        """A copy with the parameters of step ``name`` replaced (validated)."""
        steps = tuple(Step(s.name, params, parse_step(s.name, params, f"step {s.name}")) if s.name == name
                      else s for s in self.steps)
        return Recipe(steps, self.uncertainty, self.sensitivity, self.name)


def _check_keys(params: Mapping[str, Any], allowed: Sequence[str], where: str) -> None:
    unknown = [k for k in params if k not in allowed]
    if unknown:
        raise IndexInputError(f"{where}: unknown parameter(s) {', '.join(map(str, unknown))}; "
                              f"allowed: {', '.join(allowed) or 'none'}")


def _choice(value: Any, choices: Sequence[str], where: str) -> str:
    if not isinstance(value, str) or value not in choices:
        raise IndexInputError(f"{where}: unknown method {value!r}; expected one of {', '.join(choices)}")
    return value


def _number(value: Any, where: str, minimum: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(float(value)):
        raise IndexInputError(f"{where}: expected a number, got {value!r}")
    if minimum is not None and value < minimum:
        raise IndexInputError(f"{where}: must be ≥ {minimum}, got {value!r}")
    return float(value)


def _integer(value: Any, where: str, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise IndexInputError(f"{where}: expected a whole number ≥ {minimum}, got {value!r}")
    return value


def _goalpost(code: str, value: Any, where: str) -> Goalpost:
    w = f"{where}, goalposts.{code}"
    if isinstance(value, Mapping):
        _check_keys(value, ("lower", "upper", "scale", "transform"), w)
        if "lower" not in value or "upper" not in value:
            raise IndexInputError(f"{w}: needs lower and upper")
        lower, upper = value["lower"], value["upper"]
        scale, transform = value.get("scale", 1.0), value.get("transform", "none")
    elif isinstance(value, Sequence) and not isinstance(value, str) and 2 <= len(value) <= 4:
        lower, upper = value[0], value[1]
        scale = value[2] if len(value) > 2 else 1.0
        transform = value[3] if len(value) > 3 else "none"
    else:
        raise IndexInputError(f"{w}: expected [lower, upper, scale?, transform?] or a mapping")
    gp = Goalpost(_number(lower, f"{w}.lower"), _number(upper, f"{w}.upper"),
                  _number(scale, f"{w}.scale"), _choice(transform, GOALPOST_TRANSFORMS, f"{w}.transform"))
    if gp.lower == gp.upper:
        raise IndexInputError(f"{w}: lower and upper goalposts are equal")
    if gp.transform == "log" and min(gp.lower, gp.upper) <= 0:
        raise IndexInputError(f"{w}: log transform needs positive goalposts")
    return gp


def parse_step(name: str, params: Any, where: str) -> StepSpec:
    """Validate one step's parameters into its spec."""
    if params is None:
        params = {}
    if not isinstance(params, Mapping):
        raise IndexInputError(f"{where}: parameters must be a mapping, got {params!r}")
    if name == "denominate":
        _check_keys(params, (), where)
        return DenominateSpec()
    if name == "impute":
        _check_keys(params, ("method", "group", "by", "group_level", "normalise_first"), where)
        method = _choice(params.get("method", "mean"), IMPUTE_METHODS, f"{where}, method")
        group = params.get("group")
        if method.startswith("group_") and not isinstance(group, str):
            raise IndexInputError(f"{where}: method {method} needs 'group' (a Group column of iData)")
        by = _choice(params.get("by", "column"), ("column", "row"), f"{where}, by")
        if by == "row" and method.startswith("group_"):
            raise IndexInputError(f"{where}: by row imputes from the unit's own indicators; use mean or median")
        level = params.get("group_level")
        normalise_first = params.get("normalise_first")
        if normalise_first is not None and not isinstance(normalise_first, bool):
            raise IndexInputError(f"{where}, normalise_first: expected true or false")
        return ImputeSpec(method, group, by, None if level is None else _integer(level, f"{where}, group_level", 2),
                          normalise_first)
    if name == "screen":
        _check_keys(params, ("min_availability", "availability_of", "unit_screen", "nonzero_thresh", "force"), where)
        thresh = _number(params.get("min_availability", 2 / 3), f"{where}, min_availability", 0.0)
        nonzero = _number(params.get("nonzero_thresh", 0.05), f"{where}, nonzero_thresh", 0.0)
        if thresh > 1 or nonzero > 1:
            raise IndexInputError(f"{where}, {'min_availability' if thresh > 1 else 'nonzero_thresh'}: "
                                  "must be between 0 and 1")
        basis = _choice(params.get("availability_of", "current"), ("before_impute", "current"),
                        f"{where}, availability_of")
        force = params.get("force", {})
        if not isinstance(force, Mapping):
            raise IndexInputError(f"{where}, force: expected {{include: [uCode, ...], exclude: [uCode, ...]}}")
        _check_keys(force, ("include", "exclude"), f"{where}, force")
        lists = {}
        for key in ("include", "exclude"):
            codes = force.get(key, [])
            if not isinstance(codes, Sequence) or isinstance(codes, str):
                raise IndexInputError(f"{where}, force.{key}: expected a list of unit codes")
            lists[key] = tuple(str(c) for c in codes)
        return ScreenSpec(thresh, basis,
                          _choice(params.get("unit_screen", "byNA"), ("byNA", "byzeros", "byNAandzeros"),
                                  f"{where}, unit_screen"),
                          nonzero, lists["include"], lists["exclude"])
    if name == "treat":
        return _parse_treat(params, where)
    if name == "normalise":
        return _parse_normalise(params, where)
    if name == "aggregate":
        _check_keys(params, ("method", "weights", "dat_thresh", "p"), where)
        raw_method = params.get("method", "amean")
        methods = [raw_method] if isinstance(raw_method, str) else raw_method
        if not isinstance(methods, Sequence) or not methods:
            raise IndexInputError(f"{where}, method: expected a method name or a list (one per level)")
        weights = params.get("weights", {})
        if not isinstance(weights, Mapping):
            raise IndexInputError(f"{where}, weights: expected a mapping iCode -> weight")
        raw_thresh = params.get("dat_thresh", 0.0)
        threshs = raw_thresh if isinstance(raw_thresh, Sequence) and not isinstance(raw_thresh, str) \
            else [raw_thresh]
        if not threshs:
            raise IndexInputError(f"{where}, dat_thresh: expected a number or a list (one per level)")
        level_thresh = tuple(_number(t, f"{where}, dat_thresh", 0.0) for t in threshs)
        if any(t > 1 for t in level_thresh):
            raise IndexInputError(f"{where}, dat_thresh: must be between 0 and 1")
        chosen = tuple(_choice(m, AGGREGATE_METHODS, f"{where}, method") for m in methods)
        p = _number(params.get("p", 1.0), f"{where}, p")
        if "genmean" in chosen and p == 0:
            raise IndexInputError(f"{where}, p: 0 is the limit of the generalised mean; use gmean instead")
        return AggregateSpec(
            method=chosen,
            weights={str(k): _number(v, f"{where}, weights.{k}", 0.0) for k, v in weights.items()},
            dat_thresh=level_thresh, p=p,
        )
    raise IndexInputError(f"{where}: unknown step {name!r}; expected one of {', '.join(STEP_ORDER)}")


def _parse_treat(params: Mapping[str, Any], where: str, nested: bool = False) -> TreatSpec:
    allowed = ["method", "winmax", "skew", "kurtosis", "fallback", "count", "exclude", "combine", "force_win",
               "lambda", "makepos"]
    _check_keys(params, allowed if nested else [*allowed, "indiv"], where)
    exclude = params.get("exclude", [])
    if not isinstance(exclude, Sequence) or isinstance(exclude, str):
        raise IndexInputError(f"{where}, exclude: expected a list of indicator codes")
    indiv_raw = params.get("indiv", {})
    if not isinstance(indiv_raw, Mapping):
        raise IndexInputError(f"{where}, indiv: expected a mapping iCode -> parameters or 'none'")
    own = {k: v for k, v in params.items() if k not in ("indiv", "exclude")}
    indiv: dict[str, TreatSpec] = {}
    for code, sub in indiv_raw.items():
        w = f"{where}, indiv.{code}"
        if sub == "none":
            indiv[str(code)] = TreatSpec(method="none")
        elif isinstance(sub, Mapping):
            indiv[str(code)] = _parse_treat({**own, **sub}, w, nested=True)
        else:
            raise IndexInputError(f"{w}: expected a mapping of treatment parameters or 'none'")
    for flag in ("combine", "force_win", "makepos"):
        if flag in params and not isinstance(params[flag], bool):
            raise IndexInputError(f"{where}, {flag}: expected true or false")
    return TreatSpec(
        method=_choice(params.get("method", "winsorise"), TREAT_METHODS, f"{where}, method"),
        winmax=_integer(params.get("winmax", 5), f"{where}, winmax"),
        skew=_number(params.get("skew", 2.0), f"{where}, skew", 0.0),
        kurtosis=_number(params.get("kurtosis", 3.5), f"{where}, kurtosis"),
        fallback=_choice(params.get("fallback", "log"), TREAT_FALLBACKS, f"{where}, fallback"),
        count=_choice(params.get("count", "points"), ("points", "iterations"), f"{where}, count"),
        exclude=tuple(str(c) for c in exclude),
        combine=bool(params.get("combine", False)), force_win=bool(params.get("force_win", False)),
        boxcox_lambda=_number(params.get("lambda", 1.0), f"{where}, lambda"),
        makepos=bool(params.get("makepos", True)), indiv=indiv,
    )


def _pair(value: Any, where: str) -> tuple[float, float]:
    if not isinstance(value, Sequence) or isinstance(value, str) or len(value) != 2:
        raise IndexInputError(f"{where}: expected [lower, upper]")
    return _number(value[0], where), _number(value[1], where)


def _parse_normalise(params: Mapping[str, Any], where: str, nested: bool = False) -> NormaliseSpec:
    allowed = ["method", "range", "mean", "sd", "goalposts", "trunc", "targets", "cap_max", "npara",
               "scale_factor", "ref", "ties"]
    _check_keys(params, allowed if nested else [*allowed, "indiv"], where)
    method = _choice(params.get("method", "minmax"), NORMALISE_METHODS, f"{where}, method")
    lo, hi = _pair(params.get("range", [0, 100]), f"{where}, range")
    sd = _number(params.get("sd", 1.0), f"{where}, sd")
    if sd <= 0:
        raise IndexInputError(f"{where}, sd: must be positive")
    gps_raw = params.get("goalposts", {})
    if not isinstance(gps_raw, Mapping):
        raise IndexInputError(f"{where}, goalposts: expected a mapping iCode -> [lower, upper, scale]")
    if method == "goalposts" and not gps_raw:
        raise IndexInputError(f"{where}: method goalposts needs 'goalposts' for every indicator")
    targets = params.get("targets", {})
    if not isinstance(targets, Mapping):
        raise IndexInputError(f"{where}, targets: expected a mapping iCode -> target")
    npara = _pair(params.get("npara", [0, 100]), f"{where}, npara")
    if npara[0] == npara[1]:
        raise IndexInputError(f"{where}, npara: lower and upper are equal")
    ref = params.get("ref")
    if method == "dist2ref" and not isinstance(ref, str):
        raise IndexInputError(f"{where}: method dist2ref needs 'ref' (the uCode of the reference unit)")
    indiv_raw = params.get("indiv", {})
    if not isinstance(indiv_raw, Mapping):
        raise IndexInputError(f"{where}, indiv: expected a mapping iCode -> normalisation parameters")
    indiv = {}
    for code, sub in indiv_raw.items():
        if not isinstance(sub, Mapping):
            raise IndexInputError(f"{where}, indiv.{code}: expected a mapping of normalisation parameters")
        indiv[str(code)] = _parse_normalise(sub, f"{where}, indiv.{code}", nested=True)
    return NormaliseSpec(
        method=method, range=(lo, hi), mean=_number(params.get("mean", 0.0), f"{where}, mean"), sd=sd,
        goalposts={str(k): _goalpost(str(k), v, where) for k, v in gps_raw.items()},
        trunc=bool(params.get("trunc", True)),
        targets={str(k): _number(v, f"{where}, targets.{k}") for k, v in targets.items()},
        cap_max=bool(params.get("cap_max", False)),
        npara=npara, scale_factor=_number(params.get("scale_factor", 100.0), f"{where}, scale_factor"),
        ref=None if ref is None else str(ref),
        ties=_choice(params.get("ties", "min"), RANK_TIES, f"{where}, ties"),
        indiv=indiv,
    )


def _parse_steps(raw_steps: Any) -> tuple[Step, ...]:
    if not isinstance(raw_steps, Sequence) or isinstance(raw_steps, str) or not raw_steps:
        raise IndexInputError("recipe: 'steps' must be a non-empty list")
    steps: list[Step] = []
    for i, item in enumerate(raw_steps, start=1):
        if isinstance(item, str):
            item = {item: {}}
        if not isinstance(item, Mapping) or len(item) != 1:
            raise IndexInputError(f"recipe step {i}: expected a single-key mapping like '- normalise: {{...}}'")
        name, params = next(iter(item.items()))
        spec = parse_step(str(name), params, f"recipe step {i} ({name})")
        steps.append(Step(str(name), dict(params or {}), spec))
    # Steps run in the order given and may repeat, each acting on the data set the one before produced (as
    # COINr's functions act on the dset they are given). Only aggregate is fixed: the results, ranks and
    # uncertainty analysis are of its output, so it comes once and last.
    names = [s.name for s in steps]
    if "aggregate" in names and (names.count("aggregate") > 1 or names[-1] != "aggregate"):
        raise IndexInputError(f"recipe: aggregate must be the last step and appear once; got {' -> '.join(names)}")
    return tuple(steps)


def _parse_uncertainty(raw: Any, steps: tuple[Step, ...]) -> UncertaintySpec:
    where = "recipe uncertainty"
    if not isinstance(raw, Mapping):
        raise IndexInputError(f"{where}: expected a mapping")
    _check_keys(raw, ("replications", "seed", "vary", "target", "chunk"), where)
    vary = raw.get("vary")
    if not isinstance(vary, Mapping) or not vary:
        raise IndexInputError(f"{where}: 'vary' must list at least one assumption")
    by_name = {s.name: s for s in steps}
    discrete: dict[str, tuple[Any, ...]] = {}
    noise: WeightNoise | None = None
    for key, values in vary.items():
        w = f"{where}, vary.{key}"
        if key == "weights":
            if not isinstance(values, Mapping):
                raise IndexInputError(f"{w}: expected {{noise: 0.25, levels: [2, 3]}}")
            _check_keys(values, ("noise", "levels"), w)
            amount = _number(values.get("noise"), f"{w}.noise", 0.0)
            if amount >= 1:
                raise IndexInputError(f"{w}.noise: must be below 1 so weights stay positive")
            levels = values.get("levels", [1])
            if not isinstance(levels, Sequence) or isinstance(levels, str):
                raise IndexInputError(f"{w}.levels: expected a list of levels")
            noise = WeightNoise(amount, tuple(_integer(v, f"{w}.levels", 1) for v in levels))
            if "aggregate" not in by_name:
                raise IndexInputError(f"{w}: needs an aggregate step")
            continue
        if not isinstance(values, Sequence) or isinstance(values, str) or not values:
            raise IndexInputError(f"{w}: expected a non-empty list of alternatives")
        step_name, _, param = str(key).partition(".")
        if step_name not in by_name:
            raise IndexInputError(f"{w}: the recipe has no {step_name!r} step to vary")
        repeats = sum(1 for s in steps if s.name == step_name)
        if repeats > 1:
            raise IndexInputError(f"{w}: the recipe has {repeats} {step_name!r} steps; which one to vary is "
                                  "ambiguous")
        for alt in values:
            params = {**by_name[step_name].params, param: alt} if param else alt
            parse_step(step_name, params, f"{w} alternative {alt!r}")
        discrete[str(key)] = tuple(values)
    if "aggregate" not in by_name:
        raise IndexInputError(f"{where}: needs an aggregate step (ranks of an aggregate are analysed)")
    target = raw.get("target")
    return UncertaintySpec(
        replications=_integer(raw.get("replications", 1000), f"{where}, replications", 1),
        seed=_integer(raw.get("seed", 0), f"{where}, seed"),
        discrete=discrete, weights=noise, target=None if target is None else str(target),
        chunk=_integer(raw.get("chunk", 256), f"{where}, chunk", 1),
    )


def load_recipe(path_or_dict: str | Path | Mapping[str, Any]) -> Recipe:
    """Read (from a YAML file path) or take (a dict) a recipe and validate it fully."""
    if isinstance(path_or_dict, Mapping):
        raw: Any = path_or_dict
        name = str(path_or_dict.get("name", ""))
    else:
        p = Path(path_or_dict)
        if not p.is_file():
            raise IndexInputError(f"recipe file not found: {p}")
        try:
            raw = yaml.safe_load(p.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise IndexInputError(f"recipe {p}: not valid YAML: {exc}") from None
        name = p.stem
    if not isinstance(raw, Mapping):
        raise IndexInputError("recipe: expected a mapping with a 'steps' list")
    _check_keys(raw, ("name", "description", "steps", "uncertainty", "sensitivity"), "recipe")
    steps = _parse_steps(raw.get("steps"))
    uncertainty = _parse_uncertainty(raw["uncertainty"], steps) if raw.get("uncertainty") else None
    sensitivity = None
    if raw.get("sensitivity"):
        sens = raw["sensitivity"]
        if not isinstance(sens, Mapping):
            raise IndexInputError("recipe sensitivity: expected {replications: N}")
        _check_keys(sens, ("replications", "seed", "bootstrap"), "recipe sensitivity")
        if uncertainty is None:
            raise IndexInputError("recipe sensitivity: needs an 'uncertainty' section listing what to vary")
        sensitivity = SensitivitySpec(
            replications=_integer(sens.get("replications", 500), "recipe sensitivity, replications", 2),
            seed=_integer(sens.get("seed", uncertainty.seed + 1), "recipe sensitivity, seed"),
            bootstrap=_integer(sens.get("bootstrap", 0), "recipe sensitivity, bootstrap"),
        )
    return Recipe(steps, uncertainty, sensitivity, str(raw.get("name", name)))
