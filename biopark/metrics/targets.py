"""Writes of targets and figure requests: atomic, checked against the policy, recorded in the history.

Every field a form or the API sends is read here and each bad one gets its own message, all at once, so a form
can show each error next to its field.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from biopark.accounts import policy
from biopark.core.audit import diff, record_change, snapshot
from biopark.core.errors import ValidationFailed
from biopark.core.models import ChangeRecord
from biopark.core.params import MAX_ID
from biopark.core.writes import record_write
from biopark.ecosystem.models import Organisation, Park, Platform
from biopark.metrics.models import Indicator, ObservationRequest, Qualifier, Target

TARGET_FIELDS = ["park", "platform", "indicator", "start_year", "end_year", "baseline_value", "baseline_on",
                 "target_value", "unit", "qualifier", "source_note", "owner"]
EDITABLE = [f for f in TARGET_FIELDS if f != "owner"]
REQUEST_FIELDS = ["status", "value", "note", "reported_by"]
_LIMIT = decimal.Decimal(10) ** 18
_user = policy.user_of


def _number(raw: Any, name: str, errors: dict[str, str], *, required: bool) -> decimal.Decimal | None:
    text = "" if raw is None else str(raw).strip().replace(",", "")
    if not text:
        if required:
            errors[name] = _("enter a number")
        return None
    try:
        value = decimal.Decimal(text)
    except decimal.InvalidOperation:
        errors[name] = _("%(value)s is not a number") % {"value": repr(str(raw))}
        return None
    if not value.is_finite() or abs(value) >= _LIMIT:
        errors[name] = _("enter a number below 10¹⁸")
        return None
    return value.quantize(decimal.Decimal("0.000001"), rounding=decimal.ROUND_HALF_EVEN)


def _year(raw: Any, name: str, errors: dict[str, str]) -> int | None:
    text = "" if raw is None else str(raw).strip()
    if not text.isdigit() or not 1900 <= int(text) <= 2200:
        errors[name] = _("enter a year between 1900 and 2200")
        return None
    return int(text)


def _by_id(model: Any, raw: Any, name: str, errors: dict[str, str], *, required: bool, what: str) -> Any:
    text = "" if raw is None else str(raw).strip()
    if not text:
        if required:
            errors[name] = _("choose a %(what)s") % {"what": what}
        return None
    # Ids beyond the database's integer range name nothing (and must not reach the query).
    found = model.objects.filter(pk=int(text)).first() if text.isdigit() and int(text) <= MAX_ID else None
    if found is None:
        errors[name] = _("no %(what)s %(value)s") % {"what": what, "value": repr(text)}
    return found


def clean_target(data: Mapping[str, Any], *, partial: Target | None = None) -> dict[str, Any]:
    """The target's attributes from submitted values (ids for park and platform, the indicator's code), every
    bad field reported at once. ``partial``: the target being edited (fields not sent keep its values)."""
    unknown = [k for k in data if k not in EDITABLE]
    if unknown:
        raise ValidationFailed(_("unknown field %(name)s") % {"name": repr(unknown[0])}, field=unknown[0])
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    given = (lambda name: name in data) if partial is not None else (lambda name: True)
    if given("park"):
        out["park"] = _by_id(Park, data.get("park"), "park", errors, required=True, what=_("park"))
    if given("platform"):
        out["platform"] = _by_id(Platform, data.get("platform"), "platform", errors, required=False,
                                 what=_("platform"))
    if given("indicator"):
        code = str(data.get("indicator") or "").strip()
        out["indicator"] = Indicator.objects.filter(key=code).first() if code else None
        if out["indicator"] is None:
            errors["indicator"] = _("no indicator %(value)s") % {"value": repr(code)} if code else _("choose an indicator")
    for name in ("start_year", "end_year"):
        if given(name):
            out[name] = _year(data.get(name), name, errors)
    if given("target_value"):
        out["target_value"] = _number(data.get("target_value"), "target_value", errors, required=True)
    if given("baseline_value"):
        out["baseline_value"] = _number(data.get("baseline_value"), "baseline_value", errors, required=False)
    if given("baseline_on"):
        raw = str(data.get("baseline_on") or "").strip()
        try:
            out["baseline_on"] = dt.date.fromisoformat(raw) if raw else None
        except ValueError:
            errors["baseline_on"] = _("enter a date as YYYY-MM-DD")
    if given("qualifier"):
        qualifier = str(data.get("qualifier") or "").strip() or Qualifier.AT_LEAST
        if qualifier not in Qualifier.values:
            errors["qualifier"] = _("choose one of: %(known)s") % {
                "known": ", ".join(str(label) for label in Qualifier.labels)}
        out["qualifier"] = qualifier
    for name, limit in (("unit", 100), ("source_note", 500)):
        if given(name):
            out[name] = str(data.get(name) or "").strip()
            if len(out[name]) > limit:
                errors[name] = _("at most %(n)s characters") % {"n": limit}
    # Rules across fields, on the values the target will have.
    merged = {**({f: getattr(partial, f) for f in EDITABLE} if partial is not None else {}), **out}
    start, end = merged.get("start_year"), merged.get("end_year")
    if start and end and end < start and "end_year" not in errors:
        errors["end_year"] = _("the last year comes before the first")
    platform, park = merged.get("platform"), merged.get("park")
    if platform is not None and park is not None and platform.park_id != park.pk and "platform" not in errors:
        errors["platform"] = _("this platform is not in the chosen park")
    if errors:
        first = next(iter(errors))
        raise ValidationFailed(_("%(n)s field(s) to correct") % {"n": len(errors)}, field=first, fields=errors)
    if not out.get("unit") and "indicator" in out and partial is None:
        out["unit"] = out["indicator"].unit
    return out


@transaction.atomic
def target_create(*, actor: Any, data: Mapping[str, Any]) -> Target:
    policy.require(actor, policy.CREATE, Target)
    target = Target(**clean_target(data))
    user = _user(actor)
    target.owner = user if getattr(user, "pk", None) else None
    policy.require(actor, policy.CREATE, target)
    target.save()
    record_change(actor=user, obj=target, action=ChangeRecord.CREATE, changes=diff({}, snapshot(target, TARGET_FIELDS)))
    return target


def target_update(*, actor: Any, target: Target, data: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Change the fields ``data`` names; refused changes (policy or validation) write nothing."""
    policy.require(actor, policy.CHANGE, target)
    clean = clean_target(data, partial=target)

    def apply(locked: Target) -> None:
        for name, value in clean.items():
            setattr(locked, name, value)

    return record_write(actor=actor, instance=target, apply=apply, audited=TARGET_FIELDS)


@transaction.atomic
def target_delete(*, actor: Any, target: Target) -> None:
    policy.require(actor, policy.DELETE, target)
    record_change(actor=_user(actor), obj=target, action=ChangeRecord.DELETE,
                  changes=diff(snapshot(target, TARGET_FIELDS), {}))
    target.delete()


# --- figure requests -----------------------------------------------------------------------------------


@transaction.atomic
def observation_request_create(*, actor: Any, organisation: Organisation, indicator: Indicator, year: int,
                               due_on: dt.date | None = None) -> ObservationRequest:
    """Ask an organisation settled in the operator's park for one figure of one year."""
    if organisation.park_id is None:
        raise ValidationFailed(_("this organisation is not settled in a park"), field="organisation")
    if not 1900 <= year <= 2200:
        raise ValidationFailed(_("enter a year between 1900 and 2200"), field="year")
    request = ObservationRequest(park_id=organisation.park_id, organisation=organisation, indicator=indicator,
                                 year=year, due_on=due_on)
    policy.require(actor, policy.CREATE, request)
    if ObservationRequest.objects.filter(organisation=organisation, indicator=indicator, year=year).exists():
        raise ValidationFailed(_("this organisation has been asked for this figure already"), field="indicator")
    user = _user(actor)
    request.requested_by = user if getattr(user, "pk", None) else None
    request.save()
    record_change(actor=user, obj=request, action=ChangeRecord.CREATE,
                  changes={"indicator": [None, indicator.key], "year": [None, year]})
    return request


def observation_request_report(*, actor: Any, request: ObservationRequest, value: Any, note: str = ""
                               ) -> dict[str, list[Any]]:
    """The organisation asked reports its figure (a member of it, or the park's operator on its behalf)."""
    policy.require(actor, policy.CHANGE, request)
    errors: dict[str, str] = {}
    number = _number(value, "value", errors, required=True)
    if len(note or "") > 500:
        errors["note"] = _("at most %(n)s characters") % {"n": 500}
    if errors:
        raise ValidationFailed(next(iter(errors.values())), field=next(iter(errors)), fields=errors)
    user = _user(actor)

    def apply(locked: ObservationRequest) -> None:
        locked.value, locked.note = number, (note or "").strip()
        locked.status = ObservationRequest.Status.REPORTED
        locked.reported_by = user if getattr(user, "pk", None) else None
        locked.reported_at = timezone.now()

    return record_write(actor=actor, instance=request, apply=apply, audited=REQUEST_FIELDS)
