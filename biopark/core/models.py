"""Shared kernel: bilingual names, provenance (sources and citations) and the change history."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from biopark.core.dates import PRECISION_CHOICES, format_partial


def display_name(name_zh: str, name_en: str) -> str:
    """The name in the active language, else the other one."""
    if (get_language() or "zh-hans").lower().startswith("zh"):
        return name_zh or name_en
    return name_en or name_zh


class BilingualNamed(models.Model):
    """A record with a Chinese and an English name, aliases, and the text it is searched by."""

    key = models.CharField(
        _("Key"), max_length=200, unique=True, null=True, blank=True, help_text=_("stable external identifier")
    )
    name_zh = models.CharField(_("Chinese name"), max_length=300, blank=True, default="")
    name_en = models.CharField(_("English name"), max_length=300, blank=True, default="")
    aliases = models.JSONField(_("Aliases"), default=list, blank=True)
    # Written by the service functions from the names (see biopark.core.text.search_blob).
    search_text = models.TextField(_("search text"), default="", blank=True, editable=False)
    # Every pair of adjacent Chinese characters, space-separated: a two-character query ("亦庄") has no
    # trigram for PostgreSQL's index to use in search_text, but is a whole word here (see core.text).
    search_grams = models.TextField(_("search character pairs"), default="", blank=True, editable=False)
    # Bumped by every change (biopark.core.writes): a form or an API client that read an older version is
    # refused instead of silently overwriting what changed since (optimistic concurrency, ETag / If-Match).
    # The database default keeps bulk paths that do not name the column (imports by COPY) correct.
    version = models.PositiveIntegerField(_("version"), default=1, db_default=1, editable=False)

    class Meta:
        abstract = True

    @property
    def display_name(self) -> str:
        return display_name(self.name_zh, self.name_en)

    @property
    def other_name(self) -> str:
        """The name in the other language, shown beside the display name."""
        other = self.name_en if self.display_name == self.name_zh else self.name_zh
        return "" if other == self.display_name else other

    def __str__(self) -> str:
        return self.display_name or f"#{self.pk}"


class Source(models.Model):
    """A document records came from: an article, a report, an uploaded file."""

    key = models.CharField(_("key"), max_length=200, unique=True, help_text=_("file name or other stable key"))
    title_zh = models.CharField(_("title (Chinese)"), max_length=500, blank=True, default="")
    title_en = models.CharField(_("title (English)"), max_length=500, blank=True, default="")
    publisher = models.CharField(_("publisher"), max_length=300, blank=True, default="")
    url = models.URLField(_("web address"), blank=True, default="")
    language = models.CharField(_("language"), max_length=10, blank=True, default="")
    published_on = models.DateField(_("published on"), null=True, blank=True)
    published_precision = models.CharField(
        _("precision of the publication date"), max_length=5, choices=PRECISION_CHOICES, blank=True, default=""
    )

    class Meta:
        ordering = ["key"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    @property
    def title(self) -> str:
        lang = (get_language() or "zh-hans").lower()
        return (self.title_zh or self.title_en) if lang.startswith("zh") else (self.title_en or self.title_zh)

    @property
    def published(self) -> str:
        return format_partial(self.published_on, self.published_precision)

    def __str__(self) -> str:
        return self.title or self.key


class Citation(models.Model):
    """Provenance: this record (or one field of it) came from this span of this source."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="citations", verbose_name=_("source"))
    # No index of its own: the (content_type, object_id) index below serves every lookup by type.
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, db_index=False, verbose_name=_("record type")
    )
    object_id = models.PositiveBigIntegerField(_("record id"))
    record = GenericForeignKey("content_type", "object_id")
    field = models.CharField(_("field"), max_length=100, blank=True, default="")
    span_start = models.PositiveIntegerField(_("passage start"), null=True, blank=True)
    span_end = models.PositiveIntegerField(_("passage end"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("accepted by"),
    )
    accepted_at = models.DateTimeField(_("accepted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "content_type", "object_id", "field", "span_start", "span_end"],
                name="citation_unique_span",
            )
        ]

    def __str__(self) -> str:
        return f"{self.source.key} [{self.span_start}:{self.span_end}]"


class ChangeRecord(models.Model):
    """One change to one record: who, when, what (old and new values)."""

    CREATE, UPDATE, DELETE, MERGE, IMPORT = "create", "update", "delete", "merge", "import"
    ACTIONS = [
        (CREATE, _("created")),
        (UPDATE, _("changed")),
        (DELETE, _("deleted")),
        (MERGE, _("merged")),
        (IMPORT, _("imported")),
    ]

    # No index of its own: the (content_type, object_id, -at) index below serves every lookup by type.
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, db_index=False, verbose_name=_("record type")
    )
    object_id = models.PositiveBigIntegerField(_("record id"))
    object_repr = models.CharField(_("record"), max_length=300, blank=True, default="")
    action = models.CharField(_("action"), max_length=10, choices=ACTIONS)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("by"),
    )
    actor_label = models.CharField(
        _("by (name)"), max_length=150, blank=True, default="", help_text=_("who, kept if the user goes")
    )
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True, help_text=_("{field: [old, new]}"))
    note = models.CharField(_("note"), max_length=500, blank=True, default="")

    class Meta:
        verbose_name = _("change record")
        verbose_name_plural = _("change records")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-at"])]

    def __str__(self) -> str:
        return f"{self.action} {self.object_repr} by {self.actor_label}"
