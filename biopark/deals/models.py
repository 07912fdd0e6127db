"""Agreements between registry organisations: cooperation, licensing, investment, settlement."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from biopark.core.dates import PRECISION_CHOICES, format_partial
from biopark.ecosystem.models import CURRENCIES, Organisation, Park


class Event(models.Model):
    """Something that happened on a date with organisations present: a signing ceremony, a conference, a
    promotion meeting, a roadshow, a site visit. Agreements can name the event where they were signed."""

    class Kind(models.TextChoices):
        SIGNING = "signing", _("Signing ceremony")
        CONFERENCE = "conference", _("Conference")
        PROMOTION = "promotion", _("Investment promotion meeting")
        ROADSHOW = "roadshow", _("Roadshow")
        SITE_VISIT = "site_visit", _("Site visit")
        OTHER = "other", _("Other event")

    key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title_zh = models.CharField(_("title (Chinese)"), max_length=500, blank=True, default="")
    title_en = models.CharField(_("title (English)"), max_length=500, blank=True, default="")
    starts_on = models.DateField(_("date"), null=True, blank=True)
    starts_precision = models.CharField(max_length=5, choices=PRECISION_CHOICES, blank=True, default="")
    place_zh = models.CharField(_("place (Chinese)"), max_length=300, blank=True, default="")
    place_en = models.CharField(_("place (English)"), max_length=300, blank=True, default="")
    park = models.ForeignKey(Park, null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
    organisers = models.ManyToManyField(Organisation, blank=True, related_name="organised_events")

    class Meta:
        ordering = ["-starts_on", "id"]

    @property
    def title(self) -> str:
        zh = (get_language() or "zh-hans").lower().startswith("zh")
        return (self.title_zh or self.title_en) if zh else (self.title_en or self.title_zh)

    @property
    def date(self) -> str:
        return format_partial(self.starts_on, self.starts_precision)

    def __str__(self) -> str:
        return self.title


class Agreement(models.Model):
    class Kind(models.TextChoices):
        COOPERATION = "cooperation", _("Cooperation")
        LICENSING = "licensing", _("Licensing")
        INVESTMENT = "investment", _("Investment")
        SETTLEMENT = "settlement", _("Settlement (moving into the park)")
        CONSTRUCTION = "construction", _("Construction")
        FRAMEWORK = "framework", _("Framework")

    key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    title_zh = models.CharField(max_length=500, blank=True, default="")
    title_en = models.CharField(max_length=500, blank=True, default="")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    subject_zh = models.CharField(max_length=500, blank=True, default="")
    subject_en = models.CharField(max_length=500, blank=True, default="")
    signed_on = models.DateField(null=True, blank=True)
    signed_precision = models.CharField(max_length=5, choices=PRECISION_CHOICES, blank=True, default="")
    value_amount = models.DecimalField(max_digits=24, decimal_places=2, null=True, blank=True)
    value_currency = models.CharField(max_length=3, choices=CURRENCIES, blank=True, default="")
    park = models.ForeignKey(Park, null=True, blank=True, on_delete=models.SET_NULL, related_name="agreements")
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="agreements", verbose_name=_("event")
    )
    parties = models.ManyToManyField(Organisation, through="AgreementParty", related_name="agreements")

    class Meta:
        ordering = ["-signed_on", "id"]

    @property
    def title(self) -> str:
        zh = (get_language() or "zh-hans").lower().startswith("zh")
        return (self.title_zh or self.title_en) if zh else (self.title_en or self.title_zh)

    @property
    def signed(self) -> str:
        return format_partial(self.signed_on, self.signed_precision)

    def __str__(self) -> str:
        return self.title


class AgreementParty(models.Model):
    class Role(models.TextChoices):
        LICENSOR = "licensor", _("Licensor")
        LICENSEE = "licensee", _("Licensee")
        PARTNER = "partner", _("Partner")
        INVESTOR = "investor", _("Investor")
        INVESTEE = "investee", _("Investee")
        HOST = "host", _("Host")
        ORGANISER = "organiser", _("Organiser")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="party_links")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="agreement_links")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PARTNER)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agreement", "organisation", "role"], name="agreement_party_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.role})"
