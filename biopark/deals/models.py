"""Deals: agreements between registry organisations (cooperation, investment, settlement, licensing, ...), their
licence terms, the IP assets they transfer, and the events where they were signed."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from biopark.core.dates import PRECISION_CHOICES, format_partial
from biopark.ecosystem.models import CURRENCIES, Organisation, Park, Person

# Projects live in biopark.pipeline, an app of the same layer: named by the app registry, never imported.
PROJECT = "pipeline.Project"


def _in_language(zh: str, en: str) -> str:
    if (get_language() or "zh-hans").lower().startswith("zh"):
        return zh or en
    return en or zh


class Confidentiality(models.TextChoices):
    PARTIES = "parties", _("Parties only")
    PARK = "park", _("Visible to the park")
    PUBLIC = "public", _("Public")


class Qualifier(models.TextChoices):
    """How exact a stated amount is ("about 27.7 billion", "up to 1.2 billion", "over 100 billion")."""

    EXACT = "", _("exactly")
    ABOUT = "about", _("about")
    UP_TO = "up_to", _("up to")
    OVER = "over", _("over")


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

    key = models.CharField(max_length=200, unique=True, null=True, blank=True, verbose_name=_("key"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title_zh = models.CharField(_("title (Chinese)"), max_length=500, blank=True, default="")
    title_en = models.CharField(_("title (English)"), max_length=500, blank=True, default="")
    starts_on = models.DateField(_("date"), null=True, blank=True)
    starts_precision = models.CharField(max_length=5, choices=PRECISION_CHOICES, blank=True, default="", verbose_name=_("starts precision"))
    place_zh = models.CharField(_("place (Chinese)"), max_length=300, blank=True, default="")
    place_en = models.CharField(_("place (English)"), max_length=300, blank=True, default="")
    park = models.ForeignKey(
        Park, null=True, blank=True, on_delete=models.SET_NULL, related_name="events", verbose_name=_("park")
    )
    organisers = models.ManyToManyField(
        Organisation, blank=True, related_name="organised_events", verbose_name=_("organisers")
    )
    description_zh = models.TextField(_("description (Chinese)"), blank=True, default="")
    description_en = models.TextField(_("description (English)"), blank=True, default="")
    synthetic = models.BooleanField(_("synthetic"), default=False)
    version = models.PositiveIntegerField(default=1, db_default=1, editable=False, verbose_name=_("version"))
    # Public: anyone reads it, visitors included (a published ceremony, a conference). Confidential: the park's
    # operators, the organisers and the organisations of the park only. An event where a public agreement was
    # signed is public whatever this says (deals/rules.py).
    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        CONFIDENTIAL = "confidential", _("Confidential")

    visibility = models.CharField(_("visibility"), max_length=12, choices=Visibility.choices,
                                  default=Visibility.CONFIDENTIAL)

    class Meta:
        ordering = ["-starts_on", "id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    @property
    def title(self) -> str:
        return _in_language(self.title_zh, self.title_en)

    @property
    def place(self) -> str:
        return _in_language(self.place_zh, self.place_en)

    @property
    def date(self) -> str:
        return format_partial(self.starts_on, self.starts_precision)

    def __str__(self) -> str:
        return self.title or f"#{self.pk}"


class EventParticipant(models.Model):
    """A person at an event, with the title they held there."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participants", verbose_name=_("event"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="event_participations", verbose_name=_("person"))
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("organisation")
    )
    title_zh = models.CharField(_("title (Chinese)"), max_length=300, blank=True, default="")
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True, default="")

    class Meta:
        verbose_name = _("event participant")
        verbose_name_plural = _("event participants")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["event", "person"], name="deals_event_person_unique")]

    @property
    def title(self) -> str:
        return _in_language(self.title_zh, self.title_en)

    def __str__(self) -> str:
        return f"{self.person} {self.title}".strip()


class IPAsset(models.Model):
    """A patent or a patent application."""

    class Kind(models.TextChoices):
        PATENT = "patent", _("Patent")
        APPLICATION = "application", _("Patent application")

    class Status(models.TextChoices):
        FILED = "filed", _("Filed")
        PUBLISHED = "published", _("Published")
        GRANTED = "granted", _("Granted")
        LAPSED = "lapsed", _("Lapsed")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Jurisdiction(models.TextChoices):
        CN = "CN", _("China")
        US = "US", _("United States")
        EP = "EP", _("European Patent Office")
        WO = "WO", _("International (PCT)")
        JP = "JP", _("Japan")
        OTHER = "other", _("Other jurisdiction")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.APPLICATION)
    number = models.CharField(_("number"), max_length=60)
    title_zh = models.CharField(_("title (Chinese)"), max_length=500, blank=True, default="")
    title_en = models.CharField(_("title (English)"), max_length=500, blank=True, default="")
    jurisdiction = models.CharField(_("jurisdiction"), max_length=10, choices=Jurisdiction.choices, default="CN")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.FILED)
    filed_on = models.DateField(_("filing date"), null=True, blank=True)
    granted_on = models.DateField(_("grant date"), null=True, blank=True)
    owners = models.ManyToManyField(Organisation, blank=True, related_name="ip_assets", verbose_name=_("owners"))
    projects: models.ManyToManyField[Any, Any] = models.ManyToManyField(PROJECT, blank=True, related_name="ip_assets", verbose_name=_("projects"))
    park = models.ForeignKey(
        Park, null=True, blank=True, on_delete=models.SET_NULL, related_name="ip_assets", verbose_name=_("park")
    )
    confidentiality = models.CharField(
        _("confidentiality"), max_length=10, choices=Confidentiality.choices, default=Confidentiality.PARK
    )
    synthetic = models.BooleanField(_("synthetic"), default=False)
    version = models.PositiveIntegerField(default=1, db_default=1, editable=False, verbose_name=_("version"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["-filed_on", "id"]
        verbose_name = _("IP asset")
        verbose_name_plural = _("IP assets")
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "number"], name="deals_ip_number_unique")
        ]
        indexes = [models.Index(fields=["park", "confidentiality"])]

    @property
    def title(self) -> str:
        return _in_language(self.title_zh, self.title_en)

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()


class Agreement(models.Model):
    class Kind(models.TextChoices):
        COOPERATION = "cooperation", _("Strategic or framework cooperation")
        INVESTMENT = "investment", _("Investment")
        SETTLEMENT = "settlement", _("Settlement (moving into the park)")
        LEASE = "lease", _("Lease")
        LICENSING = "licensing", _("Licence")
        ASSIGNMENT = "assignment", _("Assignment")
        RESEARCH = "research", _("R&D collaboration")
        NDA = "nda", _("Non-disclosure agreement")
        MATERIAL_TRANSFER = "material_transfer", _("Material transfer")

    class Status(models.TextChoices):
        NEGOTIATING = "negotiating", _("Negotiating")
        SIGNED = "signed", _("Signed")
        IN_FORCE = "in_force", _("In force")
        COMPLETED = "completed", _("Completed")
        TERMINATED = "terminated", _("Terminated")

    key = models.CharField(max_length=200, unique=True, null=True, blank=True, verbose_name=_("key"))
    title_zh = models.CharField(_("title (Chinese)"), max_length=500, blank=True, default="")
    title_en = models.CharField(_("title (English)"), max_length=500, blank=True, default="")
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SIGNED)
    subject_zh = models.CharField(_("subject (Chinese)"), max_length=500, blank=True, default="")
    subject_en = models.CharField(_("subject (English)"), max_length=500, blank=True, default="")
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signed_precision = models.CharField(max_length=5, choices=PRECISION_CHOICES, blank=True, default="", verbose_name=_("signed precision"))
    value_amount = models.DecimalField(_("amount"), max_digits=24, decimal_places=2, null=True, blank=True)
    value_currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, blank=True, default="")
    value_qualifier = models.CharField(
        _("amount qualifier"), max_length=10, choices=Qualifier.choices, blank=True, default=""
    )
    confidentiality = models.CharField(
        _("confidentiality"), max_length=10, choices=Confidentiality.choices, default=Confidentiality.PARK
    )
    park = models.ForeignKey(
        Park, null=True, blank=True, on_delete=models.SET_NULL, related_name="agreements", verbose_name=_("park")
    )
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="agreements", verbose_name=_("event")
    )
    parties = models.ManyToManyField(Organisation, through="AgreementParty", related_name="agreements", verbose_name=_("parties"))
    projects: models.ManyToManyField[Any, Any] = models.ManyToManyField(PROJECT, blank=True, related_name="agreements", verbose_name=_("projects"))
    ip_assets = models.ManyToManyField(IPAsset, blank=True, related_name="agreements", verbose_name=_("IP assets"))
    note = models.TextField(_("note"), blank=True, default="")
    synthetic = models.BooleanField(_("synthetic"), default=False)
    version = models.PositiveIntegerField(default=1, db_default=1, editable=False, verbose_name=_("version"))
    created_at = models.DateTimeField(auto_now_add=True, null=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, null=True, verbose_name=_("updated at"))

    class Meta:
        ordering = ["-signed_on", "id"]
        verbose_name = _("agreement")
        verbose_name_plural = pgettext_lazy("records", "agreements")  # "agreements" alone is a counting word
        indexes = [
            models.Index(fields=["park", "signed_on"]),
            models.Index(fields=["confidentiality", "park"]),
        ]

    @property
    def title(self) -> str:
        return _in_language(self.title_zh, self.title_en)

    @property
    def subject(self) -> str:
        return _in_language(self.subject_zh, self.subject_en)

    @property
    def signed(self) -> str:
        return format_partial(self.signed_on, self.signed_precision)

    def __str__(self) -> str:
        return self.title or f"#{self.pk}"


class AgreementParty(models.Model):
    class Role(models.TextChoices):
        LICENSOR = "licensor", _("Licensor")
        LICENSEE = "licensee", _("Licensee")
        PARTNER = "partner", _("Partner")
        INVESTOR = "investor", _("Investor")
        INVESTEE = "investee", _("Investee")
        HOST = "host", _("Host")
        ORGANISER = "organiser", _("Organiser")
        LANDLORD = "landlord", _("Landlord")
        TENANT = "tenant", _("Tenant")
        ASSIGNOR = "assignor", _("Assignor")
        ASSIGNEE = "assignee", _("Assignee")
        PROVIDER = "provider", _("Provider")
        RECIPIENT = "recipient", _("Recipient")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="party_links", verbose_name=_("agreement"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="agreement_links", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.PARTNER)

    class Meta:
        verbose_name = _("agreement party")
        verbose_name_plural = _("agreement parties")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "organisation", "role"], name="agreement_party_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"


class Signatory(models.Model):
    """A person who signed an agreement, or witnessed its signing, with the title they held at the time."""

    class Role(models.TextChoices):
        SIGNATORY = "signatory", _("Signatory")
        WITNESS = "witness", _("Witness")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="signatories", verbose_name=_("agreement"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="signatures", verbose_name=_("person"))
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.SIGNATORY)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("on behalf of"),
    )
    title_zh = models.CharField(_("title (Chinese)"), max_length=300, blank=True, default="")
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True, default="")

    class Meta:
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")
        ordering = ["role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "person", "role"], name="deals_signatory_unique")
        ]

    @property
    def title(self) -> str:
        return _in_language(self.title_zh, self.title_en)

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"


def _document_path(instance: AgreementDocument, filename: str) -> str:
    return f"deals/agreements/{instance.agreement_id}/{filename}"


class AgreementDocument(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="documents", verbose_name=_("agreement"))
    file = models.FileField(upload_to=_document_path, max_length=300, verbose_name=_("file"))
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(default=0, verbose_name=_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(auto_now_add=True, verbose_name=_("uploaded at"))

    class Meta:
        verbose_name = _("agreement document")
        verbose_name_plural = _("agreement documents")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class LicenceTerms(models.Model):
    """The economic terms of a licence agreement."""

    class Exclusivity(models.TextChoices):
        EXCLUSIVE = "exclusive", _("Exclusive")
        SOLE = "sole", _("Sole")
        NON_EXCLUSIVE = "non_exclusive", _("Non-exclusive")

    agreement = models.OneToOneField(Agreement, on_delete=models.CASCADE, related_name="licence_terms", verbose_name=_("agreement"))
    upfront_amount = models.DecimalField(_("upfront payment"), max_digits=24, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, blank=True, default="")
    territory_zh = models.CharField(_("territory (Chinese)"), max_length=300, blank=True, default="")
    territory_en = models.CharField(_("territory (English)"), max_length=300, blank=True, default="")
    field_zh = models.CharField(_("field of use (Chinese)"), max_length=300, blank=True, default="")
    field_en = models.CharField(_("field of use (English)"), max_length=300, blank=True, default="")
    exclusivity = models.CharField(
        _("exclusivity"), max_length=20, choices=Exclusivity.choices, blank=True, default=""
    )

    @property
    def territory(self) -> str:
        return _in_language(self.territory_zh, self.territory_en)

    @property
    def field_of_use(self) -> str:
        return _in_language(self.field_zh, self.field_en)

    def __str__(self) -> str:
        return f"{self.agreement}"

    class Meta:
        verbose_name = _("licence terms")
        verbose_name_plural = _("licence terms")


class Milestone(models.Model):
    class Kind(models.TextChoices):
        DEVELOPMENT = "development", _("Development")
        REGULATORY = "regulatory", _("Regulatory")
        COMMERCIAL = "commercial", _("Commercial")

    terms = models.ForeignKey(LicenceTerms, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("terms"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description_zh = models.CharField(_("description (Chinese)"), max_length=300, blank=True, default="")
    description_en = models.CharField(_("description (English)"), max_length=300, blank=True, default="")
    amount = models.DecimalField(_("amount"), max_digits=24, decimal_places=2, null=True, blank=True)
    qualifier = models.CharField(_("amount qualifier"), max_length=10, choices=Qualifier.choices, blank=True, default="")
    reached = models.BooleanField(_("reached"), default=False)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["id"]

    @property
    def description(self) -> str:
        return _in_language(self.description_zh, self.description_en)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.description}".strip()


class RoyaltyTier(models.Model):
    """A royalty rate on annual net sales between two thresholds (no upper threshold: and above)."""

    terms = models.ForeignKey(LicenceTerms, on_delete=models.CASCADE, related_name="royalty_tiers", verbose_name=_("terms"))
    sales_from = models.DecimalField(_("sales from"), max_digits=24, decimal_places=2, default=0)
    sales_to = models.DecimalField(_("sales up to"), max_digits=24, decimal_places=2, null=True, blank=True)
    rate = models.DecimalField(_("rate (%)"), max_digits=6, decimal_places=3)

    class Meta:
        verbose_name = _("royalty tier")
        verbose_name_plural = _("royalty tiers")
        ordering = ["sales_from", "id"]

    def __str__(self) -> str:
        return f"{self.rate}%"
