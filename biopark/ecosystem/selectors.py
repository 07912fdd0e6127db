"""Reads from the registry: searchable, filterable lists and everything a record page shows,
each in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from biopark.accounts import policy
from biopark.core import history, passages
from biopark.core.dates import format_partial
from biopark.core.errors import ValidationFailed
from biopark.core.models import ChangeRecord, Citation
from biopark.core.text import is_han_pair, query_terms
from biopark.ecosystem.fields import MODEL_TYPE, PARTIAL_DATES, TYPE_LABELS, TYPE_NAMES
from biopark.ecosystem.models import Figure, Organisation, Park, Person, Platform, Position, Relation


def entity_model(type_name: str) -> type[models.Model]:
    try:
        return TYPE_NAMES[type_name]
    except KeyError as exc:
        raise ValueError(_("Unknown record type %(type)s; known: %(known)s.")
                         % {"type": type_name, "known": ", ".join(str(v) for v in TYPE_LABELS.values())}) from exc


def visible(model: type[models.Model], user: Any) -> models.QuerySet:
    """Everything of `model` that `user` may see."""
    qs = model._default_manager.all()
    if policy.actor_for(user).is_authenticated:
        return qs  # the policy's filter is Q(): skip the no-op WHERE on the busiest lists
    qs = qs.filter(policy.visible_filter(user, model))
    return qs.distinct() if model is Person else qs


def search(qs: models.QuerySet, q: str | None) -> models.QuerySet:
    """Every term of the query must occur in the search text (any language, pinyin, alias).

    A two-character Chinese term is looked up as a whole word of the bigram column instead: the same
    records match, and PostgreSQL's trigram index can answer it (it has no trigram inside "亦庄").
    """
    sqlite = connection.vendor == "sqlite" and qs.model in (Park, Organisation, Person, Platform)
    for term in query_terms(q or ""):
        column, needle = ("search_grams", f" {term} ") if is_han_pair(term) else ("search_text", term)
        if sqlite and len(needle) >= 3:
            # The FTS5 trigram index (migration 0005) answers substring matches without a scan.
            fts = f"{qs.model._meta.db_table}_fts"
            phrase = '"' + needle.replace('"', '""') + '"'
            qs = qs.filter(
                pk__in=RawSQL(f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s", [f"{column} : {phrase}"])
            )
        else:
            qs = qs.filter(**{f"{column}__contains": needle})
    return qs


_RELATED: dict[Any, list[str]] = {
    Park: ["parent"],
    Organisation: ["park"],
    Person: [],
    Platform: ["park", "operator"],
}


def record_list(
    *,
    model: type[models.Model],
    user: Any,
    q: str | None = None,
    kind: str | None = None,
    park_id: int | None = None,
    with_related: bool = True,
    organisation_id: int | None = None,
) -> models.QuerySet:
    """A type's visible records matching the filters, in id order. Pages show related names
    (`with_related`); the API returns only their ids and skips the joins."""
    qs = search(visible(model, user), q)
    if kind:
        if not any(f.name == "kind" for f in model._meta.get_fields()):
            raise ValidationFailed(_("These records have no kind to filter by."), field="kind")
        qs = qs.filter(kind=kind)
    if park_id is not None and model is not Person:
        field = "parent_id" if model is Park else "park_id"
        qs = qs.filter(**{field: park_id})
    if organisation_id is not None and model in (Person, Platform):
        # People by the organisations they hold positions at; platforms by the organisation running them.
        qs = qs.filter(positions__organisation_id=organisation_id).distinct() if model is Person else qs.filter(
            operator_id=organisation_id)
    if with_related:
        qs = qs.select_related(*_RELATED[model])
    if model is Person:
        qs = qs.prefetch_related(
            models.Prefetch(
                "positions",
                queryset=Position.objects.select_related("organisation") if with_related else Position.objects.all(),
            )
        )
    return qs.order_by("id")


@dataclass
class RelationView:
    relation: Relation
    direction: str  # "out" (this record is the subject) or "in"
    other: Any
    other_type: str


def relations_of(obj: models.Model) -> list[RelationView]:
    """Both directions of every relation of a record, with the other end loaded in one query per type."""
    type_name = MODEL_TYPE[type(obj)]
    rels = list(
        Relation.objects.filter(
            models.Q(subject_type=type_name, subject_id=obj.pk) | models.Q(object_type=type_name, object_id=obj.pk)
        ).order_by("predicate", "id")
    )
    wanted: dict[str, set[int]] = defaultdict(set)
    for rel in rels:
        if rel.subject_type == type_name and rel.subject_id == obj.pk:
            wanted[rel.object_type].add(rel.object_id)
        else:
            wanted[rel.subject_type].add(rel.subject_id)
    loaded = {t: entity_model(t)._default_manager.in_bulk(ids) for t, ids in wanted.items()}
    out = []
    for rel in rels:
        if rel.subject_type == type_name and rel.subject_id == obj.pk:
            other = loaded[rel.object_type].get(rel.object_id)
            out.append(RelationView(rel, "out", other, rel.object_type))
        else:
            other = loaded[rel.subject_type].get(rel.subject_id)
            out.append(RelationView(rel, "in", other, rel.subject_type))
    return [r for r in out if r.other is not None]


def citations_of(obj: models.Model) -> list[Citation]:
    ct = ContentType.objects.get_for_model(obj)
    return list(
        Citation.objects.filter(content_type=ct, object_id=obj.pk).select_related("source", "accepted_by")
    )


def history_of(obj: models.Model, limit: int = 100) -> list[ChangeRecord]:
    """The record's history with that of the records merged into it (see biopark.core.history.history_of)."""
    return history.history_of(obj, limit)


def figures_of(obj: models.Model) -> list[Figure]:
    return list(Figure.objects.filter(subject_type=MODEL_TYPE[type(obj)], subject_id=obj.pk))


def park_tree(user: Any) -> list[tuple[Park, int]]:
    """The parks `user` may see in nesting order with their depth, for the park list and pickers (a park whose
    parent is hidden from the user stands at the top)."""
    parks = list(visible(Park, user).order_by("id"))
    shown = {park.pk for park in parks}
    children: dict[int | None, list[Park]] = defaultdict(list)
    for park in parks:
        children[park.parent_id if park.parent_id in shown else None].append(park)
    out: list[tuple[Park, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for child in children.get(parent, []):
            out.append((child, depth))
            walk(child.pk, depth + 1)

    walk(None, 0)
    return out


def passage(citation: Citation) -> str | None:
    """The cited passage, read from the source document when it is available on this machine."""
    if citation.span_start is None or citation.span_end is None:
        return None
    text = _corpus_text(citation.source.key)
    return None if text is None else text[citation.span_start : citation.span_end]


def _corpus_text(key: str) -> str | None:
    from django.conf import settings

    folder = settings.CORPUS_DIR
    path = folder / key
    try:
        if not path.resolve().is_relative_to(folder.resolve()):
            return None  # a key is a file name in the corpus folder, never a way out of it
        return path.read_text(encoding="utf-8")
    except (OSError, ValueError):
        return None


def corpus_passages(user: Any, citations: list[Citation]) -> dict[int, passages.Passage]:
    """The passage provider of the articles in the corpus folder (anyone who sees the citation may read
    them: they are published articles). Each file is read once."""
    texts: dict[str, str | None] = {}
    out: dict[int, passages.Passage] = {}
    for c in citations:
        key = c.source.key
        if key not in texts:
            texts[key] = _corpus_text(key)
        text = texts[key]
        found = passages.cut(text, c.span_start or 0, c.span_end or 0) if text is not None else None
        if found is not None:
            out[c.pk] = found
    return out


def cited_passages(obj: models.Model, user: Any) -> list[tuple[Citation, passages.Passage | None]]:
    """The record's citations, each with the passage it cites with some context (None when the source's
    text is not on this machine or `user` may not read it). Two queries, plus one per kind of source."""
    return passages.with_passages(user, citations_of(obj))


def resolve_record(type_name: str, text: str) -> Any:
    """The one record of a type that `text` names: an id, a key, an exact name, or a unique search hit."""
    model = entity_model(type_name)
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(_("Name the other record (id, key or name)."), field="other")
    manager = model._default_manager
    if text.isdigit():
        found = manager.filter(pk=int(text)).first()
    else:
        found = manager.filter(key=text).first() or manager.filter(
            models.Q(name_zh=text) | models.Q(name_en=text)
        ).first()
    if found is not None:
        return found
    hits = list(search(manager.all(), text)[:3])
    if len(hits) == 1:
        return hits[0]
    if not hits:
        raise ValidationFailed(
            _("No %(type)s matches %(text)s.") % {"type": TYPE_LABELS[type_name], "text": text}, field="other"
        )
    raise ValidationFailed(
        _("%(text)s matches several records (%(hits)s…): give its id or key.")
        % {"text": text, "hits": ", ".join(str(h) for h in hits)},
        field="other",
    )


def api_rows(model: Any, fields: list[str]) -> Any:
    """For the API's lists: a function from a page's ids to plain rows, in that order, with exactly
    `fields` (the output schema's), read without building model instances. None when a field is not a
    column or a partial date (people's rows carry their positions)."""
    columns = {f.attname for f in model._meta.concrete_fields}
    selected: list[str] = []
    for name in fields:
        if name in PARTIAL_DATES:
            selected.extend(PARTIAL_DATES[name])
        elif name in columns:
            selected.append(name)
        else:
            return None

    def rows(ids: list[int]) -> list[dict[str, Any]]:
        found = {r["id"]: r for r in model._default_manager.filter(pk__in=ids).values(*selected)}
        out = []
        for pk in ids:
            row = found[pk]
            for name, (date_field, precision_field) in PARTIAL_DATES.items():
                if name in fields:
                    row[name] = format_partial(row.pop(date_field), row.pop(precision_field))
            out.append({name: row[name] for name in fields})
        return out

    return rows


def suggest(model: type[models.Model], user: Any, q: str, limit: int = 10) -> list[models.Model]:
    """The first records of `model` whose names match what was typed (for a filter's autocomplete)."""
    if not q.strip():
        return []
    return list(search(visible(model, user), q).order_by("name_zh", "name_en")[:limit])


def named(model: type[models.Model], user: Any, text: str) -> models.Model | None:
    """The visible record a filter names: by id, by key or exact name, else the only search match."""
    text = text.strip()
    if not text:
        return None
    qs = visible(model, user)
    if text.isdigit():
        return qs.filter(pk=int(text)).first()
    exact = qs.filter(models.Q(name_zh=text) | models.Q(name_en__iexact=text) | models.Q(key=text)).first()
    if exact is not None:
        return exact
    matches = list(search(qs, text)[:2])
    return matches[0] if len(matches) == 1 else None
