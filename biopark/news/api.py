"""REST endpoints of the news app, mounted at /api/v1/news/: documents (list, create, detail), their
proposals, and accepting or rejecting one. Same policy and error format as the pages."""

import base64
import binascii
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from biopark.accounts import policy
from biopark.core import uploads
from biopark.core.dates import format_partial
from biopark.core.errors import NotFound, ValidationFailed
from biopark.core.pagination import Page, paginate
from biopark.news import selectors, services
from biopark.news.models import Document, Proposal
from biopark.news.schemas import (
    AcceptAboveIn,
    AcceptIn,
    DocumentDetailOut,
    DocumentIn,
    DocumentOut,
    ProposalOut,
)

router = Router(tags=["news"])


def _document(pk: int, user: Any) -> Document:
    policy.require(user, policy.VIEW, Document)
    found = selectors.documents(user).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("no such document"))
    return found


def _out(d: Document, detail: bool = False) -> dict[str, Any]:
    out = {"id": d.pk, "title": d.title, "publisher": d.publisher, "url": d.url,
           "published": format_partial(d.published_on, d.published_precision), "language": d.language,
           "kind": d.kind, "park_id": d.park_id, "ingested_by": d.ingested_by.get_username() if d.ingested_by else "",
           "ingested_at": d.ingested_at, "open_count": getattr(d, "open_count", 0),
           "accepted_count": getattr(d, "accepted_count", 0)}
    if detail:
        out["text"] = d.text
    return out


def _proposal_out(p: Proposal) -> dict[str, Any]:
    return {"id": p.pk, "document_id": p.document_id, "type": p.type, "fields": p.fields,
            "span": [p.span_start, p.span_end] if p.span_start is not None and p.span_end is not None else None,
            "confidence": p.confidence, "match": p.match or None, "status": p.status,
            "reviewer": p.reviewer.get_username() if p.reviewer else "", "reviewed_at": p.reviewed_at,
            "record": p.record or None}


@router.get("/documents", response=Page[DocumentOut], operation_id="list_news_documents")
def list_documents(request: HttpRequest, page: int = 1, page_size: int = 50) -> Any:
    policy.require(request.auth, policy.VIEW, Document)
    result = paginate(selectors.documents(request.auth), page, page_size)
    result["results"] = [_out(d) for d in result["results"]]
    return result


@router.post("/documents", response={201: DocumentDetailOut}, operation_id="create_news_document")
def create_document(request: HttpRequest, payload: DocumentIn) -> Any:
    policy.require(request.auth, policy.CREATE, Document)
    incoming = services.Incoming(text=payload.text, title=payload.title, publisher=payload.publisher,
                                 url=payload.url, published=payload.published, language=payload.language)
    if payload.content_base64:
        try:
            content = base64.b64decode(payload.content_base64, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValidationFailed(_("the file content is not valid base64"), field="content_base64") from exc
        limit = uploads.max_upload_bytes()
        if len(content) > limit:
            raise uploads.too_large(len(content), limit, "content_base64")
        incoming.file_name, incoming.content = payload.file_name or "document", content
    document = services.document_ingest(actor=request.auth, incoming=incoming)
    return Status(201, _out(_document(document.pk, request.auth), detail=True))


@router.get("/documents/{int:pk}", response=DocumentDetailOut, operation_id="get_news_document")
def get_document(request: HttpRequest, pk: int) -> Any:
    return _out(_document(pk, request.auth), detail=True)


@router.get("/documents/{int:pk}/proposals", response=list[ProposalOut], operation_id="list_news_proposals")
def list_proposals(request: HttpRequest, pk: int) -> Any:
    return [_proposal_out(p) for p in selectors.proposals_of(_document(pk, request.auth))]


def _proposal(request: HttpRequest, pk: int, pid: int) -> Proposal:
    found = _document(pk, request.auth).proposals.filter(pk=pid).first()
    if found is None:
        raise NotFound(_("no such proposal"))
    return found


@router.post("/documents/{int:pk}/proposals/{int:pid}/accept", response=ProposalOut,
             operation_id="accept_news_proposal")
def accept_proposal(request: HttpRequest, pk: int, pid: int, payload: AcceptIn) -> Any:
    done = services.proposal_accept(actor=request.auth, proposal=_proposal(request, pk, pid), fields=payload.fields)
    return _proposal_out(done)


@router.post("/documents/{int:pk}/proposals/{int:pid}/reject", response=ProposalOut,
             operation_id="reject_news_proposal")
def reject_proposal(request: HttpRequest, pk: int, pid: int) -> Any:
    return _proposal_out(services.proposal_reject(actor=request.auth, proposal=_proposal(request, pk, pid)))


@router.post("/documents/{int:pk}/accept-above", response=list[ProposalOut], operation_id="accept_news_above")
def accept_above(request: HttpRequest, pk: int, payload: AcceptAboveIn) -> Any:
    done = services.proposals_accept_above(actor=request.auth, document=_document(pk, request.auth),
                                           threshold=payload.threshold)
    return [_proposal_out(p) for p in done]
