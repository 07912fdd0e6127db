"""Data steps before normalisation: denominate, impute, screen and treat (COINr 1.x semantics)."""

from __future__ import annotations

import math
from dataclasses import dataclass

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
    """Fill missing values by the indicator's mean/median, over all units or within the unit's group."""
    if spec.method == "none":
        return data
    values = data.values.copy()
    reducer = np.nanmedian if spec.method.endswith("median") else np.nanmean
    if spec.method.startswith("group_"):
        assert spec.group is not None
        if spec.group not in inp.groups:
            raise IndexInputError(f"impute: group column {spec.group!r} is not a Group in iMeta")
        labels = np.array([inp.groups[spec.group][inp.units.index(u)] for u in data.units])
        partitions = [labels == g for g in dict.fromkeys(labels.tolist())]
    else:
        partitions = [np.ones(len(data.units), dtype=bool)]
    for members in partitions:
        block = values[members]
        missing = np.isnan(block)
        if not missing.any():
            continue
        with np.errstate(all="ignore"):
            # A group with no observed value for an indicator keeps its NaNs (as COINr does).
            fill = np.array([reducer(c) if np.any(~np.isnan(c)) else math.nan for c in block.T])
        block = np.where(missing, fill[None, :], block)
        values[members] = block
    return Dataset(data.units, data.codes, values)


@dataclass(frozen=True)
class ScreenRecord:
    unit: str
    availability: float
    kept: bool


def screen(data: Dataset, basis: Dataset, spec: ScreenSpec) -> tuple[Dataset, list[ScreenRecord]]:
    """Drop units whose share of non-missing indicators (in ``basis``) is below ``min_availability``."""
    rows = [basis.units.index(u) for u in data.units]
    availability = np.mean(~np.isnan(basis.values[rows]), axis=1)
    keep = availability >= spec.min_availability
    records = [ScreenRecord(u, float(a), bool(k)) for u, a, k in zip(data.units, availability, keep, strict=True)]
    units = tuple(u for u, k in zip(data.units, keep, strict=True) if k)
    return Dataset(units, data.codes, data.values[keep]), records


@dataclass(frozen=True)
class TreatRecord:
    """What treatment did to one indicator (COINr's ``Dets_Table``/``TreatSummary``)."""

    code: str
    low: int  # points winsorised at the low end
    high: int  # points winsorised at the high end
    winsorised: int  # points (count=points) or steps (count=iterations), as counted against winmax
    fallback: str  # "" or the transform applied because winsorisation did not pass
    skew: float
    kurtosis: float
    passed: bool

    @property
    def treatment(self) -> str:
        if self.fallback:
            return f"Transformed ({self.fallback})"
        return f"Winsorised {self.winsorised} points" if self.winsorised else "None"


def _passes(x: FloatArray, spec: TreatSpec) -> tuple[bool, float, float]:
    sk, kt = skewness(x), kurtosis(x)
    if math.isnan(sk) or math.isnan(kt):
        # Too few points or no spread: the check cannot fail (COINr returns the vector untreated).
        return True, sk, kt
    return (abs(sk) < spec.skew) or (kt < spec.kurtosis), sk, kt


def log_ct(x: FloatArray) -> FloatArray:
    """COIN Tool style log: ``ln(x - min + 0.01 (max - min))``."""
    lo, hi = np.nanmin(x), np.nanmax(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(np.log(x - lo + 0.01 * (hi - lo)), dtype=np.float64)


def winsorise_column(x: FloatArray, spec: TreatSpec, code: str = "") -> tuple[FloatArray, TreatRecord]:
    """Treat one indicator: winsorise one extreme (value-group) at a time while it fails the skew and
    kurtosis test, up to ``winmax``; if it still fails, apply the fallback to the *original* values."""
    ok, sk, kt = _passes(x, spec)
    if ok:
        return x, TreatRecord(code, 0, 0, 0, "", sk, kt, True)
    y = x.copy()
    high: np.ndarray = np.zeros(0, dtype=np.intp)
    low: np.ndarray = np.zeros(0, dtype=np.intp)
    steps = 0

    def counted() -> int:
        # COINr 1.x counts the points currently sitting on the winsorised extremes; COINr 6 counts steps.
        return steps if spec.count == "iterations" else int(high.size + low.size)

    while not ok and counted() < spec.winmax:
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
        ok, sk, kt = _passes(y, spec)
    if ok or spec.fallback == "none":
        return y, TreatRecord(code, int(low.size), int(high.size), counted(), "", sk, kt, ok)
    z = log_ct(x)
    ok2, sk2, kt2 = _passes(z, spec)
    return z, TreatRecord(code, 0, 0, 0, "log", sk2, kt2, ok2)


def treat(data: Dataset, spec: TreatSpec) -> tuple[Dataset, list[TreatRecord]]:
    """Apply :func:`winsorise_column` to every indicator (``method: none`` passes data through)."""
    if spec.method == "none":
        return data, []
    values = data.values.copy()
    records: list[TreatRecord] = []
    for j, code in enumerate(data.codes):
        if code in spec.exclude:
            continue
        values[:, j], record = winsorise_column(data.values[:, j], spec, code)
        records.append(record)
    return Dataset(data.units, data.codes, values), records
