"""BioPark composite-indicator engine (pure NumPy, COINr 1.x semantics).

Typical use::

    from biopark.index import build, load_coinr_tables, load_recipe, write_build

    inp = load_coinr_tables("iData.csv", "iMeta.csv")
    result = build(inp, load_recipe("recipe.yaml"))
    write_build(result, "out/")

This package imports only the standard library, NumPy and PyYAML (no Django).
"""

from __future__ import annotations

from biopark.index.analysis import PCAGroup
from biopark.index.build import BuildResult, Results, build
from biopark.index.dataset import Dataset
from biopark.index.errors import IndexInputError
from biopark.index.output import write_build
from biopark.index.recipe import Recipe, load_recipe
from biopark.index.stages import ScreenRecord, TreatRecord
from biopark.index.strengths import StrWeakOptions, StrWeakRow, UnitProfile
from biopark.index.tables import Framework, IndexInput, MetaRow, input_from_rows, load_coinr_tables
from biopark.index.uncertainty import SensitivityResult, UncertaintyResult

__all__ = [
    "BuildResult",
    "Dataset",
    "Framework",
    "IndexInput",
    "IndexInputError",
    "MetaRow",
    "PCAGroup",
    "Recipe",
    "Results",
    "ScreenRecord",
    "SensitivityResult",
    "StrWeakOptions",
    "StrWeakRow",
    "TreatRecord",
    "UncertaintyResult",
    "UnitProfile",
    "build",
    "input_from_rows",
    "load_coinr_tables",
    "load_recipe",
    "write_build",
]
