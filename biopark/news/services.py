"""Writes of the news app: ingesting a document (its text stored, biopark.extract's proposals queued) and
reviewing proposals. Accepting goes through the registry's own services (see accept.py); rejecting writes
nothing to the registry. Each function is atomic, checks the policy and records who did it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from biopark.accounts import policy
from biopark.core.audit import record_change
from biopark.core.dates import PartialDate
from biopark.core.errors import ValidationFailed
from biopark.core.models import ChangeRecord, Source
from biopark.extract.engine import extract
from biopark.extract.names import NameIndex
from biopark.news import accept
from biopark.news.documents import DocumentError, read_bytes
from biopark.news.models import Document, Language, Proposal
from biopark.news.selectors import registry_names

MAX_TEXT = 2_000_000  # characters of pasted text (about 2 MB of Chinese): longer is a file, not a paste


@dataclass
class Incoming:
    """What a person gives: pasted text, or a file's name and bytes, with what they know about it."""

    text: str = ""
    file_name: str = ""
    content: bytes | None = None
    title: str = ""
    publisher: str = ""
    url: str = ""
    published: str = ""
    language: str = ""


def _clean(incoming: Incoming) -> tuple[str, str, str, PartialDate | None]:
    """(text, title, kind, date) or a ValidationFailed naming the field."""
    try:
        date = PartialDate.parse(incoming.published)
    except ValueError as exc:
        raise ValidationFailed(str(exc), field="published") from exc
    if incoming.language and incoming.language not in Language.values:
        raise ValidationFailed(_("choose the language from the list"), field="language")
    if len(incoming.title) > 500:
        raise ValidationFailed(_("the title is longer than 500 characters"), field="title")
    if len(incoming.publisher) > 300:
        raise ValidationFailed(_("the source is longer than 300 characters"), field="publisher")
    if incoming.url and not _web_link(incoming.url):
        # The link is shown on the document's page: only a web address, never a script ("javascript:").
        raise ValidationFailed(_("give a link starting with http:// or https://"), field="url")
    if incoming.content is not None:
        try:
            doc = read_bytes(incoming.file_name or "document", incoming.content)
        except DocumentError as exc:
            raise ValidationFailed(str(exc), field="file") from exc
        return doc.text, incoming.title.strip() or doc.title, doc.kind, date
    text = (incoming.text or "").replace("\r\n", "\n").strip()
    if "\x00" in text:
        raise ValidationFailed(_("the text holds binary data; paste plain text"), field="text")
    if not any(c.isprintable() and not c.isspace() for c in text):  # zero-width characters only: empty too
        raise ValidationFailed(_("paste the text of the document, or choose a file"), field="text")
    if len(text) > MAX_TEXT:
        raise ValidationFailed(_("the text is longer than %(n)s characters; upload it as a file")
                               % {"n": f"{MAX_TEXT:,}"}, field="text")
    title = incoming.title.strip() or text.splitlines()[0].strip()[:200]
    return text, title, Document.Kind.PASTE, date


def _web_link(url: str) -> bool:
    try:
        URLValidator(schemes=["http", "https"])(url)
    except DjangoValidationError:
        return False
    return True


def _park_of(actor: Any) -> int | None:
    return policy.actor_for(actor).park_id


@transaction.atomic
def document_ingest(*, actor: Any, incoming: Incoming, park_id: int | None = None, batch_id: int | None = None,
                    kind: str = "") -> Document:
    """Store a document with its extracted text and queue the records biopark.extract proposes from it.
    Nothing is written when the document is empty, malformed, undecodable or of an unsupported type."""
    policy.require(actor, policy.CREATE, Document)
    text, title, found_kind, date = _clean(incoming)
    park = park_id if park_id is not None else _park_of(actor)
    result = extract(text, names=NameIndex(registry_names()),
                     document_date=date.value.isoformat() if date and date.precision == "day" else None,
                     language=incoming.language or None)
    out = result.as_dict()
    language = incoming.language or out["document"].get("language") or Language.MIXED
    if language not in Language.values:
        language = Language.MIXED
    source = Source.objects.create(
        key=f"news/{uuid.uuid4().hex}", title_zh=title[:500] if language != "en" else "",
        title_en=title[:500] if language == "en" else "", publisher=incoming.publisher[:300],
        url=incoming.url[:200], language=language, published_on=date.value if date else None,
        published_precision=date.precision if date else "",
    )
    document = Document(
        title=title[:500], publisher=incoming.publisher, url=incoming.url, language=language, text=text,
        kind=kind or found_kind, park_id=park, source=source, ingested_by=policy.user_of(actor)
        if getattr(policy.user_of(actor), "is_authenticated", False) else None,
        published_on=date.value if date else None, published_precision=date.precision if date else "",
        original_name=(incoming.file_name or "")[:255], size=len(incoming.content or b""), batch_id=batch_id,
    )
    policy.require(actor, policy.CREATE, document)
    document.save()
    if incoming.content is not None:
        # The original file is kept beside the text (saved last: nothing after it can fail but the commit).
        document.file.save(incoming.file_name or "document", ContentFile(incoming.content), save=False)
        Document.objects.filter(pk=document.pk).update(file=document.file.name)
    Proposal.objects.bulk_create([
        Proposal(document=document, position=i, type=r["type"], fields=r["fields"], span_start=r["span"][0],
                 span_end=r["span"][1], confidence=float(r["confidence"]), match=r.get("match") or "")
        for i, r in enumerate(out["records"])
    ])
    record_change(actor=policy.user_of(actor), obj=document, action=ChangeRecord.CREATE,
                  changes={"title": [None, document.title], "proposals": [None, len(out["records"])]})
    return document


def _require_open(proposal: Proposal) -> None:
    if proposal.status != Proposal.Status.PROPOSED:
        raise ValidationFailed(_("this proposal was already reviewed (%(status)s)")
                               % {"status": proposal.get_status_display()}, field="status")


@transaction.atomic
def proposal_reject(*, actor: Any, proposal: Proposal) -> Proposal:
    """Mark a proposal rejected; nothing is written to the registry."""
    proposal = Proposal.objects.select_for_update().select_related("document").get(pk=proposal.pk)
    policy.require(actor, policy.CHANGE, proposal)
    _require_open(proposal)
    proposal.status = Proposal.Status.REJECTED
    proposal.reviewer = _person(actor)
    proposal.reviewed_at = timezone.now()
    proposal.save(update_fields=["status", "reviewer", "reviewed_at"])
    record_change(actor=policy.user_of(actor), obj=proposal.document, action=ChangeRecord.UPDATE,
                  changes={f"proposal {proposal.pk}": [Proposal.Status.PROPOSED, Proposal.Status.REJECTED]})
    return proposal


def _person(actor: Any) -> Any:
    user = policy.user_of(actor)
    return user if getattr(user, "is_authenticated", False) else None


@transaction.atomic
def proposal_accept(*, actor: Any, proposal: Proposal, fields: dict[str, Any] | None = None) -> Proposal:
    """Accept a proposal (as proposed, or with the reviewer's `fields`): the record is created or updated
    through the registry's services, cites the document's passage and gets a history row."""
    proposal = Proposal.objects.select_for_update().select_related("document__source").get(pk=proposal.pk)
    policy.require(actor, policy.CHANGE, proposal)
    _require_open(proposal)
    edited = fields is not None and fields != accept.form_values(proposal)
    values = fields if fields is not None else accept.form_values(proposal)
    record = accept.apply(actor=actor, proposal=proposal, values=values)
    proposal.status = Proposal.Status.EDITED if edited else Proposal.Status.ACCEPTED
    proposal.reviewer = _person(actor)
    proposal.reviewed_at = timezone.now()
    proposal.record = record
    if edited:
        proposal.fields = {**proposal.fields, "reviewed": values}
    proposal.save(update_fields=["status", "reviewer", "reviewed_at", "record", "fields"])
    record_change(actor=policy.user_of(actor), obj=proposal.document, action=ChangeRecord.UPDATE,
                  changes={f"proposal {proposal.pk}": [Proposal.Status.PROPOSED, proposal.status]})
    return proposal


@transaction.atomic
def proposals_accept_above(*, actor: Any, document: Document, threshold: float) -> list[Proposal]:
    """Accept, as proposed, every open proposal of the document at or above `threshold` (0–1), in order.
    All or nothing: one that cannot be accepted refuses the whole batch, naming it."""
    policy.require(actor, policy.CHANGE, document)
    if not 0 <= threshold <= 1:
        raise ValidationFailed(_("the confidence must be between 0 and 1"), field="threshold")
    done = []
    chosen = document.proposals.filter(status=Proposal.Status.PROPOSED, confidence__gte=threshold,
                                       type__in=accept.ACCEPTED_TYPES).order_by("position", "id")
    # Names before what refers to them: a position or an agreement names people and organisations that
    # accepting their own proposals creates.
    for proposal in sorted(chosen, key=lambda p: accept.ACCEPTED_TYPES.index(p.type)):
        try:
            done.append(proposal_accept(actor=actor, proposal=proposal))
        except ValidationFailed as exc:
            raise ValidationFailed(_("%(what)s: %(reason)s") % {"what": accept.summary(proposal),
                                                                 "reason": exc.message},
                                   field="threshold") from exc
    return done
