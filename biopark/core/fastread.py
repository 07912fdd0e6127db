"""Reads and writes on the busiest request paths, with their SQL built once instead of on every call.

Django compiles a queryset to SQL each time it runs: for a lookup by key that follows a couple of foreign keys
(the API token with its user and profile; a resource with its platform and park) the compilation and the
row-to-object machinery cost three times what PostgreSQL spends answering. `JoinedSelect` is the small part
of `select_related` those paths need: the SQL of one model and the to-one relations it follows is made once
per database alias, and each row comes back as model instances (via `Model.from_db`, with the database
converters Django would apply) whose followed relations are cached on them, so using them runs no further
query. `fetch` runs hand-written SQL (a `Template` whose table and column names come from the models'
metadata, so a renamed field fails where the SQL is built, in the tests) and converts values the same way;
`insert` and `insert_with` write new rows as `bulk_create` would (the latter a row and the rows that refer to
it, in one statement on PostgreSQL). Everything else uses the ORM.

The setting BIOPARK_FASTREAD (on by default; the environment variable BIOPARK_FASTREAD=0 turns it off) sends
every one of these paths through the ORM instead: `JoinedSelect` and the inserts here, and each caller of
`fetch` has its ORM query beside it (`enabled()` tells which to run). CI runs the facilities tests both ways,
and tests compare the two answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db import connections
from django.db.models import ForeignObjectRel, Model, signals

M = TypeVar("M", bound=Model)


def enabled() -> bool:
    """Whether the once-built SQL runs (BIOPARK_FASTREAD), or the ORM does the same work."""
    return bool(getattr(settings, "BIOPARK_FASTREAD", True))


def _run(connection: Any, sql: str, params: Sequence[Any]) -> Any:
    """Execute on a database cursor kept for these hot paths (one per connection) and return it to fetch from.

    `connection.cursor()` makes a new driver cursor on each call, and on the busiest requests that cost as much
    as a query. The kept cursor is still wrapped by Django's cursor wrapper (errors become django.db errors;
    queries are logged when Django logs queries, as in assertNumQueries) and is replaced when the connection
    is (reconnects, closed cursors). Django's own checks still run as `connection.cursor()` runs them: the
    health check (once per request when CONN_HEALTH_CHECKS is on) and the refusal to share a connection
    between threads."""
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    kept = getattr(connection, "_biopark_fastread_cursor", None)
    if kept is None or kept[0] is not connection.connection or getattr(kept[1], "closed", False):
        raw = connection.create_cursor()  # the backend's own kind (SQLite's turns %s into ?)
        connection._biopark_fastread_cursor = kept = (connection.connection, raw)
    cursor = connection.make_debug_cursor(kept[1]) if connection.queries_logged else connection.make_cursor(kept[1])
    # (Sending a transaction's first statement together with its BEGIN in psycopg's pipeline mode saved the
    # round trip but cost more CPU than it saved: the driver polls the socket while it waits in that mode.)
    cursor.execute(sql, params)
    return cursor


@dataclass(frozen=True)
class _Part:
    model: type[Model]
    path: str  # "" for the root, else the relation path, e.g. "platform__park"
    parent: int  # index of the part it hangs from (-1 for the root)
    relation: Any  # None for the root, else the field (forward) or relation (reverse one-to-one) followed
    alias: str
    fields: tuple[Any, ...]


@dataclass(frozen=True)
class _Compiled:
    sql: str
    parts: tuple[_Part, ...]
    converters: tuple[tuple[tuple[int, list[Any], Any], ...], ...]  # per part: (column index, converters, col)


class JoinedSelect(Generic[M]):
    """SELECT the row of a model whose field `by` equals a value, with to-one relations (forward foreign keys
    and one-to-ones, reverse one-to-ones): `select_related(*relations).filter(by=value)`, its SQL built once.
    With `for_update` the root's row is locked (`FOR UPDATE OF` it) where the database can lock rows."""

    def __init__(
        self, model: type[M], relations: Sequence[str] = (), *, by: str, for_update: bool = False
    ) -> None:
        self.model = model
        self.relations = tuple(relations)
        self.by: Any = model._meta.get_field(by)  # fail at import time on a field that does not exist
        self.for_update = for_update
        self._compiled: dict[str, _Compiled] = {}
        self._parts()  # and on a relation that does not exist or is not to-one

    def _parts(self) -> list[tuple[type[Model], str, int, Any]]:
        parts: list[tuple[type[Model], str, int, Any]] = [(self.model, "", -1, None)]
        index = {"": 0}
        for path in self.relations:
            parent_path, _, name = path.rpartition("__")
            if parent_path not in index:
                raise ValueError(f"{path}: follow {parent_path} first")
            parent = index[parent_path]
            relation = parts[parent][0]._meta.get_field(name)
            if not (relation.many_to_one or relation.one_to_one):
                raise ValueError(f"{path} is not a to-one relation")
            target = relation.related_model
            assert isinstance(target, type) and issubclass(target, Model)
            index[path] = len(parts)
            parts.append((target, path, parent, relation))
        return parts

    def _compile(self, using: str) -> _Compiled:
        connection = connections[using]
        qn = connection.ops.quote_name
        parts: list[_Part] = []
        nullable: list[bool] = []
        joins: list[str] = []
        for i, (model, path, parent, relation) in enumerate(self._parts()):
            alias = f"t{i}"
            parts.append(_Part(model, path, parent, relation, alias, tuple(model._meta.concrete_fields)))
            if relation is None:
                nullable.append(False)
                continue
            parent_alias = parts[parent].alias
            if isinstance(relation, ForeignObjectRel):  # reverse one-to-one: the child holds the key
                key: Any = relation.field
                on = f"{qn(alias)}.{qn(key.column)} = {qn(parent_alias)}.{qn(key.target_field.column)}"
                left = True
            else:
                target = relation.target_field
                on = f"{qn(alias)}.{qn(target.column)} = {qn(parent_alias)}.{qn(relation.column)}"
                left = bool(relation.null) or nullable[parent]
            nullable.append(left)
            joins.append(f"{'LEFT OUTER' if left else 'INNER'} JOIN {qn(model._meta.db_table)} {qn(alias)} ON {on}")
        columns: list[str] = []
        converters: list[tuple[tuple[int, list[Any], Any], ...]] = []
        for part in parts:
            part_converters = []
            for field in part.fields:
                col = field.get_col(part.alias)
                found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
                if found:
                    part_converters.append((len(columns), found, col))
                columns.append(f"{qn(part.alias)}.{qn(field.column)}")
            converters.append(tuple(part_converters))
        where = f"{qn(parts[0].alias)}.{qn(str(self.by.column))} = %s"
        sql = (
            f"SELECT {', '.join(columns)} FROM {qn(self.model._meta.db_table)} {qn(parts[0].alias)} "
            f"{' '.join(joins)} WHERE {where}"
        )
        if self.for_update and connection.features.has_select_for_update:
            sql += f" FOR UPDATE OF {qn(parts[0].alias)}" if connection.features.has_select_for_update_of else (
                " FOR UPDATE"
            )
        return _Compiled(sql, tuple(parts), tuple(converters))

    def sql(self, using: str = "default") -> str:
        compiled = self._compiled.get(using)
        if compiled is None:
            compiled = self._compiled[using] = self._compile(using)
        return compiled.sql

    def all(self, value: Any, *, using: str = "default") -> list[M]:
        if not enabled():
            return list(self.orm(value, using=using))
        self.sql(using)
        compiled = self._compiled[using]
        connection = connections[using]
        param = self.by.get_db_prep_value(value, connection, prepared=False)
        rows = _run(connection, compiled.sql, [param]).fetchall()
        return [self._build(compiled, list(row), connection, using) for row in rows]

    def first(self, value: Any, *, using: str = "default") -> M | None:
        found = self.all(value, using=using)
        return found[0] if found else None

    def orm(self, value: Any, *, using: str = "default") -> Any:
        """The same query through the ORM (what runs with BIOPARK_FASTREAD off)."""
        qs = self.model._default_manager.using(using).filter(**{self.by.name: value})
        if self.relations:
            qs = qs.select_related(*self.relations)
        if self.for_update:
            qs = qs.select_for_update(of=("self",)) if connections[using].features.has_select_for_update_of else (
                qs.select_for_update()
            )
        return qs.order_by()

    @staticmethod
    def _build(compiled: _Compiled, row: list[Any], connection: Any, using: str) -> Any:
        for part_converters in compiled.converters:
            for position, found, col in part_converters:
                value = row[position]
                for converter in found:
                    value = converter(value, col, connection)
                row[position] = value
        objects: list[Model | None] = []
        offset = 0
        for part in compiled.parts:
            width = len(part.fields)
            values = row[offset:offset + width]
            offset += width
            pk_position = next(i for i, f in enumerate(part.fields) if f.primary_key)
            parent = objects[part.parent] if part.parent >= 0 else None
            if values[pk_position] is None or (part.parent >= 0 and parent is None):
                obj = None
            else:
                obj = part.model.from_db(using, [f.attname for f in part.fields], values)
            objects.append(obj)
            if part.relation is None or parent is None:
                continue
            relation = part.relation
            if isinstance(relation, ForeignObjectRel):
                relation.set_cached_value(parent, obj)
                if obj is not None:
                    relation.field.set_cached_value(obj, parent)
            else:
                relation.set_cached_value(parent, obj)
                if obj is not None and relation.one_to_one and relation.remote_field is not None:
                    relation.remote_field.set_cached_value(obj, parent)
        return objects[0]


class _Names:
    """A model's table under an alias, for a SQL template: `{u}` gives the quoted table and its alias, `{u.start}`
    the aliased column of the field `start` (a foreign key gives its column: `{u.booking}` is "u"."booking_id")."""

    def __init__(self, model: type[Model], alias: str, quote: Any) -> None:
        self._model, self._alias, self._quote = model, alias, quote

    def __format__(self, spec: str) -> str:
        return f"{self._quote(self._model._meta.db_table)} {self._quote(self._alias)}"

    def __getattr__(self, name: str) -> str:
        field = self._model._meta.get_field(name)
        column = getattr(field, "column", None)
        if column is None:
            raise ValueError(f"{self._model.__name__}.{name} has no column")
        return f"{self._quote(self._alias)}.{self._quote(column)}"


class _AnyValue(dict):
    """Names for a template's check: placeholders other than the tables' read as empty."""

    def __missing__(self, key: str) -> str:
        return ""


class Template:
    """Hand-written SQL whose names come from the models' metadata: `tables` maps each alias of the template to
    its model, and the text refers to them as `{alias}` (the table) and `{alias.field}` (a column). A renamed
    or removed field fails when the template is made (at import, so in every test run), not in production.
    Other `{name}` placeholders are filled from the keyword arguments of `sql()` (an IN list's `%s`s, say);
    each variant is built once per database."""

    def __init__(self, text: str, **tables: type[Model]) -> None:
        self.text = text
        self.tables = tables
        self._built: dict[tuple[Any, ...], str] = {}
        self._format(lambda name: f'"{name}"', None)  # check every name now

    def _format(self, quote: Any, extra: dict[str, str] | None) -> str:
        names: dict[str, Any] = {alias: _Names(model, alias, quote) for alias, model in self.tables.items()}
        if extra is None:  # the check: the other placeholders do not matter yet
            return self.text.format_map(_AnyValue(names))
        return self.text.format(**names, **extra)

    def sql(self, using: str = "default", **extra: str) -> str:
        key = (using, *sorted(extra.items()))
        found = self._built.get(key)
        if found is None:
            found = self._built[key] = self._format(connections[using].ops.quote_name, extra)
        return found


_VALUE_CONVERTERS: dict[tuple[str, tuple[Any, ...]], list[tuple[int, list[Any], Any]]] = {}


def fetch(sql: str, params: Sequence[Any], fields: Sequence[Any], *, using: str = "default") -> list[tuple]:
    """Run hand-written SQL whose columns are the values of `fields` (in order) and return the rows with each value
    converted as the ORM converts that field's values (datetimes, decimals, booleans and JSON on SQLite, say).
    Parameters must already be in database form: see `adapt`."""
    connection = connections[using]
    key = (using, tuple(fields))
    converters = _VALUE_CONVERTERS.get(key)
    if converters is None:
        converters = []
        for position, field in enumerate(fields):
            col = field.get_col(field.model._meta.db_table)
            found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            if found:
                converters.append((position, found, col))
        _VALUE_CONVERTERS[key] = converters
    rows = _run(connection, sql, params).fetchall()
    if not converters:
        return rows
    out = []
    for row in rows:
        values = list(row)
        for position, found, col in converters:
            value = values[position]
            for converter in found:
                value = converter(value, col, connection)
            values[position] = value
        out.append(tuple(values))
    return out


def adapt(field: Any, value: Any, *, using: str = "default") -> Any:
    """`value` as the database takes it for `field` (a UTC text timestamp on SQLite, unchanged on PostgreSQL)."""
    return field.get_db_prep_value(value, connections[using], prepared=False)



def _written_fields(model: type[Model]) -> list[Any]:
    """The columns an insert of `model` writes: every concrete field but the (generated) key."""
    pk = model._meta.pk
    return [f for f in model._meta.concrete_fields if f is not pk and not getattr(f, "generated", False)]


def _values(obj: Model, fields: Sequence[Any], connection: Any) -> list[Any]:
    """What save() would write for a new `obj`: defaults, auto_now(_add), values in database form."""
    if obj.pk is not None:
        raise ValueError(f"{type(obj).__name__} {obj.pk} exists already: only new rows are inserted here")
    return [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]


def _saved(obj: M, pk: Any, using: str) -> M:
    obj.pk = pk
    obj._state.adding = False
    obj._state.db = using
    return obj


_INSERTS: dict[tuple[type[Model], str], tuple[str, list[Any], bool]] = {}


def _check_plain(model: type[Model]) -> None:
    """Refuse a model that has a custom save() or model signal receivers: writing it here would skip them.
    Checked when a model's INSERT is first built (receivers are connected at start-up, before any write)."""
    if model.save is not Model.save or model.save_base is not Model.save_base:
        raise TypeError(f"{model._meta.label} has its own save(): write it with save(), not core.fastread")
    for signal in (signals.pre_init, signals.post_init, signals.pre_save, signals.post_save):
        if signal.has_listeners(model):
            raise TypeError(f"{model._meta.label} has signal receivers: write it with save(), not core.fastread")


def insert(obj: M, *, using: str = "default") -> M:
    """Write a new row for `obj` (its primary key unset) and set its key: a one-row `bulk_create` whose SQL is
    built once per model. Like `bulk_create` it sends no model signals (these models have no receivers) and
    runs no validation; field defaults and `auto_now(_add)` are applied as `save()` applies them. With
    BIOPARK_FASTREAD off it is `save(force_insert=True)`."""
    if not enabled():
        if obj.pk is not None:
            raise ValueError(f"{type(obj).__name__} {obj.pk} exists already: only new rows are inserted here")
        obj.save(force_insert=True, using=using)
        return obj
    connection = connections[using]
    model = type(obj)
    found = _INSERTS.get((model, using))
    if found is None:
        _check_plain(model)
        qn = connection.ops.quote_name
        fields = _written_fields(model)
        returning = bool(connection.features.can_return_columns_from_insert)
        sql = (
            f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(str(f.column)) for f in fields)}) "
            f"VALUES ({', '.join(['%s'] * len(fields))})"
        )
        if returning:
            sql += f" RETURNING {qn(str(model._meta.pk.column))}"  # type: ignore[union-attr]
        found = _INSERTS[(model, using)] = (sql, fields, returning)
    sql, fields, returning = found
    cursor = _run(connection, sql, _values(obj, fields, connection))
    new_pk = cursor.fetchone()[0] if returning else connection.ops.last_insert_id(
        cursor, model._meta.db_table, str(model._meta.pk.column)  # type: ignore[union-attr]
    )
    return _saved(obj, new_pk, using)


_CHAINS: dict[tuple[Any, ...], tuple[str, list[list[Any]]]] = {}


def insert_with(obj: M, dependents: Sequence[tuple[Model, str]], *, using: str = "default") -> M:
    """Insert `obj` and rows that refer to it: each dependent is (an unsaved instance, the name of its field
    that takes obj's new key). On PostgreSQL all of them go in one statement (data-modifying WITH queries), so
    a write of three rows costs one round trip instead of three; elsewhere they are inserted one by one. The
    dependents' own keys are not read back (they stay unset). Errors come as Django database errors."""
    connection = connections[using]
    if connection.vendor != "postgresql" or not enabled():
        insert(obj, using=using)
        for dependent, key in dependents:
            setattr(dependent, key, obj.pk)
            insert(dependent, using=using)
        return obj
    signature = (type(obj), using, *((type(d), key) for d, key in dependents))
    found = _CHAINS.get(signature)
    if found is None:
        written: list[type[Model]] = [type(obj), *(type(d) for d, _ in dependents)]
        for model in written:
            _check_plain(model)
        qn = connection.ops.quote_name
        parent_key = f"parent.{qn(str(type(obj)._meta.pk.column))}"  # type: ignore[union-attr]
        parent_fields = _written_fields(type(obj))
        parts = [
            f"parent AS (INSERT INTO {qn(type(obj)._meta.db_table)} "
            f"({', '.join(qn(str(f.column)) for f in parent_fields)}) VALUES ({', '.join(['%s'] * len(parent_fields))}) "
            f"RETURNING {qn(str(type(obj)._meta.pk.column))})"  # type: ignore[union-attr]
        ]
        lists = [parent_fields]
        for i, (dependent, key) in enumerate(dependents):
            fields = _written_fields(type(dependent))
            key_field = type(dependent)._meta.get_field(key)
            values = ", ".join(parent_key if f is key_field else "%s" for f in fields)
            parts.append(
                f"d{i} AS (INSERT INTO {qn(type(dependent)._meta.db_table)} "
                f"({', '.join(qn(str(f.column)) for f in fields)}) SELECT {values} FROM parent)"
            )
            lists.append([f for f in fields if f is not key_field])  # the key comes from the parent row
        sql = f"WITH {', '.join(parts)} SELECT {parent_key.removeprefix('parent.')} FROM parent"
        found = _CHAINS[signature] = (sql, lists)
    sql, lists = found
    params: list[Any] = []
    instances: list[Model] = [obj, *(d for d, _ in dependents)]
    for instance, fields in zip(instances, lists, strict=True):
        params.extend(_values(instance, fields, connection))
    new_pk = _run(connection, sql, params).fetchone()[0]
    for dependent, key in dependents:
        setattr(dependent, key, new_pk)
    return _saved(obj, new_pk, using)
