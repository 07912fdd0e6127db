"""Writes to the registry. Each function is atomic, checks the policy, and records who changed what."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from biopark.accounts import policy
from biopark.core.audit import diff, record_change, snapshot
from biopark.core.dates import PartialDate
from biopark.core.errors import Conflict, ValidationFailed
from biopark.core.models import ChangeRecord, Citation, Source
from biopark.core.text import NameInfo, han_bigrams, match_key, search_blob
from biopark.core.writes import Attributes, Convert, Editable, apply_changes, model_errors, optional_key, text
from biopark.ecosystem.fields import (
    EDITABLE,
    FOREIGN,
    MODEL_TYPE,
    PARTIAL_DATES,
    TYPE_LABELS,
    TYPE_NAMES,
    field_label,
)
from biopark.ecosystem.models import (
    STAGE_CODES,
    Figure,
    Organisation,
    Park,
    Person,
    Platform,
    Position,
    Relation,
)

M = TypeVar("M", bound=models.Model)


def _clean_aliases(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        # Spreadsheets give aliases as one cell: "a; b; c" (or with Chinese semicolons).
        value = value.replace("；", ";").split(";")
    if not isinstance(value, Iterable):
        raise ValidationFailed(_("Aliases must be a list of names."), field="aliases")
    return [str(v).strip() for v in value if str(v).strip()]


def _clean_stages(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = [v.strip() for v in value.replace("；", ";").replace(",", ";").split(";") if v.strip()]
    unknown = [v for v in value if v not in STAGE_CODES]
    if unknown:
        raise ValidationFailed(
            _("Unknown stage %(stage)s; known stages: %(known)s.") % {"stage": unknown[0], "known": ", ".join(STAGE_CODES)},
            field="stages",
        )
    return list(dict.fromkeys(value))


def _resolve_fk(name: str, value: Any) -> Any:
    if value in (None, ""):
        return None
    target = FOREIGN[name]
    if isinstance(value, target):
        return value
    if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
        found = target._default_manager.filter(pk=int(value)).first()
    else:
        text = str(value).strip()
        found = (
            target._default_manager.filter(key=text).first()
            or target._default_manager.filter(models.Q(name_zh=text) | models.Q(name_en=text)).first()
        )
    if found is None:
        raise ValidationFailed(
            _("%(field)s: there is no %(type)s %(value)s.")
            % {"field": field_label(name), "type": TYPE_LABELS[MODEL_TYPE[target]], "value": value},
            field=name,
        )
    return found


def _partial_date(value: Any, name: str) -> Attributes:
    date_field, precision_field = PARTIAL_DATES[name]
    try:
        parsed = PartialDate.parse(value)
    except ValueError as exc:
        raise ValidationFailed(str(exc), field=name) from exc
    return Attributes({date_field: parsed.value if parsed else None, precision_field: parsed.precision if parsed else ""})


def _credit_code(value: Any, name: str) -> str | None:
    return (str(value).strip().upper() or None) if value is not None else None


# How each registry field's submitted value is read (plain text otherwise); foreign keys come back as the
# records they name (under the field's name, not its `_id`).
_CONVERT: dict[str, Convert] = {
    "aliases": lambda value, name: _clean_aliases(value),
    "stages": lambda value, name: _clean_stages(value),
    **dict.fromkeys(FOREIGN, lambda value, name: _resolve_fk(name, value)),
    **dict.fromkeys(PARTIAL_DATES, _partial_date),
    "key": optional_key,
    "credit_code": _credit_code,
    "public_directory": lambda value, name: _to_bool(value, name),
}


def converted_fields(model: type[models.Model], data: Mapping[str, Any]) -> dict[str, Any]:
    """The attributes `data` sets on a `model` record, each converted and checked (the importer's bulk path
    reads rows with it too)."""
    return REGISTRY_EDITABLE[model].converted(data)


def text_value(value: Any) -> str:
    """A text field's value as forms, the API and imports give it: stripped, None as empty."""
    return text(value, "")


def apply_fields(instance: models.Model, data: Mapping[str, Any]) -> None:
    """Set the editable fields present in `data` on `instance`, converting and checking each."""
    REGISTRY_EDITABLE[type(instance)].set(instance, data)


def _to_bool(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "y", "是"}:
        return True
    if text in {"0", "false", "no", "n", "否", ""}:
        return False
    raise ValidationFailed(
        _("%(field)s must be yes or no, not %(value)s.") % {"field": field_label(name), "value": value}, field=name
    )


def derived_fields(
    model: type[models.Model], name_zh: str, name_en: str, aliases: list[str], info: NameInfo | None = None
) -> dict[str, str]:
    """The stored search text (and, for organisations, the duplicate key) that follow from the names;
    `info` is name_info() of the same names when the caller has it already."""
    if info is None:
        search_text = search_blob(name_zh, name_en, aliases=aliases)
        out = {"search_text": search_text, "search_grams": han_bigrams(search_text)}
        if issubclass(model, Organisation):
            out["match_key"] = match_key(name_zh or name_en)
        return out
    out = {"search_text": info.search_text, "search_grams": info.search_grams}
    if issubclass(model, Organisation):
        out["match_key"] = info.main_key
    return out


def refresh_derived(instance: models.Model) -> None:
    """Recompute the stored search text and duplicate key from the names."""
    derived = derived_fields(
        type(instance),
        getattr(instance, "name_zh", ""),
        getattr(instance, "name_en", ""),
        getattr(instance, "aliases", []),
    )
    for name, value in derived.items():
        setattr(instance, name, value)


def validate(instance: models.Model) -> None:
    """Model validation turned into a ValidationFailed that names every bad field."""
    if not (getattr(instance, "name_zh", "") or getattr(instance, "name_en", "")):
        raise ValidationFailed(_("A Chinese or an English name is required."), field="name_zh")
    if isinstance(instance, Park) and instance.pk and instance.parent_id:
        _check_no_park_cycle(instance)
    model_errors(instance, exclude=["search_text", "search_grams", "match_key"], label=field_label, validate_unique=True)


def _derive_and_validate(instance: models.Model) -> None:
    refresh_derived(instance)
    validate(instance)


REGISTRY_EDITABLE: dict[Any, Editable] = {
    model: Editable(fields=fields, convert=_CONVERT, check=_derive_and_validate) for model, fields in EDITABLE.items()
}


def _check_no_park_cycle(park: Park) -> None:
    parents: dict[int, int | None] = dict(Park.objects.values_list("id", "parent_id"))
    parents[park.pk] = park.parent_id
    seen: set[int] = set()
    current: int | None = park.pk
    while current is not None:
        if current in seen:
            raise ValidationFailed(_("A park cannot be nested inside itself."), field="parent")
        seen.add(current)
        current = parents.get(current)


def _audited_fields(model: type) -> list[str]:
    out: list[str] = []
    for name in EDITABLE[model]:
        if name in PARTIAL_DATES:
            out.extend(PARTIAL_DATES[name])
        elif name in FOREIGN:
            out.append(f"{name}_id")
        else:
            out.append(name)
    return out


@transaction.atomic
def record_create(*, actor: Any, model: type[M], data: Mapping[str, Any], note: str = "") -> M:
    """Create a park, organisation, person or platform from user data."""
    instance = model()
    REGISTRY_EDITABLE[model].apply(instance, data)
    policy.require(actor, policy.CREATE, instance)
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        raise Conflict(
            _("A %(type)s with these values exists already.") % {"type": TYPE_LABELS[MODEL_TYPE[model]]}
        ) from exc
    after = snapshot(instance, _audited_fields(model))
    record_change(
        actor=_user(actor), obj=instance, action=ChangeRecord.CREATE, changes=diff({}, after), note=note
    )
    return instance


def record_update(
    *, actor: Any, instance: M, data: Mapping[str, Any], note: str = "", expected_version: int | None = None
) -> M:
    """Change the fields of a registry record that `data` names (and only those); records old and new values.
    No change, no history row. `expected_version` (a form's or an If-Match header's) refuses a stale edit."""

    apply_changes(
        actor=actor,
        instance=instance,
        data=data,
        editable=REGISTRY_EDITABLE[type(instance)],
        audited=_audited_fields(type(instance)),
        expected_version=expected_version,
        note=note,
    )
    return instance


_user = policy.user_of


# Named entry points, as the rest of the code base calls them.
def park_create(*, actor: Any, data: Mapping[str, Any]) -> Park:
    return record_create(actor=actor, model=Park, data=data)


def park_update(
    *, actor: Any, park: Park, data: Mapping[str, Any], expected_version: int | None = None
) -> Park:
    return record_update(actor=actor, instance=park, data=data, expected_version=expected_version)


def organisation_create(*, actor: Any, data: Mapping[str, Any]) -> Organisation:
    return record_create(actor=actor, model=Organisation, data=data)


def organisation_update(
    *, actor: Any, organisation: Organisation, data: Mapping[str, Any], expected_version: int | None = None
) -> Organisation:
    return record_update(actor=actor, instance=organisation, data=data, expected_version=expected_version)


def person_create(*, actor: Any, data: Mapping[str, Any]) -> Person:
    return record_create(actor=actor, model=Person, data=data)


def person_update(
    *, actor: Any, person: Person, data: Mapping[str, Any], expected_version: int | None = None
) -> Person:
    return record_update(actor=actor, instance=person, data=data, expected_version=expected_version)


def platform_create(*, actor: Any, data: Mapping[str, Any]) -> Platform:
    return record_create(actor=actor, model=Platform, data=data)


def platform_update(
    *, actor: Any, platform: Platform, data: Mapping[str, Any], expected_version: int | None = None
) -> Platform:
    return record_update(actor=actor, instance=platform, data=data, expected_version=expected_version)


@transaction.atomic
def position_add(
    *,
    actor: Any,
    person: Person,
    organisation: Organisation | None,
    title_zh: str = "",
    title_en: str = "",
    start: str | None = None,
    end: str | None = None,
    is_current: bool = True,
) -> Position:
    policy.require(actor, policy.CHANGE, person)
    if organisation is not None:
        # The organisation at the other end must be one the actor may name (its park's, or one of no park).
        policy.require(actor, policy.LINK, organisation)
    if not (title_zh or title_en):
        raise ValidationFailed(_("A position needs a title in Chinese or English."), field="title_zh")
    try:
        start_date, end_date = PartialDate.parse(start), PartialDate.parse(end)
    except ValueError as exc:
        raise ValidationFailed(str(exc), field="start") from exc
    if start_date and end_date and end_date.value < start_date.value:
        raise ValidationFailed(_("A position cannot end before it starts."), field="end")
    position = Position.objects.create(
        person=person,
        organisation=organisation,
        title_zh=title_zh,
        title_en=title_en,
        start_on=start_date.value if start_date else None,
        start_precision=start_date.precision if start_date else "",
        end_on=end_date.value if end_date else None,
        end_precision=end_date.precision if end_date else "",
        is_current=is_current and end_date is None,
    )
    record_change(
        actor=_user(actor),
        obj=person,
        action=ChangeRecord.UPDATE,
        changes={"positions": [None, f"+ {title_en or title_zh} @ {organisation or '—'}"]},
    )
    return position


@transaction.atomic
def relation_create(
    *,
    actor: Any,
    subject: models.Model,
    predicate: str,
    obj: models.Model,
    note: str = "",
) -> Relation:
    if predicate not in Relation.Predicate.values:
        # The known relations by their labels, in the reader's language (the codes mean nothing on a page).
        known = _(", ").join(str(label) for label in Relation.Predicate.labels)
        raise ValidationFailed(
            _("unknown relation “%(value)s”; known relations: %(known)s") % {"value": predicate, "known": known},
            field="predicate",
        )
    relation = Relation(
        subject_type=MODEL_TYPE[type(subject)],
        subject_id=subject.pk,
        predicate=predicate,
        object_type=MODEL_TYPE[type(obj)],
        object_id=obj.pk,
        note=note,
    )
    if relation.subject_type == relation.object_type and relation.subject_id == relation.object_id:
        raise ValidationFailed(_("A record cannot be related to itself."), field="object")
    policy.require(actor, policy.CREATE, relation)
    existing = Relation.objects.filter(
        subject_type=relation.subject_type,
        subject_id=relation.subject_id,
        predicate=predicate,
        object_type=relation.object_type,
        object_id=relation.object_id,
    ).first()
    if existing:
        return existing
    relation.save()
    record_change(
        actor=_user(actor),
        obj=subject,
        action=ChangeRecord.UPDATE,
        changes={"relations": [None, f"{predicate} {relation.object_type}:{obj.pk} ({obj})"]},
    )
    return relation


@transaction.atomic
def relation_delete(*, actor: Any, relation: Relation) -> None:
    policy.require(actor, policy.DELETE, relation)
    subject = TYPE_NAMES[relation.subject_type]._default_manager.filter(pk=relation.subject_id).first()
    label = f"{relation.predicate} {relation.object_type}:{relation.object_id}"
    relation.delete()
    if subject is not None:
        record_change(
            actor=_user(actor), obj=subject, action=ChangeRecord.UPDATE, changes={"relations": [label, None]}
        )


def citation_add(
    *,
    actor: Any,
    record: models.Model,
    source: Source,
    span: tuple[int, int] | None = None,
    field: str = "",
) -> Citation:
    from django.contrib.contenttypes.models import ContentType

    citation, _created = Citation.objects.get_or_create(
        source=source,
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        field=field,
        span_start=span[0] if span else None,
        span_end=span[1] if span else None,
        defaults={"accepted_by": _user(actor) if getattr(_user(actor), "is_authenticated", False) else None},
    )
    return citation


@transaction.atomic
def figure_create(
    *,
    actor: Any,
    subject: models.Model,
    kind: str,
    amount: Any,
    currency: str = "",
    unit: str = "",
    qualifier: str = "",
    label_zh: str = "",
    label_en: str = "",
    as_of: str | None = None,
) -> Figure:
    """Record a number a source states about a park, organisation, person or platform (an investment, a
    count); needs the right to create figures and to change the subject. History goes on the subject."""
    policy.require(actor, policy.CREATE, Figure)
    policy.require(actor, policy.CHANGE, subject)
    if kind not in Figure.Kind.values:
        raise ValidationFailed(_("choose the kind of figure from the list"), field="kind")
    try:
        value = Decimal(str(amount).strip().replace(",", ""))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationFailed(_("the amount must be a number"), field="amount") from exc
    if not value.is_finite() or abs(value) >= Decimal(10) ** 20:
        raise ValidationFailed(_("the amount must be a number"), field="amount")
    if qualifier and qualifier not in ("more_than", "at_least", "nearly", "about", "up_to"):
        raise ValidationFailed(_("choose the qualifier from the list"), field="qualifier")
    if currency and currency not in dict(Figure._meta.get_field("currency").choices or []):
        raise ValidationFailed(_("choose the currency from the list"), field="currency")
    try:
        date = PartialDate.parse(as_of)
    except ValueError as exc:
        raise ValidationFailed(str(exc), field="as_of") from exc
    figure = Figure.objects.create(
        subject_type=MODEL_TYPE[type(subject)], subject_id=subject.pk, kind=kind, amount=value,
        currency=currency, unit=unit[:50], qualifier=qualifier, label_zh=label_zh[:300], label_en=label_en[:300],
        as_of=date.value if date else None, as_of_precision=date.precision if date else "",
    )
    record_change(actor=_user(actor), obj=subject, action=ChangeRecord.UPDATE,
                  changes={"figures": [None, f"+ {figure}"]})
    return figure
