"""Writing and reading the change history. Every service function that writes calls `record_change`."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from biopark.core import tiles
from biopark.core.fastread import insert
from biopark.core.models import ChangeRecord


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return {f: _plain(getattr(obj, f)) for f in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields that changed; on creation (no `before`), the fields given."""
    if not before:
        return {k: [None, v] for k, v in after.items() if v not in (None, "", [], {})}
    return {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]}


def change_record_for(
    *,
    actor: Any,
    obj: models.Model,
    action: str,
    changes: dict[str, list[Any]] | None = None,
    note: str = "",
) -> ChangeRecord:
    """The (unsaved) history entry of a change to `obj`; `record_change` writes it. Its object_id is obj's key
    (still unset when obj is written together with it, see facilities' booking_create)."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    # Cached home tiles that read this model are stale once the write commits.
    tiles.note_write(obj._meta.label_lower)
    return ChangeRecord(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        object_repr=str(obj)[:300],
        action=action,
        actor=user,
        actor_label=(user.get_username() if user else (str(actor) if actor else "system"))[:150],
        changes=changes or {},
        note=note[:500],
    )


def record_change(
    *,
    actor: Any,
    obj: models.Model,
    action: str,
    changes: dict[str, list[Any]] | None = None,
    note: str = "",
) -> ChangeRecord:
    # Every write records one: the INSERT is built once (core.fastread) rather than on each call.
    return insert(change_record_for(actor=actor, obj=obj, action=action, changes=changes, note=note))
