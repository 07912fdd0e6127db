"""News pages: the documents list with the ingest form (paste, upload, link), a document's review queue,
and the review actions. Thin: reads through the selectors, writes through the services; a DomainError is
shown next to its field with its 4xx status and nothing is written."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from biopark.accounts import policy
from biopark.core import uploads
from biopark.core.errors import DomainError, ValidationFailed
from biopark.core.handlers import forbidden
from biopark.news import accept, fetch, jobs, refs, selectors, services
from biopark.news.highlight import segments
from biopark.news.models import Document, Language, Proposal

FORM_FIELDS = ("text", "title", "publisher", "url", "published", "language")


def _refusal(request: HttpRequest) -> HttpResponse | None:
    decision = policy.decide(request.user, policy.CREATE, Document)
    return None if decision else forbidden(request, decision.reason)


def _list_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {
        "documents": list(selectors.documents(request.user)[:100]),
        # Each batch with its errors put into words now, in the reader's language.
        "batches": [(b, [jobs.error_text(e) for e in b.errors]) for b in selectors.batches(request.user)],
        "languages": Language.choices,
        "fetch_enabled": fetch.enabled(),
        "limit_mb": uploads.megabytes(uploads.max_upload_bytes()),
        "post": {},
        "fields": {},
        **extra,
    }


def _incoming(request: HttpRequest) -> tuple[services.Incoming, list[Any]]:
    post = request.POST
    files = request.FILES.getlist("file")
    for upload in files:
        uploads.check_size(upload)
    incoming = services.Incoming(
        text=post.get("text", ""), title=post.get("title", ""), publisher=post.get("publisher", ""),
        url=post.get("url", "").strip(), published=post.get("published", ""), language=post.get("language", ""),
    )
    return incoming, files


def document_list(request: HttpRequest) -> HttpResponse:
    refused = _refusal(request)
    if refused:
        return refused
    if request.method != "POST":
        return render(request, "news/list.html", _list_context(request))
    try:
        incoming, files = _incoming(request)
        kind = ""
        if len(files) > 1:
            batch = jobs.create_batch(actor=request.user, files=[(f.name or "", f.read()) for f in files],
                                      publisher=incoming.publisher)
            messages.success(request, _("%(n)d files are being read in the background.") % {"n": batch.total})
            return redirect("/news/")
        if files:
            incoming.file_name, incoming.content = files[0].name or "document", files[0].read()
        elif incoming.url and not incoming.text.strip():
            incoming.file_name, incoming.content = fetch.fetch(incoming.url)
            kind = Document.Kind.URL
        document = services.document_ingest(actor=request.user, incoming=incoming, kind=kind)
    except DomainError as exc:
        post = {name: request.POST.get(name, "") for name in FORM_FIELDS}
        return render(request, "news/list.html",
                      _list_context(request, error=exc.message, fields=exc.fields, post=post), status=exc.status)
    messages.success(request, _("The document was read: %(n)d proposals to review.")
                     % {"n": document.proposals.count()})
    return redirect(f"/news/{document.pk}/")


def _document(request: HttpRequest, pk: int) -> Document:
    document = selectors.document_for(request.user, pk)
    if document is None:
        raise Http404(_("No such document"))
    return document


def _detail_context(request: HttpRequest, document: Document, **extra: Any) -> dict[str, Any]:
    proposals = selectors.proposals_of(document)
    organisations = [p for p in proposals if p.type == "organisation"]
    refs_seen = [p.match for p in proposals] + [p.record for p in proposals]
    labels = {**selectors.registry_labels(refs_seen), **refs.labels(refs_seen)}
    stage_projects = refs.stage_projects(refs_seen)
    editing = extra.pop("editing", None)
    values = extra.pop("values", None)
    memo: dict[str, Any] = {}  # what the forms share (the indicators), read once for the page
    rows = []
    for p in proposals:
        form = accept.form_fields(p, values if editing == p.pk else None, organisations, memo)
        rows.append({"p": p, "summary": accept.summary(p), "headline": accept.headline(p), "type_label": accept.TYPE_LABELS.get(p.type, p.type),
                     "match_label": labels.get(p.match, ""), "record_label": labels.get(p.record, ""),
                     "match_url": selectors.record_url(p.match),
                     "record_url": selectors.record_url(p.record) or refs.url(p.record, stage_projects),
                     "form": form, "editing": editing == p.pk, "note_only": p.type in accept.NOTE_TYPES,
                     "passage": document.text[p.span_start or 0:p.span_end or 0]})
    accepted = [r for r in rows if r["p"].status in selectors.ACCEPTED]
    return {"document": document, "rows": rows, "accepted": accepted,
            "segments": segments(document.text, proposals),
            "open_count": sum(1 for p in proposals if p.status == Proposal.Status.PROPOSED),
            "threshold": request.POST.get("threshold", "0.9"), **extra}


def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    refused = _refusal(request)
    if refused:
        return refused
    document = _document(request, pk)
    return render(request, "news/document.html", _detail_context(request, document))


def _proposal(document: Document, pid: int) -> Proposal:
    proposal = document.proposals.filter(pk=pid).first()
    if proposal is None:
        raise Http404(_("No such proposal"))
    return proposal


def _review(request: HttpRequest, pk: int, pid: int | None, action: Any, done: Any,
            editing: int | None = None) -> HttpResponse:
    refused = _refusal(request)
    if refused:
        return refused
    document = _document(request, pk)
    try:
        action(document, _proposal(document, pid) if pid is not None else None)
    except DomainError as exc:
        values = {k: request.POST.get(k, "") for k in request.POST if k != "csrfmiddlewaretoken"}
        # A proposal refused as proposed opens its form with the proposed values, each error beside its field.
        context = _detail_context(document=_document(request, pk), request=request, error=exc.message,
                                  fields=exc.fields, editing=editing or pid, values=values if editing else None,
                                  error_proposal=pid)
        return render(request, "news/document.html", context, status=exc.status)
    messages.success(request, done() if callable(done) else done)
    return redirect(f"/news/{pk}/#proposal-{pid}" if pid else f"/news/{pk}/")


@require_POST
def proposal_accept(request: HttpRequest, pk: int, pid: int) -> HttpResponse:
    edited = request.POST.get("edited") == "1"

    def action(document: Document, proposal: Proposal) -> None:
        fields = None
        if edited:
            names = [f.name for f in accept.form_fields(proposal)]
            fields = {name: request.POST.get(name, "").strip() for name in names}
        services.proposal_accept(actor=request.user, proposal=proposal, fields=fields)

    return _review(request, pk, pid, action, _("Accepted."), editing=pid if edited else None)


@require_POST
def proposal_reject(request: HttpRequest, pk: int, pid: int) -> HttpResponse:
    def action(document: Document, proposal: Proposal) -> None:
        services.proposal_reject(actor=request.user, proposal=proposal)

    return _review(request, pk, pid, action, _("Rejected."))


@require_POST
def accept_above(request: HttpRequest, pk: int) -> HttpResponse:
    done: list[Proposal] = []

    def action(document: Document, _none: Any) -> None:
        raw = request.POST.get("threshold", "").strip().replace("%", "")
        try:
            value = float(raw)
        except ValueError as exc:
            raise ValidationFailed(_("give the confidence as a number between 0 and 1"), field="threshold") from exc
        if value > 1:
            value = value / 100  # "90" read as 90 %
        done.extend(services.proposals_accept_above(actor=request.user, document=document, threshold=value))

    return _review(request, pk, None, action, lambda: _("%(n)d proposals accepted.") % {"n": len(done)})
