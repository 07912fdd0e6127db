"""Permission rules for frameworks and runs.

Published runs and frameworks: anyone signed in reads (anonymous visitors too when any park has a
public directory). Drafts: operators and administrators only. Operators and administrators create
frameworks and start runs; viewers and investors (the analysts) read.
"""

from __future__ import annotations

from typing import Any

from biopark.accounts import policy
from biopark.accounts.models import Role
from biopark.metrics.rules import READ_ACTIONS, read_decision, writer_decision
from biopark.rankings.models import Run


def framework_rule(actor: policy.Actor, action: str, obj: Any) -> policy.Decision:
    if action in READ_ACTIONS:
        return read_decision(actor)
    return writer_decision(actor)


def run_rule(actor: policy.Actor, action: str, obj: Any) -> policy.Decision:
    if action in READ_ACTIONS:
        if isinstance(obj, Run) and obj.status != Run.Status.PUBLISHED:
            if actor.is_admin or actor.role == Role.OPERATOR:
                return policy.ALLOW
            return policy.refuse("this run is not published")
        return read_decision(actor)
    return writer_decision(actor)
