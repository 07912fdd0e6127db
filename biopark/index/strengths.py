"""Strengths and weaknesses of a unit, as COINr 1.x's ``get_str_weak``.

COINr's rules, reproduced here (R/results.R in COINr 1.1.14):

* Only indicators count, in the order of COINr's ``coin$Meta$Ind`` (``new_coin`` sorts iMeta by Level,
  then Parent, keeping the file order among equals). That order decides ties: ranks are sorted with a
  stable sort, strengths are the first ``top_n`` and weaknesses the last ``bottom_n`` of the sorted list
  (so the weaknesses are listed best first, the worst last).
* Ranks are "sport" ranks (rank 1 = highest value, ties share the lowest rank), among all units of the
  data set, or within the unit's group with ``use_group`` (a unit without a group has no ranks).
* The data set is ``raw`` unless told otherwise; directions are applied to it (low-is-good indicators
  flipped) when it is ``raw``, and not otherwise, unless ``adjust_direction`` says so.
* An indicator the unit has no value for is left out. ``unq_discard`` leaves out indicators whose share of
  distinct values (a missing value counts as one value) is not above the threshold. ``min_discard`` (on by
  default) leaves out every indicator on which the unit has the largest rank of that indicator's column
  (over all units, also with ``use_group``): such an indicator is neither a strength nor a weakness.
* Values are the unit's values in the data set (not direction-adjusted), rounded to ``sig_figs``
  significant figures; each row names the indicator's ancestor at ``report_level`` and its unit.

Where COINr would fail or return rows of ``NA`` (``top_n`` above the number of indicators, fewer
indicators left than asked for), the lists are simply shorter.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from biopark.index.dataset import Dataset, FloatArray
from biopark.index.errors import IndexInputError
from biopark.index.stats import rank_descending_min
from biopark.index.tables import IndexInput


@dataclass(frozen=True)
class StrWeakRow:
    """One row of COINr's Strengths or Weaknesses table."""

    code: str
    name: str
    group: str  # the ancestor at the report level (COINr's third column)
    rank: int
    value: float
    unit: str


@dataclass(frozen=True)
class UnitProfile:
    """A unit's strengths and weaknesses. ``strengths``/``weaknesses`` hold (iCode, rank) pairs; the
    ``*_rows`` hold COINr's full table rows."""

    unit: str
    strengths: tuple[tuple[str, int], ...]
    weaknesses: tuple[tuple[str, int], ...]
    strength_rows: tuple[StrWeakRow, ...] = field(default=())
    weakness_rows: tuple[StrWeakRow, ...] = field(default=())


def _collation_key(text: str) -> tuple[str, str]:
    # R sorts text by the locale's collation (en_US in practice): case-insensitive first, then lower case
    # before upper case. swapcase() makes lower case sort first in code-point order.
    return text.casefold(), text.swapcase()


def coinr_indicator_order(inp: IndexInput) -> tuple[str, ...]:
    """Indicators in the order of COINr's ``coin$Meta$Ind`` (stable sort of iMeta by Level then Parent)."""
    rows = [r for r in inp.meta if r.type == "Indicator"]
    return tuple(r.code for r in sorted(rows, key=lambda r: _collation_key(r.parent or "")))


def signif(value: float, digits: int | None) -> float:
    """R's ``signif``: ``value`` rounded to ``digits`` significant figures (``None``: unchanged)."""
    if digits is None or not math.isfinite(value) or value == 0:
        return value
    return float(f"{value:.{max(digits, 1) - 1}e}")


def _ancestor(inp: IndexInput, code: str, level: int) -> str:
    fw = inp.framework
    node: str | None = code
    while node is not None and fw.levels[node] < level:
        node = fw.parents[node]
    return node if node is not None and fw.levels[node] == level else ""


def _group_ranks(x: FloatArray, labels: Sequence[str] | None) -> FloatArray:
    """Column-wise sport ranks (rank 1 = highest), within groups of ``labels`` if given ("" = no group)."""
    ranks = np.full(x.shape, np.nan)
    if labels is None:
        parts = [np.ones(x.shape[0], dtype=bool)]
    else:
        arr = np.array(labels, dtype=object)
        parts = [arr == g for g in dict.fromkeys(labels) if g != ""]
    for rows in parts:
        block = x[rows]
        ranks[rows] = np.column_stack([rank_descending_min(block[:, j]) for j in range(x.shape[1])]) \
            if x.shape[1] else block
    return ranks


def _distinct_share(col: FloatArray) -> float:
    present = col[~np.isnan(col)]
    distinct = np.unique(present).size + (1 if present.size < col.size else 0)
    return distinct / col.size if col.size else 0.0


@dataclass(frozen=True)
class StrWeakOptions:
    """The arguments of COINr's ``get_str_weak`` other than the coin and the unit."""

    dset: str = "raw"
    top_n: int = 5
    bottom_n: int = 5
    use_group: str | None = None
    unq_discard: float | None = None
    min_discard: bool = True
    report_level: int = 2
    adjust_direction: bool | None = None  # None: True for the raw data set, else False (as COINr)
    sig_figs: int | None = 3


def strengths_weaknesses(data: Dataset, inp: IndexInput, options: StrWeakOptions,
                         units: Sequence[str] | None = None) -> dict[str, UnitProfile]:
    """COINr's ``get_str_weak`` for every unit of ``data`` (or the given ``units``), ranks computed once."""
    codes = [c for c in coinr_indicator_order(inp)]
    missing = [c for c in codes if c not in data.codes]
    if missing:
        raise IndexInputError(f"strengths and weaknesses: data set {options.dset!r} lacks indicator(s) "
                              f"{', '.join(missing)}")
    n_codes = len(codes)
    # COINr refuses a topN above the number of indicators; here it is capped, so that the default of five
    # works for a framework with fewer indicators (the platform's small frameworks).
    if options.top_n < 1 or options.bottom_n < 1:
        raise IndexInputError("strengths and weaknesses: top_n and bottom_n must be at least 1")
    if options.unq_discard is not None and not 0 <= options.unq_discard <= 1:
        raise IndexInputError("strengths and weaknesses: unq_discard must be between 0 and 1")
    fw = inp.framework
    if not 2 <= options.report_level <= max(fw.max_level, 2):
        raise IndexInputError(f"strengths and weaknesses: report_level must be between 2 and {fw.max_level}")
    values = data.select(codes).values
    adjust = options.adjust_direction
    if adjust is None:
        adjust = options.dset.lower() == "raw"
    directions = np.array([fw.directions[c] for c in codes], dtype=np.float64)
    scored = values * directions if adjust else values
    labels = None
    if options.use_group is not None:
        if options.use_group not in inp.groups:
            raise IndexInputError(f"strengths and weaknesses: use_group {options.use_group!r} is not a Group "
                                  "column of iData")
        all_labels = inp.groups[options.use_group]
        labels = [all_labels[inp.units.index(u)] for u in data.units]
    ranks = _group_ranks(scored, labels)
    keep_col = np.ones(n_codes, dtype=bool)
    if options.unq_discard is not None:
        keep_col = np.array([_distinct_share(values[:, j]) > options.unq_discard for j in range(n_codes)])
    with np.errstate(all="ignore"):
        worst = np.array([np.nanmax(ranks[:, j]) if np.any(~np.isnan(ranks[:, j])) else np.nan
                          for j in range(n_codes)])
    names = {r.code: r.name for r in inp.meta}
    unit_of = {r.code: r.unit for r in inp.meta}
    out: dict[str, UnitProfile] = {}
    for unit in (data.units if units is None else units):
        i = data.units.index(unit)
        r = ranks[i]
        cols = [j for j in range(n_codes) if keep_col[j] and not np.isnan(r[j])]
        if options.min_discard:
            cols = [j for j in cols if r[j] != worst[j]]
        # A stable sort: among equal ranks the COINr indicator order decides.
        cols.sort(key=lambda j: r[j])

        def row(j: int, i: int = i, r: FloatArray = r) -> StrWeakRow:
            code = codes[j]
            return StrWeakRow(code, names.get(code, code), _ancestor(inp, code, options.report_level), int(r[j]),
                              signif(float(values[i, j]), options.sig_figs), unit_of.get(code, ""))

        strong = tuple(row(j) for j in cols[:options.top_n])
        weak = tuple(row(j) for j in cols[max(len(cols) - options.bottom_n, 0):])
        out[unit] = UnitProfile(unit, tuple((s.code, s.rank) for s in strong),
                                tuple((w.code, w.rank) for w in weak), strong, weak)
    return out
