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

import copy
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy

from biopark.accounts import policy
from biopark.core.audit import diff, snapshot
from biopark.core.bulk import gc_paused
from biopark.core.errors import DomainError, ValidationFailed
from biopark.core.text import NameInfo, name_info
from biopark.core.writes import model_errors
from biopark.ecosystem import import_guard, services
from biopark.ecosystem.fields import (
    EDITABLE,
    FIELD_LABELS,
    FOREIGN,
    PARTIAL_DATES,
    TYPE_LABELS,
    TYPE_NAMES,
    field_label,
)
from biopark.ecosystem.import_names import Matcher, NameHelper, names_of
from biopark.ecosystem.import_rows import NewRows, write_history
from biopark.ecosystem.models import Organisation, Person, Position
from biopark.ecosystem.selectors import visible
from biopark.ecosystem.tabular import Table

log = logging.getLogger(__name__)

POSITION_COLUMNS = ["title_zh", "title_en", "organisation"]
BATCH = 1000
# Below this many rows a helper process costs more to start than it saves.
PARALLEL_MIN_ROWS = 5000


# What the import report calls each row's result.
STATUS_LABELS: dict[str, Any] = {
    "create": gettext_lazy("new"), "update": gettext_lazy("changed"), "unchanged": gettext_lazy("unchanged"),
    "merge": gettext_lazy("merged into an existing record"), "error": gettext_lazy("error"),
    "skipped": gettext_lazy("skipped"),
}
STATUSES = ("create", "update", "unchanged", "merge", "skipped", "error")


@dataclass
class RowResult:
    line: int
    status: str  # create | update | unchanged | merge | error
    message: str = ""
    record_id: int | None = None
    name: str = ""
    changes: dict[str, list[Any]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # every problem of an erroneous row, each naming its column
    field: str = ""  # the column an error is about, when one is


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
        return {s: counted.get(s, 0) for s in STATUSES}

    @property
    def skipped(self) -> list[RowResult]:
        return [r for r in self.rows if r.status == "skipped"]

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


class _ForeignCache:
    """Resolves foreign-key cells (id, key or name) once per distinct value, errors included."""

    def __init__(self) -> None:
        self.cache: dict[tuple[str, str], Any] = {}

    def __call__(self, name: str, value: Any) -> Any:
        if value in (None, ""):
            return None
        found = self._lookup(name, value)
        if isinstance(found, DomainError):
            raise found
        return found

    def _lookup(self, name: str, value: Any) -> Any:
        token = (name, str(value).strip())
        if token not in self.cache:
            try:
                self.cache[token] = services._resolve_fk(name, value)
            except DomainError as exc:
                self.cache[token] = exc
        return self.cache[token]

    def prefetch(self, columns: dict[str, str], rows: list[tuple[int, dict[str, Any]]]) -> None:
        """Resolve every value of the given columns ({column: foreign-key name}) now, before any row
        is written: while rows stream into the table the connection can run no query."""
        for column, name in columns.items():
            for value in {str(v[column]).strip() for _, v in rows if str(v.get(column) or "").strip()}:
                self._lookup(name, value)


def _row_data(model: type[models.Model], values: dict[str, Any], fk: _ForeignCache) -> dict[str, Any]:
    data, problems = _row_cells(model, values, fk)
    if problems:
        first = next(iter(problems))
        raise ValidationFailed(problems[first], field=first)
    return data


def _row_cells(
    model: type[models.Model], values: dict[str, Any], fk: _ForeignCache
) -> tuple[dict[str, Any], dict[str, str]]:
    """The row's cells as field values, and {field: message} for every cell that cannot be read (an unknown
    park, a bad date, a kind that does not exist…): all of them, so one report lists every problem of a row."""
    data: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for name in EDITABLE[model]:
        if name not in values:
            continue
        value = values[name]
        if isinstance(value, str):
            value = value.strip()
        try:
            if name in FOREIGN:
                data[name] = fk(name, value)
            else:
                value = _choice_code(model, name, value)
                services.converted_fields(model, {name: value})  # a cell that cannot be read fails here
                data[name] = value
        except DomainError as exc:
            problems[name] = _labelled(name, exc.message)
    return data, problems


# Columns of an import that are not record fields, by what the report calls them.
_COLUMN_LABELS: dict[str, Any] = {
    "id": gettext_lazy("id"), "name": gettext_lazy("name"), "organisation": gettext_lazy("Organisation"),
    "title_zh": gettext_lazy("Position title"),
}


@lru_cache(maxsize=64)
def _choice_labels(model: type[models.Model], name: str) -> dict[str, str]:
    """{label in Chinese or English, lower-cased: code} of a field with fixed values (its kind)."""
    field = model._meta.get_field(name)
    choices = getattr(field, "choices", None) or []
    found: dict[str, str] = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for code, label in choices:
                found.setdefault(str(label).strip().lower(), str(code))
    return found


def _choice_code(model: type[models.Model], name: str, value: Any) -> Any:
    """A kind may be given by its code or by its label ("企业", "Enterprise"), as the import page lists them."""
    if name != "kind" or not isinstance(value, str) or not value:
        return value
    return _choice_labels(model, name).get(value.lower(), value)


def _labelled(name: str, message: str) -> str:
    """A problem as the report shows it: starting with the column's label."""
    if name == "name":
        return message  # its messages name the name columns themselves
    label = field_label(name) if name in FIELD_LABELS else str(_COLUMN_LABELS.get(name, name))
    return message if message.startswith(label) else gettext("%(field)s: %(message)s") % {"field": label, "message": message}


def _check_columns(model: type[models.Model], columns: list[str]) -> str:
    allowed = set(EDITABLE[model]) | {"id"}
    if model is Person:
        allowed |= set(POSITION_COLUMNS)
    unknown = [c for c in columns if c not in allowed]
    if unknown:
        # The columns by their labels, as the template names them (the reader takes labels as well as codes).
        return gettext("line 1: unknown column %(column)s; expected some of: %(allowed)s") % {
            "column": repr(unknown[0]), "allowed": ", ".join(_column_label(c) for c in sorted(allowed))}
    if "name_zh" not in columns and "name_en" not in columns:
        return gettext("line 1: missing column: a table needs a column %(zh)s or %(en)s") % {
            "zh": _column_label("name_zh"), "en": _column_label("name_en")}
    return ""


def _column_label(name: str) -> str:
    return field_label(name) if name in FIELD_LABELS else str(_COLUMN_LABELS.get(name, name))


_DERIVED = {"search_text", "search_grams", "match_key"}


def _validate_fields(instance: models.Model) -> None:
    """Validate an existing record after a row changed it."""
    if not (getattr(instance, "name_zh", "") or getattr(instance, "name_en", "")):
        raise ValidationFailed(gettext("a Chinese or an English name is required"), field="name_zh")
    model_errors(instance, exclude=sorted(_DERIVED), label=field_label, validate_unique=False, validate_constraints=False)


class _Discard(Exception):
    """Raised inside the import's transaction to roll back rows already streamed (errors or dry run)."""


@dataclass
class _Existing:
    """A row that names an existing record (by id, key or exact name), checked once the stream is closed."""

    result: RowResult
    target_id: int
    data: dict[str, Any]
    by_name: bool  # a name match fills only the cells the row gives; an id or key sets them all


def plan_and_apply(
    *,
    actor: Any,
    type_name: str,
    table: Table,
    dry_run: bool,
    accept_merges: bool = False,
    progress: Callable[[int], None] | None = None,
    defaults: dict[str, Any] | None = None,
    accepted_lines: frozenset[int] | None = None,
) -> ImportReport:
    """Validate every row; unless dry_run, and only if no row failed, write all of them in one transaction.

    On PostgreSQL new rows are streamed into the table as they pass (so the database works while the
    rows after them are checked) inside a transaction that is rolled back if any row fails.
    """
    if type_name not in TYPE_NAMES:
        raise ValidationFailed(gettext("unknown record type %(type)s; use one of %(types)s") % {
            "type": repr(type_name), "types": ", ".join(str(TYPE_LABELS[t]) for t in TYPE_NAMES)}, field="type")
    model = TYPE_NAMES[type_name]
    policy.require(actor, policy.IMPORT, model)
    defaults = {k: v for k, v in (defaults or {}).items() if v is not None and k in EDITABLE[model]}
    report = ImportReport(type_name=type_name, rows=[], merges_accepted=accept_merges or bool(accepted_lines))
    report.file_error = _check_columns(model, table.columns)
    if not report.file_error and not table.rows:
        report.file_error = gettext("the file has a header but no data rows")
    if report.file_error:
        return report
    options = _Options(accept_merges=accept_merges, accepted_lines=accepted_lines, defaults=defaults, dry_run=dry_run)
    with gc_paused():
        return _plan_and_apply(actor, model, table, report, dry_run=dry_run, options=options, progress=progress)


@dataclass(frozen=True)
class _Options:
    accept_merges: bool = False
    accepted_lines: frozenset[int] | None = None
    defaults: dict[str, Any] = field(default_factory=dict)
    dry_run: bool = False

    def accepts(self, line: int) -> bool:
        return line in self.accepted_lines if self.accepted_lines is not None else self.accept_merges


def _plan_and_apply(
    actor: Any,
    model: Any,
    table: Table,
    report: ImportReport,
    *,
    dry_run: bool,
    options: _Options,
    progress: Callable[[int], None] | None,
) -> ImportReport:
    def new_plan(stream: bool) -> _Plan:
        return _Plan(actor=actor, model=model, table=table, report=report, stream=stream, options=options)

    if dry_run:
        new_plan(False).check_rows(progress)
        return report
    if connection.vendor == "postgresql":
        return _apply_streaming(model, report, new_plan, progress)
    # SQLite writes one transaction at a time: check the rows before taking the write lock, so other
    # writers are not held up while the file is checked; under the lock, check again only if records of
    # this type were written meanwhile (a second import of the same file then finds the first one's).
    state = import_guard.registry_state(model)
    plan = new_plan(False)
    plan.check_rows(progress)
    if report.errors:
        return report
    try:
        with transaction.atomic():
            import_guard.import_lock(model)
            if import_guard.registry_state(model) != state:
                report.rows.clear()
                plan = new_plan(False)
                plan.check_rows(None)
                if report.errors:
                    raise _Discard
            plan.new_rows.insert_rest()
            plan.write()
    except _Discard:
        return report
    except IntegrityError as exc:
        return _changed_meanwhile(report, exc)
    except OperationalError as exc:
        if "locked" not in str(exc):
            raise
        # Another import (or a long write) held SQLite's one write lock past the connection's timeout.
        report.file_error = gettext("nothing was imported: another import is being written; try again in a minute")
        return report
    report.applied = True
    return report


def _apply_streaming(
    model: Any, report: ImportReport, new_plan: Callable[[bool], _Plan], progress: Callable[[int], None] | None
) -> ImportReport:
    """PostgreSQL: new rows are streamed into the table as they pass, inside a transaction that holds the
    import lock of this record type from before the rows are matched to the registry until the commit."""
    try:
        with transaction.atomic():
            import_guard.import_lock(model)
            with connection.cursor() as cursor:
                # Let the trigram indexes gather the new rows in their pending list and merge them in
                # bulk rather than one row at a time.
                cursor.execute("SET LOCAL gin_pending_list_limit = '256MB'")
            plan = new_plan(True)
            plan.check_rows(progress)
            if report.errors:
                raise _Discard
            plan.write()
    except _Discard:
        return report
    except IntegrityError as exc:
        return _changed_meanwhile(report, exc)
    report.applied = True
    return report


def _changed_meanwhile(report: ImportReport, exc: IntegrityError) -> ImportReport:
    # Another user created a clashing record (same key or credit code) while this file was being checked.
    report.file_error = gettext("nothing imported: the registry changed during the import (%(error)s); try again") % {
        "error": exc
    }
    return report


class _Plan:
    """The state of one import between reading its rows and writing them."""

    def __init__(
        self, *, actor: Any, model: Any, table: Table, report: ImportReport, stream: bool, options: _Options
    ):
        self.actor, self.model, self.table, self.report = actor, model, table, report
        self.options = options
        rows = table.rows
        self.matcher = Matcher(model)
        self.fk = _ForeignCache()
        fk_columns = {name: name for name in EDITABLE[model] if name in FOREIGN}
        if model is Person:
            fk_columns["organisation"] = "operator"  # a position's organisation, resolved like an operator
        self.fk.prefetch(fk_columns, rows)
        ids_in_file = [int(v["id"]) for _, v in rows if str(v.get("id", "")).strip().isdigit()]
        self.by_id = self._records().in_bulk(ids_in_file) if ids_in_file else {}
        keys_in_file = [str(v["key"]).strip() for _, v in rows if str(v.get("key", "")).strip()]
        self.by_key = {o.key: o for o in model._default_manager.filter(key__in=keys_in_file)} if keys_in_file else {}
        self.taken_codes: dict[str, int] = {}
        if model is Organisation:
            codes = [str(v["credit_code"]).strip().upper() for _, v in rows if str(v.get("credit_code", "")).strip()]
            self.taken_codes = {
                c: pk for c, pk in Organisation.objects.filter(credit_code__in=codes).values_list("credit_code", "pk") if c
            }
        self.fields = services._audited_fields(model)
        self.new_rows = NewRows(model, stream=stream)
        self.existing: list[_Existing] = []
        self.to_update: list[tuple[RowResult, models.Model, dict[str, list[Any]]]] = []
        self.merges: list[tuple[RowResult, int, dict[str, Any]]] = []
        self.positions: list[tuple[RowResult, dict[str, Any], Any]] = []
        self.failed = False  # a row has failed: the import will not be applied
        self.targets: dict[int, Any] = {}  # existing records the rows name, by id (loaded by _check_existing)

    def _records(self) -> models.QuerySet:
        """The records rows may change. Read inside the import's transaction (PostgreSQL) they stay locked
        until it commits, so no other writer changes one between the check of its row and the write."""
        manager = self.model._default_manager
        return manager.select_for_update() if connection.in_atomic_block else manager.all()

    def check_rows(self, progress: Callable[[int], None] | None) -> None:
        try:
            self._check_each_row(progress)
        except BaseException as exc:
            self.new_rows.stop_streaming(exc)
            raise
        self.new_rows.stop_streaming()
        self._skip_rejected_merges()
        self._check_existing()
        self._check_merges()
        self._check_positions()
        if progress:
            progress(len(self.table.rows) % 500)

    def _check_each_row(self, progress: Callable[[int], None] | None) -> None:
        rows = self.table.rows
        helper = None
        if getattr(settings, "BIOPARK_IMPORT_HELPER", True) and len(rows) >= PARALLEL_MIN_ROWS:
            try:
                helper = NameHelper([self._names_or_none(values) for _, values in rows])
            except OSError:  # no process could be started: the import only runs slower
                log.warning("import: could not start the name helper process", exc_info=True)
        try:
            self._check_rows_with(helper, progress)
        finally:
            if helper is not None:
                helper.close()
                log.info("import: the helper process worked out %d of %d rows", helper.used, len(rows))

    def _names_or_none(self, values: dict[str, Any]) -> tuple[str, str, tuple[str, ...]] | None:
        try:
            return names_of(_row_data(self.model, values, self.fk))
        except DomainError:
            return None  # the row fails when it is checked

    def _check_rows_with(self, helper: NameHelper | None, progress: Callable[[int], None] | None) -> None:
        model, report, matcher = self.model, self.report, self.matcher
        seen_names: dict[str, int] = {}
        seen_keys: dict[str, int] = {}
        seen_codes: dict[str, int] = {}
        total = len(self.table.rows)
        for index, (line, values) in enumerate(self.table.rows):
            count = index + 1
            result = RowResult(line=line, status="create")
            report.rows.append(result)
            try:
                data, problems = _row_cells(model, values, self.fk)
                names = names_of(data)
                info = helper.get(index, names) if helper is not None else None
                if info is None:
                    info = name_info(*names)
                result.name = names[0] or names[1]
                row_id = str(values.get("id", "")).strip()
                key = str(data.get("key") or "").strip()
                identity = info.folds[0] or info.folds[1]
                for seen, token, label in (
                    (seen_names, identity, "name"),
                    (seen_keys, key, "key"),
                    (seen_codes, str(data.get("credit_code") or "").strip().upper(), "credit_code"),
                ):
                    if token:
                        if token in seen:
                            problems[label] = _labelled(label, gettext(
                                "duplicate %(field)s within the file: same as line %(line)s"
                            ) % {"field": gettext("name") if label == "name" else field_label(label), "line": seen[token]})
                        seen[token] = line
                if model is Person and any(str(values.get(c, "")).strip() for c in POSITION_COLUMNS):
                    self._check_position(result, values, problems)
                if row_id:
                    if not row_id.isdigit() or int(row_id) not in self.by_id:
                        problems["id"] = gettext("id %(id)s is not an existing %(type)s") % {
                            "id": repr(row_id), "type": TYPE_LABELS.get(report.type_name, report.type_name)}
                    _raise_problems(problems)
                    self.existing.append(_Existing(result, int(row_id), data, by_name=False))
                elif key and key in self.by_key:
                    _raise_problems(problems)
                    self.existing.append(_Existing(result, self.by_key[key].pk, data, by_name=False))
                elif (exact := matcher.exact(info)) is not None:
                    _raise_problems(problems)
                    self.existing.append(_Existing(result, exact, data, by_name=True))
                else:
                    self._check_new(result, data, names, info, problems, remaining=total - index)
            except DomainError as exc:
                _fail(result, exc)
                self.failed = True
            if progress and count % 500 == 0:
                progress(500)

    def _check_position(self, result: RowResult, values: dict[str, Any], problems: dict[str, str]) -> None:
        try:
            org = self.fk("operator", str(values.get("organisation", "")).strip())
        except DomainError as exc:
            problems["organisation"] = _labelled("organisation", exc.message)
            return
        if not (str(values.get("title_zh", "")).strip() or str(values.get("title_en", "")).strip()):
            problems["title_zh"] = gettext("a position needs a title in Chinese or English")
            return
        self.positions.append((result, values, org))

    def _check_new(
        self,
        result: RowResult,
        data: dict[str, Any],
        names: tuple[str, str, tuple[str, ...]],
        info: NameInfo,
        problems: dict[str, str],
        *,
        remaining: int,
    ) -> None:
        """A row that creates a record (or proposes a merge): every problem it has, in one error."""
        for name, value in self.options.defaults.items():
            if data.get(name) in (None, "") and name not in problems:
                data[name] = value  # the park chosen for the whole file fills the empty cells
        row: dict[str, Any] = {}
        try:
            row = self.new_rows.build(data, info)
        except ValidationFailed as exc:
            for name, message in exc.fields.items():
                problems.setdefault(name, _labelled(name, message))
        code = row.get("credit_code")
        if code and code in self.taken_codes:
            problems["credit_code"] = gettext("the credit code %(code)s belongs to an existing organisation") % {
                "code": code}
        proposal = self.matcher.proposal((names[0], names[1], *names[2]), info) if names[0] or names[1] else None
        scope = import_guard.scope_field(self.model)
        if proposal is None and row and scope not in problems:
            decision = self.new_rows.decide(self.actor, row)
            if not decision:
                problems[scope] = _refusal_text(scope, decision.reason, empty=data.get(scope) in (None, ""))
        _raise_problems(problems)
        if proposal is not None:
            result.status = "merge"
            result.record_id = proposal[0]
            result.message = gettext("looks like the existing record #%(id)s %(name)s: %(why)s") % {
                "id": proposal[0], "name": self.matcher.labels.get(proposal[0], ""), "why": proposal[1]}
            self.merges.append((result, proposal[0], data))
            return
        # Once any row has failed nothing will be written: stop sending rows to the database.
        self.new_rows.add(result, row, remaining=remaining, write=not self.failed)

    def _check_existing(self) -> None:
        """Rows naming an existing record: apply them to it (in memory) and keep what changed."""
        if not self.existing:
            return
        wanted = {e.target_id for e in self.existing} - set(self.by_id)
        loaded = {**self._records().in_bulk(wanted), **self.by_id} if wanted else dict(self.by_id)
        self.targets = loaded
        claimed: dict[int, int] = {}
        for item in self.existing:
            result, data = item.result, item.data
            try:
                if item.target_id in claimed:
                    raise ValidationFailed(
                        gettext("names the same record as line %(line)s") % {"line": claimed[item.target_id]},
                        field="id" if not item.by_name else "name",
                    )
                claimed[item.target_id] = result.line
                target = loaded[item.target_id]
                stored = copy.copy(target)  # the record as it is, for the permission check
                before = snapshot(target, self.fields)
                if item.by_name:
                    data = {k: v for k, v in data.items() if v not in ("", None, [])}
                services.apply_fields(target, data)
                services.refresh_derived(target)
                _validate_fields(target)
                result.record_id = target.pk
                key = getattr(target, "key", None)
                if key and key in self.by_key and self.by_key[key].pk != target.pk:
                    raise ValidationFailed(gettext("the key %(key)s belongs to another record") % {"key": repr(key)},
                                           field="key")
                code = getattr(target, "credit_code", None)
                if code and self.taken_codes.get(code, target.pk) != target.pk:
                    raise ValidationFailed(gettext("the credit code %(code)s belongs to another organisation")
                                           % {"code": code}, field="credit_code")
                changes = diff(before, snapshot(target, self.fields))
                if not changes:
                    result.status = "unchanged"
                    continue
                refused = import_guard.row_refusal(self.actor, stored, target)
                if refused is not None:
                    raise _refusal(next(iter(refused.fields), import_guard.scope_field(self.model)), refused.message)
                result.status, result.changes = "update", changes
                self.to_update.append((result, target, changes))
            except DomainError as exc:
                _fail(result, exc)

    def _skip_rejected_merges(self) -> None:
        """A near-duplicate whose merge the user did not accept is not imported: when the import is applied
        its row says so and why (a dry run keeps it as a proposal, to accept or reject)."""
        if self.options.dry_run:
            return
        kept = []
        for item in self.merges:
            result = item[0]
            if self.options.accepts(result.line):
                kept.append(item)
                continue
            result.status = "skipped"
            result.message = gettext("not imported: the merge was not accepted (%(proposal)s)") % {"proposal": result.message}
        self.merges = kept

    def _check_merges(self) -> None:
        """Proposed merges the user accepted are writes too: each must be allowed on the record as it is and
        as the merge would leave it."""
        accepted = [item for item in self.merges if self.options.accepts(item[0].line)]
        if not accepted:
            return
        found = self.model._default_manager.in_bulk({target_id for _, target_id, _ in accepted})
        for result, target_id, data in accepted:
            target = found.get(target_id)
            if target is None:
                continue  # gone meanwhile: the write fails and reports the change
            merged = copy.copy(target)
            try:
                services.apply_fields(merged, _merge_fill(target, data))
                refused = import_guard.row_refusal(self.actor, target, merged)
                if refused is not None:
                    raise _refusal(next(iter(refused.fields), import_guard.scope_field(self.model)), refused.message)
            except DomainError as exc:
                _fail(result, exc)

    def _check_positions(self) -> None:
        """A position ties a person to an organisation: the actor must be allowed to edit both."""
        targets = self.targets
        accepted = {r.line for r, _, _ in self.merges if self.options.accepts(r.line)}
        ids = {r.record_id for r, _, _ in self.positions if r.line in accepted and r.record_id is not None}
        merge_targets: dict[int, Any] = self.model._default_manager.in_bulk(ids) if ids else {}
        for result, _values, org in self.positions:
            if result.status in ("error", "skipped") or (result.status == "merge" and result.line not in accepted):
                continue
            found = merge_targets if result.status == "merge" else targets
            person = None if result.status == "create" or result.record_id is None else found.get(result.record_id)
            decision = import_guard.position_decision(self.actor, person, org)
            if not decision:
                _fail(result, _refusal("organisation", decision.reason))

    def write(self) -> None:
        """Everything but the streamed rows; the caller holds the transaction."""
        actor, model = self.actor, self.model
        user = policy.user_of(actor)
        label = user.get_username() if user else "import"
        now = timezone.now()
        entries = list(self.new_rows.history())
        if self.to_update:
            names = sorted({f for _, _, changes in self.to_update for f in changes} | _derived_of(model))
            # What a change through the services sets too: a new version (a form or an If-Match header that
            # read the old one is then refused, not silently reverting the import) and the change time.
            for extra in ("version", "updated_at"):
                if any(f.name == extra for f in model._meta.concrete_fields):
                    names.append(extra)
            for _, inst, _ in self.to_update:
                if hasattr(inst, "version"):
                    inst.version = (inst.version or 0) + 1
                if hasattr(inst, "updated_at"):
                    inst.updated_at = now
            model._default_manager.bulk_update([inst for _, inst, _ in self.to_update], names, batch_size=BATCH)
            entries.extend((inst.pk, str(inst)[:300], changes) for _, inst, changes in self.to_update)
        write_history(model=model, user=user, label=label, entries=entries, at=now)
        for result, target_id, data in self.merges:
            if not self.options.accepts(result.line):
                continue
            target = model._default_manager.get(pk=target_id)
            fill = _merge_fill(target, data)
            services.record_update(actor=actor, instance=target, data=fill, note=f"merged from import line {result.line}")
            result.status = "update"
        for result, values, org in self.positions:
            if result.record_id is None or result.status in ("merge", "error", "skipped"):
                continue
            title_zh = str(values.get("title_zh", "")).strip()
            title_en = str(values.get("title_en", "")).strip()
            exists = Position.objects.filter(
                person_id=result.record_id, organisation=org, title_zh=title_zh, title_en=title_en
            ).exists()
            if not exists:
                Position.objects.create(person_id=result.record_id, organisation=org, title_zh=title_zh, title_en=title_en)


def _merge_fill(target: models.Model, data: dict[str, Any]) -> dict[str, Any]:
    """What accepting a merge writes to `target`: the row's values for its empty fields, and the row's
    names as aliases."""
    fill = {k: v for k, v in data.items() if v not in ("", None, []) and not getattr(target, k, None)
            and k not in ("name_zh", "name_en", "key")}
    incoming = [data.get("name_zh"), data.get("name_en"), *(services._clean_aliases(data.get("aliases")))]
    aliases = list(getattr(target, "aliases", []))
    for name in incoming:
        if name and name not in aliases and name not in (getattr(target, "name_zh", ""), getattr(target, "name_en", "")):
            aliases.append(name)
    fill["aliases"] = aliases
    return fill


def _fail(result: RowResult, exc: DomainError) -> None:
    result.status = "error"
    result.field = next(iter(exc.fields), "")
    result.problems = [exc.message] if len(exc.fields) <= 1 else [_labelled(k, v) for k, v in exc.fields.items()]
    result.message = "; ".join(result.problems)


_COLUMN_ORDER = {name: index for index, name in enumerate(dict.fromkeys(
    ["id", "name", *(name for columns in EDITABLE.values() for name in columns), "organisation", "title_zh"]))}


def _raise_problems(problems: dict[str, str]) -> None:
    """Fail the row with every problem found in it, in the order of the columns."""
    if not problems:
        return
    ordered = dict(sorted(problems.items(), key=lambda item: _COLUMN_ORDER.get(item[0], len(_COLUMN_ORDER))))
    if len(ordered) == 1:
        name, message = next(iter(ordered.items()))
        raise ValidationFailed(_labelled(name, message), field=name)
    raise ValidationFailed("; ".join(_labelled(k, v) for k, v in ordered.items()), fields=ordered)


def _refusal_text(name: str, reason: str, *, empty: bool = False) -> str:
    """Why the policy refuses a row, naming the field that places the record (its park)."""
    if empty:
        return gettext("%(field)s: required; fill it in or choose the park for the whole file") % {
            "field": field_label(name)}
    return gettext("%(field)s: %(reason)s") % {"field": field_label(name), "reason": reason}


def _refusal(name: str, reason: str) -> ValidationFailed:
    """A row the policy refuses: the error names the field (the one that places the record in a park)."""
    return ValidationFailed(_refusal_text(name, reason), field=name)


def _derived_of(model: Any) -> set[str]:
    return {"search_text", "search_grams"} | ({"match_key"} if model is Organisation else set())


def export_records(*, user: Any, type_name: str) -> tuple[list[str], list[dict[str, Any]]]:
    """The visible records of a type as plain rows (the same columns an import takes)."""
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
