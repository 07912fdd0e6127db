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


def run_steps(inp: IndexInput, recipe: Recipe, until: str = "aggregated") -> StageOutputs:
    """Run the recipe up to and including stage ``until``.

    A step absent from the recipe passes its input through unchanged, so every stage has a data set.
    """
    datasets: dict[str, Dataset] = {"raw": inp.raw}
    current = inp.raw
    treat_records: tuple[TreatRecord, ...] = ()
    screen_records: tuple[ScreenRecord, ...] = ()
    fw = inp.framework
    for step_name, stage in STAGE_OF_STEP.items():
        step = recipe.step(step_name)
        if step is not None:
            spec = step.spec
            if step_name == "denominate":
                current = denominate(current, inp)
            elif isinstance(spec, ImputeSpec):
                current = impute(current, inp, spec)
            elif isinstance(spec, ScreenSpec):
                basis = datasets["denominated"] if spec.availability_of == "before_impute" else current
                current, records = screen(current, basis, spec)
                screen_records = tuple(records)
            elif isinstance(spec, TreatSpec):
                current, trecords = treat(current, spec)
                treat_records = tuple(trecords)
            elif isinstance(spec, NormaliseSpec):
                current = normalise(current, spec, fw.directions, inp.targets)
            elif isinstance(spec, AggregateSpec):
                current = aggregate(current, fw, spec)
        datasets[stage] = current
        if stage == until:
            break
    return StageOutputs(datasets, treat_records, screen_records)
