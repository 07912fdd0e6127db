"""News in: documents a person gave the park (pasted, uploaded or fetched), the records biopark.extract
proposed from each, and the batches of files a worker ingests in the background.

A proposal is only a suggestion: nothing enters the registry until a reviewer accepts it, and then through
the registry's services, with a citation of the document's passage (core.Citation) and history."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from biopark.core.dates import PRECISION_CHOICES
from biopark.core.models import Source
from biopark.ecosystem.models import Park


def _upload_to(instance: Document, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"news/{uuid.uuid4().hex}.{suffix}"


class Language(models.TextChoices):
    ZH = "zh", _("Chinese")
    EN = "en", _("English")
    MIXED = "mixed", _("Chinese and English")


class Document(models.Model):
    class Kind(models.TextChoices):
        PASTE = "paste", _("pasted text")
        TXT = "txt", _("text file")
        HTML = "html", _("web page")
        DOCX = "docx", _("Word document")
        PDF = "pdf", _("PDF")
        URL = "url", _("fetched from a link")

    title = models.CharField(_("title"), max_length=500)
    publisher = models.CharField(_("source"), max_length=300, blank=True, default="")
    url = models.URLField(_("link"), max_length=1000, blank=True, default="")
    published_on = models.DateField(_("date"), null=True, blank=True)
    published_precision = models.CharField(_("date precision"), max_length=5, choices=PRECISION_CHOICES, blank=True, default="")
    language = models.CharField(_("language"), max_length=5, choices=Language.choices)
    text = models.TextField(_("text"))
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=_upload_to, max_length=300, blank=True, default="")
    original_name = models.CharField(_("file name"), max_length=255, blank=True, default="")
    size = models.PositiveIntegerField(_("size"), default=0)
    park = models.ForeignKey(Park, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("park"))
    # The provenance row accepted records cite: one Source per document, made when it is ingested.
    source = models.OneToOneField(Source, on_delete=models.PROTECT, related_name="news_document",
                                  verbose_name=_("provenance"))
    ingested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("ingested by"))
    ingested_at = models.DateTimeField(_("ingested at"), auto_now_add=True)
    batch = models.ForeignKey("IngestBatch", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="documents", verbose_name=_("batch"))

    class Meta:
        ordering = ["-ingested_at", "-id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        indexes = [models.Index(fields=["park", "-ingested_at"])]

    def __str__(self) -> str:
        return self.title


class Proposal(models.Model):
    """One record (or one field of a record) biopark.extract proposed from a document's passage."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("to review")
        ACCEPTED = "accepted", _("accepted")
        EDITED = "edited", _("accepted after editing")
        REJECTED = "rejected", _("rejected")

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="proposals",
                                 verbose_name=_("document"))
    position = models.PositiveIntegerField(_("order"), default=0)
    type = models.CharField(_("type"), max_length=20)
    fields = models.JSONField(_("fields"), default=dict)
    span_start = models.PositiveIntegerField(_("passage start"), null=True, blank=True)
    span_end = models.PositiveIntegerField(_("passage end"), null=True, blank=True)
    confidence = models.FloatField(_("confidence"), default=0.0)
    match = models.CharField(_("existing record"), max_length=60, blank=True, default="")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("reviewer"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    # What accepting it made or changed: "<type>:<id>" (organisation, person, position, agreement, figure).
    record = models.CharField(_("record"), max_length=60, blank=True, default="")

    class Meta:
        ordering = ["document", "position", "id"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        indexes = [models.Index(fields=["document", "status"]), models.Index(fields=["record"])]

    def __str__(self) -> str:
        return f"{self.type} {self.span_start}-{self.span_end}"


class IngestBatch(models.Model):
    """Several files ingested by a worker: queued -> running -> succeeded | failed, with progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("finished")
        FAILED = "failed", _("failed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("ingested by"))
    park = models.ForeignKey(Park, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("park"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    files = models.JSONField(_("files"), default=list)  # [{"name": original name, "stored_as": file under MEDIA_ROOT/news-batches}]
    publisher = models.CharField(_("source"), max_length=300, blank=True, default="")
    total = models.PositiveIntegerField(_("files in all"), default=0)
    done = models.PositiveIntegerField(_("files read"), default=0)
    errors = models.JSONField(_("errors"), default=list)  # [{"file": name, "message": translated reason}]
    task_id = models.CharField(_("task"), max_length=64, blank=True, default="")
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ingest batch")
        verbose_name_plural = _("ingest batches")

    def __str__(self) -> str:
        return f"batch {self.pk} ({self.done}/{self.total})"
