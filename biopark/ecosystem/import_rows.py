"""New records of an import: built as plain column values, checked, and written in bulk with their history.

A row that creates a record never becomes a model instance: `NewRows.build` converts the cells with the
same function the services use (`services.converted_fields`), derives the search text and duplicate key
the same way (`services.derived_fields`), and validates with `FieldChecker`, which answers as Django's
`full_clean` does. On PostgreSQL `NewRows.add` streams each checked row into the table by COPY at once,
so the database indexes rows while Python validates the next ones; the caller's transaction makes the
whole import all or nothing (see importer.plan_and_apply).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from operator import itemgetter
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext

from biopark.accounts import policy
from biopark.core import tiles
from biopark.core.audit import _plain
from biopark.core.bulk import CopyStream, EncodedJson, copy_rows, json_text, reserve_ids
from biopark.core.errors import ValidationFailed
from biopark.core.fieldcheck import FieldChecker
from biopark.core.models import ChangeRecord, display_name
from biopark.core.text import NameInfo
from biopark.ecosystem import services
from biopark.ecosystem.fields import PARTIAL_DATES, field_label

_EMPTY: tuple[Any, ...] = (None, "", [], {})


def given_fields(data: dict[str, Any]) -> set[str]:
    """The model fields a row's cells set (a partial date sets two)."""
    given: set[str] = set()
    for name in data:
        given.update(PARTIAL_DATES.get(name, (name,)))
    return given


class NewRows:
    """The records an import creates, as dicts of column values keyed by attribute name."""

    def __init__(self, model: type[models.Model], *, stream: bool):
        self.model = model
        fields = list(model._meta.concrete_fields)
        self.columns = [f.attname for f in fields]
        self._values_of = itemgetter(*self.columns)
        self.pk_name = model._meta.pk.attname if model._meta.pk else "id"
        self.defaults = {f.attname: f.get_default() for f in fields if not f.primary_key}
        self.fresh_defaults = [f for f in fields if isinstance(f, models.JSONField)]  # mutable: one per row
        self.timestamps = [
            f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]
        self.relations = {f.name: f.attname for f in fields if f.is_relation}
        self.checker = FieldChecker(model)
        self.audited = services._audited_fields(model)
        self.streaming = stream
        self.created: list[tuple[Any, dict[str, Any]]] = []
        self._stream: CopyStream | None = None
        self._ids: Iterator[int] = iter(())
        self._decisions: dict[tuple[Any, ...], policy.Decision] = {}
        self._now = timezone.now()
        self._encoded: list[tuple[int, str, Any]] | None = [] if stream else None
        self._label_fields = ("name_zh", "name_en") if display_name("zh", "en") == "zh" else ("name_en", "name_zh")

    # --- checking ----------------------------------------------------------------------------------

    def build(self, data: dict[str, Any], info: NameInfo | None = None) -> dict[str, Any]:
        """The column values of the record `data` describes; ValidationFailed names the first bad field.
        `info` is name_info() of its names, when already known."""
        values = services.converted_fields(self.model, data)
        row = dict(self.defaults)
        for field in self.fresh_defaults:
            row[field.attname] = field.get_default()
        for name, value in values.items():
            attname = self.relations.get(name)
            if attname is None:
                row[name] = value
            else:
                row[attname] = value.pk if value is not None else None
        name_zh, name_en = row.get("name_zh") or "", row.get("name_en") or ""
        row.update(services.derived_fields(self.model, name_zh, name_en, row.get("aliases") or [], info))
        errors = self.checker.errors(row, [n for n in given_fields(data) if n not in self.relations])
        if not (name_zh or name_en):
            # Reported with the row's other problems, first (the name is what the report shows for the row).
            errors = {"name": gettext("a Chinese or an English name is required"), **errors}
        if errors:
            first = next(iter(errors.items()))
            raise ValidationFailed(gettext("%(field)s: %(message)s") % {"field": field_label(first[0]), "message": first[1]},
                                   fields=errors)
        return row

    def decide(self, actor: Any, row: dict[str, Any]) -> policy.Decision:
        """The policy's answer to creating this record. It depends only on the record's links (its park,
        parent or operator), so it is asked once per distinct set of links."""
        links = {attname: row.get(attname) for attname in self.relations.values()}
        token = tuple(links.values())
        if token not in self._decisions:
            self._decisions[token] = policy.decide(actor, policy.CREATE, self.model(**links))
        return self._decisions[token]

    # --- writing -----------------------------------------------------------------------------------

    def add(self, result: Any, row: dict[str, Any], *, remaining: int, write: bool) -> None:
        """Keep a checked row; when streaming (and `write`), send it to the database now."""
        self.created.append((result, row))
        if not (self.streaming and write):
            return
        if self._stream is None:
            self._ids = iter(reserve_ids(self.model, remaining))
            self._stream = CopyStream(self.model, self.columns).open()
        row[self.pk_name] = result.record_id = next(self._ids)
        for name in self.timestamps:
            row[name] = self._now
        self._stream.write(self._values_of(row))
        if self._encoded is not None:
            pk, label, changes = self._history_entry(row)
            self._encoded.append((pk, label, EncodedJson(json_text(changes))))

    def stop_streaming(self, exc: BaseException | None = None) -> None:
        """Finish the COPY, if one is open; with `exc`, abandon it (the transaction then rolls back)."""
        if self._stream is not None:
            stream, self._stream = self._stream, None
            stream.close(exc)

    def insert_rest(self) -> None:
        """Write the rows that were not streamed (all of them on SQLite, where nothing is)."""
        pending = [(result, row) for result, row in self.created if row.get(self.pk_name) is None]
        if not pending:
            return
        for _, row in pending:
            for name in self.timestamps:
                row[name] = self._now
        objs = [self.model(**{k: v for k, v in row.items() if k != self.pk_name}) for _, row in pending]
        self.model._default_manager.bulk_create(objs, batch_size=1000)
        for (result, row), obj in zip(pending, objs, strict=True):
            row[self.pk_name] = result.record_id = obj.pk

    def history(self) -> list[tuple[int, str, Any]]:
        """(record id, label, {field: [None, value]}) for each created record, as a creation records it;
        for streamed rows the changes come JSON-encoded already (worked out while the database was busy
        with the rows before them)."""
        if self._encoded is not None and len(self._encoded) == len(self.created):
            return self._encoded
        return [self._history_entry(row) for _, row in self.created]

    def _history_entry(self, row: dict[str, Any]) -> tuple[int, str, dict[str, list[Any]]]:
        changes = {}
        for name in self.audited:
            value = row[name]
            if type(value) is str:  # most values: skip the general conversion
                if value:
                    changes[name] = [None, value]
            elif value not in _EMPTY:
                changes[name] = [None, _plain(value)]
        pk = row[self.pk_name]
        label = row.get(self._label_fields[0]) or row.get(self._label_fields[1]) or f"#{pk}"
        return pk, label[:300], changes


def write_history(
    *,
    model: type[models.Model],
    user: Any,
    label: str,
    entries: Iterable[tuple[int, str, Any]],
    at: dt.datetime | None = None,
) -> int:
    """One "imported" change record per entry (record id, label, changes), written in bulk."""
    ct = ContentType.objects.get_for_model(model)
    # Written in bulk, not through record_change: the cached home tiles reading the model are told here.
    tiles.note_write(model._meta.label_lower)
    at = at or timezone.now()
    user_id = user.pk if user is not None else None
    columns: Sequence[str] = (
        "content_type_id", "object_id", "object_repr", "action", "actor_id", "actor_label", "at", "changes", "note"
    )
    rows = (
        (ct.pk, pk, repr_, ChangeRecord.IMPORT, user_id, label, at, changes, "")
        for pk, repr_, changes in entries
    )
    if connection.vendor == "postgresql":
        return copy_rows(ChangeRecord, columns, rows)
    objs = [ChangeRecord(**dict(zip(columns, row, strict=True))) for row in rows]
    ChangeRecord.objects.bulk_create(objs, batch_size=1000)
    return len(objs)
