"""Who may ingest and review news documents: park operators within their park (and the zones below it) and
administrators. Enterprises, investors, platform managers, viewers and anonymous visitors do nothing here;
what no rule allows is refused."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from biopark.accounts import policy
from biopark.accounts.models import Role
from biopark.accounts.policy import ALLOW, NOTHING, Actor, Decision, refuse
from biopark.news.models import Document, IngestBatch, Proposal


def _staff(actor: Actor) -> bool:
    return actor.is_admin or (actor.role == Role.OPERATOR and bool(actor.park_scope))


def may_ingest(actor: Actor) -> bool:
    """Whether the news pages (and their navigation link) are for this person at all."""
    return _staff(actor)


def document_rule(actor: Actor, action: str, obj: Any) -> Decision:
    if not actor.is_authenticated:
        return refuse(_("sign in first"))
    if not _staff(actor):
        return refuse(_("news documents are ingested and reviewed by park operators and administrators"))
    if actor.is_admin or isinstance(obj, type):
        return ALLOW
    if obj.park_id and obj.park_id in actor.park_scope:
        return ALLOW
    return refuse(_("this document belongs to another park"))


def document_visible(actor: Actor) -> Q:
    if actor.is_admin:
        return Q()
    if actor.role == Role.OPERATOR and actor.park_scope:
        return Q(park_id__in=actor.park_scope)
    return NOTHING


def proposal_rule(actor: Actor, action: str, obj: Any) -> Decision:
    """A proposal follows its document: reviewing it is changing the document's queue."""
    if isinstance(obj, type):
        return document_rule(actor, action, Document)
    return document_rule(actor, action, obj.document)


def proposal_visible(actor: Actor) -> Q:
    condition = document_visible(actor)
    return condition if condition is NOTHING else policy.prefixed(condition, "document")


def batch_rule(actor: Actor, action: str, obj: Any) -> Decision:
    decision = document_rule(actor, action, IngestBatch if isinstance(obj, type) else Document)
    if not decision or actor.is_admin or isinstance(obj, type):
        return decision
    if actor.user is not None and obj.user_id == actor.user.pk:
        return ALLOW
    return refuse(_("this belongs to another user"))


def batch_visible(actor: Actor) -> Q:
    if actor.is_admin:
        return Q()
    if _staff(actor) and actor.user is not None:
        return Q(user_id=actor.user.pk)
    return NOTHING


def register() -> None:
    policy.register_rule(Document, document_rule, visible=document_visible,
                         actions=(policy.VIEW, policy.CREATE, policy.CHANGE))
    policy.register_rule(Proposal, proposal_rule, visible=proposal_visible, actions=(policy.VIEW, policy.CHANGE))
    policy.register_rule(IngestBatch, batch_rule, visible=batch_visible, actions=(policy.VIEW, policy.CREATE))
