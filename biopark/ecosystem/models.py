"""The ecosystem registry: parks and zones, organisations, people and positions, functional platforms,
typed relations between them, and figures the sources state."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from biopark.core.dates import PRECISION_CHOICES, format_partial
from biopark.core.models import BilingualNamed

STAGES = [
    ("discovery", _("Discovery")),
    ("preclinical", _("Preclinical")),
    ("ind", _("Clinical application (IND)")),
    ("phase1", _("Phase 1")),
    ("phase2", _("Phase 2")),
    ("phase3", _("Phase 3")),
    ("registration", _("Registration (NDA/BLA filed)")),
    ("approved", _("Approved")),
    ("production", _("Production")),
    ("market", _("On market")),
]
STAGE_CODES = [code for code, _label in STAGES]
CURRENCIES = [("CNY", "CNY"), ("USD", "USD"), ("EUR", "EUR")]  # ISO codes: the same label in both languages


class Park(BilingualNamed):
    class Kind(models.TextChoices):
        PARK = "park", _("Park")
        ZONE = "zone", _("Zone")
        DISTRICT = "district", _("District")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PARK)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("within")
    )
    city_zh = models.CharField(_("City (Chinese)"), max_length=100, blank=True, default="")
    city_en = models.CharField(_("City (English)"), max_length=100, blank=True, default="")
    province_zh = models.CharField(_("Province (Chinese)"), max_length=100, blank=True, default="")
    province_en = models.CharField(_("Province (English)"), max_length=100, blank=True, default="")
    country = models.CharField(_("Country or region (two-letter code)"), max_length=2, default="CN")
    public_directory = models.BooleanField(
        _("public directory"), default=False, help_text=_("registry pages answer without signing in")
    )
    time_zone = models.CharField(_("Time zone"), max_length=64, default="Asia/Shanghai")
    description_zh = models.TextField(_("Description (Chinese)"), blank=True, default="")
    description_en = models.TextField(_("Description (English)"), blank=True, default="")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("park")
        verbose_name_plural = _("parks")


class Organisation(BilingualNamed):
    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("Enterprise")
        UNIVERSITY = "university", _("University")
        HOSPITAL = "hospital", _("Hospital")
        RESEARCH_INSTITUTE = "research_institute", _("Research institute")
        RESEARCH_CENTER = "research_center", _("Research center")
        GOVERNMENT = "government", _("Government body")
        INTERNATIONAL_ORG = "international_org", _("International organisation")
        INVESTOR = "investor", _("Investor")
        OPERATOR = "operator", _("Operating company")
        ASSOCIATION = "association", _("Association")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.ENTERPRISE)
    park = models.ForeignKey(
        Park, null=True, blank=True, on_delete=models.SET_NULL, related_name="organisations", verbose_name=_("park")
    )
    city_zh = models.CharField(_("City (Chinese)"), max_length=100, blank=True, default="")
    city_en = models.CharField(_("City (English)"), max_length=100, blank=True, default="")
    country = models.CharField(_("Country or region (two-letter code)"), max_length=2, blank=True, default="CN")
    website = models.URLField(_("Website"), blank=True, default="")
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, null=True, blank=True, unique=True
    )
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    founded_precision = models.CharField(
        _("precision of the founding date"), max_length=5, choices=PRECISION_CHOICES, blank=True, default=""
    )
    description_zh = models.TextField(_("Description (Chinese)"), blank=True, default="")
    description_en = models.TextField(_("Description (English)"), blank=True, default="")
    # Duplicate detection key (biopark.core.text.match_key of the main name); indexed for imports.
    match_key = models.CharField(_("matching key"), max_length=300, blank=True, default="", editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [
            models.Index(fields=["kind", "id"]),
            models.Index(fields=["park", "id"]),
            # Exact lookups only: a plain index (db_index=True would add a second, LIKE-pattern one).
            models.Index(fields=["match_key"], name="ecosystem_org_match_key"),
        ]

    @property
    def founded(self) -> str:
        return format_partial(self.founded_on, self.founded_precision)


class Person(BilingualNamed):
    description_zh = models.TextField(_("Description (Chinese)"), blank=True, default="")
    description_en = models.TextField(_("Description (English)"), blank=True, default="")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")


class Position(models.Model):
    """A person's title at an organisation over a period."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="positions", verbose_name=_("person")
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="positions",
        verbose_name=_("organisation"),
    )
    title_zh = models.CharField(_("job title (Chinese)"), max_length=300, blank=True, default="")
    title_en = models.CharField(_("job title (English)"), max_length=300, blank=True, default="")
    start_on = models.DateField(_("started on"), null=True, blank=True)
    start_precision = models.CharField(
        _("precision of the start date"), max_length=5, choices=PRECISION_CHOICES, blank=True, default=""
    )
    end_on = models.DateField(_("ended on"), null=True, blank=True)
    end_precision = models.CharField(
        _("precision of the end date"), max_length=5, choices=PRECISION_CHOICES, blank=True, default=""
    )
    is_current = models.BooleanField(_("current"), default=True)

    class Meta:
        ordering = ["-is_current", "id"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")

    def __str__(self) -> str:
        return self.title_zh or self.title_en

    @property
    def period(self) -> str:
        start = format_partial(self.start_on, self.start_precision)
        end = format_partial(self.end_on, self.end_precision)
        if not start and not end:
            return ""
        return f"{start or '…'} – {end or ('' if self.is_current else '…')}"


class Platform(BilingualNamed):
    """A shared functional platform enterprises use (a GLP center, a screening platform, a CRO...)."""

    class Kind(models.TextChoices):
        GLP_SAFETY = "glp_safety", _("GLP safety evaluation")
        SCREENING = "screening", _("Screening")
        CRO = "cro", _("Contract research")
        ANIMAL = "animal_facility", _("Animal facility")
        GMP_PILOT = "gmp_pilot", _("GMP pilot production")
        PARALLEL_LAB = "parallel_lab", _("Parallel laboratory")
        CLINICAL = "clinical_research", _("Clinical research")
        DATA = "data_computing", _("Data and computing")
        INNOVATION_CENTER = "innovation_center", _("Innovation center")
        INCUBATOR = "incubator", _("Incubator")
        TESTING = "testing", _("Testing and inspection")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.OTHER)
    operator = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="platforms_operated",
        verbose_name=_("Operator"),
    )
    park = models.ForeignKey(
        Park, null=True, blank=True, on_delete=models.SET_NULL, related_name="platforms", verbose_name=_("park")
    )
    stages = models.JSONField(
        _("Stages served"), default=list, blank=True, help_text=_("life-cycle stage codes served")
    )
    description_zh = models.TextField(_("Description (Chinese)"), blank=True, default="")
    description_en = models.TextField(_("Description (English)"), blank=True, default="")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("platform")
        verbose_name_plural = _("platforms")


ENTITY_TYPES = ["park", "organisation", "person", "platform"]
# Each record type a relation links, by its name in the reader's language.
ENTITY_TYPE_CHOICES = [
    ("park", _("park")), ("organisation", _("organisation")), ("person", _("person")), ("platform", _("platform")),
]


class Relation(models.Model):
    """A typed edge between two registry records ("Tianfu Bio-City part_of Chengdu High-tech Zone")."""

    class Predicate(models.TextChoices):
        LOCATED_IN = "located_in", _("located in")
        OPERATES = "operates", _("operates")
        PART_OF = "part_of", _("part of")
        PARTNER_OF = "partner_of", _("partner of")
        MEMBER_OF = "member_of", _("member of")
        INVESTS_IN = "invests_in", _("invests in")
        SUPERVISES = "supervises", _("supervises")
        HOSTS = "hosts", _("hosts")

    subject_type = models.CharField(_("subject type"), max_length=20, choices=ENTITY_TYPE_CHOICES)
    subject_id = models.PositiveBigIntegerField(_("subject id"))
    predicate = models.CharField(_("relation"), max_length=20, choices=Predicate.choices)
    object_type = models.CharField(_("object type"), max_length=20, choices=ENTITY_TYPE_CHOICES)
    object_id = models.PositiveBigIntegerField(_("object id"))
    note = models.CharField(_("note"), max_length=500, blank=True, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("relation")
        verbose_name_plural = _("relations")
        indexes = [
            models.Index(fields=["subject_type", "subject_id"]),
            models.Index(fields=["object_type", "object_id"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "predicate", "object_type", "object_id"],
                name="relation_unique_edge",
            ),
            models.CheckConstraint(
                condition=~(Q(subject_type=models.F("object_type")) & Q(subject_id=models.F("object_id"))),
                name="relation_not_to_itself",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_type}:{self.subject_id} {self.predicate} {self.object_type}:{self.object_id}"


# How a source qualifies a figure ("more than 1 亿元"); empty when it is exact.
QUALIFIERS = [
    ("more_than", _("more than")), ("at_least", _("at least")), ("nearly", _("nearly")), ("about", _("about")),
    ("up_to", _("up to")),
]


class Figure(models.Model):
    """A number a source states about a record: an investment, a deal value, a target count, an area."""

    class Kind(models.TextChoices):
        INVESTMENT = "investment", _("Investment")
        DEAL_VALUE = "deal_value", _("Deal value")
        TARGET_COUNT = "target_count", _("Target count")
        COUNT = "count", _("Count")
        AREA = "area", _("Area")
        OUTPUT_VALUE = "output_value", _("Output value")
        HEADCOUNT = "headcount", _("Headcount")

    subject_type = models.CharField(_("subject type"), max_length=20)
    subject_id = models.PositiveBigIntegerField(_("subject id"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    label_zh = models.CharField(_("label (Chinese)"), max_length=300, blank=True, default="")
    label_en = models.CharField(_("label (English)"), max_length=300, blank=True, default="")
    amount = models.DecimalField(_("amount"), max_digits=24, decimal_places=4)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, blank=True, default="")
    unit = models.CharField(_("unit"), max_length=50, blank=True, default="")
    qualifier = models.CharField(
        _("qualifier"),
        max_length=12,
        blank=True,
        default="",
        choices=QUALIFIERS,
        help_text=_("empty when the amount is exact"),
    )
    as_of = models.DateField(_("as of"), null=True, blank=True)
    as_of_precision = models.CharField(
        _("precision of the as-of date"), max_length=5, choices=PRECISION_CHOICES, blank=True, default=""
    )
    key = models.CharField(_("key"), max_length=200, unique=True, null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return f"{self.label_en or self.label_zh}: {self.amount} {self.currency or self.unit}"


class _ReportEncoder(DjangoJSONEncoder):
    """Import reports hold the old and new values of changed fields: dates and decimals as Django encodes
    them, anything else as its text."""

    def default(self, o: object) -> object:
        try:
            return super().default(o)
        except TypeError:
            return str(o)


class ImportJob(models.Model):
    """A web import too large to run inside the request: queued as a task, run by `biopark worker`, polled
    by the page. queued -> running -> succeeded | failed; a job whose worker died goes to failed (or back to
    queued when its kind is safe to run again, see jobs.expire_stale)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs", verbose_name=_("user")
    )
    type_name = models.CharField(_("record type"), max_length=40)
    file_name = models.CharField(_("file name"), max_length=255)
    stored_as = models.CharField(
        _("stored as"), max_length=64, blank=True, default="", help_text=_("name under MEDIA_ROOT/imports/")
    )
    encoding = models.CharField(_("encoding"), max_length=40, default="utf-8")
    dry_run = models.BooleanField(_("dry run"), default=True)
    accept_merges = models.BooleanField(_("accept every proposed merge"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(_("rows in the file"), default=0)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    report = models.JSONField(_("report"), null=True, blank=True, encoder=_ReportEncoder)
    error = models.TextField(_("error"), blank=True, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # The last sign of life of the worker running the job (written with its progress). A job that has shown
    # none for settings.BIOPARK_JOBS["STALE_AFTER"] died with its worker: jobs.expire_stale() marks it.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The django-tasks result (DBTaskResult id) of the current attempt, and how many attempts were started.
    task_id = models.CharField(_("task id"), max_length=64, blank=True, default="")
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"import #{self.pk} {self.type_name} {self.file_name} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)
