"""The matching's totals for many rows at once (numpy), for ranking 10,000 mandates or 20,000 needs per request.

`MandateMatrix` holds every active mandate as arrays (membership matrices for stages, modalities, areas, rounds
and regions; ticket bounds in cents, exact in int64); `score_need` gives every mandate's total for one need.
`NeedMatrix` does the reverse for one mandate. Totals equal `biopark.financing.matching.match(...).score`
(tests/financing/test_matrix.py compares them on random data); the reasons of the rows shown are built by
`matching.match` itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

from biopark.financing.matching import NEAR, RANK, WEIGHTS, MandateFacts, NeedFacts, half, norm_place
from biopark.pipeline.models import Modality

_CAP = 4 * 10**18  # cents beyond this are clipped so that doubling stays inside int64
MODALITIES = {code: i for i, code in enumerate(Modality.values)}


def cents(value: Decimal | None) -> int:
    if value is None:
        return -1
    return int(min(max(value * 100, Decimal(0)), Decimal(_CAP)))


@dataclass
class Vocabulary:
    index: dict[str, int] = field(default_factory=dict)

    def of(self, value: str) -> int:
        return self.index.setdefault(value, len(self.index))


def _matrix(rows: Sequence[Sequence[int]], width: int) -> np.ndarray:
    """Row i has True in the columns rows[i] lists. One scatter for all rows: assigning row by row cost
    about 5 µs a row, a quarter of a second for the six matrices of 10,000 mandates."""
    out = np.zeros((len(rows), max(width, 1)), dtype=bool)
    lengths = np.fromiter((len(cols) for cols in rows), dtype=np.int64, count=len(rows))
    if lengths.sum():
        cols = np.fromiter((c for row in rows for c in row), dtype=np.int64, count=int(lengths.sum()))
        out[np.repeat(np.arange(len(rows)), lengths), cols] = True
    return out


class MandateMatrix:
    def __init__(self, mandates: Sequence[MandateFacts]):
        self.facts = list(mandates)
        self.ids = np.array([m.id for m in mandates], dtype=np.int64)
        self.orgs = np.array([m.organisation_id for m in mandates], dtype=np.int64)
        self.areas, self.rounds, self.regions, self.currencies = Vocabulary(), Vocabulary(), Vocabulary(), Vocabulary()
        stage_rows, near_rows, area_rows, round_rows, region_rows, modality_rows = [], [], [], [], [], []
        for m in mandates:
            ranks = sorted(RANK[s] for s in m.stages if s in RANK)
            stage_rows.append(ranks)
            near = {ranks[0] - 1, ranks[-1] + 1} - set(ranks) if ranks else set()
            near_rows.append([r for r in near if 0 <= r < len(RANK)])
            area_rows.append([self.areas.of(a) for a in m.areas])
            round_rows.append([self.rounds.of(r) for r in m.rounds])
            region_rows.append([self.regions.of(norm_place(r)) for r in m.regions])
            modality_rows.append([MODALITIES[x] for x in m.modalities if x in MODALITIES])
        self.stage_any = np.array([not m.stages for m in mandates], dtype=bool)
        self.stage = _matrix(stage_rows, len(RANK))
        self.stage_near = _matrix(near_rows, len(RANK))
        self.area_any = np.array([not m.areas for m in mandates], dtype=bool)
        self.area = _matrix(area_rows, len(self.areas.index))
        self.modality_any = np.array([not m.modalities for m in mandates], dtype=bool)
        self.modality = _matrix(modality_rows, len(MODALITIES))
        self.round_any = np.array([not m.rounds for m in mandates], dtype=bool)
        self.round = _matrix(round_rows, len(self.rounds.index))
        self.region_any = np.array([not m.regions for m in mandates], dtype=bool)
        self.region = _matrix(region_rows, len(self.regions.index))
        self.low = np.array([cents(m.ticket_min) for m in mandates], dtype=np.int64)
        self.high = np.array([cents(m.ticket_max) for m in mandates], dtype=np.int64)
        self.currency = np.array([self.currencies.of(m.currency) for m in mandates], dtype=np.int64)

    def __len__(self) -> int:
        return len(self.facts)

    def score_need(self, n: NeedFacts) -> np.ndarray:
        """Every mandate's total for the need `n` (int32 array aligned with `self.facts`)."""
        total = np.zeros(len(self.facts), dtype=np.int32)
        # stage
        if n.stage in RANK:
            r = RANK[n.stage]
            total += np.where(self.stage[:, r], WEIGHTS["stage"], np.where(self.stage_near[:, r], NEAR["stage"], 0))
        total += np.where(self.stage_any, half("stage"), 0).astype(np.int32)
        # areas
        cols = [self.areas.index[a] for a in n.areas if a in self.areas.index]
        if n.areas and cols:
            total += np.where(self.area[:, cols].any(axis=1), WEIGHTS["area"], 0).astype(np.int32)
        total += np.where(self.area_any, half("area"), 0).astype(np.int32)
        # modality
        if n.modality in MODALITIES:
            total += np.where(self.modality[:, MODALITIES[n.modality]], WEIGHTS["modality"], 0).astype(np.int32)
        total += np.where(self.modality_any, half("modality"), 0).astype(np.int32)
        # ticket (same currency only)
        if n.amount is not None and n.currency in self.currencies.index:
            a = cents(n.amount)
            same = self.currency == self.currencies.index[n.currency]
            inside = same & (self.low <= a) & (a <= self.high)
            close = same & ~inside & (a * 2 >= self.low) & (a <= self.high * 2)
            total += np.where(inside, WEIGHTS["ticket"], np.where(close, NEAR["ticket"], 0)).astype(np.int32)
        # region
        cols = sorted({self.regions.index[p] for p in map(norm_place, n.places) if p in self.regions.index})
        if cols:
            total += np.where(self.region[:, cols].any(axis=1), WEIGHTS["region"], 0).astype(np.int32)
        total += np.where(self.region_any, half("region"), 0).astype(np.int32)
        # round
        if n.round and n.round in self.rounds.index:
            total += np.where(self.round[:, self.rounds.index[n.round]], WEIGHTS["round"], 0).astype(np.int32)
        total += np.where(self.round_any, half("round"), 0).astype(np.int32)
        return total


class NeedMatrix:
    def __init__(self, needs: Sequence[NeedFacts]):
        self.facts = list(needs)
        self.project_ids = np.array([n.project_id for n in needs], dtype=np.int64)
        self.stage = np.array([RANK.get(n.stage, -1) for n in needs], dtype=np.int64)
        self.modality = np.array([MODALITIES.get(n.modality, -1) for n in needs], dtype=np.int64)
        self.areas, self.rounds, self.places, self.currencies = Vocabulary(), Vocabulary(), Vocabulary(), Vocabulary()
        area_rows = [[self.areas.of(a) for a in n.areas] for n in needs]
        self.area = _matrix(area_rows, len(self.areas.index))
        self.has_areas = np.array([bool(n.areas) for n in needs], dtype=bool)
        self.round = np.array([self.rounds.of(n.round) if n.round else -1 for n in needs], dtype=np.int64)
        place_rows = [sorted({self.places.of(norm_place(p)) for p in n.places if p}) for n in needs]
        self.place = _matrix(place_rows, len(self.places.index))
        self.amount = np.array([cents(n.amount) for n in needs], dtype=np.int64)
        self.currency = np.array([self.currencies.of(n.currency) if n.amount is not None else -1 for n in needs],
                                 dtype=np.int64)

    def __len__(self) -> int:
        return len(self.facts)

    def score_mandate(self, m: MandateFacts) -> np.ndarray:
        """Every need's total for the mandate `m` (int32 array aligned with `self.facts`)."""
        total = np.zeros(len(self.facts), dtype=np.int32)
        if not m.stages:
            total += half("stage")
        else:
            ranks = sorted(RANK[s] for s in m.stages if s in RANK)
            fits = np.isin(self.stage, ranks)
            near_ranks = [r for r in ({ranks[0] - 1, ranks[-1] + 1} - set(ranks)) if r >= 0] if ranks else []
            near = np.isin(self.stage, near_ranks) & (self.stage >= 0)
            total += np.where(fits, WEIGHTS["stage"], np.where(near, NEAR["stage"], 0)).astype(np.int32)
        if not m.areas:
            total += half("area")
        else:
            cols = [self.areas.index[a] for a in m.areas if a in self.areas.index]
            if cols:
                total += np.where(self.area[:, cols].any(axis=1), WEIGHTS["area"], 0).astype(np.int32)
        if not m.modalities:
            total += half("modality")
        else:
            codes = [MODALITIES[x] for x in m.modalities if x in MODALITIES]
            total += np.where(np.isin(self.modality, codes), WEIGHTS["modality"], 0).astype(np.int32)
        if m.currency in self.currencies.index:
            low, high = cents(m.ticket_min), cents(m.ticket_max)
            same = self.currency == self.currencies.index[m.currency]
            inside = same & (low <= self.amount) & (self.amount <= high)
            close = same & ~inside & (self.amount * 2 >= low) & (self.amount <= high * 2)
            total += np.where(inside, WEIGHTS["ticket"], np.where(close, NEAR["ticket"], 0)).astype(np.int32)
        if not m.regions:
            total += half("region")
        else:
            cols = sorted({self.places.index[r] for r in map(norm_place, m.regions) if r in self.places.index})
            if cols:
                total += np.where(self.place[:, cols].any(axis=1), WEIGHTS["region"], 0).astype(np.int32)
        if not m.rounds:
            total += half("round")
        else:
            codes = [self.rounds.index[r] for r in m.rounds if r in self.rounds.index]
            total += np.where(np.isin(self.round, codes), WEIGHTS["round"], 0).astype(np.int32)
        return total


def top(scores: np.ndarray, keys: np.ndarray, limit: int, mask: np.ndarray | None = None) -> np.ndarray:
    """Row indices of the best `limit` scores (ties: lower key first), over the rows `mask` keeps."""
    rows = np.arange(len(scores)) if mask is None else np.flatnonzero(mask)
    if rows.size == 0:
        return rows
    order = np.lexsort((keys[rows], -scores[rows].astype(np.int64)))
    return rows[order[:limit]]


def best_per_group(scores: np.ndarray, keys: np.ndarray, groups: np.ndarray, limit: int,
                   mask: np.ndarray | None = None) -> np.ndarray:
    """Row indices of the best row of each group (an investor's best mandate), best groups first."""
    rows = np.arange(len(scores)) if mask is None else np.flatnonzero(mask)
    if rows.size == 0:
        return rows
    order = rows[np.lexsort((keys[rows], -scores[rows].astype(np.int64)))]
    _, first = np.unique(groups[order], return_index=True)
    return order[np.sort(first)][:limit]
