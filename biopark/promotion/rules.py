"""Who may see and change investment-promotion records, registered with the one policy, and THE transition
policy of leads.

Leads are the park's own sales work: the operators of the lead's park (and the zones below it) read and write
them, administrators all of them, every other role nothing. Pipelines and their stages are read by the same
people and changed by administrators only. Stage changes, activities and documents follow their lead.

Moves between stages (`TRANSITIONS.check`), stated once:
1. the stage must be one of the lead's pipeline, and another than the current one;
2. moving to "lost" needs a reason from the list (and a note when the reason is "other");
3. moving forward (to a later stage) is free: a lead may skip a stage it went through without us;
4. moving back to an earlier stage needs a note saying why;
5. a lead that was signed (a won stage) goes back to a stage before signing only by an administrator;
   a signing that fell through is recorded as lost instead;
6. a lost lead is reopened only to a stage before signing, with a note.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from biopark.accounts import policy
from biopark.accounts.models import Role
from biopark.accounts.policy import ALLOW, NOTHING, Actor, Decision, refuse
from biopark.promotion.models import Activity, Document, Lead, LostReason, Pipeline, Stage, StageChange


def _staff(actor: Actor) -> bool:
    """Administrators, and operators attached to a park: the only people of the promotion pages."""
    return actor.is_admin or (actor.role == Role.OPERATOR and bool(actor.park_scope))


def may_use(actor: Any) -> bool:
    """Whether the promotion pages (and their navigation link) are for this person at all."""
    return _staff(policy.actor_for(actor))


def _not_staff() -> Decision:
    return refuse(_("investment promotion is for park operators and administrators"))


def lead_rule(actor: Actor, action: str, obj: Any) -> Decision:
    if not actor.is_authenticated:
        return refuse(_("sign in first"))
    if not _staff(actor):
        return _not_staff()
    if actor.is_admin or isinstance(obj, type):
        return ALLOW
    if obj.park_id and obj.park_id in actor.park_scope:
        return ALLOW
    return refuse(_("this lead belongs to another park"))


def lead_visible(actor: Actor) -> Q:
    if actor.is_admin:
        return Q()
    if actor.role == Role.OPERATOR and actor.park_scope:
        return Q(park_id__in=actor.park_scope)
    return NOTHING


def reference_rule(actor: Actor, action: str, obj: Any) -> Decision:
    """Pipelines and stages: read by the promotion staff, changed by administrators."""
    if not actor.is_authenticated:
        return refuse(_("sign in first"))
    if not _staff(actor):
        return _not_staff()
    if action in (policy.VIEW, policy.EXPORT) or actor.is_admin:
        return ALLOW
    return refuse(_("only administrators change pipelines and their stages"))


def reference_visible(actor: Actor) -> Q:
    return Q() if _staff(actor) else NOTHING


def child_rule(actor: Actor, action: str, obj: Any) -> Decision:
    """Stage changes, activities and documents: seen and added by whoever may change their lead."""
    if isinstance(obj, type):
        return lead_rule(actor, action, Lead)
    return lead_rule(actor, policy.CHANGE if action == policy.CREATE else action, obj.lead)


def child_visible(actor: Actor) -> Q:
    condition = lead_visible(actor)
    return condition if condition is NOTHING else policy.prefixed(condition, "lead")


# --- moves between stages ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict(Decision):
    """A transition decision that also names the input it is about (for the error next to the field)."""

    field: str = ""


def _no(reason: str, field: str) -> Verdict:
    return Verdict(False, reason, field)


class TransitionPolicy:
    """The one place deciding whether a lead may move to a stage (see the module's rules 1–6)."""

    def check(
        self, actor: Any, lead: Lead, to: Stage | None, *, note: str = "", lost_reason: str = ""
    ) -> Verdict:
        actor = policy.actor_for(actor)
        allowed = policy.decide(actor, policy.CHANGE, lead)
        if not allowed:
            return Verdict(False, allowed.reason, "")
        current = lead.stage
        if to is None or to.pipeline_id != lead.pipeline_id:
            return _no(_("choose a stage of this lead's pipeline"), "stage")
        if to.pk == current.pk:
            return _no(_("the lead is already in the stage %(stage)s") % {"stage": to.display_name}, "stage")
        note = (note or "").strip()
        if to.outcome == Stage.Outcome.LOST:
            if lost_reason not in LostReason.values:
                return _no(_("say why the lead was lost: choose a reason from the list"), "lost_reason")
            if lost_reason == LostReason.OTHER and not note:
                return _no(_("the reason “other” needs a note"), "note")
            return Verdict(True)
        if current.outcome == Stage.Outcome.LOST:
            if to.outcome != Stage.Outcome.OPEN:
                return _no(_("a lost lead is reopened only to a stage before signing"), "stage")
            if not note:
                return _no(_("reopening a lost lead needs a note"), "note")
            return Verdict(True)
        if to.position > current.position:
            return Verdict(True)
        if current.outcome == Stage.Outcome.WON and to.outcome == Stage.Outcome.OPEN and not actor.is_admin:
            return _no(
                _("a signed lead goes back before signing only by an administrator; if the deal fell through, "
                  "record it as lost"),
                "stage",
            )
        if not note:
            return _no(_("moving a lead back to an earlier stage needs a note"), "note")
        return Verdict(True)

    def targets(self, actor: Any, lead: Lead, stages: list[Stage]) -> list[Stage]:
        """The stages this actor may in principle move the lead to (notes and reasons aside), for buttons."""
        out = []
        for stage in stages:
            verdict = self.check(actor, lead, stage, note="-", lost_reason=LostReason.OTHER)
            if verdict.allowed:
                out.append(stage)
        return out


TRANSITIONS = TransitionPolicy()


def register() -> None:
    lead_actions = (policy.VIEW, policy.CREATE, policy.CHANGE, policy.EXPORT, policy.MOVE)
    policy.register_rule(Lead, lead_rule, visible=lead_visible, scope_fields=("park",), actions=lead_actions)
    for model in (Pipeline, Stage):
        policy.register_rule(model, reference_rule, visible=reference_visible, actions=policy.BASIC_ACTIONS)
    for child in (StageChange, Activity, Document):
        policy.register_rule(child, child_rule, visible=child_visible, actions=(policy.VIEW, policy.CREATE))
