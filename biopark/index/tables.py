"""COINr-format input tables (iData + iMeta): reading, validation and the index framework.

iData has one row per unit: ``uCode``, optionally ``uName`` and ``Time``, group columns, denominator
columns and one column per indicator. iMeta has one row per indicator, aggregate, group and
denominator with the columns Level, iCode, iName, Direction, Weight, Unit, Target, Denominator, Parent,
Type (COINr 1.x conventions).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from biopark.index.dataset import Dataset, FloatArray
from biopark.index.errors import IndexInputError

IMETA_COLUMNS = ("Level", "iCode", "iName", "Direction", "Weight", "Unit", "Target", "Denominator",
                 "Parent", "Type")
# iMeta columns without which nothing can be built; the others default to blank.
IMETA_REQUIRED = ("Level", "iCode", "Direction", "Weight", "Parent", "Type")
META_TYPES = ("Indicator", "Aggregate", "Group", "Denominator", "Other")
# iData columns that are never indicators and need no iMeta row.
IDATA_ID_COLUMNS = ("uCode", "uName", "Time")
MISSING_TOKENS = frozenset({"", "NA", "NaN", "nan", "N/A", "#N/A", "null", "NULL"})

Cell = str | float | int | None


@dataclass(frozen=True)
class MetaRow:
    """One row of iMeta."""

    code: str
    name: str
    type: str
    level: int | None
    direction: int
    weight: float
    unit: str
    target: float
    denominator: str | None
    parent: str | None


@dataclass(frozen=True)
class Framework:
    """The index structure: indicators (level 1), aggregates (level ≥ 2) and who is whose parent."""

    indicators: tuple[str, ...]
    aggregates: tuple[str, ...]  # ordered by level, then iMeta order: safe computation order
    levels: dict[str, int]
    parents: dict[str, str | None]
    children: dict[str, tuple[str, ...]]
    weights: dict[str, float]
    directions: dict[str, int]

    @property
    def max_level(self) -> int:
        return max(self.levels.values())

    @property
    def roots(self) -> tuple[str, ...]:
        """Top-level nodes (no parent), usually the single index."""
        return tuple(c for c in self.aggregates if self.parents[c] is None)

    def codes_at_level(self, level: int) -> tuple[str, ...]:
        return tuple(c for c in (*self.indicators, *self.aggregates) if self.levels[c] == level)


@dataclass(frozen=True)
class IndexInput:
    """Validated COINr-format input: raw indicator data plus metadata and framework."""

    units: tuple[str, ...]
    unit_names: tuple[str, ...]
    raw: Dataset  # indicator columns only, in iMeta order
    groups: dict[str, tuple[str, ...]]
    denominators: dict[str, FloatArray]
    meta: tuple[MetaRow, ...]
    framework: Framework
    source: str = field(default="<memory>")

    def meta_row(self, code: str) -> MetaRow:
        for row in self.meta:
            if row.code == code:
                return row
        raise KeyError(code)

    @property
    def targets(self) -> dict[str, float]:
        return {r.code: r.target for r in self.meta if r.type == "Indicator"}


def _is_missing(value: Cell) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() in MISSING_TOKENS


def _to_float(value: Cell, where: str) -> float:
    if _is_missing(value):
        return math.nan
    if isinstance(value, bool):
        raise IndexInputError(f"{where}: non-numeric value {value!r}")
    if isinstance(value, int | float):
        return float(value)
    try:
        number = float(str(value).strip())
    except ValueError:
        raise IndexInputError(f"{where}: non-numeric value {value!r}") from None
    if math.isinf(number):
        raise IndexInputError(f"{where}: infinite value {value!r}")
    return number


def _text(value: Cell) -> str:
    return "" if _is_missing(value) else str(value).strip()


def read_csv_rows(path: str | Path, what: str) -> list[dict[str, str]]:
    """Rows of a CSV file (UTF-8, optional BOM) as dicts; a clear error if it is unreadable."""
    p = Path(path)
    if not p.is_file():
        raise IndexInputError(f"{what} file not found: {p}")
    with p.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None:
            raise IndexInputError(f"{what} file {p} is empty")
        rows = list(reader)
    for number, row in enumerate(rows, start=2):
        if None in row:
            raise IndexInputError(f"{what} file {p}, line {number}: more cells than header columns")
    return rows


def load_coinr_tables(idata_path: str | Path, imeta_path: str | Path) -> IndexInput:
    """Read and validate COINr-format iData and iMeta CSV files.

    Raises :class:`IndexInputError` naming the row/column for a missing column, a non-numeric cell,
    a parent that does not exist, a cycle in the hierarchy, and similar problems.
    """
    idata = read_csv_rows(idata_path, "iData")
    imeta = read_csv_rows(imeta_path, "iMeta")
    with Path(idata_path).open(newline="", encoding="utf-8-sig") as handle:
        header = next(csv.reader(handle), [])
    return input_from_rows(idata, imeta, idata_columns=header, source=str(idata_path))


def _parse_meta(imeta: Sequence[Mapping[str, Cell]]) -> list[MetaRow]:
    if not imeta:
        raise IndexInputError("iMeta has no rows")
    present = set(imeta[0].keys())
    missing = [c for c in IMETA_REQUIRED if c not in present]
    if missing:
        raise IndexInputError(f"iMeta: missing column(s) {', '.join(missing)}")
    rows: list[MetaRow] = []
    seen: set[str] = set()
    for number, raw in enumerate(imeta, start=2):
        where = f"iMeta row {number}"
        code = _text(raw.get("iCode"))
        if not code:
            raise IndexInputError(f"{where}, column iCode: empty code")
        if code in seen:
            raise IndexInputError(f"{where}, column iCode: duplicate code {code!r}")
        seen.add(code)
        where = f"iMeta row {number} ({code})"
        mtype = _text(raw.get("Type"))
        if mtype not in META_TYPES:
            raise IndexInputError(f"{where}, column Type: {mtype!r} is not one of {', '.join(META_TYPES)}")
        level: int | None = None
        direction, weight = 1, math.nan
        if mtype in ("Indicator", "Aggregate"):
            level_f = _to_float(raw.get("Level"), f"{where}, column Level")
            if math.isnan(level_f) or level_f != int(level_f) or level_f < 1:
                raise IndexInputError(f"{where}, column Level: must be a whole number ≥ 1")
            level = int(level_f)
            if mtype == "Indicator" and level != 1:
                raise IndexInputError(f"{where}, column Level: indicators must be at level 1")
            if mtype == "Aggregate" and level < 2:
                raise IndexInputError(f"{where}, column Level: aggregates must be at level 2 or above")
            weight = _to_float(raw.get("Weight"), f"{where}, column Weight")
            if math.isnan(weight) or weight < 0:
                raise IndexInputError(f"{where}, column Weight: must be a number ≥ 0")
            d = _to_float(raw.get("Direction"), f"{where}, column Direction")
            if mtype == "Indicator" and d not in (1.0, -1.0):
                raise IndexInputError(f"{where}, column Direction: must be 1 or -1")
            direction = -1 if d == -1.0 else 1
        rows.append(MetaRow(
            code=code, name=_text(raw.get("iName")) or code, type=mtype, level=level,
            direction=direction, weight=weight, unit=_text(raw.get("Unit")),
            target=_to_float(raw.get("Target"), f"{where}, column Target"),
            denominator=_text(raw.get("Denominator")) or None, parent=_text(raw.get("Parent")) or None,
        ))
    return rows


def build_framework(meta: Sequence[MetaRow]) -> Framework:
    """Check the hierarchy (parents exist, no cycles, levels consistent) and build the framework."""
    nodes = {r.code: r for r in meta if r.type in ("Indicator", "Aggregate")}
    indicators = tuple(r.code for r in meta if r.type == "Indicator")
    if not indicators:
        raise IndexInputError("iMeta: no rows of Type 'Indicator'")
    for r in nodes.values():
        if r.parent is not None and r.parent not in nodes:
            raise IndexInputError(f"iMeta row {r.code}, column Parent: parent {r.parent!r} does not exist")
        if r.parent is not None and nodes[r.parent].type != "Aggregate":
            raise IndexInputError(f"iMeta row {r.code}, column Parent: parent {r.parent!r} is not an Aggregate")
    # Cycle check walks up from each node; done before the level check so a cycle is reported as such.
    for start in nodes:
        path = [start]
        node = nodes[start].parent
        while node is not None:
            if node in path:
                cycle = " -> ".join([*path[path.index(node):], node])
                raise IndexInputError(f"iMeta, column Parent: cycle in the hierarchy: {cycle}")
            path.append(node)
            node = nodes[node].parent
    levels = {c: int(r.level or 1) for c, r in nodes.items()}
    for r in nodes.values():
        if r.parent is not None and levels[r.parent] != levels[r.code] + 1:
            raise IndexInputError(
                f"iMeta row {r.code}, column Level: level {levels[r.code]} but parent {r.parent!r} "
                f"is at level {levels[r.parent]} (expected {levels[r.code] + 1})"
            )
    children = {c: tuple(k for k, r in nodes.items() if r.parent == c) for c in nodes}
    aggregates = tuple(sorted((c for c, r in nodes.items() if r.type == "Aggregate"), key=lambda c: levels[c]))
    for agg in aggregates:
        if not children[agg]:
            raise IndexInputError(f"iMeta row {agg}: aggregate has no children")
    for ind in indicators:
        if nodes[ind].parent is None and aggregates:
            raise IndexInputError(f"iMeta row {ind}, column Parent: indicator has no parent aggregate")
    return Framework(
        indicators=indicators, aggregates=aggregates, levels=levels,
        parents={c: r.parent for c, r in nodes.items()}, children=children,
        weights={c: r.weight for c, r in nodes.items()},
        directions={c: r.direction for c, r in nodes.items()},
    )


def input_from_rows(
    idata: Sequence[Mapping[str, Cell]],
    imeta: Sequence[Mapping[str, Cell]],
    idata_columns: Sequence[str] | None = None,
    source: str = "<memory>",
) -> IndexInput:
    """Validate in-memory iData/iMeta rows (dicts keyed by column name) into an :class:`IndexInput`.

    Cells may be strings (as read from CSV) or numbers; blanks and ``NA`` are missing values.
    """
    meta = _parse_meta(imeta)
    framework = build_framework(meta)
    if not idata:
        raise IndexInputError("iData has no rows")
    columns = list(idata_columns) if idata_columns else list(idata[0].keys())
    if "uCode" not in columns:
        raise IndexInputError("iData: missing column uCode")
    by_code = {r.code: r for r in meta}
    for col in columns:
        if col not in IDATA_ID_COLUMNS and col not in by_code:
            raise IndexInputError(f"iData column {col!r} has no row in iMeta (add it, e.g. with Type 'Other')")
    for r in meta:
        if r.type in ("Indicator", "Group", "Denominator") and r.code not in columns:
            raise IndexInputError(f"iData: missing column {r.code!r} (declared in iMeta as {r.type})")
        if r.type == "Indicator" and r.denominator is not None:
            den = by_code.get(r.denominator)
            if den is None or den.type != "Denominator" or r.denominator not in columns:
                raise IndexInputError(
                    f"iMeta row {r.code}, column Denominator: {r.denominator!r} is not a Denominator column of iData"
                )
    units: list[str] = []
    for number, row in enumerate(idata, start=2):
        code = _text(row.get("uCode"))
        if not code:
            raise IndexInputError(f"iData row {number}, column uCode: empty unit code")
        if code in units:
            raise IndexInputError(f"iData row {number}, column uCode: duplicate unit code {code!r}")
        units.append(code)

    def numeric(col: str) -> FloatArray:
        return np.array([
            _to_float(row.get(col), f"iData row {i} ({units[i - 2]}), column {col}")
            for i, row in enumerate(idata, start=2)
        ], dtype=np.float64)

    raw = np.column_stack([numeric(c) for c in framework.indicators])
    denominators = {r.code: numeric(r.code) for r in meta if r.type == "Denominator"}
    groups = {r.code: tuple(_text(row.get(r.code)) for row in idata) for r in meta if r.type == "Group"}
    names = tuple(_text(row.get("uName")) or units[i] for i, row in enumerate(idata))
    return IndexInput(
        units=tuple(units), unit_names=names,
        raw=Dataset(tuple(units), framework.indicators, raw),
        groups=groups, denominators=denominators, meta=tuple(meta), framework=framework, source=source,
    )
