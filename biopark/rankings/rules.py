"""Permission rules for frameworks and runs.

Published runs and frameworks: anyone signed in reads (anonymous visitors too when any park has a
public directory). Drafts: operators and administrators only. Operators and administrators create
frameworks and start runs; viewers and investors (the analysts) read.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from biopark.accounts import policy
from biopark.accounts.models import Role
from biopark.metrics.rules import READ_ACTIONS, read_decision, writer_decision
from biopark.rankings.models import Run


def framework_rule(actor: policy.Actor, action: str, obj: Any) -> policy.Decision:
    if action in READ_ACTIONS:
        return read_decision(actor)
    if action not in (policy.CREATE, policy.CHANGE, policy.DELETE):
        return policy.refuse(_("not allowed"))
    return writer_decision(actor)


def framework_visible(actor: policy.Actor) -> Q:
    return Q() if actor.is_authenticated or policy.public_park_ids() else policy.NOTHING


def sees_drafts(actor: policy.Actor) -> bool:
    return actor.is_admin or actor.role == Role.OPERATOR


def run_rule(actor: policy.Actor, action: str, obj: Any) -> policy.Decision:
    if action in READ_ACTIONS:
        if isinstance(obj, Run) and obj.status != Run.Status.PUBLISHED:
            if sees_drafts(actor):
                return policy.ALLOW
            return policy.refuse(_("this run is not published"))
        return read_decision(actor)
    if action not in (policy.CREATE, policy.CHANGE, policy.DELETE):
        return policy.refuse(_("not allowed"))
    return writer_decision(actor)


def run_visible(actor: policy.Actor) -> Q:
    if sees_drafts(actor):
        return Q()
    if actor.is_authenticated or policy.public_park_ids():
        return Q(status=Run.Status.PUBLISHED)
    return policy.NOTHING


def score_rule(actor: policy.Actor, action: str, obj: Any) -> policy.Decision:
    """A run's scores are written with it and read with it."""
    if action not in READ_ACTIONS:
        return policy.refuse(_("scores change only with their run"))
    return run_rule(actor, action, obj if isinstance(obj, type) else obj.run)
