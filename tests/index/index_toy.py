"""Tiny in-memory frameworks for hand-computed tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from biopark.index import BuildResult, IndexInput, build, input_from_rows, load_recipe


def one_aggregate_input(columns: Mapping[str, Sequence[float]], weights: Mapping[str, float] | None = None,
                        directions: Mapping[str, int] | None = None,
                        targets: Mapping[str, float] | None = None) -> IndexInput:
    """Indicators ``columns`` (code -> values for units u0, u1, ...) under one aggregate ``Agg``."""
    n = len(next(iter(columns.values())))
    idata = [{"uCode": f"u{i}", **{c: v[i] for c, v in columns.items()}} for i in range(n)]
    imeta: list[dict[str, Any]] = [
        {"Level": 1, "iCode": c, "Direction": (directions or {}).get(c, 1), "Weight": (weights or {}).get(c, 1),
         "Target": (targets or {}).get(c), "Parent": "Agg", "Type": "Indicator"} for c in columns
    ]
    imeta.append({"Level": 2, "iCode": "Agg", "Direction": 1, "Weight": 1, "Parent": None, "Type": "Aggregate"})
    return input_from_rows(idata, imeta)


def run(inp: IndexInput, *steps: dict[str, Any]) -> BuildResult:
    return build(inp, load_recipe({"steps": list(steps)}))
