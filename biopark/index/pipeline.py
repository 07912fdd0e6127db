"""Running a recipe's steps in order, keeping every stage's data set."""

from __future__ import annotations

from dataclasses import dataclass

from biopark.index.aggregate import aggregate
from biopark.index.dataset import Dataset
from biopark.index.normalise import normalise
from biopark.index.recipe import (
    AggregateSpec,
    ImputeSpec,
    NormaliseSpec,
    Recipe,
    ScreenSpec,
    TreatSpec,
)
from biopark.index.stages import ScreenRecord, TreatRecord, denominate, impute, screen, treat
from biopark.index.tables import IndexInput

# Stage (data set) names, in build order, and the step that produces each.
STAGES = ("denominated", "imputed", "screened", "treated", "normalised", "aggregated")
STAGE_OF_STEP = dict(zip(("denominate", "impute", "screen", "treat", "normalise", "aggregate"), STAGES,
                         strict=True))


@dataclass(frozen=True)
class StageOutputs:
    datasets: dict[str, Dataset]  # "raw" plus every name in STAGES
    treat_records: tuple[TreatRecord, ...]
    screen_records: tuple[ScreenRecord, ...]
    final: Dataset  # the output of the last step run


def run_steps(inp: IndexInput, recipe: Recipe, before_aggregate: bool = False) -> StageOutputs:
    """Run the recipe's steps in their order, each on the data set the previous one produced (with
    ``before_aggregate``, stop before the aggregate step: the uncertainty analysis needs its input).

    Each stage's data set is the output of the last step of that kind. A stage with no step gets the data
    set that the first later step (in the canonical order of ``STAGES``) received, or the final data set;
    for a recipe in canonical order that is its input passed through unchanged. Treatment and screening
    records are those of the last treat/screen step.
    """
    order = list(STAGE_OF_STEP)
    datasets: dict[str, Dataset] = {"raw": inp.raw}
    received: list[tuple[str, Dataset]] = []
    current = inp.raw
    before_impute: Dataset | None = None
    treat_records: tuple[TreatRecord, ...] = ()
    screen_records: tuple[ScreenRecord, ...] = ()
    fw = inp.framework
    for step in recipe.steps:
        if before_aggregate and step.name == "aggregate":
            break
        received.append((step.name, current))
        spec = step.spec
        if step.name == "denominate":
            current = denominate(current, inp)
        elif isinstance(spec, ImputeSpec):
            if before_impute is None:
                before_impute = current
            current = impute(current, inp, spec)
        elif isinstance(spec, ScreenSpec):
            basis = current
            if spec.availability_of == "before_impute" and before_impute is not None:
                basis = before_impute
            current, records = screen(current, basis, spec)
            screen_records = tuple(records)
        elif isinstance(spec, TreatSpec):
            current, trecords = treat(current, spec)
            treat_records = tuple(trecords)
        elif isinstance(spec, NormaliseSpec):
            current = normalise(current, spec, fw.directions, inp.targets)
        elif isinstance(spec, AggregateSpec):
            current = aggregate(current, fw, spec)
        datasets[STAGE_OF_STEP[step.name]] = current
    for name, stage in STAGE_OF_STEP.items():
        if stage not in datasets:
            later = (data for step_name, data in received if order.index(step_name) > order.index(name))
            datasets[stage] = next(later, current)
    return StageOutputs(datasets, treat_records, screen_records, current)
