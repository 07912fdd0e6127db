"""A stage's data set: unit codes × column codes of floats (NaN = missing)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Dataset:
    """One data set of a build, the equivalent of COINr's ``get_dset()``.

    ``values[i, j]`` is the value of column ``codes[j]`` for unit ``units[i]``; missing values are NaN.
    """

    units: tuple[str, ...]
    codes: tuple[str, ...]
    values: FloatArray

    def __post_init__(self) -> None:
        if self.values.shape != (len(self.units), len(self.codes)):
            raise ValueError(
                f"Dataset shape {self.values.shape} does not match {len(self.units)} units "
                f"× {len(self.codes)} columns"
            )

    def column(self, code: str) -> FloatArray:
        """The values of one column, in unit order."""
        return self.values[:, self.codes.index(code)]

    def select(self, codes: Sequence[str]) -> Dataset:
        """A data set restricted to ``codes`` (in that order)."""
        idx = [self.codes.index(c) for c in codes]
        return Dataset(self.units, tuple(codes), self.values[:, idx])

    def rows(self) -> Iterator[dict[str, str | float]]:
        """Rows as dicts: ``{"uCode": ..., code: value, ...}``."""
        for i, unit in enumerate(self.units):
            row: dict[str, str | float] = {"uCode": unit}
            row.update(zip(self.codes, (float(v) for v in self.values[i]), strict=True))
            yield row
