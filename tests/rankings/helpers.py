"""A small framework whose results are computed by hand in the tests."""

from __future__ import annotations

from typing import Any

# Indicators a1, a2 -> pillar A; b1 (lower is better) -> pillar B; A, B -> Index.
IMETA: list[dict[str, Any]] = [
    {"Level": 1, "iCode": "a1", "iName": "A one", "Direction": 1, "Weight": 1, "Parent": "A", "Type": "Indicator"},
    {"Level": 1, "iCode": "a2", "iName": "A two", "Direction": 1, "Weight": 1, "Parent": "A", "Type": "Indicator"},
    {"Level": 1, "iCode": "b1", "iName": "B one", "Direction": -1, "Weight": 1, "Parent": "B", "Type": "Indicator"},
    {"Level": 2, "iCode": "A", "iName": "Pillar A", "Direction": 1, "Weight": 1, "Parent": "Index", "Type": "Aggregate"},
    {"Level": 2, "iCode": "B", "iName": "Pillar B", "Direction": 1, "Weight": 1, "Parent": "Index", "Type": "Aggregate"},
    {"Level": 3, "iCode": "Index", "iName": "Index", "Direction": 1, "Weight": 1, "Parent": "", "Type": "Aggregate"},
]
RECIPE: dict[str, Any] = {"steps": [{"normalise": {"method": "minmax", "range": [0, 100]}},
                                    {"aggregate": {"method": "amean"}}]}
# a1: 10, 20, 30 -> 0, 50, 100;  a2: 1, 3, 2 -> 0, 100, 50;  b1 (flipped): 4, 2, 0 -> 0, 50, 100
# A = mean(a1, a2): 0, 75, 75;  B: 0, 50, 100;  Index = mean(A, B): 0, 62.5, 87.5
IDATA: list[dict[str, Any]] = [
    {"uCode": "P1", "uName": "Park one", "a1": 10, "a2": 1, "b1": 4},
    {"uCode": "P2", "uName": "Park two", "a1": 20, "a2": 3, "b1": 2},
    {"uCode": "P3", "uName": "Park three", "a1": 30, "a2": 2, "b1": 0},
]


def make_external(actor: Any, key: str = "toy", **kw: Any) -> Any:
    from biopark.rankings.services import framework_create

    return framework_create(actor=actor, key=key, kind="external", name_en="Toy", imeta=IMETA, recipe=RECIPE, **kw)


def scores_of(run: Any, code: str) -> dict[str, tuple[float | None, int | None]]:
    return {s.unit_code: (s.score, s.rank) for s in run.scores.filter(code=code)}
