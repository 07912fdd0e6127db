"""Writes of the financing app: atomic, checked against the one policy, recorded in the history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from biopark.accounts import policy
from biopark.accounts.models import Role
from biopark.core import mail
from biopark.core.audit import diff, record_change, snapshot
from biopark.core.errors import Conflict, NotFound, ValidationFailed
from biopark.core.models import ChangeRecord
from biopark.core.writes import Attributes, Editable, apply_changes, field_label, one_of, text
from biopark.deals import followups
from biopark.deals.models import Event
from biopark.ecosystem.models import CURRENCIES, Organisation
from biopark.financing import selectors
from biopark.financing.models import (
    CoInvestment,
    FinancingNeed,
    Interest,
    InterestState,
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
    Round,
)
from biopark.pipeline.models import STAGE_LABELS, Modality, Project
from biopark.pipeline.vocabulary import normalise_area

_user = policy.user_of
CURRENCY_CODES = [code for code, _label in CURRENCIES]
MAX_AMOUNT = Decimal("1e17")


def _label(model: type, name: str) -> str:
    return field_label(model, name)


def _list(value: Any, name: str) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = value.replace("；", ";").replace("，", ",").replace(",", ";").split(";")
    if not isinstance(value, (list, tuple)):
        raise ValidationFailed(_("%(field)s must be a list") % {"field": name}, field=name)
    return list(dict.fromkeys(str(v).strip() for v in value if str(v).strip()))


def _codes(known: Mapping[str, Any], what: Any) -> Any:
    def convert(value: Any, name: str) -> list[str]:
        items = _list(value, name)
        bad = [v for v in items if v not in known]
        if bad:
            raise ValidationFailed(_("unknown %(what)s %(value)s; known: %(known)s") % {
                "what": what, "value": repr(bad[0]), "known": ", ".join(str(v) for v in known.values())}, field=name)
        return items

    return convert


def _areas(value: Any, name: str) -> list[str]:
    return list(dict.fromkeys(normalise_area(a) for a in _list(value, name)))


def _amount(value: Any, name: str, *, what: str) -> Decimal:
    try:
        amount = Decimal(str(value).strip().replace(",", "")) if value not in (None, "") else None
    except (InvalidOperation, ValueError):
        amount = None
    if amount is None or not amount.is_finite():
        raise ValidationFailed(_("%(field)s must be an amount such as 50,000,000") % {"field": what}, field=name)
    if amount <= 0 or amount >= MAX_AMOUNT:
        raise ValidationFailed(_("%(field)s must be more than 0 and less than 10^17") % {"field": what}, field=name)
    return amount.quantize(Decimal("0.01"))


def _money(model: type, name: str) -> Any:
    def convert(value: Any, field: str) -> Decimal:
        return _amount(value, field, what=_label(model, name))

    return convert


def _flag(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "on", "yes")


def _matches_changed() -> None:
    """This process's matching arrays check for changes at the next read (see biopark.financing.selectors)."""
    selectors.invalidate()


def _mandate_check(mandate: Mandate) -> None:
    if mandate.ticket_min > mandate.ticket_max:
        raise ValidationFailed(_("the smallest ticket is larger than the largest"), field="ticket_min")


MANDATE_EDITABLE = Editable(
    fields=["name", "stages", "modalities", "therapeutic_areas", "rounds", "regions", "ticket_min", "ticket_max",
            "currency", "co_investment", "active"],
    convert={
        "stages": _codes(STAGE_LABELS, gettext_lazy("stage")),
        "modalities": _codes(dict(Modality.choices), gettext_lazy("modality")),
        "therapeutic_areas": _areas,
        "rounds": _codes(dict(Round.choices), gettext_lazy("round")),
        "regions": _list,
        "ticket_min": _money(Mandate, "ticket_min"),
        "ticket_max": _money(Mandate, "ticket_max"),
        "currency": one_of(CURRENCY_CODES, gettext_lazy("currency")),
        "co_investment": one_of(CoInvestment, gettext_lazy("co-investment")),
        "active": _flag,
    },
    check=_mandate_check,
)
MANDATE_AUDITED = [*MANDATE_EDITABLE.fields, "organisation_id"]


@transaction.atomic
def mandate_create(*, actor: Any, organisation: Organisation, data: Mapping[str, Any], synthetic: bool = False
                   ) -> Mandate:
    """A mandate of an investor organisation (registry organisations of kind investor)."""
    if organisation.kind != Organisation.Kind.INVESTOR:
        raise ValidationFailed(_("only an organisation of kind investor has mandates"), field="organisation")
    for name in ("ticket_min", "ticket_max"):
        if data.get(name) in (None, ""):
            raise ValidationFailed(_("%(field)s is required") % {"field": _label(Mandate, name)}, field=name)
    mandate = Mandate(organisation=organisation, synthetic=synthetic)
    MANDATE_EDITABLE.apply(mandate, data)
    policy.require(actor, policy.CREATE, mandate)
    mandate.save()
    record_change(actor=_user(actor), obj=mandate, action=ChangeRecord.CREATE,
                  changes=diff({}, snapshot(mandate, MANDATE_AUDITED)))
    _matches_changed()
    return mandate


def mandate_update(*, actor: Any, mandate: Mandate, data: Mapping[str, Any], expected_version: int | None = None
                   ) -> Mandate:
    apply_changes(actor=actor, instance=mandate, data=data, editable=MANDATE_EDITABLE, audited=MANDATE_AUDITED,
                  expected_version=expected_version)
    _matches_changed()
    return mandate


# --- financing needs -----------------------------------------------------------------------------------

NEED_EDITABLE = Editable(
    fields=["round", "amount", "currency", "use_of_funds", "visibility", "open"],
    convert={
        "round": one_of(Round, gettext_lazy("round")),
        "amount": _money(FinancingNeed, "amount"),
        "currency": one_of(CURRENCY_CODES, gettext_lazy("currency")),
        "visibility": one_of(NeedVisibility, gettext_lazy("visibility")),
        "use_of_funds": text,
        "open": _flag,
    },
)
NEED_AUDITED = [*NEED_EDITABLE.fields, "project_id"]


@transaction.atomic
def need_create(*, actor: Any, project: Project, data: Mapping[str, Any], synthetic: bool = False) -> FinancingNeed:
    for name in ("round", "amount"):
        if data.get(name) in (None, ""):
            raise ValidationFailed(_("%(field)s is required") % {"field": _label(FinancingNeed, name)}, field=name)
    need = FinancingNeed(project=project, synthetic=synthetic)
    NEED_EDITABLE.apply(need, data)
    policy.require(actor, policy.CREATE, need)
    need.save()
    record_change(actor=_user(actor), obj=need, action=ChangeRecord.CREATE,
                  changes=diff({}, snapshot(need, NEED_AUDITED)))
    _matches_changed()
    return need


def need_update(*, actor: Any, need: FinancingNeed, data: Mapping[str, Any], expected_version: int | None = None
                ) -> FinancingNeed:
    apply_changes(actor=actor, instance=need, data=data, editable=NEED_EDITABLE, audited=NEED_AUDITED,
                  expected_version=expected_version)
    _matches_changed()
    return need


# --- interests and notes -------------------------------------------------------------------------------


def _require_visible(actor: Any, project: Project) -> None:
    """An investor records interest and notes only on projects it may see (the project itself, or one of its
    financing needs); any other answers like a project that does not exist."""
    if policy.decide(actor, policy.VIEW, project):
        return
    if FinancingNeed.objects.filter(policy.visible_filter(actor, FinancingNeed), project=project).exists():
        return
    raise NotFound(_("no such project"), field="project")


def _state(value: Any) -> str:
    return one_of(InterestState, gettext_lazy("state"))(value, "state")


@transaction.atomic
def interest_set(*, actor: Any, investor: Organisation, project: Project, state: str) -> Interest:
    """Record (or move) the investor's interest in a project; every move is a step with who and when."""
    state = _state(state)
    _require_visible(actor, project)
    interest = Interest.objects.select_for_update().filter(investor=investor, project=project).first()
    if interest is None:
        interest = Interest(investor=investor, project=project, state=state)
        policy.require(actor, policy.CREATE, interest)
        interest.save()
        record_change(actor=_user(actor), obj=interest, action=ChangeRecord.CREATE,
                      changes={"state": [None, state]})
    elif interest.state != state:
        apply_changes(actor=actor, instance=interest, data={"state": state},
                      editable=Editable(fields=["state"], convert={"state": lambda v, n: _state(v)}),
                      audited=["state"])
    else:
        policy.require(actor, policy.CHANGE, interest)
        return interest
    user = _user(actor)
    InterestStep.objects.create(interest=interest, state=state, by=user if getattr(user, "pk", None) else None,
                                by_label=getattr(user, "username", "") or "system")
    return interest


@transaction.atomic
def note_add(*, actor: Any, investor: Organisation, project: Project, text: str) -> InvestorNote:
    body = (text or "").strip()
    if not body:
        raise ValidationFailed(_("write a note first"), field="text")
    if len(body) > 10_000:
        raise ValidationFailed(_("a note holds at most 10,000 characters"), field="text")
    _require_visible(actor, project)
    user = _user(actor)
    note = InvestorNote(investor=investor, project=project, text=body,
                        author=user if getattr(user, "pk", None) else None,
                        author_label=getattr(user, "username", "") or "system")
    policy.require(actor, policy.CREATE, note)
    note.save()
    return note


# --- introductions -------------------------------------------------------------------------------------


def _members(organisation_id: int, roles: tuple[str, ...]) -> list[Any]:
    return list(get_user_model().objects.filter(is_active=True, profile__organisation_id=organisation_id,
                                                profile__role__in=roles).order_by("id"))


def introduction_mail(introduction: Introduction) -> tuple[str, str]:
    """(subject, body) of the introduction e-mail in the active language, naming both sides."""
    subject = _("BioPark: an introduction from the park")
    body = _("The park introduced %(investor)s and the project %(project)s. See %(link)s") % {
        "investor": introduction.investor, "project": introduction.project.display_name,
        "link": f"/financing/projects/{introduction.project_id}/"}
    return subject, body + "\n"


def _send_introduction_mail(introduction_id: int, user_ids: list[int]) -> None:
    """After the commit: one e-mail per recipient, each in the recipient's language (biopark.core.mail)."""
    introduction = Introduction.objects.select_related("project", "investor").filter(pk=introduction_id).first()
    if introduction is None:
        return
    users = get_user_model().objects.filter(pk__in=user_ids).exclude(email="").select_related("profile")
    mail.send_to_users(users.order_by("id"), lambda _user: introduction_mail(introduction))


@transaction.atomic
def introduction_create(*, actor: Any, project: Project, investor: Organisation, message: str = "",
                        score: int = 0) -> Introduction:
    """The park introduces an investor to a project: both sides get a notification and an e-mail."""
    if investor.kind != Organisation.Kind.INVESTOR:
        raise ValidationFailed(_("choose an investor organisation"), field="investor")
    user = _user(actor)
    introduction = Introduction(project=project, investor=investor, message=(message or "").strip()[:5000],
                                score=score, introduced_by=user if getattr(user, "pk", None) else None,
                                introduced_label=getattr(user, "username", "") or "system")
    policy.require(actor, policy.CREATE, introduction)
    try:
        with transaction.atomic():
            introduction.save()
    except IntegrityError as exc:
        raise Conflict(_("this investor was already introduced to this project"), field="investor") from exc
    record_change(actor=user, obj=introduction, action=ChangeRecord.CREATE,
                  changes={"investor": [None, str(investor)], "project": [None, str(project)]})
    investors = _members(investor.pk, (Role.INVESTOR,))
    team = _members(project.organisation_id, (Role.ENTERPRISE_MEMBER, Role.PLATFORM_MANAGER))
    Notification.objects.bulk_create(
        [Notification(recipient=u, kind=Notification.Kind.INTRODUCED_INVESTOR, introduction=introduction)
         for u in investors]
        + [Notification(recipient=u, kind=Notification.Kind.INTRODUCED_PROJECT, introduction=introduction)
           for u in team]
    )
    ids = [u.pk for u in [*investors, *team]]
    transaction.on_commit(lambda: _send_introduction_mail(introduction.pk, ids))
    return introduction


@transaction.atomic
def notification_read(*, actor: Any, notification: Notification) -> Notification:
    policy.require(actor, policy.CHANGE, notification)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk).update(read_at=notification.read_at)
    return notification


# --- roadshows -----------------------------------------------------------------------------------------


def _date(value: Any, name: str) -> Attributes | Any:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise ValidationFailed(_("%(field)s must be a date such as 2026-12-31") % {
            "field": _label(Roadshow, name)}, field=name) from exc


ROADSHOW_EDITABLE = Editable(fields=["call_zh", "call_en", "deadline"], convert={"deadline": _date})


@transaction.atomic
def roadshow_create(*, actor: Any, event: Event, data: Mapping[str, Any], synthetic: bool = False) -> Roadshow:
    if event.kind != Event.Kind.ROADSHOW:
        raise ValidationFailed(_("choose an event of kind roadshow"), field="event")
    roadshow = Roadshow(event=event, park_id=event.park_id, synthetic=synthetic)
    ROADSHOW_EDITABLE.apply(roadshow, data)
    policy.require(actor, policy.CREATE, roadshow)
    try:
        with transaction.atomic():
            roadshow.save()
    except IntegrityError as exc:
        raise Conflict(_("this event already has a roadshow"), field="event") from exc
    record_change(actor=_user(actor), obj=roadshow, action=ChangeRecord.CREATE,
                  changes=diff({}, snapshot(roadshow, ["call_zh", "call_en", "deadline", "park_id"])))
    return roadshow


@transaction.atomic
def roadshow_investor_add(*, actor: Any, roadshow: Roadshow, organisation: Organisation) -> RoadshowInvestor:
    if organisation.kind != Organisation.Kind.INVESTOR:
        raise ValidationFailed(_("choose an investor organisation"), field="investor")
    link = RoadshowInvestor(roadshow=roadshow, organisation=organisation)
    policy.require(actor, policy.CREATE, link)
    existing = RoadshowInvestor.objects.filter(roadshow=roadshow, organisation=organisation).first()
    if existing:
        return existing
    link.save()
    record_change(actor=_user(actor), obj=roadshow, action=ChangeRecord.UPDATE,
                  changes={"investors": [None, str(organisation)]})
    return link


@transaction.atomic
def application_submit(*, actor: Any, roadshow: Roadshow, project: Project, pitch: str = "") -> RoadshowApplication:
    if roadshow.deadline and roadshow.deadline < timezone.localdate():
        raise ValidationFailed(_("the application deadline has passed"), field="project")
    application = RoadshowApplication(roadshow=roadshow, project=project, pitch=(pitch or "").strip()[:5000])
    policy.require(actor, policy.CREATE, application)
    if RoadshowApplication.objects.filter(roadshow=roadshow, project=project).exists():
        raise Conflict(_("this project has already applied"), field="project")
    application.save()
    record_change(actor=_user(actor), obj=application, action=ChangeRecord.CREATE,
                  changes={"project": [None, str(project)], "status": [None, application.status]})
    return application


def application_decide(*, actor: Any, application: RoadshowApplication, status: str) -> RoadshowApplication:
    convert = one_of(RoadshowApplication.Status, gettext_lazy("status"))
    apply_changes(actor=actor, instance=application, data={"status": status},
                  editable=Editable(fields=["status"], convert={"status": convert}), audited=["status"])
    return application


@transaction.atomic
def feedback_give(*, actor: Any, roadshow: Roadshow, investor: Organisation, project: Project, rating: Any,
                  comment: str = "", follow_up: bool = False) -> RoadshowFeedback:
    """An attending investor rates a presented project; a follow-up makes the project one of its financing
    leads (its interest moves to "considering" unless it is further already)."""
    try:
        score = int(str(rating).strip())
    except ValueError:
        score = 0
    if not 1 <= score <= 5:
        raise ValidationFailed(_("rating must be a whole number from 1 to 5"), field="rating")
    if not roadshow.investor_links.filter(organisation=investor).exists():
        raise ValidationFailed(_("the investor does not attend this roadshow"), field="investor")
    if not roadshow.applications.filter(project=project, status=RoadshowApplication.Status.SELECTED).exists():
        raise ValidationFailed(_("the project was not selected for this roadshow"), field="project")
    user = _user(actor)
    feedback = RoadshowFeedback.objects.filter(roadshow=roadshow, investor=investor, project=project).first()
    feedback = feedback or RoadshowFeedback(roadshow=roadshow, investor=investor, project=project)
    before = snapshot(feedback, ["rating", "comment", "follow_up"]) if feedback.pk else {}
    feedback.rating, feedback.comment, feedback.follow_up = score, (comment or "").strip()[:5000], bool(follow_up)
    feedback.author = user if getattr(user, "pk", None) else None
    policy.require(actor, policy.CHANGE if feedback.pk else policy.CREATE, feedback)
    action = ChangeRecord.UPDATE if feedback.pk else ChangeRecord.CREATE
    feedback.save()
    record_change(actor=user, obj=feedback, action=action,
                  changes=diff(before, snapshot(feedback, ["rating", "comment", "follow_up"])))
    if follow_up:
        current = Interest.objects.filter(investor=investor, project=project).values_list("state", flat=True).first()
        if current in (None, InterestState.OBSERVING):
            interest_set(actor=actor, investor=investor, project=project, state=InterestState.CONSIDERING)
        if feedback.lead_id is None:
            _open_financing_lead(actor=actor, roadshow=roadshow, feedback=feedback)
    return feedback


def _open_financing_lead(*, actor: Any, roadshow: Roadshow, feedback: RoadshowFeedback) -> None:
    """Hand the follow-up to the park's financing pipeline (promotion, through `deals.followups`) and keep the
    lead it opened on the feedback."""
    project = feedback.project
    need = project.financing_needs.filter(open=True).order_by("-created_at", "-id").first()
    lead_id = followups.open_lead(actor=actor, follow_up=followups.FollowUp(
        investor=feedback.investor, project_name=project.name_zh or project.name_en, park=roadshow.park or project.park,
        event=roadshow.event, amount=need.amount if need else None, currency=need.currency if need else ""))
    if lead_id is not None:
        feedback.lead_id = lead_id
        feedback.save(update_fields=["lead"])
        record_change(actor=_user(actor), obj=feedback, action=ChangeRecord.UPDATE,
                      changes={"lead": [None, lead_id]})

