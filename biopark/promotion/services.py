"""Writes of investment promotion: leads (create, edit, move between stages, lose), their activities and
documents. Keyword-only, atomic, checked by the one policy on the record as it is and as it would be
(`record_write`), and recorded in the history; every stage move also writes its StageChange row."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from biopark.accounts import policy
from biopark.core.audit import diff, record_change, snapshot
from biopark.core.errors import NotFound, PermissionRefused, ValidationFailed
from biopark.core.models import ChangeRecord
from biopark.core.writes import Editable, apply_changes, field_label, one_of, record_write, text
from biopark.deals.followups import FollowUp
from biopark.deals.models import Agreement, Event
from biopark.ecosystem import services as registry
from biopark.ecosystem.models import Organisation, Park, Person
from biopark.promotion.models import (
    Activity,
    Document,
    Lead,
    LostReason,
    Pipeline,
    Source,
    Stage,
    StageChange,
)
from biopark.promotion.rules import TRANSITIONS
from biopark.services import files

LEAD_FIELDS = [
    "pipeline", "park", "organisation", "project", "description", "investment_amount", "investment_currency",
    "jobs", "space_m2", "source", "source_event", "owner", "next_action", "next_action_due", "policy_package",
    "policy_amount", "policy_currency", "agreement",
]
# What the history records (ids for related records: no query per field).
AUDITED = [
    "pipeline_id", "park_id", "organisation_id", "project", "description", "investment_amount",
    "investment_currency", "jobs", "space_m2", "source", "source_event_id", "owner_id", "next_action",
    "next_action_due", "policy_package", "policy_amount", "policy_currency", "agreement_id", "stage_id",
    "lost_reason", "lost_note",
]
CURRENCY_CODES = ("CNY", "USD", "EUR")

_user = policy.user_of


def _auth_user(actor: Any) -> Any:
    user = _user(actor)
    return user if getattr(user, "is_authenticated", False) else None


# --- reading what people type -----------------------------------------------------------------------


def _label(name: str) -> str:
    return field_label(Lead, name)


def _decimal(value: Any, name: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation as exc:
        raise ValidationFailed(
            _("%(field)s must be a number, got %(value)s") % {"field": _label(name), "value": repr(value)}, field=name
        ) from exc
    if not amount.is_finite() or amount < 0:
        raise ValidationFailed(_("%(field)s must be 0 or more") % {"field": _label(name)}, field=name)
    if amount >= Decimal("1e17"):
        raise ValidationFailed(_("%(field)s is too large") % {"field": _label(name)}, field=name)
    return amount.quantize(Decimal("0.01") if name != "space_m2" else Decimal("0.1"))


def _whole(value: Any, name: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(str(value).strip())
    except ValueError as exc:
        raise ValidationFailed(_("%(field)s must be a whole number") % {"field": _label(name)}, field=name) from exc
    if not 0 <= number <= 10_000_000:
        raise ValidationFailed(_("%(field)s must be between 0 and 10,000,000") % {"field": _label(name)}, field=name)
    return number


def _currency(value: Any, name: str) -> str:
    code = str(value or "").strip().upper()
    if code and code not in CURRENCY_CODES:
        raise ValidationFailed(
            _("unknown currency %(value)s (CNY, USD or EUR)") % {"value": repr(value)}, field=name
        )
    return code


def _date(value: Any, name: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        day = dt.date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise ValidationFailed(_("%(field)s must be a date (YYYY-MM-DD)") % {"field": _label(name)}, field=name) from exc
    if not dt.date(1900, 1, 1) <= day <= dt.date(2999, 12, 31):
        raise ValidationFailed(_("%(field)s must be between 1900 and 2999") % {"field": _label(name)}, field=name)
    return day


def _limited(size: int) -> Any:
    def convert(value: Any, name: str) -> str:
        found = text(value, name)
        if len(found) > size:
            raise ValidationFailed(
                _("%(field)s is longer than %(max)d characters") % {"field": _label(name), "max": size}, field=name
            )
        return found

    return convert


def _record(model: type[models.Model], *, required: bool = False) -> Any:
    """A related record named by its id (or given as the record itself)."""

    def convert(value: Any, name: str) -> Any:
        if value in (None, ""):
            if required:
                raise ValidationFailed(_("%(field)s is required") % {"field": _label(name)}, field=name)
            return None
        if isinstance(value, model):
            return value
        raw = str(value).strip()
        found = model._default_manager.filter(pk=int(raw)).first() if raw.isdigit() and len(raw) < 12 else None
        if found is None:
            raise ValidationFailed(
                _("%(field)s: there is no record %(value)s") % {"field": _label(name), "value": repr(value)}, field=name
            )
        return found

    return convert


def _check_lead(lead: Lead) -> None:
    if not lead.project.strip():
        raise ValidationFailed(_("say what the lead would bring: the project is required"), field="project")
    if lead.investment_amount is not None and not lead.investment_currency:
        raise ValidationFailed(_("an investment amount needs its currency"), field="investment_currency")
    if lead.policy_amount is not None and not lead.policy_currency:
        raise ValidationFailed(_("a policy package amount needs its currency"), field="policy_currency")
    if lead.owner_id is not None:
        owner = policy.actor_for(lead.owner)
        if not (owner.is_admin or (owner.role == "operator" and lead.park_id in owner.park_scope)):
            raise ValidationFailed(_("the owner must be an operator of the lead's park"), field="owner")
    if lead.stage_id and lead.stage.pipeline_id != lead.pipeline_id:
        raise ValidationFailed(_("the pipeline of a lead is changed only with its stage"), field="pipeline")


LEAD_EDITABLE = Editable(
    fields=LEAD_FIELDS,
    convert={
        "pipeline": _record(Pipeline, required=True),
        "park": _record(Park, required=True),
        "organisation": _record(Organisation, required=True),
        "project": _limited(300),
        "description": _limited(5000),
        "investment_amount": _decimal,
        "investment_currency": _currency,
        "jobs": _whole,
        "space_m2": _decimal,
        "source": one_of(Source, gettext_lazy("source")),
        "source_event": _record(Event),
        "owner": _record(get_user_model()),
        "next_action": _limited(300),
        "next_action_due": _date,
        "policy_package": _limited(5000),
        "policy_amount": _decimal,
        "policy_currency": _currency,
        "agreement": _record(Agreement),
    },
    check=_check_lead,
)


def first_stage(pipeline: Pipeline) -> Stage:
    stage = pipeline.stages.exclude(outcome=Stage.Outcome.LOST).order_by("position").first()
    if stage is None:
        raise ValidationFailed(_("this pipeline has no stages yet"), field="pipeline")
    return stage


def default_pipeline() -> Pipeline | None:
    return Pipeline.objects.filter(kind=Pipeline.Kind.PROMOTION).order_by("position", "id").first()


# --- leads ----------------------------------------------------------------------------------------------


@transaction.atomic
def lead_create(
    *,
    actor: Any,
    data: Mapping[str, Any],
    new_organisation: Mapping[str, Any] | None = None,
    stage: Stage | None = None,
    now: dt.datetime | None = None,
    synthetic: bool = False,
) -> Lead:
    """A new lead in the first stage of its pipeline (or `stage`, for leads already further on). The
    organisation comes from the registry (`data["organisation"]`), or is created in it from
    `new_organisation` (names and kind) through the registry's own service and rules, in the lead's park."""
    policy.require(actor, policy.CREATE, Lead)
    values = dict(data)
    values.setdefault("pipeline", default_pipeline())
    if not values.get("source"):
        raise ValidationFailed(_("%(field)s is required") % {"field": _label("source")}, field="source")
    lead = Lead(synthetic=synthetic)
    if new_organisation:
        if values.get("organisation"):
            raise ValidationFailed(_("choose an organisation or name a new one, not both"), field="organisation")
        # Everything else is checked first, so a refused lead leaves no new organisation behind (and the
        # transaction undoes it anyway).
        LEAD_EDITABLE.set(lead, {k: v for k, v in values.items() if k != "organisation"})
        org_data = {k: v for k, v in new_organisation.items() if v not in (None, "")}
        org_data.setdefault("kind", Organisation.Kind.ENTERPRISE)
        org_data["park"] = lead.park
        try:
            values["organisation"] = registry.organisation_create(actor=actor, data=org_data)
        except ValidationFailed as exc:
            raise ValidationFailed(exc.message, field="new_organisation") from exc
    LEAD_EDITABLE.apply(lead, values)
    lead.stage = stage or first_stage(lead.pipeline)
    if lead.stage.pipeline_id != lead.pipeline_id:
        raise ValidationFailed(_("choose a stage of this lead's pipeline"), field="stage")
    lead.stage_entered_at = now or timezone.now()
    policy.require(actor, policy.CREATE, lead)
    lead.save()
    StageChange.objects.create(lead=lead, from_stage=None, to_stage=lead.stage, at=lead.stage_entered_at,
                               by=_auth_user(actor))
    record_change(actor=_user(actor), obj=lead, action=ChangeRecord.CREATE, changes=diff({}, snapshot(lead, AUDITED)))
    return lead


@transaction.atomic
def lead_open_for_follow_up(*, actor: Any, follow_up: FollowUp) -> int | None:
    """A lead in the financing pipeline for an investor's roadshow follow-up (registered with
    `deals.followups`): the investor is the lead's organisation, the project and its amount sought what it
    would bring, the roadshow's event its source. The investor who asks may not write leads itself, so the
    lead is opened on its behalf (the policy is asked as the system) and recorded as its doing. An open lead
    for the same investor, project and event is reused; no park or no financing pipeline: no lead."""
    pipeline = Pipeline.objects.filter(kind=Pipeline.Kind.FINANCING).order_by("position", "id").first()
    if pipeline is None or follow_up.park is None:
        return None
    project = follow_up.project_name[:300]
    existing = Lead.objects.filter(pipeline=pipeline, organisation=follow_up.investor, project=project,
                                   source_event=follow_up.event).exclude(stage__outcome=Stage.Outcome.LOST)
    found = existing.values_list("id", flat=True).first()
    if found is not None:
        return int(found)
    lead = Lead(pipeline=pipeline, park=follow_up.park, organisation=follow_up.investor, project=project,
                source=Source.ROADSHOW, source_event=follow_up.event, investment_amount=follow_up.amount,
                investment_currency=follow_up.currency if follow_up.amount is not None else "")
    lead.stage = first_stage(pipeline)
    lead.stage_entered_at = timezone.now()
    policy.require(policy.SYSTEM, policy.CREATE, lead)
    lead.save()
    StageChange.objects.create(lead=lead, from_stage=None, to_stage=lead.stage, at=lead.stage_entered_at,
                               by=_auth_user(actor))
    record_change(actor=_user(actor), obj=lead, action=ChangeRecord.CREATE, changes=diff({}, snapshot(lead, AUDITED)))
    return lead.pk


def lead_update(
    *, actor: Any, lead: Lead, data: Mapping[str, Any], expected_version: int | None = None
) -> Lead:
    """Change the fields `data` names (never the stage: that is `lead_move`)."""
    if "stage" in data:
        raise ValidationFailed(_("a lead changes stage only by a move"), field="stage")
    apply_changes(
        actor=actor, instance=lead, data=data, editable=LEAD_EDITABLE, audited=AUDITED,
        expected_version=expected_version,
    )
    return lead


def lead_move(
    *,
    actor: Any,
    lead: Lead,
    to_stage: Stage | None,
    note: str = "",
    lost_reason: str = "",
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Lead:
    """Move a lead to another stage of its pipeline if the transition policy allows it; the stage change is
    kept (from, to, when, who, note) and the lead's history records it."""
    note = (note or "").strip()[:500]
    when = now or timezone.now()

    def apply(locked: Lead) -> dict[str, list[Any]] | None:
        verdict = TRANSITIONS.check(actor, locked, to_stage, note=note, lost_reason=lost_reason)
        if not verdict:
            if not verdict.field:
                raise PermissionRefused(verdict.reason)
            raise ValidationFailed(verdict.reason, field=verdict.field)
        assert to_stage is not None
        StageChange.objects.create(lead=locked, from_stage_id=locked.stage_id, to_stage=to_stage, at=when,
                                   by=_auth_user(actor), note=note)
        locked.stage = to_stage
        locked.stage_entered_at = when
        lost = to_stage.outcome == Stage.Outcome.LOST
        locked.lost_reason = lost_reason if lost else ""
        locked.lost_note = note if lost else ""
        return None

    record_write(actor=actor, instance=lead, apply=apply, audited=AUDITED, expected_version=expected_version,
                 note=note)
    lead.stage = to_stage  # type: ignore[assignment]
    return lead


def lost_stage(pipeline: Pipeline) -> Stage:
    stage = pipeline.stages.filter(outcome=Stage.Outcome.LOST).first()
    if stage is None:
        raise ValidationFailed(_("this pipeline has no stage for lost leads"), field="stage")
    return stage


def lead_lose(
    *, actor: Any, lead: Lead, reason: str, note: str = "", expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Lead:
    """Record a lead as lost, with a reason from the list (LostReason)."""
    return lead_move(actor=actor, lead=lead, to_stage=lost_stage(lead.pipeline), note=note, lost_reason=reason,
                     expected_version=expected_version, now=now)


# --- activities and documents -------------------------------------------------------------------------


@transaction.atomic
def activity_record(
    *,
    actor: Any,
    lead: Lead,
    kind: str,
    on: Any,
    summary: str,
    people: Sequence[Person] = (),
) -> Activity:
    """A visit, call, meeting, e-mail or note on a lead, with the registry's people who took part."""
    policy.require(actor, policy.CHANGE, lead)
    kind = one_of(Activity.Kind, gettext_lazy("kind"))(kind, "kind")
    day = _date(on, "on")
    if day is None:
        raise ValidationFailed(_("the date of the activity is required"), field="on")
    summary = (summary or "").strip()
    if not summary:
        raise ValidationFailed(_("the summary is required"), field="summary")
    if len(summary) > 5000:
        raise ValidationFailed(_("the summary is longer than 5000 characters"), field="summary")
    activity = Activity.objects.create(lead=lead, kind=kind, on=day, summary=summary, by=_auth_user(actor))
    if people:
        activity.people.set(people)
    record_change(
        actor=_user(actor), obj=lead, action=ChangeRecord.UPDATE,
        changes={"activities": [None, {"kind": activity.kind, "on": day.isoformat()}]},
    )
    return activity


def people_from_ids(ids: Sequence[Any]) -> list[Person]:
    """People of the registry named by id (a form's or the API's list); an unknown id is an error."""
    wanted: list[int] = []
    for raw in ids:
        value = str(raw).strip()
        if not value:
            continue
        if not value.isdigit() or len(value) > 12:
            raise ValidationFailed(_("people: %(value)s is not a person's number") % {"value": repr(raw)}, field="people")
        wanted.append(int(value))
    found = Person.objects.in_bulk(wanted)
    missing = [pk for pk in wanted if pk not in found]
    if missing:
        raise NotFound(_("people: there is no person %(id)s") % {"id": missing[0]}, field="people")
    return [found[pk] for pk in dict.fromkeys(wanted)]


@transaction.atomic
def document_add(*, actor: Any, lead: Lead, name: str, content: bytes) -> Document:
    """Store a checked file (size, extension, first bytes agreeing with it) for this lead."""
    policy.require(actor, policy.CHANGE, lead)
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    kind = files.check(base, content)
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in base)[-120:]
    document = Document(lead=lead, original_name=base[:255], size=len(content), kind=kind,
                        uploaded_by=_auth_user(actor))
    document.file.save(safe, ContentFile(content), save=False)
    document.save()
    record_change(actor=_user(actor), obj=lead, action=ChangeRecord.UPDATE,
                  changes={"documents": [None, document.original_name]})
    return document


__all__ = [
    "LostReason", "activity_record", "document_add", "lead_create", "lead_lose", "lead_move", "lead_update",
]
