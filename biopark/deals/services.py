"""Writes to deals: agreements with their parties, signatories, links and documents; licence terms; IP assets;
events. Keyword-only, atomic, checked by the one policy on the record as it is and as it would be, and recorded
in the history."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from biopark.accounts import policy
from biopark.core import uploads
from biopark.core.audit import diff, record_change, snapshot
from biopark.core.errors import Conflict, ValidationFailed
from biopark.core.models import ChangeRecord
from biopark.core.writes import Editable, apply_changes, one_of, optional_key, text
from biopark.deals import convert
from biopark.deals.models import (
    Agreement,
    AgreementDocument,
    AgreementParty,
    Confidentiality,
    Event,
    EventParticipant,
    IPAsset,
    LicenceTerms,
    Milestone,
    Qualifier,
    RoyaltyTier,
    Signatory,
)
from biopark.ecosystem.models import CURRENCIES, Organisation, Park, Person, Position

_user = policy.user_of
CURRENCY_CODES = [code for code, _label in CURRENCIES]
DOCUMENT_TYPES = ("pdf", "docx", "xlsx", "txt", "png", "jpg", "jpeg")


def _record(model: type[models.Model], what: Any) -> Any:
    """A converter for a link to one record: the record itself, its id, or blank for none."""

    def read(value: Any, name: str) -> Any:
        if value is None or value == "":
            return None
        if isinstance(value, model):
            return value
        found = model._default_manager.filter(pk=value).first() if str(value).isdigit() else None
        if found is None:
            raise ValidationFailed(_("no %(what)s %(value)s") % {"what": what, "value": repr(str(value))}, field=name)
        return found

    return read


def _currency(value: Any, name: str) -> str:
    typed = text(value, name)
    code = typed.upper()
    if code and code not in CURRENCY_CODES:
        raise ValidationFailed(
            _("unknown currency %(value)s; known: %(known)s") % {"value": repr(typed), "known": ", ".join(CURRENCY_CODES)},
            field=name,
        )
    return code


def _bilingual_required(obj: Any, prefix: str, message: str) -> None:
    if not (getattr(obj, f"{prefix}_zh") or getattr(obj, f"{prefix}_en")):
        raise ValidationFailed(message, field=f"{prefix}_zh")


def _key_free(obj: Any) -> None:
    if obj.key and type(obj).objects.filter(key=obj.key).exclude(pk=obj.pk).exists():
        raise ValidationFailed(_("the key %(key)s is taken") % {"key": repr(obj.key)}, field="key")


# --- agreements ------------------------------------------------------------------------------------------


def _check_agreement(agreement: Agreement) -> None:
    _bilingual_required(agreement, "title", _("an agreement needs a Chinese or an English title"))
    if agreement.value_amount is not None and not agreement.value_currency:
        raise ValidationFailed(_("an amount needs its currency"), field="value_currency")
    if agreement.value_amount is None and agreement.value_qualifier:
        raise ValidationFailed(_("a qualifier needs an amount"), field="value_amount")
    _key_free(agreement)


AGREEMENT_FIELDS = [
    "key", "title_zh", "title_en", "kind", "status", "subject_zh", "subject_en", "signed_on", "value_amount",
    "value_currency", "value_qualifier", "confidentiality", "park", "event", "note",
]
AGREEMENT_AUDITED = [
    "key", "title_zh", "title_en", "kind", "status", "subject_zh", "subject_en", "signed_on",
    "value_amount", "value_currency", "value_qualifier", "confidentiality", "park_id", "event_id", "note",
]
AGREEMENT_EDITABLE = Editable(
    fields=AGREEMENT_FIELDS,
    convert={
        "key": optional_key,
        "kind": one_of(Agreement.Kind, gettext_lazy("agreement type")),
        "status": one_of(Agreement.Status, gettext_lazy("status")),
        "confidentiality": one_of(Confidentiality, gettext_lazy("confidentiality")),
        "value_qualifier": one_of(Qualifier, gettext_lazy("amount qualifier")),
        "value_amount": convert.amount,
        "value_currency": _currency,
        "signed_on": convert.partial_date("signed_on", "signed_precision"),
        "park": _record(Park, gettext_lazy("park")),
        "event": _record(Event, gettext_lazy("event")),
    },
    check=_check_agreement,
)


@dataclass(frozen=True)
class SignatoryIn:
    person: Person
    role: str = Signatory.Role.SIGNATORY
    organisation: Organisation | None = None
    title_zh: str = ""
    title_en: str = ""


def _check_parties(parties: Sequence[tuple[Organisation, str]]) -> list[tuple[Organisation, str]]:
    roles = list(AgreementParty.Role.values)
    seen, out = set(), []
    for org, role in parties:
        role = role or AgreementParty.Role.PARTNER
        if role not in roles:
            raise ValidationFailed(
                _("unknown party role %(value)s; known: %(known)s")
                % {"value": repr(role), "known": ", ".join(str(label) for label in AgreementParty.Role.labels)},
                field="parties",
            )
        if (org.pk, role) not in seen:
            seen.add((org.pk, role))
            out.append((org, role))
    if not out:
        raise ValidationFailed(_("an agreement needs at least one party"), field="parties")
    return out


def _title_at(person: Person, organisation: Organisation | None) -> tuple[str, str]:
    """The person's current title at the organisation (or their first current one), as the registry has it."""
    positions = Position.objects.filter(person=person).order_by("-is_current", "id")
    if organisation is not None:
        positions = positions.filter(organisation=organisation)
    found = positions.first()
    return (found.title_zh, found.title_en) if found else ("", "")


def _set_parties(agreement: Agreement, parties: list[tuple[Organisation, str]]) -> list[Any]:
    before = sorted(f"{o}:{r}" for o, r in agreement.party_links.values_list("organisation_id", "role"))
    _replace_rows(agreement.party_links, [AgreementParty(agreement=agreement, organisation=o, role=r) for o, r in parties],
                  ("organisation_id", "role"))
    return [before, sorted(f"{o.pk}:{r}" for o, r in parties)]


def _replace_rows(related: Any, rows: list[Any], fields: tuple[str, ...]) -> None:
    """A record's rows of one relation (an agreement's parties or signatories, an event's participants) replaced
    by `rows`, unless they already hold the same values: saving a record unchanged keeps its rows and their ids."""
    current = Counter(related.values_list(*fields))
    if current == Counter(tuple(getattr(row, name) for name in fields) for row in rows):
        return
    related.all().delete()
    related.model.objects.bulk_create(rows)


def _set_signatories(agreement: Agreement, signatories: Sequence[SignatoryIn]) -> list[Any]:
    roles = list(Signatory.Role.values)
    rows, seen = [], set()
    for item in signatories:
        if item.role not in roles:
            raise ValidationFailed(_("a signatory signs or witnesses"), field="signatories")
        if (item.person.pk, item.role) in seen:
            continue
        seen.add((item.person.pk, item.role))
        title_zh, title_en = item.title_zh.strip(), item.title_en.strip()
        if not (title_zh or title_en):
            title_zh, title_en = _title_at(item.person, item.organisation)
        rows.append(Signatory(agreement=agreement, person=item.person, role=item.role,
                              organisation=item.organisation, title_zh=title_zh, title_en=title_en))
    before = sorted(f"{p}:{r}" for p, r in agreement.signatories.values_list("person_id", "role"))
    _replace_rows(agreement.signatories, rows, ("person_id", "role", "organisation_id", "title_zh", "title_en"))
    return [before, sorted(f"{s.person_id}:{s.role}" for s in rows)]


def _visible_links(actor: Any, records: Sequence[Any], field: str) -> list[Any]:
    """Projects and IP assets an actor links must be ones they may see."""
    for record in records:
        if not policy.decide(actor, policy.VIEW, record):
            raise ValidationFailed(_("you cannot link %(record)s") % {"record": record}, field=field)
    return list(records)


def _links(actor: Any, agreement: Agreement, *, parties: Sequence[tuple[Organisation, str]] | None,
           signatories: Sequence[SignatoryIn] | None, projects: Sequence[Any] | None,
           ip_assets: Sequence[IPAsset] | None) -> dict[str, list[Any]]:
    changes: dict[str, list[Any]] = {}
    if parties is not None:
        change = _set_parties(agreement, _check_parties(parties))
        if change[0] != change[1]:
            changes["parties"] = change
    if signatories is not None:
        change = _set_signatories(agreement, signatories)
        if change[0] != change[1]:
            changes["signatories"] = change
    for name, given in (("projects", projects), ("ip_assets", ip_assets)):
        if given is None:
            continue
        before = sorted(getattr(agreement, name).values_list("pk", flat=True))
        after = sorted(r.pk for r in _visible_links(actor, given, name))
        if before != after:
            getattr(agreement, name).set(given)
            changes[name] = [before, after]
    if agreement.park_id is None:
        # An agreement without a park of its own belongs to the park of its first party that has one.
        park_id = agreement.party_links.exclude(organisation__park__isnull=True).values_list(
            "organisation__park_id", flat=True
        ).first()
        if park_id:
            Agreement.objects.filter(pk=agreement.pk).update(park_id=park_id)
            agreement.park_id = park_id
            changes["park_id"] = [None, park_id]
    return changes


@transaction.atomic
def agreement_create(
    *,
    actor: Any,
    data: Mapping[str, Any],
    parties: Sequence[tuple[Organisation, str]],
    signatories: Sequence[SignatoryIn] = (),
    projects: Sequence[Any] = (),
    ip_assets: Sequence[IPAsset] = (),
    synthetic: bool = False,
) -> Agreement:
    """Record an agreement with its parties; refused unless the actor may record it as it will be saved."""
    policy.require(actor, policy.CREATE, Agreement)
    agreement = Agreement(synthetic=synthetic)
    AGREEMENT_EDITABLE.apply(agreement, data)
    policy.require(actor, policy.CREATE, agreement)
    try:
        with transaction.atomic():
            agreement.save()
    except IntegrityError as exc:
        raise Conflict(_("these values clash with another record")) from exc
    links = _links(actor, agreement, parties=parties, signatories=signatories, projects=projects, ip_assets=ip_assets)
    # Asked again with the parties in place: a member records only agreements of their own organisation.
    policy.require(actor, policy.CREATE, agreement)
    changes = {**diff({}, snapshot(agreement, AGREEMENT_AUDITED)), **links}
    record_change(actor=_user(actor), obj=agreement, action=ChangeRecord.CREATE, changes=changes)
    return agreement


def agreement_update(
    *,
    actor: Any,
    agreement: Agreement,
    data: Mapping[str, Any],
    parties: Sequence[tuple[Organisation, str]] | None = None,
    signatories: Sequence[SignatoryIn] | None = None,
    projects: Sequence[Any] | None = None,
    ip_assets: Sequence[IPAsset] | None = None,
    expected_version: int | None = None,
) -> Agreement:
    """Change what `data` names and the links given; the policy is asked about the agreement as it is (before
    anything changes) and as it would be (its new values and parties)."""

    def also(locked: Agreement) -> dict[str, list[Any]]:
        return _links(actor, locked, parties=parties, signatories=signatories, projects=projects, ip_assets=ip_assets)

    with transaction.atomic():
        apply_changes(
            actor=actor, instance=agreement, data=data, editable=AGREEMENT_EDITABLE, audited=AGREEMENT_AUDITED,
            expected_version=expected_version, also=also,
        )
        policy.require(actor, policy.CHANGE, agreement)
    return agreement


@transaction.atomic
def agreement_delete(*, actor: Any, agreement: Agreement) -> None:
    policy.require(actor, policy.DELETE, agreement)
    record_change(actor=_user(actor), obj=agreement, action=ChangeRecord.DELETE,
                  changes={"title": [agreement.title, None]})
    agreement.delete()


@transaction.atomic
def document_add(*, actor: Any, agreement: Agreement, name: str, content: bytes) -> AgreementDocument:
    """Attach a file (a signed copy, a term sheet) to an agreement."""
    policy.require(actor, policy.CHANGE, agreement)
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    ext = base.rsplit(".", 1)[1].lower() if "." in base else ""
    if ext not in DOCUMENT_TYPES:
        raise ValidationFailed(
            _("documents must be one of %(known)s") % {"known": ", ".join(DOCUMENT_TYPES)}, field="file"
        )
    if not content:
        raise ValidationFailed(_("the file is empty"), field="file")
    limit = uploads.max_upload_bytes()
    if len(content) > limit:
        raise uploads.too_large(len(content), limit)
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in base)[-120:]
    user = _user(actor)
    document = AgreementDocument(
        agreement=agreement, original_name=base[:255], size=len(content),
        uploaded_by=user if getattr(user, "is_authenticated", False) else None,
    )
    document.file.save(safe, ContentFile(content), save=False)
    document.save()
    record_change(actor=user, obj=agreement, action=ChangeRecord.UPDATE, changes={"documents": [None, base[:255]]})
    return document


# --- licence terms ---------------------------------------------------------------------------------------

TERMS_EDITABLE = Editable(
    fields=["upfront_amount", "currency", "territory_zh", "territory_en", "field_zh", "field_en", "exclusivity"],
    convert={
        "upfront_amount": convert.amount,
        "currency": _currency,
        "exclusivity": lambda v, n: "" if not v else one_of(LicenceTerms.Exclusivity, gettext_lazy("exclusivity"))(v, n),
    },
)


def _milestones(terms: LicenceTerms, items: Sequence[Mapping[str, Any]]) -> list[Milestone]:
    kinds = one_of(Milestone.Kind, gettext_lazy("milestone kind"))
    qualifiers = one_of(Qualifier, gettext_lazy("amount qualifier"))
    rows = []
    for i, item in enumerate(items):
        row = Milestone(
            terms=terms, kind=kinds(item.get("kind"), f"milestones.{i}.kind"),
            description_zh=text(item.get("description_zh"), ""), description_en=text(item.get("description_en"), ""),
            amount=convert.amount(item.get("amount"), f"milestones.{i}.amount"),
            qualifier=qualifiers(item.get("qualifier") or "", f"milestones.{i}.qualifier"),
            reached=bool(item.get("reached")),
        )
        rows.append(row)
    return rows


def _tiers(terms: LicenceTerms, items: Sequence[Mapping[str, Any]]) -> list[RoyaltyTier]:
    rows = []
    for i, item in enumerate(items):
        low = convert.amount(item.get("sales_from"), f"royalty_tiers.{i}.sales_from") or 0
        high = convert.amount(item.get("sales_to"), f"royalty_tiers.{i}.sales_to")
        if high is not None and high <= low:
            raise ValidationFailed(_("a tier's upper threshold must be above its lower one"),
                                   field=f"royalty_tiers.{i}.sales_to")
        rows.append(RoyaltyTier(terms=terms, sales_from=low, sales_to=high,
                                rate=convert.percentage(item.get("rate"), f"royalty_tiers.{i}.rate")))
    rows.sort(key=lambda r: r.sales_from)
    for below, above in zip(rows, rows[1:], strict=False):
        if below.sales_to is None or below.sales_to > above.sales_from:
            raise ValidationFailed(_("royalty tiers overlap"), field="royalty_tiers")
    return rows


def _terms_summary(terms: LicenceTerms | None) -> Any:
    if terms is None or terms.pk is None:
        return None
    return {
        **snapshot(terms, TERMS_EDITABLE.fields),
        "milestones": [f"{m.kind}:{m.amount}:{m.reached}" for m in terms.milestones.all()],
        "royalty_tiers": [f"{t.sales_from}-{t.sales_to}:{t.rate}" for t in terms.royalty_tiers.all()],
    }


@transaction.atomic
def licence_terms_set(
    *,
    actor: Any,
    agreement: Agreement,
    data: Mapping[str, Any],
    milestones: Sequence[Mapping[str, Any]] = (),
    royalty_tiers: Sequence[Mapping[str, Any]] = (),
) -> LicenceTerms:
    """Set a licence's terms, replacing its milestones and royalty tiers."""
    policy.require(actor, policy.CHANGE, agreement)
    if agreement.kind != Agreement.Kind.LICENSING:
        raise ValidationFailed(_("only a licence agreement has licence terms"), field="kind")
    terms = LicenceTerms.objects.select_for_update().filter(agreement=agreement).first()
    before = _terms_summary(terms)
    terms = terms or LicenceTerms(agreement=agreement)
    TERMS_EDITABLE.apply(terms, data)
    new_milestones = _milestones(terms, milestones)
    new_tiers = _tiers(terms, royalty_tiers)
    money = terms.upfront_amount is not None or any(m.amount is not None for m in new_milestones) or new_tiers
    if money and not terms.currency:
        raise ValidationFailed(_("amounts need their currency"), field="currency")
    terms.save()
    terms.milestones.all().delete()
    terms.royalty_tiers.all().delete()
    Milestone.objects.bulk_create(new_milestones)
    RoyaltyTier.objects.bulk_create(new_tiers)
    after = _terms_summary(terms)
    if before != after:
        record_change(actor=_user(actor), obj=agreement, action=ChangeRecord.UPDATE,
                      changes={"licence_terms": [before, after]})
    return terms


# --- IP assets -------------------------------------------------------------------------------------------


def _check_ip(asset: IPAsset) -> None:
    if not asset.number:
        raise ValidationFailed(_("a patent or an application needs its number"), field="number")
    _bilingual_required(asset, "title", _("an IP asset needs a Chinese or an English title"))
    if asset.granted_on and asset.filed_on and asset.granted_on < asset.filed_on:
        raise ValidationFailed(_("the grant date is before the filing date"), field="granted_on")
    if asset.kind == IPAsset.Kind.APPLICATION and asset.status == IPAsset.Status.GRANTED:
        raise ValidationFailed(_("a granted application is a patent: change its kind"), field="status")
    clash = IPAsset.objects.filter(jurisdiction=asset.jurisdiction, number=asset.number).exclude(pk=asset.pk)
    if clash.exists():
        raise ValidationFailed(_("the number %(number)s is recorded already") % {"number": asset.number},
                               field="number")


IP_FIELDS = ["kind", "number", "title_zh", "title_en", "jurisdiction", "status", "filed_on", "granted_on",
             "park", "confidentiality"]
IP_AUDITED = [*IP_FIELDS[:-2], "park_id", "confidentiality"]
IP_EDITABLE = Editable(
    fields=IP_FIELDS,
    convert={
        "kind": one_of(IPAsset.Kind, gettext_lazy("kind")),
        "jurisdiction": one_of(IPAsset.Jurisdiction, gettext_lazy("jurisdiction")),
        "status": one_of(IPAsset.Status, gettext_lazy("status")),
        "confidentiality": one_of(Confidentiality, gettext_lazy("confidentiality")),
        "filed_on": convert.full_date,
        "granted_on": convert.full_date,
        "park": _record(Park, gettext_lazy("park")),
    },
    check=_check_ip,
)


def _ip_links(actor: Any, asset: IPAsset, owners: Sequence[Organisation] | None,
              projects: Sequence[Any] | None) -> dict[str, list[Any]]:
    changes: dict[str, list[Any]] = {}
    if owners is not None and not owners:
        raise ValidationFailed(_("an IP asset needs at least one owner"), field="owners")
    for name, given in (("owners", owners), ("projects", projects)):
        if given is None:
            continue
        if name == "projects":
            _visible_links(actor, given, name)
        before = sorted(getattr(asset, name).values_list("pk", flat=True))
        after = sorted({r.pk for r in given})
        if before != after:
            getattr(asset, name).set(given)
            changes[name] = [before, after]
    if asset.park_id is None:
        park_id = asset.owners.exclude(park__isnull=True).values_list("park_id", flat=True).first()
        if park_id:
            IPAsset.objects.filter(pk=asset.pk).update(park_id=park_id)
            asset.park_id = park_id
            changes["park_id"] = [None, park_id]
    return changes


@transaction.atomic
def ip_asset_create(
    *, actor: Any, data: Mapping[str, Any], owners: Sequence[Organisation], projects: Sequence[Any] = (),
    synthetic: bool = False,
) -> IPAsset:
    policy.require(actor, policy.CREATE, IPAsset)
    asset = IPAsset(synthetic=synthetic)
    IP_EDITABLE.apply(asset, data)
    policy.require(actor, policy.CREATE, asset)
    asset.save()
    links = _ip_links(actor, asset, owners, projects)
    policy.require(actor, policy.CREATE, asset)
    record_change(actor=_user(actor), obj=asset, action=ChangeRecord.CREATE,
                  changes={**diff({}, snapshot(asset, IP_AUDITED)), **links})
    return asset


def ip_asset_update(
    *, actor: Any, asset: IPAsset, data: Mapping[str, Any], owners: Sequence[Organisation] | None = None,
    projects: Sequence[Any] | None = None, expected_version: int | None = None,
) -> IPAsset:
    with transaction.atomic():
        apply_changes(
            actor=actor, instance=asset, data=data, editable=IP_EDITABLE, audited=IP_AUDITED,
            expected_version=expected_version, also=lambda locked: _ip_links(actor, locked, owners, projects),
        )
        policy.require(actor, policy.CHANGE, asset)
    return asset


# --- events ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParticipantIn:
    person: Person
    organisation: Organisation | None = None
    title_zh: str = ""
    title_en: str = ""


def _check_event(event: Event) -> None:
    _bilingual_required(event, "title", _("an event needs a Chinese or an English title"))
    _key_free(event)


EVENT_FIELDS = ["key", "kind", "title_zh", "title_en", "starts_on", "place_zh", "place_en", "park",
                "description_zh", "description_en", "visibility"]
EVENT_AUDITED = ["key", "kind", "title_zh", "title_en", "starts_on", "place_zh", "place_en",
                 "park_id", "description_zh", "description_en", "visibility"]
EVENT_EDITABLE = Editable(
    fields=EVENT_FIELDS,
    convert={
        "key": optional_key,
        "kind": one_of(Event.Kind, gettext_lazy("event kind")),
        "visibility": one_of(Event.Visibility, gettext_lazy("visibility")),
        "starts_on": convert.partial_date("starts_on", "starts_precision"),
        "park": _record(Park, gettext_lazy("park")),
    },
    check=_check_event,
)


def _event_links(event: Event, organisers: Sequence[Organisation] | None,
                 participants: Sequence[ParticipantIn] | None) -> dict[str, list[Any]]:
    changes: dict[str, list[Any]] = {}
    if organisers is not None:
        before = sorted(event.organisers.values_list("pk", flat=True))
        after = sorted({o.pk for o in organisers})
        if before != after:
            event.organisers.set(organisers)
            changes["organisers"] = [before, after]
    if participants is not None:
        before = sorted(event.participants.values_list("person_id", flat=True))
        rows, seen = [], set()
        for item in participants:
            if item.person.pk in seen:
                continue
            seen.add(item.person.pk)
            title_zh, title_en = item.title_zh.strip(), item.title_en.strip()
            if not (title_zh or title_en):
                title_zh, title_en = _title_at(item.person, item.organisation)
            rows.append(EventParticipant(event=event, person=item.person, organisation=item.organisation,
                                         title_zh=title_zh, title_en=title_en))
        _replace_rows(event.participants, rows, ("person_id", "organisation_id", "title_zh", "title_en"))
        if before != sorted(seen):
            changes["participants"] = [before, sorted(seen)]
    return changes


@transaction.atomic
def event_create(
    *, actor: Any, data: Mapping[str, Any], organisers: Sequence[Organisation] = (),
    participants: Sequence[ParticipantIn] = (), synthetic: bool = False,
) -> Event:
    policy.require(actor, policy.CREATE, Event)
    event = Event(synthetic=synthetic)
    EVENT_EDITABLE.apply(event, data)
    policy.require(actor, policy.CREATE, event)
    event.save()
    links = _event_links(event, organisers, participants)
    record_change(actor=_user(actor), obj=event, action=ChangeRecord.CREATE,
                  changes={**diff({}, snapshot(event, EVENT_AUDITED)), **links})
    return event


def event_update(
    *, actor: Any, event: Event, data: Mapping[str, Any], organisers: Sequence[Organisation] | None = None,
    participants: Sequence[ParticipantIn] | None = None, expected_version: int | None = None,
) -> Event:
    with transaction.atomic():
        apply_changes(
            actor=actor, instance=event, data=data, editable=EVENT_EDITABLE, audited=EVENT_AUDITED,
            expected_version=expected_version, also=lambda locked: _event_links(locked, organisers, participants),
        )
    return event
