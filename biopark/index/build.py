"""The build entry point and its result object."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from biopark.index import analysis
from biopark.index.aggregate import resolve_weights
from biopark.index.dataset import Dataset, FloatArray
from biopark.index.errors import IndexInputError
from biopark.index.pipeline import STAGES, run_steps
from biopark.index.recipe import AggregateSpec, Recipe
from biopark.index.stages import ScreenRecord, TreatRecord
from biopark.index.stats import rank_descending_min
from biopark.index.strengths import StrWeakOptions, UnitProfile, strengths_weaknesses
from biopark.index.tables import IndexInput
from biopark.index.uncertainty import SensitivityResult, UncertaintyResult, analyse


@dataclass(frozen=True)
class Results:
    """Score and rank of every (screened) unit for every aggregate; rank 1 = highest score,
    ties share the lowest rank (R's ``ties.method = "min"``), missing scores have no rank."""

    units: tuple[str, ...]
    unit_names: tuple[str, ...]
    codes: tuple[str, ...]  # aggregates, highest level first
    levels: tuple[int, ...]
    scores: FloatArray  # units × codes
    ranks: FloatArray  # units × codes (float so that NaN can mark "no rank")

    def score(self, code: str) -> dict[str, float]:
        j = self.codes.index(code)
        return dict(zip(self.units, (float(v) for v in self.scores[:, j]), strict=True))

    def rank(self, code: str, decimals: int | None = None) -> dict[str, int | None]:
        """Ranks of one aggregate. With ``decimals``, rank the scores rounded to that many decimals, as
        COINr 6 did for its published results tables (units equal after rounding then tie)."""
        j = self.codes.index(code)
        ranks = self.ranks[:, j] if decimals is None else rank_descending_min(np.round(self.scores[:, j], decimals))
        return {u: (None if np.isnan(v) else int(v)) for u, v in zip(self.units, ranks, strict=True)}

    def rows(self) -> Iterator[dict[str, str | int | float | None]]:
        """Long format: one row per aggregate and unit, ordered by level (top first) then rank."""
        for j, code in enumerate(self.codes):
            order = np.lexsort((np.arange(len(self.units)), np.nan_to_num(self.ranks[:, j], nan=np.inf)))
            for i in order:
                r = self.ranks[i, j]
                yield {"iCode": code, "Level": self.levels[j], "uCode": self.units[i],
                       "uName": self.unit_names[i], "score": float(self.scores[i, j]),
                       "rank": None if np.isnan(r) else int(r)}


@dataclass(frozen=True)
class BuildResult:
    """Everything a build produced.

    ``datasets`` maps ``raw``, ``denominated``, ``imputed``, ``screened``, ``treated``, ``normalised`` and
    ``aggregated`` to :class:`Dataset` objects (a step absent from the recipe passes its input through).
    """

    input: IndexInput
    recipe: Recipe
    datasets: dict[str, Dataset]
    results: Results
    weights: dict[str, float]
    treat_summary: tuple[TreatRecord, ...]
    screen_summary: tuple[ScreenRecord, ...]
    uncertainty: UncertaintyResult | None = None
    sensitivity: SensitivityResult | None = None

    def dataset(self, name: str) -> Dataset:
        if name not in self.datasets:
            raise KeyError(f"no data set {name!r}; available: {', '.join(self.datasets)}")
        return self.datasets[name]

    def effective_weights(self) -> dict[str, float]:
        """Each indicator's and aggregate's effective weight in its top-level aggregate."""
        return analysis.effective_weights(self.input.framework, self.weights)

    def pca_weights(self, level: int = 1, dataset: str = "aggregated") -> dict[str, analysis.PCAGroup]:
        """First-principal-component loadings per aggregation group of ``level`` columns."""
        return analysis.pca_weights(self.dataset(dataset), self.input.framework, level)

    def analysis_warnings(self) -> list[analysis.Unavailable]:
        """Analysis tables written with a build that are unavailable for some group, with the reason."""
        return analysis.pca_unavailable(self.pca_weights(level=1, dataset="normalised"))

    def correlations(self, dataset: str = "aggregated", method: str = "pearson") -> tuple[tuple[str, ...],
                                                                                        FloatArray]:
        """(column codes, correlation matrix) of a data set; ``method`` is pearson or spearman."""
        data = self.dataset(dataset)
        return data.codes, analysis.correlations(data, method)

    def parent_correlations(self, method: str = "pearson") -> dict[str, float]:
        """Correlation of each indicator/aggregate with its parent aggregate."""
        return analysis.parent_correlations(self.dataset("aggregated"), self.input.framework, method)

    def cronbach_alpha(self) -> dict[str, float]:
        """Cronbach's alpha of each aggregate's children (aggregated data set)."""
        return analysis.cronbach_alpha(self.dataset("aggregated"), self.input.framework)

    def strengths_weaknesses(self, top_n: int = 5, bottom_n: int | None = None, *, dset: str = "raw",
                             use_group: str | None = None, unq_discard: float | None = None,
                             min_discard: bool = True, report_level: int = 2,
                             adjust_direction: bool | None = None, sig_figs: int | None = 3,
                             units: Sequence[str] | None = None) -> dict[str, UnitProfile]:
        """Each unit's strengths and weaknesses as COINr's ``get_str_weak`` (see
        :mod:`biopark.index.strengths`): by default on the raw data set with directions applied, the
        five best and five worst indicators by rank, indicators where the unit ranks last left out."""
        options = StrWeakOptions(dset=dset, top_n=top_n, bottom_n=top_n if bottom_n is None else bottom_n,
                                 use_group=use_group, unq_discard=unq_discard, min_discard=min_discard,
                                 report_level=report_level, adjust_direction=adjust_direction,
                                 sig_figs=sig_figs)
        # COINr's data set names are capitalised ("Raw", "Normalised"); BioPark's are lower case.
        return strengths_weaknesses(self.dataset(dset.lower()), self.input, options, units)


def compute_results(aggregated: Dataset, inp: IndexInput) -> Results:
    """Scores and ranks of every aggregate present in ``aggregated``."""
    fw = inp.framework
    codes = tuple(sorted((c for c in fw.aggregates if c in aggregated.codes), key=lambda c: -fw.levels[c]))
    scores = (aggregated.select(codes).values if codes else np.zeros((len(aggregated.units), 0)))
    ranks = np.column_stack([rank_descending_min(scores[:, j]) for j in range(len(codes))]) if codes \
        else np.zeros_like(scores)
    names = tuple(inp.unit_names[inp.units.index(u)] for u in aggregated.units)
    return Results(aggregated.units, names, codes, tuple(fw.levels[c] for c in codes), scores, ranks)


def build(inp: IndexInput, recipe: Recipe) -> BuildResult:
    """Run ``recipe`` on ``inp``: every stage, results, and (if the recipe asks) uncertainty/sensitivity.

    Raises :class:`IndexInputError` if the data cannot be built with the recipe (e.g. a constant
    indicator under min-max, a non-positive value under the geometric mean, an unknown group column).
    """
    outputs = run_steps(inp, recipe)
    missing = [s for s in STAGES if s not in outputs.datasets]
    if missing:  # pragma: no cover - run_steps always fills every stage
        raise IndexInputError(f"internal: stages {missing} not produced")
    agg_step = recipe.step("aggregate")
    agg_spec = agg_step.spec if agg_step is not None else AggregateSpec()
    assert isinstance(agg_spec, AggregateSpec)
    weights = resolve_weights(inp.framework, agg_spec.weights)
    final = outputs.datasets["aggregated"]
    if agg_step is not None:
        results = compute_results(final, inp)
    else:
        empty = np.zeros((len(final.units), 0))
        names = tuple(inp.unit_names[inp.units.index(u)] for u in final.units)
        results = Results(final.units, names, (), (), empty, empty.copy())
    uncertainty: UncertaintyResult | None = None
    sensitivity: SensitivityResult | None = None
    if recipe.uncertainty is not None:
        uncertainty, sensitivity = analyse(inp, recipe, results.codes, results.ranks, results.units)
    return BuildResult(inp, recipe, outputs.datasets, results, weights, outputs.treat_records,
                       outputs.screen_records, uncertainty, sensitivity)
