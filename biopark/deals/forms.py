"""The deals pages' forms: what they show (fields with their labels, choices, typed values and errors) and how a
submitted form becomes the service's arguments. Names of records are resolved here; every refusal names the
field (or the row's field) it belongs to, so the page shows it next to that field with the input kept."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.utils.translation import get_language, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _

from biopark.accounts import policy
from biopark.core.errors import DomainError
from biopark.core.formatting import format_date
from biopark.deals.models import (
    Agreement,
    AgreementParty,
    Confidentiality,
    Event,
    IPAsset,
    LicenceTerms,
    Milestone,
    Qualifier,
    Signatory,
)
from biopark.deals.services import ParticipantIn, SignatoryIn
from biopark.ecosystem.models import CURRENCIES, Organisation, Park
from biopark.ecosystem.selectors import resolve_record

MAX_ROWS = 40
BLANK_ROWS = 2


@dataclass
class Field:
    name: str
    label: Any
    widget: str = "text"  # text, textarea, select, checkbox
    choices: list[tuple[str, Any]] | None = None
    value: Any = ""
    error: str = ""
    hint: Any = ""


def _choices(pairs: Any, blank: Any = None) -> list[tuple[str, Any]]:
    out = [(str(code), label) for code, label in pairs]
    return [("", blank), *out] if blank is not None else out


def currency_choices() -> list[tuple[str, Any]]:
    return _choices(CURRENCIES, "—")


def fill(fields: list[Field], values: Mapping[str, Any], errors: Mapping[str, str]) -> list[Field]:
    for f in fields:
        if f.name in values:
            f.value = "" if values[f.name] is None else values[f.name]
        f.error = errors.get(f.name, "")
    return fields


def park_choices(user: Any) -> list[tuple[str, Any]]:
    parks = Park.objects.filter(policy.visible_filter(user, Park)).order_by("id")
    return [("", "—"), *((str(p.pk), p.display_name) for p in parks)]


def event_choices(user: Any) -> list[tuple[str, Any]]:
    events = Event.objects.filter(policy.visible_filter(user, Event)).order_by("-starts_on", "-id")[:300]
    language = get_language()
    # The date as people read it in the page's language, with the precision it was recorded at.
    return [("", "—"), *((str(e.pk), f"{e.title} {format_date(e.starts_on, language, precision=e.starts_precision or None)}"
                          .strip()) for e in events)]


def agreement_fields(user: Any) -> list[Field]:
    return [
        Field("title_zh", gettext_lazy("Title (Chinese)")),
        Field("title_en", gettext_lazy("Title (English)")),
        Field("kind", gettext_lazy("Type"), "select", _choices(Agreement.Kind.choices)),
        Field("status", gettext_lazy("Status"), "select", _choices(Agreement.Status.choices)),
        Field("subject_zh", gettext_lazy("Subject (Chinese)")),
        Field("subject_en", gettext_lazy("Subject (English)")),
        Field("signed_on", gettext_lazy("Signed on"), hint=gettext_lazy("YYYY, YYYY-MM or YYYY-MM-DD")),
        Field("value_qualifier", gettext_lazy("Amount qualifier"), "select", _choices(Qualifier.choices)),
        Field("value_amount", pgettext_lazy("money", "Amount"), hint=gettext_lazy("the full amount, e.g. 1,200,000,000")),
        Field("value_currency", gettext_lazy("Currency"), "select", currency_choices()),
        Field("confidentiality", gettext_lazy("Confidentiality"), "select", _choices(Confidentiality.choices)),
        Field("park", gettext_lazy("Park"), "select", park_choices(user),
              hint=gettext_lazy("left empty: the park of the first party that has one")),
        Field("event", gettext_lazy("Signed at event"), "select", event_choices(user)),
        Field("projects", gettext_lazy("Linked projects"), hint=gettext_lazy("ids or keys, separated by commas")),
        Field("ip_assets", gettext_lazy("Linked IP assets"), hint=gettext_lazy("ids or numbers, separated by commas")),
        Field("note", gettext_lazy("Note"), "textarea"),
    ]


def agreement_values(agreement: Agreement) -> dict[str, Any]:
    return {
        "title_zh": agreement.title_zh, "title_en": agreement.title_en, "kind": agreement.kind,
        "status": agreement.status, "subject_zh": agreement.subject_zh, "subject_en": agreement.subject_en,
        "signed_on": agreement.signed, "value_qualifier": agreement.value_qualifier,
        "value_amount": "" if agreement.value_amount is None else f"{agreement.value_amount.normalize():f}",
        "value_currency": agreement.value_currency, "confidentiality": agreement.confidentiality,
        "park": str(agreement.park_id or ""), "event": str(agreement.event_id or ""),
        "projects": ", ".join(str(p.pk) for p in agreement.projects.all()),
        "ip_assets": ", ".join(a.number for a in agreement.ip_assets.all()), "note": agreement.note,
    }


# --- rows (parties, signatories, participants, milestones, tiers) ------------------------------------------


@dataclass(frozen=True)
class RowSpec:
    prefix: str
    columns: list[Field]


PARTY_ROWS = RowSpec("party", [
    Field("organisation", gettext_lazy("Organisation"), hint=gettext_lazy("id, key or name")),
    Field("role", gettext_lazy("Role"), "select", _choices(AgreementParty.Role.choices)),
])
SIGNATORY_ROWS = RowSpec("signatory", [
    Field("person", gettext_lazy("Person"), hint=gettext_lazy("id, key or name")),
    Field("role", gettext_lazy("Role"), "select", _choices(Signatory.Role.choices)),
    Field("organisation", gettext_lazy("On behalf of")),
    Field("title_zh", gettext_lazy("Title then (Chinese)")),
    Field("title_en", gettext_lazy("Title then (English)")),
])
PARTICIPANT_ROWS = RowSpec("participant", [
    Field("person", gettext_lazy("Person"), hint=gettext_lazy("id, key or name")),
    Field("organisation", gettext_lazy("Organisation")),
    Field("title_zh", gettext_lazy("Title then (Chinese)")),
    Field("title_en", gettext_lazy("Title then (English)")),
])
ORGANISER_ROWS = RowSpec("organiser", [Field("organisation", gettext_lazy("Organisation"))])
OWNER_ROWS = RowSpec("owner", [Field("organisation", gettext_lazy("Organisation"))])
MILESTONE_ROWS = RowSpec("milestone", [
    Field("kind", gettext_lazy("Kind"), "select", _choices(Milestone.Kind.choices, "—")),
    Field("description_zh", gettext_lazy("Description (Chinese)")),
    Field("description_en", gettext_lazy("Description (English)")),
    Field("qualifier", gettext_lazy("Amount qualifier"), "select", _choices(Qualifier.choices)),
    Field("amount", pgettext_lazy("money", "Amount")),
    Field("reached", gettext_lazy("Reached"), "checkbox"),
])
TIER_ROWS = RowSpec("tier", [
    Field("sales_from", gettext_lazy("Annual net sales from")),
    Field("sales_to", gettext_lazy("up to (empty: and above)")),
    Field("rate", gettext_lazy("Rate (%)")),
])
ROW_SPECS = {spec.prefix: spec for spec in (PARTY_ROWS, SIGNATORY_ROWS, PARTICIPANT_ROWS, ORGANISER_ROWS,
                                            OWNER_ROWS, MILESTONE_ROWS, TIER_ROWS)}


def row_fields(spec: RowSpec, index: int, values: Mapping[str, Any], errors: Mapping[str, str]) -> list[Field]:
    out = []
    for col in spec.columns:
        name = f"{spec.prefix}-{index}-{col.name}"
        out.append(Field(name, col.label, col.widget, col.choices, values.get(name, ""), errors.get(name, ""),
                         col.hint))
    return out


def rows(spec: RowSpec, values: Mapping[str, Any], errors: Mapping[str, str]) -> list[list[Field]]:
    """The rows to show: every row that has a value, then blank ones to add to."""
    used = [i for i in range(MAX_ROWS) if any(values.get(f"{spec.prefix}-{i}-{c.name}") for c in spec.columns)]
    count = min(MAX_ROWS, (max(used) + 1 if used else 0) + BLANK_ROWS)
    return [row_fields(spec, i, values, errors) for i in range(count)]


def posted_rows(spec: RowSpec, post: Mapping[str, Any]) -> list[tuple[int, dict[str, str]]]:
    """The submitted rows that are not blank, with their index (to name a bad field)."""
    out = []
    for i in range(MAX_ROWS):
        row = {c.name: str(post.get(f"{spec.prefix}-{i}-{c.name}", "") or "").strip() for c in spec.columns}
        filled = {k: v for k, v in row.items() if v and not (k == "role" or k == "qualifier" or k == "kind")}
        if filled:
            out.append((i, row))
    return out


def values_from_rows(spec: RowSpec, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {f"{spec.prefix}-{i}-{k}": v for i, item in enumerate(items) for k, v in item.items()}


class Errors(dict):
    """Field errors collected while a form is read: every bad field is reported at once."""

    def attempt(self, name: str, read: Callable[..., Any], *args: Any) -> Any:
        try:
            return read(*args)
        except DomainError as exc:
            self[name] = exc.message
            return None


def _named(type_name: str, text: str) -> Any:
    return resolve_record(type_name, text) if text else None


def read_parties(post: Mapping[str, Any], errors: Errors) -> list[tuple[Organisation, str]]:
    out = []
    for i, row in posted_rows(PARTY_ROWS, post):
        org = errors.attempt(f"party-{i}-organisation", _named, "organisation", row["organisation"])
        if org is not None:
            out.append((org, row["role"] or AgreementParty.Role.PARTNER))
    return out


def read_signatories(post: Mapping[str, Any], errors: Errors) -> list[SignatoryIn]:
    out = []
    for i, row in posted_rows(SIGNATORY_ROWS, post):
        person = errors.attempt(f"signatory-{i}-person", _named, "person", row["person"])
        org = errors.attempt(f"signatory-{i}-organisation", _named, "organisation", row["organisation"])
        if person is None:
            if f"signatory-{i}-person" not in errors:
                errors[f"signatory-{i}-person"] = _("name the person")
            continue
        out.append(SignatoryIn(person=person, role=row["role"] or Signatory.Role.SIGNATORY, organisation=org,
                               title_zh=row["title_zh"], title_en=row["title_en"]))
    return out


def read_participants(post: Mapping[str, Any], errors: Errors) -> list[ParticipantIn]:
    out = []
    for i, row in posted_rows(PARTICIPANT_ROWS, post):
        person = errors.attempt(f"participant-{i}-person", _named, "person", row["person"])
        org = errors.attempt(f"participant-{i}-organisation",
                             _named, "organisation", row["organisation"])
        if person is None:
            if f"participant-{i}-person" not in errors:
                errors[f"participant-{i}-person"] = _("name the person")
            continue
        out.append(ParticipantIn(person=person, organisation=org, title_zh=row["title_zh"], title_en=row["title_en"]))
    return out


def read_organisations(spec: RowSpec, post: Mapping[str, Any], errors: Errors) -> list[Organisation]:
    out = []
    for i, row in posted_rows(spec, post):
        org = errors.attempt(f"{spec.prefix}-{i}-organisation",
                             _named, "organisation", row["organisation"])
        if org is not None:
            out.append(org)
    return out


def _split(text: str) -> list[str]:
    return [p.strip() for p in text.replace("，", ",").replace(";", ",").split(",") if p.strip()]


def read_projects(text: str, errors: Errors, field: str = "projects") -> list[Any]:
    project_model = apps.get_model("pipeline", "Project")
    out = []
    for part in _split(text):
        found = project_model.objects.filter(pk=int(part)).first() if part.isdigit() else (
            project_model.objects.filter(key=part).first())
        if found is None:
            errors[field] = _("no project %(value)s") % {"value": repr(part)}
            return []
        out.append(found)
    return out


def read_ip_assets(text: str, errors: Errors) -> list[IPAsset]:
    out = []
    for part in _split(text):
        found = IPAsset.objects.filter(number=part).first() or (
            IPAsset.objects.filter(pk=int(part)).first() if part.isdigit() and len(part) < 12 else None)
        if found is None:
            errors["ip_assets"] = _("no IP asset %(value)s") % {"value": repr(part)}
            return []
        out.append(found)
    return out


def read_milestones(post: Mapping[str, Any], errors: Errors) -> list[dict[str, Any]]:
    out = []
    for i, row in posted_rows(MILESTONE_ROWS, post):
        if not row["kind"]:
            errors[f"milestone-{i}-kind"] = _("choose the milestone's kind")
        out.append({**row, "reached": bool(row["reached"]), "_row": i})
    return out


def read_tiers(post: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [{**row, "_row": i} for i, row in posted_rows(TIER_ROWS, post)]


def row_error(exc: DomainError, items: list[dict[str, Any]], prefix: str, service_prefix: str) -> dict[str, str]:
    """A service error naming "milestones.2.amount" (the 3rd row given) as the form field of that row."""
    out = {}
    for name, message in exc.fields.items():
        parts = name.split(".")
        if len(parts) == 3 and parts[0] == service_prefix and parts[1].isdigit() and int(parts[1]) < len(items):
            out[f"{prefix}-{items[int(parts[1])]['_row']}-{parts[2]}"] = message
        else:
            out[name] = message
    return out


def ip_fields(user: Any) -> list[Field]:
    return [
        Field("kind", gettext_lazy("Kind"), "select", _choices(IPAsset.Kind.choices)),
        Field("number", gettext_lazy("Number")),
        Field("title_zh", gettext_lazy("Title (Chinese)")),
        Field("title_en", gettext_lazy("Title (English)")),
        Field("jurisdiction", gettext_lazy("Jurisdiction"), "select", _choices(IPAsset.Jurisdiction.choices)),
        Field("status", gettext_lazy("Status"), "select", _choices(IPAsset.Status.choices)),
        Field("filed_on", gettext_lazy("Filing date"), hint=gettext_lazy("YYYY-MM-DD")),
        Field("granted_on", gettext_lazy("Grant date"), hint=gettext_lazy("YYYY-MM-DD")),
        Field("confidentiality", gettext_lazy("Confidentiality"), "select", _choices(Confidentiality.choices)),
        Field("park", gettext_lazy("Park"), "select", park_choices(user)),
        Field("projects", gettext_lazy("Linked projects"), hint=gettext_lazy("ids or keys, separated by commas")),
    ]


def ip_values(asset: IPAsset) -> dict[str, Any]:
    return {
        "kind": asset.kind, "number": asset.number, "title_zh": asset.title_zh, "title_en": asset.title_en,
        "jurisdiction": asset.jurisdiction, "status": asset.status,
        "filed_on": asset.filed_on.isoformat() if asset.filed_on else "",
        "granted_on": asset.granted_on.isoformat() if asset.granted_on else "",
        "confidentiality": asset.confidentiality, "park": str(asset.park_id or ""),
        "projects": ", ".join(str(p.pk) for p in asset.projects.all()),
        **values_from_rows(OWNER_ROWS, [{"organisation": o.key or str(o.pk)} for o in asset.owners.all()]),
    }


def event_fields(user: Any) -> list[Field]:
    return [
        Field("kind", gettext_lazy("Kind"), "select", _choices(Event.Kind.choices)),
        Field("title_zh", gettext_lazy("Title (Chinese)")),
        Field("title_en", gettext_lazy("Title (English)")),
        Field("starts_on", gettext_lazy("Date"), hint=gettext_lazy("YYYY, YYYY-MM or YYYY-MM-DD")),
        Field("place_zh", gettext_lazy("Place (Chinese)")),
        Field("place_en", gettext_lazy("Place (English)")),
        Field("park", gettext_lazy("Park"), "select", park_choices(user)),
        Field("visibility", gettext_lazy("Visibility"), "select", _choices(Event.Visibility.choices),
              hint=gettext_lazy("public: visitors and viewers see it; an event where a public agreement was signed "
                                "is public in any case")),
        Field("description_zh", gettext_lazy("Description (Chinese)"), "textarea"),
        Field("description_en", gettext_lazy("Description (English)"), "textarea"),
    ]


def event_values(event: Event) -> dict[str, Any]:
    return {
        "kind": event.kind, "title_zh": event.title_zh, "title_en": event.title_en, "starts_on": event.date,
        "place_zh": event.place_zh, "place_en": event.place_en, "park": str(event.park_id or ""),
        "description_zh": event.description_zh, "description_en": event.description_en,
        "visibility": event.visibility,
        **values_from_rows(ORGANISER_ROWS, [{"organisation": o.key or str(o.pk)} for o in event.organisers.all()]),
        **values_from_rows(PARTICIPANT_ROWS, [
            {"person": p.person.key or str(p.person_id), "organisation": (p.organisation.key or str(p.organisation_id))
             if p.organisation_id and p.organisation else "", "title_zh": p.title_zh, "title_en": p.title_en}
            for p in event.participants.select_related("person", "organisation")
        ]),
    }


def terms_fields() -> list[Field]:
    return [
        Field("currency", gettext_lazy("Currency"), "select", currency_choices()),
        Field("upfront_amount", gettext_lazy("Upfront payment")),
        Field("exclusivity", gettext_lazy("Exclusivity"), "select", _choices(LicenceTerms.Exclusivity.choices, "—")),
        Field("territory_zh", gettext_lazy("Territory (Chinese)")),
        Field("territory_en", gettext_lazy("Territory (English)")),
        Field("field_zh", gettext_lazy("Field of use (Chinese)")),
        Field("field_en", gettext_lazy("Field of use (English)")),
    ]


def terms_values(terms: LicenceTerms | None) -> dict[str, Any]:
    if terms is None:
        return {}
    def plain(value: Any) -> str:
        return "" if value is None else f"{value.normalize():f}"
    return {
        "currency": terms.currency, "upfront_amount": plain(terms.upfront_amount), "exclusivity": terms.exclusivity,
        "territory_zh": terms.territory_zh, "territory_en": terms.territory_en, "field_zh": terms.field_zh,
        "field_en": terms.field_en,
        **values_from_rows(MILESTONE_ROWS, [
            {"kind": m.kind, "description_zh": m.description_zh, "description_en": m.description_en,
             "qualifier": m.qualifier, "amount": plain(m.amount), "reached": "1" if m.reached else ""}
            for m in terms.milestones.all()
        ]),
        **values_from_rows(TIER_ROWS, [
            {"sales_from": plain(t.sales_from), "sales_to": plain(t.sales_to), "rate": plain(t.rate)}
            for t in terms.royalty_tiers.all()
        ]),
    }


