"""The one way a record that people edit is changed.

`record_write` re-reads the row under a lock, refuses a stale version, asks the policy about the record as it
is and as it would be, writes only the columns that changed (never a whole-row save of values read earlier),
bumps the version and writes the history row with old and new values. Services of every app call it, so a
lost update or a write that escapes its scope is impossible by construction, not by each caller's care.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from biopark.core import policy
from biopark.core.audit import diff, record_change, snapshot
from biopark.core.errors import Conflict, NotFound, PreconditionFailed
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
