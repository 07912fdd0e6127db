"""Who may see and change financing records, registered with the one policy in FinancingConfig.ready.

Deny by default; each rule's queryset filter sits beside its decision and answers the same question.

- Mandates: the investor organisation's investor members read and write them; park operators, enterprise
  members and platform managers read them (the ranked investors of a project are built from them); other
  investors and viewers do not.
- Financing needs: the project's organisation and its park's operators; park members when shared with the
  park; investors as well when shared with investors; everybody when public. Written by whoever may change
  the project.
- Interests: the investor organisation's investor members (read, write); the project's park operators read.
- Investor notes: the investor organisation's investor members only, administrators and operators included
  in "nobody else".
- Introductions: the investor's members, the project's organisation, the project's park operators read; the
  operators of the project's park make them.
- Notifications: their recipient.
- Roadshows and attending investors: every signed-in user reads; the operators of the roadshow's park write.
- Applications: the applying project's organisation, the roadshow's operators and, once selected, the
  attending investors read; the project's organisation applies; the roadshow's operators select.
- Feedback: its investor organisation's members and the roadshow's operators read; attending investors write.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from biopark.accounts import policy
from biopark.accounts.models import Role
from biopark.accounts.policy import ALLOW, NOTHING, Actor, Decision, refuse
from biopark.financing.models import (
    FinancingNeed,
    Interest,
    InterestStep,
    Introduction,
    InvestorNote,
    Mandate,
    NeedVisibility,
    Notification,
    Roadshow,
    RoadshowApplication,
    RoadshowFeedback,
    RoadshowInvestor,
)
from biopark.pipeline.rules import MEMBER_ROLES, member_parks, project_change

WRITES = (policy.CREATE, policy.CHANGE, policy.DELETE)
READS = (policy.VIEW, policy.EXPORT)
MANDATE_READERS = (Role.OPERATOR, Role.ENTERPRISE_MEMBER, Role.PLATFORM_MANAGER)


def is_investor(actor: Actor) -> bool:
    return actor.role == Role.INVESTOR and bool(actor.organisation_id)


def investor_of(actor: Actor, organisation_id: int | None) -> bool:
    return is_investor(actor) and organisation_id == actor.organisation_id


def operates(actor: Actor, park_id: int | None) -> bool:
    return actor.role == Role.OPERATOR and park_id is not None and park_id in actor.park_scope


def _unknown(action: str, known: tuple[str, ...]) -> Decision | None:
    return None if action in known else refuse(_("not allowed"))


# --- mandates ------------------------------------------------------------------------------------------


def mandate_rule(actor: Actor, action: str, obj: Any) -> Decision:
    if not actor.is_authenticated:
        return refuse(_("sign in first"))
    if actor.is_admin:
        return ALLOW
    if isinstance(obj, type):
        if action in READS:
            return ALLOW
        return ALLOW if is_investor(actor) else refuse(_("only investors keep mandates"))
    if investor_of(actor, obj.organisation_id):
        return ALLOW
    if action in READS and actor.role in MANDATE_READERS:
        return ALLOW
    return refuse(_("this mandate belongs to another investor"))


def mandate_visible(actor: Actor) -> Q:
    if actor.is_admin:
        return Q()
    if is_investor(actor):
        return Q(organisation_id=actor.organisation_id)
    if actor.role in MANDATE_READERS:
        return Q()
    return NOTHING


# --- financing needs -----------------------------------------------------------------------------------


def need_view(actor: Actor, need: Any) -> Decision:
    project = need.project
    if need.visibility == NeedVisibility.PUBLIC or actor.is_admin:
        return ALLOW
    if not actor.is_authenticated:
        return refuse(_("sign in first"))
    if actor.organisation_id and project.organisation_id == actor.organisation_id:
        return ALLOW
    if operates(actor, project.park_id):
        return ALLOW
    if need.visibility == NeedVisibility.INVESTORS and actor.role == Role.INVESTOR:
        return ALLOW
    if project.park_id and project.park_id in member_parks(actor):
        return ALLOW
    return refuse(_("this financing need is not shared with you"))


def need_rule(actor: Actor, action: str, obj: Any) -> Decision:
    if isinstance(obj, type):
        if action in READS:
            return ALLOW
        if actor.is_admin or actor.role == Role.OPERATOR or actor.role in MEMBER_ROLES:
            return ALLOW
        return refuse(_("only the project's organisation and its park record financing needs"))
    if action in READS:
        return need_view(actor, obj)
    return project_change(actor, obj.project)


def need_visible(actor: Actor) -> Q:
    if actor.is_admin:
        return Q()
    q = Q(visibility=NeedVisibility.PUBLIC)
    if not actor.is_authenticated:
        return q
    if actor.organisation_id:
        q |= Q(project__organisation_id=actor.organisation_id)
    if actor.role == Role.OPERATOR and actor.park_scope:
        q |= Q(project__park_id__in=actor.park_scope)
    if actor.role == Role.INVESTOR:
        q |= Q(visibility=NeedVisibility.INVESTORS)
    parks = member_parks(actor)
    if parks:
        q |= Q(project__park_id__in=parks)
    return q


# Visibilities as small integers in the matching's arrays (comparing integers is cheaper than comparing text).
VISIBILITY_CODES = {value: i for i, value in enumerate(NeedVisibility.values)}


def need_visible_mask(actor: Actor, visibility: Any, organisation_ids: Any, park_ids: Any) -> Any:
    """The same answer as `need_visible`, over numpy arrays of open needs (their visibility as VISIBILITY_CODES,
    their project's organisation and park; a park of 0 for none), for the matching that scores every need in
    memory.
    tests/financing/test_rules.py checks that it keeps exactly the needs `need_visible` keeps, role by role."""
    if actor.is_admin:
        return np.ones(len(visibility), dtype=bool)
    keep = visibility == VISIBILITY_CODES[NeedVisibility.PUBLIC]
    if not actor.is_authenticated:
        return keep
    if actor.organisation_id:
        keep |= organisation_ids == actor.organisation_id
    if actor.role == Role.OPERATOR and actor.park_scope:
        keep |= np.isin(park_ids, list(actor.park_scope))
    if actor.role == Role.INVESTOR:
        keep |= visibility == VISIBILITY_CODES[NeedVisibility.INVESTORS]
    parks = member_parks(actor)
    if parks:
        keep |= np.isin(park_ids, list(parks))
    return keep


# --- interests and notes -------------------------------------------------------------------------------


def _investor_owned(
    *, park_path: str, park_of: Callable[[Any], int | None], unwrap: str, create_refused: Any, foreign_refused: Any
) -> tuple[Callable[[Actor, str, Any], Decision], Callable[[Actor], Q]]:
    """A row an investor organisation owns (an interest, a roadshow feedback): its investors and administrators
    write it, the operators of the park it concerns read it. The rule and its queryset filter side by side."""

    def rule(actor: Actor, action: str, obj: Any) -> Decision:
        if not actor.is_authenticated:
            return refuse(_("sign in first"))
        row = getattr(obj, unwrap, obj) if unwrap else obj
        if isinstance(row, type):
            if action in READS or actor.is_admin or is_investor(actor):
                return ALLOW
            return refuse(str(create_refused))
        if actor.is_admin or investor_of(actor, row.investor_id):
            return ALLOW
        if action in READS and operates(actor, park_of(row)):
            return ALLOW
        return refuse(str(foreign_refused))

    def visible(actor: Actor) -> Q:
        if actor.is_admin:
            return Q()
        q = NOTHING
        if is_investor(actor):
            q = Q(investor_id=actor.organisation_id)
        if actor.role == Role.OPERATOR and actor.park_scope:
            q = Q(**{f"{park_path}__in": actor.park_scope})
        return q

    return rule, visible


interest_rule, interest_visible = _investor_owned(
    park_path="project__park_id", park_of=lambda interest: interest.project.park_id, unwrap="interest",
    create_refused=gettext_lazy("only investors record their interest in projects"),
    foreign_refused=gettext_lazy("this interest belongs to another investor"),
)


def note_rule(actor: Actor, action: str, obj: Any) -> Decision:
    """Private to the investor organisation: its investor accounts read, write and delete them. Administrators
    read them (docs/security.md: administrators see every record; in practice on the admin's read-only screen)
    but never write them; operators, enterprises and other investors neither."""
    if isinstance(obj, type):
        if action == policy.VIEW or is_investor(actor):
            return ALLOW
        return refuse(_("only investors keep notes"))
    if investor_of(actor, obj.investor_id):
        return ALLOW
    if actor.is_admin and action == policy.VIEW:
        return ALLOW
    return refuse(_("this note is private to its investor"))


def note_visible(actor: Actor) -> Q:
    if actor.is_admin:
        return Q()
    return Q(investor_id=actor.organisation_id) if is_investor(actor) else NOTHING


# --- introductions and notifications -------------------------------------------------------------------


def introduction_rule(actor: Actor, action: str, obj: Any) -> Decision:
    if not actor.is_authenticated:
        return refuse(_("sign in first"))
    if actor.is_admin:
        return ALLOW
    if isinstance(obj, type):
        if action in READS or (actor.role == Role.OPERATOR and actor.park_scope):
            return ALLOW
        return refuse(_("park operators make introductions"))
    if operates(actor, obj.project.park_id):
        return ALLOW
    own_project = (not is_investor(actor) and bool(actor.organisation_id)
                   and obj.project.organisation_id == actor.organisation_id)
    if action in READS and (investor_of(actor, obj.investor_id) or own_project):
        return ALLOW
    return refuse(_("park operators make introductions"))


def introduction_visible(actor: Actor) -> Q:
    if actor.is_admin:
        return Q()
    q = NOTHING
    if is_investor(actor):
        q = Q(investor_id=actor.organisation_id)
    elif actor.organisation_id:
        q = Q(project__organisation_id=actor.organisation_id)
    if actor.role == Role.OPERATOR and actor.park_scope:
        q |= Q(project__park_id__in=actor.park_scope)
    return q


def notification_rule(actor: Actor, action: str, obj: Any) -> Decision:
    if not actor.is_authenticated or actor.user is None:
        return refuse(_("sign in first"))
    if isinstance(obj, type):
        return ALLOW if action == policy.VIEW else refuse(_("notifications are sent by the platform"))
    if action in (policy.VIEW, policy.CHANGE) and obj.recipient_id == actor.user.pk:
        return ALLOW
    return refuse(_("this notification is for someone else"))


def notification_visible(actor: Actor) -> Q:
    if not actor.is_authenticated or actor.user is None:
        return NOTHING
    return Q(recipient_id=actor.user.pk)


# --- roadshows -----------------------------------------------------------------------------------------


def roadshow_rule(actor: Actor, action: str, obj: Any) -> Decision:
    """Roadshows and their attending investors: signed-in users read, the roadshow park's operators write."""
    if not actor.is_authenticated:
        return refuse(_("sign in first"))
    if action in READS or actor.is_admin:
        return ALLOW
    roadshow = getattr(obj, "roadshow", obj)
    if isinstance(roadshow, type):
        if actor.role == Role.OPERATOR and actor.park_scope:
            return ALLOW
        return refuse(_("park operators run roadshows"))
    return ALLOW if operates(actor, roadshow.park_id) else refuse(_("this roadshow is not in your park"))


def signed_in(actor: Actor) -> Q:
    return Q() if actor.is_authenticated else NOTHING


def application_rule(actor: Actor, action: str, obj: Any) -> Decision:
    if not actor.is_authenticated:
        return refuse(_("sign in first"))
    if actor.is_admin:
        return ALLOW
    if isinstance(obj, type):
        if action in READS or actor.role == Role.OPERATOR or actor.role in MEMBER_ROLES:
            return ALLOW
        return refuse(_("enterprises apply to roadshows"))
    park_id = obj.roadshow.park_id
    if operates(actor, park_id):
        return ALLOW  # operators select and reject
    own = (bool(actor.organisation_id) and not is_investor(actor)
           and obj.project.organisation_id == actor.organisation_id)
    if action in READS:
        if own:
            return ALLOW
        if (obj.status == RoadshowApplication.Status.SELECTED and is_investor(actor)
                and obj.roadshow.investor_links.filter(organisation_id=actor.organisation_id).exists()):
            return ALLOW
        return refuse(_("this application is not shared with you"))
    if action in (policy.CREATE, policy.DELETE) and own and actor.role in MEMBER_ROLES:
        return ALLOW
    return refuse(_("only the roadshow's park operators select applications"))


def application_visible(actor: Actor) -> Q:
    if actor.is_admin:
        return Q()
    q = NOTHING
    if actor.organisation_id and not is_investor(actor):
        q = Q(project__organisation_id=actor.organisation_id)
    if is_investor(actor):
        q = Q(status=RoadshowApplication.Status.SELECTED,
              roadshow__investor_links__organisation_id=actor.organisation_id)
    if actor.role == Role.OPERATOR and actor.park_scope:
        q |= Q(roadshow__park_id__in=actor.park_scope)
    return q


feedback_rule, feedback_visible = _investor_owned(
    park_path="roadshow__park_id", park_of=lambda feedback: feedback.roadshow.park_id, unwrap="",
    create_refused=gettext_lazy("attending investors give feedback"),
    foreign_refused=gettext_lazy("this feedback belongs to another investor"),
)


def register() -> None:
    basic_move = (*policy.BASIC_ACTIONS, policy.MOVE)
    policy.register_rule(Mandate, mandate_rule, visible=mandate_visible, scope_fields=("organisation",),
                         actions=basic_move)
    policy.register_rule(FinancingNeed, need_rule, visible=need_visible, scope_fields=("project", "visibility"),
                         actions=basic_move)
    policy.register_rule(Interest, interest_rule, visible=interest_visible, scope_fields=("investor", "project"),
                         actions=basic_move)
    policy.register_rule(InterestStep, interest_rule,
                         visible=lambda actor: policy.prefixed(interest_visible(actor), "interest"),
                         actions=(policy.VIEW, policy.CREATE))
    policy.register_rule(InvestorNote, note_rule, visible=note_visible, actions=(policy.VIEW, policy.CREATE,
                                                                                  policy.DELETE))
    policy.register_rule(Introduction, introduction_rule, visible=introduction_visible)
    policy.register_rule(Notification, notification_rule, visible=notification_visible,
                         actions=(policy.VIEW, policy.CHANGE))
    policy.register_rule(Roadshow, roadshow_rule, visible=signed_in)
    policy.register_rule(RoadshowInvestor, roadshow_rule, visible=signed_in, actions=(policy.VIEW, policy.CREATE,
                                                                                      policy.DELETE))
    policy.register_rule(RoadshowApplication, application_rule, visible=application_visible)
    policy.register_rule(RoadshowFeedback, feedback_rule, visible=feedback_visible)
