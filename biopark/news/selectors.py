"""Reads for the news app: the registry's names for biopark.extract, documents and their proposals, and the
documents that mention a registry record."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.db.models import Count, Q, QuerySet

from biopark.accounts import policy
from biopark.core import passages
from biopark.core.models import Citation
from biopark.deals.models import Agreement
from biopark.ecosystem.fields import MODEL_TYPE, TYPE_NAMES
from biopark.ecosystem.selectors import entity_model
from biopark.news.models import Document, IngestBatch, Proposal

ACCEPTED = (Proposal.Status.ACCEPTED, Proposal.Status.EDITED)


def registry_names() -> list[tuple[str, str, list[str]]]:
    """(id, type, names) for every park, organisation, person and platform; one query per type.

    Ids are "<type>:<pk>" so a match names its table. Internal tool: the CLI runs as the operator.
    """
    rows: list[tuple[str, str, list[str]]] = []
    for type_name in TYPE_NAMES:
        model = entity_model(type_name)
        for pk, zh, en, aliases in model._default_manager.values_list("pk", "name_zh", "name_en", "aliases"):
            names = [n for n in [zh, en, *(aliases or [])] if isinstance(n, str) and n.strip()]
            if names:
                rows.append((f"{type_name}:{pk}", type_name, names))
    return rows


def documents(user: Any) -> QuerySet[Document]:
    """The documents `user` may see, newest first, with their counts of open and accepted proposals."""
    return (
        Document.objects.filter(policy.visible_filter(user, Document))
        .select_related("ingested_by", "park")
        .annotate(
            open_count=Count("proposals", filter=Q(proposals__status=Proposal.Status.PROPOSED)),
            accepted_count=Count("proposals", filter=Q(proposals__status__in=ACCEPTED)),
        )
        .order_by("-ingested_at", "-id")
    )


def document_for(user: Any, pk: int) -> Document | None:
    return Document.objects.filter(policy.visible_filter(user, Document)).select_related(
        "source", "park", "ingested_by").filter(pk=pk).first()


def proposals_of(document: Document) -> list[Proposal]:
    return list(document.proposals.select_related("reviewer").order_by("position", "id"))


def batches(user: Any) -> list[IngestBatch]:
    return list(IngestBatch.objects.filter(policy.visible_filter(user, IngestBatch)).order_by("-created_at")[:10])


def mentions_of(user: Any, record: Any) -> list[Document]:
    """Documents the user may see that mention `record`: a proposal matched it or accepting one made or
    changed it. One query."""
    ref = f"{MODEL_TYPE.get(type(record), type(record)._meta.model_name)}:{record.pk}"
    ids = Proposal.objects.filter(Q(match=ref) | Q(record=ref)).values("document_id")
    return list(Document.objects.filter(policy.visible_filter(user, Document)).filter(pk__in=ids)
                .order_by("-published_on", "-ingested_at")[:50])


def document_passages(user: Any, citations: list[Citation]) -> dict[int, passages.Passage]:
    """The passage provider of news documents (registered with biopark.core.passages): the cited span of the
    document's stored text, for the documents `user` may see (a document's text stays with its park's
    staff, as on the document's own page). One query."""
    docs = {
        source_id: (pk, text)
        for source_id, pk, text in Document.objects.filter(policy.visible_filter(user, Document))
        .filter(source_id__in={c.source_id for c in citations})
        .values_list("source_id", "pk", "text")
    }
    out: dict[int, passages.Passage] = {}
    for c in citations:
        if c.source_id not in docs:
            continue
        pk, text = docs[c.source_id]
        found = passages.cut(text, c.span_start or 0, c.span_end or 0)
        if found is not None:
            out[c.pk] = dataclasses.replace(found, link=f"/news/{pk}/")
    return out


def registry_label(ref: str) -> str:
    """A registry record's name for "<type>:<id>" (the matched record a proposal names), or ""."""
    return registry_labels([ref]).get(ref, "")


def registry_labels(refs: list[str]) -> dict[str, str]:
    """Names of the records "<type>:<id>" refers to, one query per type; ids that are gone are left out."""
    wanted: dict[str, set[int]] = {}
    for ref in refs:
        type_name, _sep, pk = (ref or "").partition(":")
        if (type_name in TYPE_NAMES or type_name == "agreement") and pk.isdigit():
            wanted.setdefault(type_name, set()).add(int(pk))
    out: dict[str, str] = {}
    for type_name, ids in wanted.items():
        model = Agreement if type_name == "agreement" else entity_model(type_name)
        for obj in model._default_manager.filter(pk__in=ids):
            out[f"{type_name}:{obj.pk}"] = str(getattr(obj, "display_name", None) or obj)
    return out


_PAGES = {"park": "/parks/{}/", "organisation": "/organisations/{}/", "person": "/people/{}/",
          "platform": "/platforms/{}/", "agreement": "/deals/{}/"}


def record_url(ref: str) -> str:
    """The page of the record "<type>:<id>" refers to, or "" for types without a page of their own."""
    type_name, _sep, pk = (ref or "").partition(":")
    return _PAGES[type_name].format(pk) if type_name in _PAGES and pk.isdigit() else ""
