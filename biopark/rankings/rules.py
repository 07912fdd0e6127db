"""Permission rules for frameworks, their versions, runs and scores.

Reading: published runs and every framework are read by anyone signed in (anonymous visitors too when
some park has a public directory). Draft runs are read only by their framework's owners.

Writing: a framework has an owner, a park (``owner_park``) or, when empty, the platform's analysts (the
administrators). Only its owners change it, build runs of it and publish them: the operators of the owning
park (or of a park above it) and the administrators. Anyone who may create frameworks (operators,
administrators) may copy any framework they can read; the copy belongs to the copier's park.

Every action gets an explicit answer here (anything not named is refused), and each rule's queryset filter
sits right after it and answers the same question for a whole table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from biopark.accounts import policy
from biopark.metrics.rules import READ_ACTIONS, read_decision, writer_decision
from biopark.rankings.models import Framework, FrameworkVersion, Run, RunScore

WRITE_ACTIONS = (policy.CHANGE, policy.DELETE)
NOTHING = policy.NOTHING


def _may_write_at_all(actor: policy.Actor) -> policy.Decision:
    """Operators (attached to a park) and administrators write frameworks; nobody else."""
    decision = writer_decision(actor)
    if decision and not actor.is_admin and not actor.park_scope:
        return policy.refuse(_("your operator account is not attached to a park"))
    return decision


def owner_decision(actor: policy.Actor, owner_park_id: int | None) -> policy.Decision:
    """May this actor act as the owner of a framework owned by ``owner_park_id`` (None: the platform)?"""
    decision = _may_write_at_all(actor)
    if not decision or actor.is_admin:
        return decision
    if owner_park_id is None:
        return policy.refuse(_("this framework belongs to the platform's analysts: copy it to work on your own "
                               "version"))
    if owner_park_id in actor.park_scope:
        return policy.ALLOW
    return policy.refuse(_("this framework belongs to another park: copy it to work on your own version"))


def owner_filter(actor: policy.Actor, prefix: str = "") -> Q:
    """The frameworks (through ``prefix``, e.g. "framework__") this actor owns: ``owner_decision`` as a filter."""
    if not _may_write_at_all(actor):
        return NOTHING
    if actor.is_admin:
        return Q()
    return Q(**{f"{prefix}owner_park__in": sorted(actor.park_scope)})


def _read_filter(actor: policy.Actor) -> Q:
    return Q() if read_decision(actor) else NOTHING


# --- frameworks ---------------------------------------------------------------------------------


def framework_rule(actor: policy.Actor, action: str, obj: Any) -> policy.Decision:
    if action in READ_ACTIONS:
        return read_decision(actor)
    if action == policy.CREATE:
        if isinstance(obj, type):
            return _may_write_at_all(actor)
        # A framework as it would be created: its owner must be one the actor may act for.
        return owner_decision(actor, obj.owner_park_id)
    if action in WRITE_ACTIONS:
        if isinstance(obj, type):
            return _may_write_at_all(actor)  # some framework, perhaps: the filter says which
        return owner_decision(actor, obj.owner_park_id)
    if action == policy.IMPORT:
        return policy.refuse(_("frameworks are not imported from files: create or copy one"))
    return policy.refuse(_("not allowed"))


def framework_filter(actor: policy.Actor, action: str) -> Q:
    if action in READ_ACTIONS:
        return _read_filter(actor)
    if action in WRITE_ACTIONS:
        return owner_filter(actor)
    return NOTHING


# --- versions (immutable: a change of a framework is a new version of it) -------------------------


def version_rule(actor: policy.Actor, action: str, obj: Any) -> policy.Decision:
    if action in READ_ACTIONS:
        return read_decision(actor)
    if action == policy.CREATE:
        if isinstance(obj, type):
            return _may_write_at_all(actor)
        return owner_decision(actor, obj.framework.owner_park_id)
    if action in WRITE_ACTIONS:
        return policy.refuse(_("a framework version cannot be changed: change the framework to make a new one"))
    if action == policy.IMPORT:
        return policy.refuse(_("frameworks are not imported from files: create or copy one"))
    return policy.refuse(_("not allowed"))


def version_filter(actor: policy.Actor, action: str) -> Q:
    if action in READ_ACTIONS:
        return _read_filter(actor)
    return NOTHING


# --- runs ---------------------------------------------------------------------------------------


def run_rule(actor: policy.Actor, action: str, obj: Any) -> policy.Decision:
    if action in READ_ACTIONS:
        decision = read_decision(actor)
        if decision and isinstance(obj, Run) and obj.status != Run.Status.PUBLISHED:
            if owner_decision(actor, obj.framework.owner_park_id):
                return policy.ALLOW
            return policy.refuse(_("this run is not published"))
        return decision
    if action in (policy.CREATE, *WRITE_ACTIONS):
        if isinstance(obj, type):
            return _may_write_at_all(actor)
        # Building a run of a framework and publishing it are the framework owners' business.
        return owner_decision(actor, obj.framework.owner_park_id)
    if action == policy.IMPORT:
        return policy.refuse(_("runs are built from a framework, not imported"))
    return policy.refuse(_("not allowed"))


def run_filter(actor: policy.Actor, action: str, prefix: str = "") -> Q:
    if action in READ_ACTIONS:
        if not read_decision(actor):
            return NOTHING
        if actor.is_admin:
            return Q()  # (Q(...) | Q() would drop the empty side, not match everything)
        return Q(**{f"{prefix}status": Run.Status.PUBLISHED}) | owner_filter(actor, f"{prefix}framework__")
    if action in WRITE_ACTIONS:
        return owner_filter(actor, f"{prefix}framework__")
    return NOTHING


# --- scores (written only by building a run) -----------------------------------------------------


def score_rule(actor: policy.Actor, action: str, obj: Any) -> policy.Decision:
    if action in READ_ACTIONS:
        return run_rule(actor, action, obj.run if isinstance(obj, RunScore) else Run)
    return policy.refuse(_("scores are written only by building a run"))


def score_filter(actor: policy.Actor, action: str) -> Q:
    if action in READ_ACTIONS:
        return run_filter(actor, action, "run__")
    return NOTHING


RULES: dict[type, policy.Rule] = {Framework: framework_rule, FrameworkVersion: version_rule, Run: run_rule, RunScore: score_rule}
FILTERS: dict[type, Callable[[policy.Actor, str], Q]] = {Framework: framework_filter, FrameworkVersion: version_filter, Run: run_filter, RunScore: score_filter}


def _view_filter(by_action: Callable[[Any, str], Q]) -> Callable[[Any], Q]:
    """A rule's filter for VIEW, as the policy asks for it."""

    def visible(actor: Any) -> Q:
        return by_action(actor, "view")

    return visible


def register() -> None:
    """Called by RankingsConfig.ready."""
    actions = (*policy.BASIC_ACTIONS, policy.IMPORT)
    for model, rule in RULES.items():
        policy.register_rule(model, rule, visible=_view_filter(FILTERS[model]), actions=actions)
