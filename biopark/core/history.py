"""The change history as people read it: each changed field by its label (the model field's verbose name, in
the reader's language), related records by their name, codes by their label, dates and amounts formatted.

History rows store raw values ({"park_id": [9, 12]}, see biopark.core.audit); this module turns a list of them
into display lines, reading the related records' names with one query per related model for the whole list.
Apps add what the model cannot say (a vocabulary, a label for a key that is not a field) with `register`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from biopark.core import formatting
from biopark.core.models import ChangeRecord

EMPTY = "—"
# Who a change by the platform itself (a demo load, a computed value) is recorded as, and how pages name it.
SYSTEM_ACTOR_LABEL = "system"
_SYSTEM_ACTOR = gettext_lazy("the platform (automatic)")
# A key naming a field of a part of the record: "stage[Haemophilia A]" (pipeline's stage per indication).
_QUALIFIED = re.compile(r"^(?P<name>[\w.]+)\[(?P<part>.*)\]$")

ValueLabel = Callable[[Any], str]
_LABELS: dict[tuple[str, str], Any] = {}
_VALUES: dict[tuple[str, str], ValueLabel] = {}
# Keys of a merge row only (the rows a merge moved, by the follower's kind): their label; a list of ids reads
# as how many. Kept apart, since a kind may share its name with a key of other rows ("relations").
_MERGE_KEYS: dict[tuple[str, str], Any] = {}

# The keys of the changes a merge writes: on the surviving record [None, the merged record's id], on the
# merged one [its id, the survivor's id] (biopark.ecosystem.merge). Both read as the records' names.
MERGED_FROM = "merged_from"
MERGED_INTO = "merged_into"
_MERGE_LABELS = {MERGED_FROM: gettext_lazy("merged record"), MERGED_INTO: gettext_lazy("merged into")}


def register(model_label: str, key: str, *, label: Any = None, value: ValueLabel | None = None) -> None:
    """Say how history shows `key` of `model_label` ("pipeline.project"): its label (a lazy translation) and/or
    how one of its values reads. Apps call it from their AppConfig.ready."""
    if label is not None:
        _LABELS[(model_label.lower(), key)] = label
    if value is not None:
        _VALUES[(model_label.lower(), key)] = value


def register_merge_key(model_label: str, key: str, *, label: Any) -> None:
    """Say how a merge row of `model_label` shows `key`, whose values are lists of row ids: `label`, and the
    number of rows (biopark.core.merge registers each follower's kinds)."""
    _MERGE_KEYS[(model_label.lower(), key)] = label


@dataclass(frozen=True)
class ChangeLine:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    record: ChangeRecord
    lines: list[ChangeLine]


def _field(model: type[models.Model] | None, key: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(key)  # accepts "park" and its column "park_id"
    except FieldDoesNotExist:
        if key.endswith("_ids"):
            return _field(model, key[:-4] if key[:-4] else key)
        return None


def _label(model: type[models.Model] | None, key: str, merge: bool = False) -> str:
    match = _QUALIFIED.match(key)
    if match:
        return f"{_label(model, match['name'])} ({match['part']})"
    model_label = model._meta.label_lower if model else ""
    if merge and (model_label, key) in _MERGE_KEYS:
        return str(_MERGE_KEYS[(model_label, key)])
    if (model_label, key) in _LABELS:
        return str(_LABELS[(model_label, key)])
    if key in _MERGE_LABELS:
        return str(_MERGE_LABELS[key])
    field = _field(model, key)
    if field is None:
        return key
    if isinstance(field, models.ForeignObjectRel):
        return str(field.related_model._meta.verbose_name_plural)
    return str(field.verbose_name)


def _name(obj: models.Model) -> str:
    return str(getattr(obj, "display_name", "") or obj)


class _Names:
    """The names of the related records the entries mention, read with one query per related model."""

    def __init__(self) -> None:
        self.wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
        self.found: dict[type[models.Model], dict[Any, models.Model]] = {}
        # Records merged away are gone: their name is the one their merge row kept.
        self.merged: dict[tuple[int, int], str] = {}

    def want(self, model: type[models.Model], value: Any) -> None:
        for pk in value if isinstance(value, list | tuple) else [value]:
            if isinstance(pk, int | str) and str(pk).isdigit():
                self.wanted[model].add(int(pk))

    def load(self) -> None:
        for model, pks in self.wanted.items():
            self.found[model] = model._default_manager.in_bulk(sorted(pks))
            gone = pks - set(self.found[model])
            if gone:
                content_type = ContentType.objects.get_for_model(model)
                rows = ChangeRecord.objects.filter(
                    content_type=content_type, object_id__in=sorted(gone), action=ChangeRecord.MERGE
                ).order_by("-at", "-id")
                for object_id, name in rows.values_list("object_id", "object_repr"):
                    if name:
                        self.merged.setdefault((content_type.pk, object_id), name)

    def name(self, model: type[models.Model], pk: Any) -> str:
        obj = self.found.get(model, {}).get(int(pk)) if str(pk).isdigit() else None
        if obj is not None:
            return _name(obj)
        if str(pk).isdigit():
            merged = self.merged.get((ContentType.objects.get_for_model(model).pk, int(pk)))
            if merged:
                return merged
        # A record deleted since keeps its number: better than nothing, and says which one it was.
        return f"#{pk}"


def _related_model(field: Any, model: type[models.Model] | None = None, key: str = "") -> type[models.Model] | None:
    if key in _MERGE_LABELS:
        return model  # the ids of two records of the same model
    if field is not None and getattr(field, "is_relation", False) and not isinstance(field, models.ForeignObjectRel):
        return field.related_model  # type: ignore[no-any-return]
    return None


def _value(model: type[models.Model] | None, key: str, value: Any, names: _Names, merge: bool = False) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    match = _QUALIFIED.match(key)
    base = match["name"] if match else key
    model_label = model._meta.label_lower if model else ""
    if merge and (model_label, base) in _MERGE_KEYS and isinstance(value, list):
        return formatting.format_number(len(value), get_language())
    custom = _VALUES.get((model_label, base))
    if custom is not None:
        if isinstance(value, list):
            return ", ".join(custom(v) for v in value) or EMPTY
        return custom(value)
    field = _field(model, base)
    related = _related_model(field, model, base)
    if related is not None:
        pks = value if isinstance(value, list) else [value]
        return ", ".join(names.name(related, pk) for pk in pks)
    return _plain(field, value)


def _plain(field: Any, value: Any) -> str:
    language = get_language()
    if isinstance(value, list):
        return ", ".join(_plain(field, v) for v in value) or EMPTY
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    choices = dict(getattr(field, "flatchoices", None) or [])
    if value in choices:
        return str(choices[value])
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        try:
            return formatting.format_datetime(dt.datetime.fromisoformat(value), language)
        except ValueError:
            return value
    if isinstance(field, models.DateField) and isinstance(value, str):
        return formatting.format_date(value, language)
    if isinstance(field, models.DecimalField | models.IntegerField | models.FloatField) or isinstance(
        value, int | float | Decimal
    ):
        return formatting.format_number(value, language)
    return str(value)


def describe(records: Sequence[ChangeRecord] | Iterable[ChangeRecord]) -> list[HistoryEntry]:
    """History rows ready to show: for each, its changes as (label, old, new) in the active language."""
    records = list(records)
    names = _Names()
    models_of: dict[int, type[models.Model] | None] = {}
    for record in records:
        # get_for_id reads the content-type cache: no query per row.
        model = ContentType.objects.get_for_id(record.content_type_id).model_class() if record.content_type_id else None
        models_of[record.pk] = model
        for key, pair in (record.changes or {}).items():
            match = _QUALIFIED.match(key)
            base = match["name"] if match else key
            related = _related_model(_field(model, base), model, base)
            if related is not None and isinstance(pair, list | tuple):
                for value in pair:
                    names.want(related, value)
    names.load()
    entries = []
    for record in records:
        model = models_of[record.pk]
        lines = []
        merge = record.action == ChangeRecord.MERGE
        items = list((record.changes or {}).items())
        if merge:
            # PostgreSQL's jsonb keeps no key order: the record merged first, then the keys by name.
            items.sort(key=lambda item: (item[0] not in _MERGE_LABELS, item[0]))
        for key, pair in items:
            old, new = (list(pair) + [None, None])[:2] if isinstance(pair, list | tuple) else (None, pair)
            lines.append(
                ChangeLine(
                    _label(model, key, merge), _value(model, key, old, names, merge), _value(model, key, new, names, merge)
                )
            )
        if record.actor_id is None and record.actor_label == SYSTEM_ACTOR_LABEL:
            # core.audit stores the platform's own changes under this code; the page names it in its language
            # (the record is a copy for display, never saved again).
            record.actor_label = str(_SYSTEM_ACTOR)
        entries.append(HistoryEntry(record, lines))
    return entries


def _merged_ids(records: Iterable[ChangeRecord]) -> list[int]:
    ids = []
    for record in records:
        pair = (record.changes or {}).get(MERGED_FROM) if record.action == ChangeRecord.MERGE else None
        if isinstance(pair, list | tuple) and len(pair) == 2 and isinstance(pair[1], int):
            ids.append(pair[1])
    return ids


def _newest(content_type: ContentType, ids: Sequence[int], limit: int) -> list[ChangeRecord]:
    return list(ChangeRecord.objects.filter(content_type=content_type, object_id__in=ids).order_by("-at", "-id")[:limit])


def history_of(obj: models.Model, limit: int = 100) -> list[ChangeRecord]:
    """`obj`'s history rows, newest first, with those of every record merged into it (and of the records merged
    into those). Each row carries `merged_from`: "" for `obj`'s own, else the merged record's name as it was
    when it was merged, so a page can say where the row came from.

    A merged record's rows are all older than the merge row that names it, so when that row is not among the
    `limit` newest rows none of them would be shown: no query is made for them (one query without merges)."""
    content_type = ContentType.objects.get_for_model(obj)
    rows = _newest(content_type, [obj.pk], limit)
    for row in rows:
        row.merged_from = ""  # type: ignore[attr-defined]
    seen = {obj.pk}
    pending = [pk for pk in _merged_ids(rows) if pk not in seen]
    while pending:
        seen.update(pending)
        found = _newest(content_type, pending, limit)
        names: dict[int, str] = {}
        for row in found:
            # Newest first: a merged record's first row here is its merge, named as it was then.
            names.setdefault(row.object_id, row.object_repr or f"#{row.object_id}")
            row.merged_from = names[row.object_id]  # type: ignore[attr-defined]
        rows.extend(found)
        pending = [pk for pk in _merged_ids(found) if pk not in seen]
    rows.sort(key=lambda row: (row.at, row.pk), reverse=True)
    return rows[:limit]


# What an import did (or, in a dry run, would do) with a row: the importers' codes and their labels.
IMPORT_RESULTS = {
    "create": gettext_lazy("new record"),
    "update": gettext_lazy("update"),
    "unchanged": gettext_lazy("unchanged"),
    "merge": gettext_lazy("merge"),
    "error": gettext_lazy("error"),
}


def import_result_label(code: str) -> str:
    return str(IMPORT_RESULTS.get(code, code))
