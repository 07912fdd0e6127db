"""Importing registry records from a table: validate everything first, then write all or nothing.

Each row is matched against the registry before anything is created:
- an `id` or `key` column that names an existing record updates it;
- a row whose Chinese or English name equals an existing record's name is that record (an update, or
  "unchanged" when nothing differs, so re-importing a file changes nothing);
- a row whose name matches another record's alias, or is close to one across languages (pinyin,
  traditional characters, legal-form suffixes, small spelling differences), is *proposed* as a merge
  and never silently created as a twin; the proposals are applied only when the user accepts them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from rapidfuzz import fuzz, process

from biopark.accounts import policy
from biopark.core.audit import diff, snapshot
from biopark.core.bulk import fast_insert
from biopark.core.errors import DomainError, ValidationFailed
from biopark.core.models import ChangeRecord
from biopark.core.text import fold, match_key
from biopark.ecosystem import services
from biopark.ecosystem.fields import EDITABLE, FOREIGN, PARTIAL_DATES, TYPE_NAMES
from biopark.ecosystem.models import Organisation, Person, Position
from biopark.ecosystem.tabular import Table

POSITION_COLUMNS = ["title_zh", "title_en", "organisation"]
FUZZY_CUTOFF = 92.0
BATCH = 1000


@dataclass
class RowResult:
    line: int
    status: str  # create | update | unchanged | merge | error
    message: str = ""
    record_id: int | None = None
    name: str = ""
    changes: dict[str, list[Any]] = field(default_factory=dict)


@dataclass
class ImportReport:
    type_name: str
    rows: list[RowResult]
    file_error: str = ""
    applied: bool = False
    merges_accepted: bool = False

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(r.status for r in self.rows)
        return {s: counted.get(s, 0) for s in ("create", "update", "unchanged", "merge", "error")}

    @property
    def errors(self) -> list[RowResult]:
        return [r for r in self.rows if r.status == "error"]

    @property
    def ok(self) -> bool:
        return not self.file_error and not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "type": self.type_name,
            "ok": self.ok,
            "applied": self.applied,
            "file_error": self.file_error,
            "counts": self.counts,
            "rows": [r.__dict__ for r in self.rows if r.status != "unchanged"],
        }


class _Matcher:
    """Finds the existing record a row stands for, by id, key, exact name, alias or fuzzy key."""

    def __init__(self, model: Any):
        self.model = model
        self.by_name: dict[str, int] = {}
        self.by_alias: dict[str, int] = {}
        self.by_key: dict[str, int] = {}
        self.blocks: dict[str, dict[str, int]] = defaultdict(dict)
        self.labels: dict[int, str] = {}
        for pk, name_zh, name_en, aliases in model._default_manager.values_list("pk", "name_zh", "name_en", "aliases"):
            self.add(pk, name_zh, name_en, aliases or [])

    def add(self, pk: int, name_zh: str, name_en: str, aliases: list[str]) -> None:
        self.labels[pk] = name_zh or name_en
        for name in (name_zh, name_en):
            if name:
                self.by_name.setdefault(fold(name), pk)
        for alias in aliases:
            self.by_alias.setdefault(fold(alias), pk)
        for name in (name_zh, name_en, *aliases):
            if name:
                key = match_key(name)
                if key:
                    self.by_key.setdefault(key, pk)
                    self.blocks[key[:3]][key] = pk

    def exact(self, name_zh: str, name_en: str) -> int | None:
        for name in (name_zh, name_en):
            if name and fold(name) in self.by_name:
                return self.by_name[fold(name)]
        return None

    def proposal(self, name_zh: str, name_en: str, aliases: list[str]) -> tuple[int, str] | None:
        for name in (name_zh, name_en, *aliases):
            if not name:
                continue
            if fold(name) in self.by_alias:
                return self.by_alias[fold(name)], f"{name!r} is an alias of it"
            if fold(name) in self.by_name:
                return self.by_name[fold(name)], f"{name!r} is its name"
            key = match_key(name)
            if not key:
                continue
            if key in self.by_key:
                return self.by_key[key], f"{name!r} has the same name key"
            block = self.blocks.get(key[:3])
            if block and len(key) >= 6:
                hit = process.extractOne(key, block.keys(), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
                if hit is not None:
                    return block[hit[0]], f"{name!r} is close to {hit[0]!r} ({hit[1]:.0f}%)"
        return None


class _ForeignCache:
    """Resolves foreign-key cells (id, key or name) once per distinct value."""

    def __init__(self) -> None:
        self.cache: dict[tuple[str, str], Any] = {}

    def __call__(self, name: str, value: Any) -> Any:
        if value in (None, ""):
            return None
        token = (name, str(value).strip())
        if token not in self.cache:
            self.cache[token] = services._resolve_fk(name, value)
        return self.cache[token]


def _row_data(model: type[models.Model], values: dict[str, Any], fk: _ForeignCache) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in EDITABLE[model]:
        if name not in values:
            continue
        value = values[name]
        if isinstance(value, str):
            value = value.strip()
        data[name] = fk(name, value) if name in FOREIGN else value
    return data


def _check_columns(model: type[models.Model], columns: list[str]) -> str:
    allowed = set(EDITABLE[model]) | {"id"}
    if model is Person:
        allowed |= set(POSITION_COLUMNS)
    unknown = [c for c in columns if c not in allowed]
    if unknown:
        return f"line 1: unknown column {unknown[0]!r}; expected some of: {', '.join(sorted(allowed))}"
    if "name_zh" not in columns and "name_en" not in columns:
        return "line 1: missing column: a table needs name_zh or name_en"
    return ""


_DERIVED = {"search_text", "search_grams", "match_key"}


def _validate_fields(instance: models.Model, given: set[str] | None = None) -> None:
    """Validate the model's fields, or only those the row gave (the rest keep values already valid)."""
    if not (getattr(instance, "name_zh", "") or getattr(instance, "name_en", "")):
        raise ValidationFailed("a Chinese or an English name is required", field="name_zh")
    names = {f.name for f in instance._meta.concrete_fields}
    exclude = _DERIVED | (names - given if given is not None else set())
    try:
        instance.full_clean(exclude=sorted(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        fields = {k: "; ".join(str(m) for m in v) for k, v in exc.message_dict.items()}
        first = next(iter(fields.items()))
        raise ValidationFailed(f"{first[0]}: {first[1]}", fields=fields) from exc


def _given_fields(data: dict[str, Any]) -> set[str]:
    given: set[str] = set()
    for name in data:
        given.update(PARTIAL_DATES.get(name, (name,)))
    return given


def plan_and_apply(
    *,
    actor: Any,
    type_name: str,
    table: Table,
    dry_run: bool,
    accept_merges: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Validate every row, then (unless dry_run, and only if no row failed) write all of them."""
    if type_name not in TYPE_NAMES:
        raise ValidationFailed(f"unknown record type {type_name!r}; use one of {', '.join(TYPE_NAMES)}", field="type")
    model = TYPE_NAMES[type_name]
    policy.require(actor, policy.IMPORT, model)
    report = ImportReport(type_name=type_name, rows=[], merges_accepted=accept_merges)
    report.file_error = _check_columns(model, table.columns)
    if not report.file_error and not table.rows:
        report.file_error = "the file has a header but no data rows"
    if report.file_error:
        return report

    matcher = _Matcher(model)
    fk = _ForeignCache()
    ids_in_file = [int(v["id"]) for _, v in table.rows if str(v.get("id", "")).strip().isdigit()]
    existing = model._default_manager.in_bulk(ids_in_file) if ids_in_file else {}
    keys_in_file = [str(v["key"]).strip() for _, v in table.rows if str(v.get("key", "")).strip()]
    by_key = {o.key: o for o in model._default_manager.filter(key__in=keys_in_file)} if keys_in_file else {}
    taken_keys = set(by_key)
    taken_codes: dict[str, int] = {}
    if model is Organisation:
        codes = [str(v["credit_code"]).strip().upper() for _, v in table.rows if str(v.get("credit_code", "")).strip()]
        taken_codes = {c: pk for c, pk in Organisation.objects.filter(credit_code__in=codes).values_list("credit_code", "pk") if c}

    fields = services._audited_fields(model)
    seen_names: dict[str, int] = {}
    seen_keys: dict[str, int] = {}
    seen_codes: dict[str, int] = {}
    to_create: list[tuple[RowResult, models.Model, dict[str, Any]]] = []
    to_update: list[tuple[RowResult, models.Model, dict[str, list[Any]]]] = []
    merges: list[tuple[RowResult, int, dict[str, Any]]] = []
    positions: list[tuple[RowResult, dict[str, Any], Any]] = []
    exact_targets: dict[int, int] = {}
    exact_data: dict[int, dict[str, Any]] = {}

    for count, (line, values) in enumerate(table.rows, start=1):
        result = RowResult(line=line, status="create")
        report.rows.append(result)
        try:
            data = _row_data(model, values, fk)
            name_zh = str(data.get("name_zh") or "")
            name_en = str(data.get("name_en") or "")
            result.name = name_zh or name_en
            row_id = str(values.get("id", "")).strip()
            key = str(data.get("key") or "").strip()
            target: models.Model | None = None
            exact: int | None = None
            if row_id:
                if not row_id.isdigit() or int(row_id) not in existing:
                    raise ValidationFailed(f"id {row_id!r} is not an existing {type_name}", field="id")
                target = existing[int(row_id)]
            elif key and key in by_key:
                target = by_key[key]
            else:
                exact = matcher.exact(name_zh, name_en)
            identity = fold(name_zh) or fold(name_en)
            for seen, token, label in (
                (seen_names, identity, "name"),
                (seen_keys, key, "key"),
                (seen_codes, str(data.get("credit_code") or "").upper(), "credit_code"),
            ):
                if token:
                    if token in seen:
                        raise ValidationFailed(f"duplicate {label} within the file: same as line {seen[token]}", field=label)
                    seen[token] = line
            if model is Person and any(str(values.get(c, "")).strip() for c in POSITION_COLUMNS):
                org = None
                org_value = str(values.get("organisation", "")).strip()
                if org_value:
                    org = services._resolve_fk("operator", org_value)
                if not (str(values.get("title_zh", "")).strip() or str(values.get("title_en", "")).strip()):
                    raise ValidationFailed("a position needs title_zh or title_en", field="title_zh")
                positions.append((result, values, org))
            if target is not None:
                before = snapshot(target, fields)
                services.apply_fields(target, data)
                services.refresh_derived(target)
                _validate_fields(target)
                changes = diff(before, snapshot(target, fields))
                result.record_id = target.pk
                if key and key in taken_keys and by_key.get(key) is not None and by_key[key].pk != target.pk:
                    raise ValidationFailed(f"key {key!r} belongs to another record", field="key")
                if changes:
                    decision = policy.decide(actor, policy.CHANGE, target)
                    if not decision:
                        raise ValidationFailed(decision.reason, field="id")
                    result.status, result.changes = "update", changes
                    to_update.append((result, target, changes))
                else:
                    result.status = "unchanged"
            elif exact is not None:
                exact_targets[line] = exact
                exact_data[line] = data
            else:
                instance = model()
                services.apply_fields(instance, data)
                services.refresh_derived(instance)
                _validate_fields(instance, _given_fields(data))
                code = getattr(instance, "credit_code", None)
                if code and code in taken_codes:
                    raise ValidationFailed(f"credit_code {code} belongs to an existing organisation", field="credit_code")
                proposal = matcher.proposal(name_zh, name_en, list(getattr(instance, "aliases", [])))
                if proposal is not None:
                    result.status = "merge"
                    result.record_id = proposal[0]
                    result.message = f"looks like existing #{proposal[0]} {matcher.labels.get(proposal[0], '')}: {proposal[1]}"
                    merges.append((result, proposal[0], data))
                else:
                    decision = policy.decide(actor, policy.CREATE, instance)
                    if not decision:
                        raise ValidationFailed(decision.reason, field="park")
                    to_create.append((result, instance, snapshot(instance, fields)))
        except DomainError as exc:
            result.status, result.message = "error", exc.message
        if progress and count % 500 == 0:
            progress(500)

    # Rows that carry an existing record's exact name: compare against it now, loaded in one query.
    if exact_targets:
        loaded = model._default_manager.in_bulk(set(exact_targets.values()))
        for result in report.rows:
            if result.line not in exact_targets or result.status == "error":
                continue
            target = loaded[exact_targets[result.line]]
            data = exact_data[result.line]
            try:
                before = snapshot(target, fields)
                services.apply_fields(target, {k: v for k, v in data.items() if v not in ("", None, [])})
                services.refresh_derived(target)
                _validate_fields(target)
                changes = diff(before, snapshot(target, fields))
                result.record_id = target.pk
                if changes:
                    decision = policy.decide(actor, policy.CHANGE, target)
                    if not decision:
                        raise ValidationFailed(decision.reason, field="name")
                    result.status, result.changes = "update", changes
                    to_update.append((result, target, changes))
                else:
                    result.status = "unchanged"
            except DomainError as exc:
                result.status, result.message = "error", exc.message
    if progress:
        progress(len(table.rows) % 500)

    if report.errors or dry_run:
        return report
    _write(actor, model, to_create, to_update, merges if accept_merges else [], positions)
    report.applied = True
    return report


@transaction.atomic
def _write(
    actor: Any,
    model: Any,
    to_create: list[tuple[RowResult, models.Model, dict[str, Any]]],
    to_update: list[tuple[RowResult, models.Model, dict[str, list[Any]]]],
    merges: list[tuple[RowResult, int, dict[str, Any]]],
    positions: list[tuple[RowResult, dict[str, Any], Any]],
) -> None:
    if connection.vendor == "postgresql":
        # Let the trigram indexes take the new rows into their pending list and merge them in bulk
        # (autovacuum finishes the merge) rather than updating the index row by row.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL gin_pending_list_limit = '256MB'")
    user = actor.user if isinstance(actor, policy.Actor) else actor
    user = user if getattr(user, "is_authenticated", False) else None
    label = user.get_username() if user else "import"
    ct = ContentType.objects.get_for_model(model)
    history: list[ChangeRecord] = []
    fast_insert(model, [inst for _, inst, _ in to_create])
    for result, instance, after in to_create:
        result.record_id = instance.pk
        history.append(
            ChangeRecord(content_type=ct, object_id=instance.pk, object_repr=str(instance)[:300],
                         action=ChangeRecord.IMPORT, actor=user, actor_label=label, changes=diff({}, after))
        )
    if to_update:
        names = sorted({f for _, _, changes in to_update for f in changes} | {"search_text", "search_grams"})
        if model is Organisation:
            names.append("match_key")
        model._default_manager.bulk_update([inst for _, inst, _ in to_update], names, batch_size=BATCH)
        for _result, instance, changes in to_update:
            history.append(
                ChangeRecord(content_type=ct, object_id=instance.pk, object_repr=str(instance)[:300],
                             action=ChangeRecord.IMPORT, actor=user, actor_label=label, changes=changes)
            )
    for result, target_id, data in merges:
        target = model._default_manager.get(pk=target_id)
        fill = {k: v for k, v in data.items() if v not in ("", None, []) and not getattr(target, k, None)
                and k not in ("name_zh", "name_en", "key")}
        incoming = [data.get("name_zh"), data.get("name_en"), *(services._clean_aliases(data.get("aliases")))]
        aliases = list(target.aliases)
        for name in incoming:
            if name and name not in aliases and name not in (target.name_zh, target.name_en):
                aliases.append(name)
        fill["aliases"] = aliases
        services.record_update(actor=actor, instance=target, data=fill, note=f"merged from import line {result.line}")
        result.status = "update"
    now = timezone.now()
    for record in history:
        record.at = now
    fast_insert(ChangeRecord, history)
    for result, values, org in positions:
        if result.record_id is None:
            continue
        title_zh = str(values.get("title_zh", "")).strip()
        title_en = str(values.get("title_en", "")).strip()
        exists = Position.objects.filter(
            person_id=result.record_id, organisation=org, title_zh=title_zh, title_en=title_en
        ).exists()
        if not exists:
            Position.objects.create(person_id=result.record_id, organisation=org, title_zh=title_zh, title_en=title_en)


def export_records(*, user: Any, type_name: str) -> tuple[list[str], list[dict[str, Any]]]:
    """The visible records of a type as plain rows (the same columns an import takes)."""
    from biopark.ecosystem.selectors import visible

    model = TYPE_NAMES[type_name]
    policy.require(user, policy.EXPORT, model)
    columns = ["id", *EDITABLE[model]]
    fk_names = [n for n in EDITABLE[model] if n in FOREIGN]
    qs = visible(model, user).order_by("id").select_related(*fk_names)
    rows = []
    for obj in qs.iterator(chunk_size=2000) if not fk_names else qs:
        row: dict[str, Any] = {"id": obj.pk}
        for name in EDITABLE[model]:
            if name in PARTIAL_DATES:
                row[name] = getattr(obj, name)
            elif name in FOREIGN:
                target = getattr(obj, name)
                row[name] = (target.key or target.pk) if target is not None else ""
            else:
                value = getattr(obj, name)
                row[name] = "" if value is None else value
        rows.append(row)
    return columns, rows
