"""Data steps before normalisation: denominate, impute, screen and treat (COINr 1.x semantics)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from biopark.index.dataset import Dataset, FloatArray
from biopark.index.errors import IndexInputError
from biopark.index.recipe import ImputeSpec, ScreenSpec, TreatSpec
from biopark.index.stats import kurtosis, skewness
from biopark.index.tables import IndexInput


def denominate(data: Dataset, inp: IndexInput) -> Dataset:
    """Divide each indicator by its iMeta ``Denominator`` column (indicators without one are unchanged)."""
    values = data.values.copy()
    rows = [inp.units.index(u) for u in data.units]
    for j, code in enumerate(data.codes):
        den = inp.meta_row(code).denominator
        if den is not None:
            with np.errstate(divide="ignore", invalid="ignore"):
                col = values[:, j] / inp.denominators[den][rows]
            # A zero denominator gives no usable ratio: treat it as missing rather than infinite.
            col[~np.isfinite(col)] = np.nan
            values[:, j] = col
    return Dataset(data.units, data.codes, values)


def impute(data: Dataset, inp: IndexInput, spec: ImputeSpec) -> Dataset:
    """COINr's ``Impute``: by column, fill missing values by the indicator's mean/median over all units or
    within the unit's group (``i_mean``, ``i_median``, ``i_mean_grp``, ``i_median_grp``; a unit without a
    group label keeps its missing values, a group with no value for an indicator too); by row, by the mean/
    median of the unit's other indicators (within each aggregation group of ``group_level``)."""
    if spec.method == "none" or not np.isnan(data.values).any():
        return data
    normalise_first = spec.by == "row" if spec.normalise_first is None else spec.normalise_first
    values = data.values
    if normalise_first:
        values, undo = _minmax_for_imputation(data, inp)
    if spec.by == "row":
        filled = _impute_rows(values, data.codes, inp, spec)
    else:
        filled = _impute_columns(values, data.units, inp, spec)
    if normalise_first:
        filled = undo(filled)
    # As COINr, observed values are kept exactly (no round trip through the normalisation).
    observed = ~np.isnan(data.values)
    filled[observed] = data.values[observed]
    return Dataset(data.units, data.codes, filled)


def _minmax_for_imputation(data: Dataset, inp: IndexInput) -> tuple[FloatArray, Any]:
    """Direction-adjusted min-max to [0, 1] (COINr's ``normalise_first``) and the function undoing it."""
    directions = np.array([inp.framework.directions[c] for c in data.codes], dtype=np.float64)
    x = data.values * directions
    with np.errstate(all="ignore"):
        lo, hi = np.nanmin(x, axis=0), np.nanmax(x, axis=0)
    flat = [c for c, a, b in zip(data.codes, lo, hi, strict=True) if a == b]
    if flat:
        raise IndexInputError(f"impute (normalise_first): indicator(s) {', '.join(flat)} have a single value; "
                              "they cannot be scaled to [0, 1]")

    def undo(y: FloatArray) -> FloatArray:
        return np.asarray((y * (hi - lo) + lo) * directions, dtype=np.float64)

    return (x - lo) / (hi - lo), undo


def _impute_columns(values: FloatArray, units: tuple[str, ...], inp: IndexInput, spec: ImputeSpec) -> FloatArray:
    values = values.copy()
    reducer = np.nanmedian if spec.method.endswith("median") else np.nanmean
    if spec.method.startswith("group_"):
        assert spec.group is not None
        if spec.group not in inp.groups:
            raise IndexInputError(f"impute: group column {spec.group!r} is not a Group in iMeta")
        labels = np.array([inp.groups[spec.group][inp.units.index(u)] for u in units], dtype=object)
        # COINr's i_mean_grp (skip_f_na): units without a group label are left as they are.
        partitions = [labels == g for g in dict.fromkeys(labels.tolist()) if g != ""]
    else:
        partitions = [np.ones(len(units), dtype=bool)]
    for members in partitions:
        values[members] = _fill(values[members], reducer)
    return values


def _impute_rows(values: FloatArray, codes: tuple[str, ...], inp: IndexInput, spec: ImputeSpec) -> FloatArray:
    reducer = np.nanmedian if spec.method.endswith("median") else np.nanmean
    if spec.group_level is None:
        blocks = [list(range(len(codes)))]
    else:
        if spec.group_level > inp.framework.max_level:
            raise IndexInputError(f"impute, group_level: must be between 2 and {inp.framework.max_level}")
        owner: dict[str, list[int]] = {}
        for j, code in enumerate(codes):
            node: str | None = code
            while node is not None and inp.framework.levels[node] < spec.group_level:
                node = inp.framework.parents[node]
            owner.setdefault(node or "", []).append(j)
        blocks = list(owner.values())
    out = values.copy()
    for cols in blocks:
        out[:, cols] = _fill(values[:, cols].T, reducer).T
    return out


def _fill(block: FloatArray, reducer: Any) -> FloatArray:
    """Fill each column's NaNs with ``reducer`` of its values (an all-missing column stays missing)."""
    missing = np.isnan(block)
    if not missing.any():
        return block
    with np.errstate(all="ignore"):
        fill = np.array([reducer(c) if np.any(~np.isnan(c)) else math.nan for c in block.T])
    return np.asarray(np.where(missing, fill[None, :], block), dtype=np.float64)


@dataclass(frozen=True)
class ScreenRecord:
    unit: str
    availability: float
    kept: bool
    nonzero: float = math.nan  # share of non-zero values among the available ones


def screen(data: Dataset, basis: Dataset, spec: ScreenSpec) -> tuple[Dataset, list[ScreenRecord]]:
    """COINr's ``Screen``: drop units whose share of available indicators (in ``basis``) is below
    ``min_availability`` (byNA), whose share of non-zero values among the available ones is below
    ``nonzero_thresh`` (byzeros), or either (byNAandzeros); then apply the forced inclusions and exclusions."""
    for code in (*spec.force_include, *spec.force_exclude):
        if code not in data.units:
            raise IndexInputError(f"screen, force: unit {code!r} is not in the data set")
    rows = [basis.units.index(u) for u in data.units]
    x = basis.values[rows]
    present = ~np.isnan(x)
    availability = np.mean(present, axis=1)
    n_present = present.sum(axis=1)
    zeros = np.sum(present & (np.where(present, x, 1.0) == 0), axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        nonzero = 1.0 - zeros / n_present
    low_data = availability < spec.min_availability
    # A unit with no data has no share of non-zeros (R's NaN); it is not flagged for zeros.
    low_nonzero = np.where(n_present > 0, nonzero < spec.nonzero_thresh, False)
    flagged = {"byNA": low_data, "byzeros": low_nonzero, "byNAandzeros": low_data | low_nonzero}[spec.unit_screen]
    keep = ~flagged
    for i, unit in enumerate(data.units):
        if unit in spec.force_include:
            keep[i] = True
        if unit in spec.force_exclude:
            keep[i] = False
    records = [ScreenRecord(u, float(a), bool(k), float(nz))
               for u, a, k, nz in zip(data.units, availability, keep, nonzero, strict=True)]
    units = tuple(u for u, k in zip(data.units, keep, strict=True) if k)
    return Dataset(units, data.codes, data.values[keep]), records


@dataclass(frozen=True)
class TreatRecord:
    """What treatment did to one indicator (COINr's ``Dets_Table``/``TreatSummary``)."""

    code: str
    low: int  # points winsorised at the low end
    high: int  # points winsorised at the high end
    winsorised: int  # points (count=points) or steps (count=iterations), as counted against winmax
    fallback: str  # "" or the transformation(s) applied (f1 if a transformation, f2 if needed)
    skew: float
    kurtosis: float
    passed: bool

    @property
    def treatment(self) -> str:
        if self.fallback and self.winsorised:
            return f"Winsorised {self.winsorised} points, transformed ({self.fallback})"
        if self.fallback:
            return f"Transformed ({self.fallback})"
        return f"Winsorised {self.winsorised} points" if self.winsorised else "None"


def _passes(x: FloatArray, spec: TreatSpec) -> tuple[bool | None, float, float]:
    """COINr's ``check_SkewKurt``: passes if |skewness| < skew or kurtosis < kurtosis; None where R's
    answer is NA (too few points or no spread)."""
    sk, kt = skewness(x), kurtosis(x)
    if math.isnan(sk) or math.isnan(kt):
        return None, sk, kt
    return (abs(sk) < spec.skew) or (kt < spec.kurtosis), sk, kt


def log_ct(x: FloatArray) -> FloatArray:
    """COIN Tool style log (COINr's ``log_CT``): ``ln(x − min + 0.01 (max − min))``."""
    lo, hi = np.nanmin(x), np.nanmax(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(np.log(x - lo + 0.01 * (hi - lo)), dtype=np.float64)


def transform(x: FloatArray, name: str, spec: TreatSpec) -> FloatArray:
    """COINr's transformations: ``log_CT`` (alias ``log``), ``log_CT_plus`` (mirrored for negative skew),
    ``log_CT_orig`` (``ln(x − min + 1)``) and ``boxcox`` (with ``lambda``, shifted to a minimum of 1 first
    unless ``makepos`` is false)."""
    lo, hi = float(np.nanmin(x)), float(np.nanmax(x))
    with np.errstate(divide="ignore", invalid="ignore"):
        if name in ("log", "log_CT"):
            return log_ct(x)
        if name == "log_CT_plus":
            a = 0.01 * (hi - lo)
            y = np.log(x - lo + a) if skewness(x) > 0 else -np.log(hi + a - x)
        elif name == "log_CT_orig":
            y = np.log(x - lo + 1)
        elif name == "boxcox":
            z = x - lo + 1 if spec.makepos else x
            lam = spec.boxcox_lambda
            y = np.log(z) if lam == 0 else (z ** lam - 1) / lam
        else:  # pragma: no cover - the recipe parser admits only the names above
            raise IndexInputError(f"treat: unknown transformation {name!r}")
    return np.asarray(y, dtype=np.float64)


def _winsorise(x: FloatArray, spec: TreatSpec) -> tuple[FloatArray, int, int, int]:
    """COINr's ``winsorise``: while the test fails (or always, with ``force_win``) and fewer than ``winmax``
    points are winsorised, replace the most extreme value(s) on the side of the skew by the next value.
    Returns the values and the points at the high and low ends and the count checked against winmax."""
    y = x.copy()
    high: np.ndarray = np.zeros(0, dtype=np.intp)
    low: np.ndarray = np.zeros(0, dtype=np.intp)
    steps = 0

    def counted() -> int:
        # COINr 1.x counts the points currently sitting on the winsorised extremes; COINr 6 counts steps.
        return steps if spec.count == "iterations" else int(high.size + low.size)

    ok = _passes(y, spec)[0]
    while (not ok or spec.force_win) and counted() < spec.winmax:
        valid = ~np.isnan(y)
        if skewness(y) >= 0:
            top = np.nanmax(y)
            high = np.flatnonzero(y == top)
            rest = y[valid & (y != top)]
            if rest.size == 0:
                break
            y[high] = rest.max()
        else:
            bottom = np.nanmin(y)
            low = np.flatnonzero(y == bottom)
            rest = y[valid & (y != bottom)]
            if rest.size == 0:
                break
            y[low] = rest.min()
        steps += 1
        ok = _passes(y, spec)[0]
    return y, int(high.size), int(low.size), counted()


def winsorise_column(x: FloatArray, spec: TreatSpec, code: str = "") -> tuple[FloatArray, TreatRecord]:
    """COINr's ``Treat`` for one indicator: if it fails the skew/kurtosis test, apply ``method`` (f1:
    winsorisation or a transformation); if it still fails, apply ``fallback`` (f2) to the original values
    (to the treated ones with ``combine``). Where the test cannot be computed after a treatment (e.g.
    winsorisation left one distinct value), COINr returns the indicator untreated, and so does this."""
    ok, sk, kt = _passes(x, spec)
    if ok is None or ok or spec.method == "none":
        return x, TreatRecord(code, 0, 0, 0, "", sk, kt, True if ok is None else bool(ok))
    if spec.method == "winsorise":
        x1, high, low, counted = _winsorise(x, spec)
        first = ""
    else:
        x1, high, low, counted = transform(x, spec.method, spec), 0, 0, 0
        first = spec.method
    ok1, sk1, kt1 = _passes(x1, spec)
    if ok1 is None:
        return x, TreatRecord(code, 0, 0, 0, "", sk, kt, False)
    if ok1 or spec.fallback == "none":
        return x1, TreatRecord(code, low, high, counted, first, sk1, kt1, ok1)
    x2 = transform(x1 if spec.combine else x, spec.fallback, spec)
    ok2, sk2, kt2 = _passes(x2, spec)
    if ok2 is None:
        return x, TreatRecord(code, 0, 0, 0, "", sk, kt, False)
    label = f"{first}+{spec.fallback}" if spec.combine and first else spec.fallback
    if spec.combine:
        return x2, TreatRecord(code, low, high, counted, label, sk2, kt2, ok2)
    return x2, TreatRecord(code, 0, 0, 0, spec.fallback, sk2, kt2, ok2)


def treat(data: Dataset, spec: TreatSpec) -> tuple[Dataset, list[TreatRecord]]:
    """Apply :func:`winsorise_column` to every indicator with the step's spec or the indicator's own
    (``indiv``); ``method: none`` and ``exclude`` leave indicators as they are."""
    if spec.method == "none" and not spec.indiv:
        return data, []
    values = data.values.copy()
    records: list[TreatRecord] = []
    for j, code in enumerate(data.codes):
        col_spec = spec.indiv.get(code, spec)
        if code in spec.exclude or col_spec.method == "none":
            continue
        values[:, j], record = winsorise_column(data.values[:, j], col_spec, code)
        records.append(record)
    return Dataset(data.units, data.codes, values), records
