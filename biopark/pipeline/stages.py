"""The stage rules, in one place and free of the database: the order of the life-cycle stages, which
moves need a reason, which stages need which evidence, and how the project's highest stage is derived."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from biopark.ecosystem.models import STAGE_CODES, STAGES

_LABELS = dict(STAGES)


def _label(code: str) -> str:
    from biopark.pipeline.models import stage_label  # models import this module's neighbours; keep it lazy

    return stage_label(code) or str(_LABELS.get(code, code))

SUSPENDED, DISCONTINUED = "suspended", "discontinued"
HALTS = (SUSPENDED, DISCONTINUED)
ALL_CODES = [*STAGE_CODES, *HALTS]
RANK = {code: i for i, code in enumerate(STAGE_CODES)}

# Evidence a stage needs: a tuple of alternatives (any one of them will do).
APPROVAL = "approval_number"
TRIAL = "trial_id"
DOCUMENT = "document"
EVIDENCE_REQUIRED: dict[str, tuple[str, ...]] = {
    "registration": (APPROVAL,),
    "approved": (APPROVAL,),
    "phase1": (TRIAL, DOCUMENT),
    "phase2": (TRIAL, DOCUMENT),
    "phase3": (TRIAL, DOCUMENT),
}


@dataclass(frozen=True)
class Move:
    """What recording `stage` after the indication's history means."""

    direction: str  # first, forward, skip, back, halt, resume, same
    needs_reason: bool
    why: str = ""


def last_progress(history: Iterable[str]) -> str | None:
    """The last stage of the life cycle (not a halt) in an indication's history, oldest first."""
    found = None
    for code in history:
        if code in RANK:
            found = code
    return found


def classify(history: list[str], stage: str) -> Move:
    """Classify a new stage against an indication's history (its stages, oldest first)."""
    if stage not in RANK and stage not in HALTS:
        raise ValueError(stage)
    if not history:
        return Move("first", False)
    current = history[-1]
    if stage == current:
        return Move("same", True, _("the indication is already at %(stage)s") % {"stage": _label(stage)})
    if stage in HALTS:
        return Move("halt", True, _("%(stage)s needs a reason") % {"stage": _label(stage)})
    base = last_progress(history)
    if base is None:
        return Move("resume", False)
    step = RANK[stage] - RANK[base]
    if current in HALTS and step in (0, 1):
        return Move("resume", False)
    if step == 1:
        return Move("forward", False)
    if step > 1:
        return Move("skip", True, _("going from %(from)s to %(to)s skips a stage and needs a reason") % {"from": _label(base), "to": _label(stage)})
    if step == 0:
        return Move("resume", False)
    return Move("back", True, _("going back from %(from)s to %(to)s needs a reason") % {"from": _label(base), "to": _label(stage)})


def missing_evidence(stage: str, *, approval_number: str, trial_id: str, has_document: bool) -> str | None:
    """The evidence field to name when `stage` lacks what it needs, else None."""
    needed = EVIDENCE_REQUIRED.get(stage)
    if not needed:
        return None
    present = {APPROVAL: bool(approval_number.strip()), TRIAL: bool(trial_id.strip()), DOCUMENT: has_document}
    if any(present[n] for n in needed):
        return None
    return needed[0]


def derive_highest(current_stages: Iterable[str]) -> str:
    """A project's highest stage from its indications' current stages.

    The highest life-cycle stage among indications still being developed; when every indication is
    halted, `suspended` if any is suspended, else `discontinued`; "" when nothing was ever reported.
    """
    stages = [s for s in current_stages if s]
    active = [s for s in stages if s in RANK]
    if active:
        return max(active, key=RANK.__getitem__)
    if not stages:
        return ""
    return SUSPENDED if SUSPENDED in stages else DISCONTINUED
