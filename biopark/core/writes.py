"""The one way a record that people edit is changed.

`Editable` says what people may set on a model and how each value they type becomes the stored value;
`apply_changes` applies such changes to an existing record through `record_write`, which re-reads the row
under a lock, refuses a stale version, asks the policy about the record as it is and as it would be, writes
only the columns that changed (never a whole-row save of values read earlier), bumps the version and writes
the history row with old and new values. Services of every app call it, so a
lost update or a write that escapes its scope is impossible by construction, not by each caller's care.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any, TypeVar

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from biopark.core import policy
from biopark.core.audit import diff, record_change, snapshot
from biopark.core.errors import Conflict, NotFound, PreconditionFailed, ValidationFailed
from biopark.core.models import ChangeRecord

M = TypeVar("M", bound=models.Model)


def version_of(obj: models.Model) -> int | None:
    return getattr(obj, "version", None)


def etag_of(obj: models.Model) -> str:
    """The HTTP entity tag of a record's current version."""
    return f'"{obj._meta.label_lower}.{obj.pk}.v{version_of(obj)}"'


def version_from_etag(header: str | None, obj: models.Model) -> int | None:
    """The version an If-Match header names for `obj` (None when the header is absent or '*'); a header
    naming another record, or no version at all, is stale by definition (-1)."""
    if header is None or header.strip() in ("", "*"):
        return None
    for tag in header.split(","):
        tag = tag.strip().removeprefix("W/").strip('"')
        prefix = f"{obj._meta.label_lower}.{obj.pk}.v"
        if tag.startswith(prefix) and tag[len(prefix):].isdigit():
            return int(tag[len(prefix):])
    return -1


def _changed_columns(model: type[models.Model], before: models.Model, after: models.Model) -> list[str]:
    return [
        f.name
        for f in model._meta.concrete_fields
        if not f.primary_key and f.value_from_object(before) != f.value_from_object(after)
    ]


@transaction.atomic
def record_write(
    *,
    actor: Any,
    instance: M,
    apply: Callable[[M], dict[str, list[Any]] | None],
    audited: Sequence[str],
    expected_version: int | None = None,
    note: str = "",
) -> dict[str, list[Any]]:
    """Change `instance` with `apply` (which sets attributes and validates, raising a DomainError to refuse;
    it may return changes of its own, e.g. to many-to-many links, which it writes itself: the transaction
    undoes them if the policy then refuses). Returns the changes recorded ({} when nothing changed).
    `instance` is updated in place."""
    model = type(instance)
    locked = model._default_manager.select_for_update().filter(pk=instance.pk).first()
    if locked is None:
        raise NotFound(_("this record no longer exists"))
    current = version_of(locked)
    if expected_version is not None and current is not None and expected_version != current:
        raise PreconditionFailed(
            _("someone else changed this record since you opened it; review their values and save again"),
            current_version=current,
            current=snapshot(locked, audited),
            etag=etag_of(locked),
        )
    policy.require(actor, policy.CHANGE, locked)
    before = copy.copy(locked)
    before_values = snapshot(locked, audited)
    extra = apply(locked) or {}
    policy.require_write(actor, before=before, after=locked)
    changes = {**diff(before_values, snapshot(locked, audited)), **extra}
    if changes:
        columns = _changed_columns(model, before, locked)
        if current is not None:
            locked.version = current + 1  # type: ignore[attr-defined]
            columns.append("version")
        columns += [
            f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False) and f.name not in columns
        ]
        try:
            with transaction.atomic():
                locked.save(update_fields=columns)
        except IntegrityError as exc:
            raise Conflict(_("these values clash with another record")) from exc
        record_change(
            actor=policy.user_of(actor), obj=locked, action=ChangeRecord.UPDATE, changes=changes, note=note
        )
    for field in model._meta.concrete_fields:
        setattr(instance, field.attname, getattr(locked, field.attname))
    return changes


# --- what people may change, and how their values are read --------------------------------------------------

# Reads one submitted value of the named field as the value to store; raises ValidationFailed naming the field.
Convert = Callable[[Any, str], Any]


class Attributes(dict):
    """A converter's answer that sets several attributes at once (a partial date: its date and precision)."""


def text(value: Any, name: str) -> str:
    """A text field as forms, the API and imports give it: stripped, None as empty."""
    return "" if value is None else str(value).strip()


def optional_key(value: Any, name: str) -> str | None:
    """A unique key that may be absent: blank is None (two records without a key do not clash)."""
    return (str(value).strip() or None) if value is not None else None


def clean_names(value: Any, name: str) -> list[str]:
    """A list of names (aliases): each stripped, the blank ones left out."""
    return [str(v).strip() for v in (value or []) if str(v).strip()]


def one_of(choices: type[models.Choices] | Sequence[str], what: Any) -> Convert:
    """A value from a fixed list (a model's choices, or plain codes that are their own labels); the error names
    what is expected and lists the choices by their labels in the reader's language, not by their codes."""
    if isinstance(choices, type) and issubclass(choices, models.Choices):
        # Labels stay lazy: they are read in the language of the request that fails, not the one at import.
        values, labels = list(choices.values), list(choices.labels)
    else:
        values = labels = list(choices)

    def convert(value: Any, name: str) -> Any:
        if value not in values:
            raise ValidationFailed(
                _("unknown %(what)s %(value)s; known: %(known)s")
                % {"what": what, "value": repr(value), "known": ", ".join(str(label) for label in labels)},
                field=name,
            )
        return value

    return convert


@dataclass(frozen=True)
class Editable:
    """The fields of a model that people may set, how each submitted value is read (`convert`, by field name;
    plain text otherwise) and the check of the whole record once they are set (`check`: rules across fields,
    derived values such as the search text; raises ValidationFailed)."""

    fields: Sequence[str]
    convert: Mapping[str, Convert] = dataclass_field(default_factory=dict)
    check: Callable[[Any], None] | None = None

    def converted(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """The attributes `data` sets, each read and checked; a field not in `fields` is refused."""
        unknown = [k for k in data if k not in self.fields]
        if unknown:
            raise ValidationFailed(_("unknown field %(name)s") % {"name": repr(unknown[0])}, field=unknown[0])
        out: dict[str, Any] = {}
        for name, value in data.items():
            found = self.convert.get(name, text)(value, name)
            if isinstance(found, Attributes):
                out.update(found)
            else:
                out[name] = found
        return out

    def set(self, instance: models.Model, data: Mapping[str, Any]) -> None:
        """Set what `data` names on `instance`, each value read and checked (not yet the whole record)."""
        for name, value in self.converted(data).items():
            setattr(instance, name, value)

    def apply(self, instance: models.Model, data: Mapping[str, Any]) -> None:
        """Set what `data` names on `instance` (a new record or a locked one), then check the record."""
        self.set(instance, data)
        if self.check is not None:
            self.check(instance)


def model_errors(
    instance: models.Model, *, exclude: Sequence[str] = (), label: Callable[[str], str] | None = None, **options: Any
) -> None:
    """Django's model validation (`full_clean`) as a ValidationFailed that names every bad field (by `label`, or
    by the field's verbose name)."""
    try:
        instance.full_clean(exclude=list(exclude), **options)
    except ValidationError as exc:
        fields = {k: "; ".join(str(m) for m in v) for k, v in exc.message_dict.items()}
        first = next(iter(fields.items()))
        name = label(first[0]) if label is not None else field_label(type(instance), first[0])
        raise ValidationFailed(_("%(field)s: %(message)s") % {"field": name, "message": first[1]}, fields=fields) from exc


def field_label(model: type[models.Model], name: str) -> str:
    """A field's name for people (its translated verbose name); the name itself when the model has no such
    field (NON_FIELD_ERRORS, a derived value)."""
    try:
        return str(getattr(model._meta.get_field(name), "verbose_name", name))
    except FieldDoesNotExist:
        return name


def apply_changes(
    *,
    actor: Any,
    instance: M,
    data: Mapping[str, Any],
    editable: Editable,
    audited: Sequence[str],
    expected_version: int | None = None,
    note: str = "",
    also: Callable[[M], dict[str, list[Any]] | None] | None = None,
) -> dict[str, list[Any]]:
    """Change the fields of an existing record that `data` names, and only those: read and check each value
    (`editable`), check the record, then `record_write` (row lock, stale-version refusal, policy on the record
    as it is and as it would be, `save(update_fields=...)` of the changed columns, history row with old and new
    values). `also` makes further changes of its own on the locked record (many-to-many links, say) and returns
    them for the history. Returns the changes recorded ({} when nothing changed)."""

    def apply(locked: M) -> dict[str, list[Any]] | None:
        editable.apply(locked, data)
        return also(locked) if also is not None else None

    return record_write(
        actor=actor, instance=instance, apply=apply, audited=audited, expected_version=expected_version, note=note
    )
