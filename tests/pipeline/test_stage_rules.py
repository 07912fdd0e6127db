"""The stage rules without the database."""

from __future__ import annotations

import pytest

from biopark.pipeline import stages


@pytest.mark.parametrize(
    ("current", "expected"),
    [
        ([], ""),
        (["discovery"], "discovery"),
        (["phase2", "discovery", "discontinued"], "phase2"),
        (["discontinued", "suspended"], "suspended"),
        (["discontinued", "discontinued"], "discontinued"),
        (["market", "phase3"], "market"),
        (["", "preclinical"], "preclinical"),
    ],
)
def test_derive_highest(current, expected):
    assert stages.derive_highest(current) == expected


@pytest.mark.parametrize(
    ("history", "stage", "direction", "needs_reason"),
    [
        ([], "phase2", "first", False),
        (["discovery"], "preclinical", "forward", False),
        (["discovery"], "ind", "skip", True),
        (["phase2"], "phase1", "back", True),
        (["phase2"], "phase2", "same", True),
        (["phase2"], "suspended", "halt", True),
        (["phase2", "suspended"], "phase2", "resume", False),
        (["phase2", "suspended"], "phase3", "resume", False),
        (["phase2", "suspended"], "approved", "skip", True),
    ],
)
def test_classify(history, stage, direction, needs_reason):
    move = stages.classify(history, stage)
    assert (move.direction, move.needs_reason) == (direction, needs_reason)


def test_evidence_rules():
    assert stages.missing_evidence("approved", approval_number="", trial_id="CTR1", has_document=True) == "approval_number"
    assert stages.missing_evidence("approved", approval_number="国药准字S1", trial_id="", has_document=False) is None
    assert stages.missing_evidence("phase1", approval_number="", trial_id="", has_document=False) == "trial_id"
    assert stages.missing_evidence("phase3", approval_number="", trial_id="", has_document=True) is None
    assert stages.missing_evidence("discovery", approval_number="", trial_id="", has_document=False) is None
