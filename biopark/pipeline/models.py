"""Innovation projects and their life-cycle stages, kept per indication as dated, evidenced events.

The project's highest stage is derived from the events (see `biopark.pipeline.stages.derive_highest`); the
`highest_stage` and `last_event_on` columns are a cache the service functions rewrite in the same transaction
as the event, so lists and the portfolio can filter and count in SQL.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from biopark.core.dates import PRECISION_CHOICES, format_partial
from biopark.core.models import BilingualNamed, Source
from biopark.ecosystem.models import STAGES, Organisation, Park, Person

SUSPENDED, DISCONTINUED = "suspended", "discontinued"
HALT_STAGES = [(SUSPENDED, _("Suspended")), (DISCONTINUED, _("Discontinued"))]
ALL_STAGES = [*STAGES, *HALT_STAGES]
STAGE_LABELS = dict(ALL_STAGES)


class Direction(models.TextChoices):
    """How a stage event moved its indication (see biopark.pipeline.stages.classify)."""

    FIRST = "first", _("first report")
    FORWARD = "forward", _("advanced")
    SKIP = "skip", _("skipped a stage")
    BACK = "back", _("went back")
    HALT = "halt", _("halted")
    RESUME = "resume", _("resumed")


def stage_label(code: str | None) -> str:
    """A stage's label for people; "" for no stage, the code itself for one this version does not know."""
    if not code:
        return ""
    return str(STAGE_LABELS.get(code, code))


class Modality(models.TextChoices):
    SMALL_MOLECULE = "small_molecule", _("Small molecule")
    ANTIBODY = "antibody", _("Antibody")
    ADC = "adc", _("Antibody-drug conjugate (ADC)")
    VACCINE = "vaccine", _("Vaccine")
    CELL_THERAPY = "cell_therapy", _("Cell therapy")
    GENE_THERAPY = "gene_therapy", _("Gene therapy")
    BLOOD_PRODUCT = "blood_product", _("Blood product")
    MEDICAL_DEVICE = "medical_device", _("Medical device")
    DIAGNOSTIC = "diagnostic", _("Diagnostic")
    TCM = "tcm", _("Traditional Chinese medicine")
    OTHER = "other", _("Other")


class Visibility(models.TextChoices):
    PRIVATE = "private", _("Private to its organisation")
    PARK = "park", _("Visible to the park")
    PUBLIC = "public", _("Public")


class Project(BilingualNamed):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="projects", verbose_name=_("organisation")
    )
    park = models.ForeignKey(
        Park,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
        verbose_name=_("park"),
    )
    modality = models.CharField(
        _("modality"), max_length=20, choices=Modality.choices, default=Modality.OTHER
    )
    targets = models.JSONField(_("targets"), default=list, blank=True)
    therapeutic_areas = models.JSONField(_("therapeutic areas"), default=list, blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    description_zh = models.TextField(_("description (Chinese)"), blank=True, default="")
    description_en = models.TextField(_("description (English)"), blank=True, default="")
    team = models.ManyToManyField(Person, blank=True, related_name="projects", verbose_name=_("team"))
    # Each team member's role in this project ("principal investigator", "CMC lead"), by person id.
    team_roles = models.JSONField(_("team roles"), default=dict, blank=True)
    partners = models.ManyToManyField(
        Organisation, blank=True, related_name="partner_projects", verbose_name=_("partners")
    )
    # Cache of the derived values, rewritten by biopark.pipeline.services with every stage event.
    highest_stage = models.CharField(
        _("highest stage"), max_length=20, blank=True, default="", editable=False, choices=ALL_STAGES
    )
    last_event_on = models.DateField(_("last progress"), null=True, blank=True, editable=False)
    synthetic = models.BooleanField(_("synthetic"), default=False, help_text=_("made up for the demo portfolio"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["park", "highest_stage"]),
            models.Index(fields=["park", "modality"]),
            models.Index(fields=["organisation", "id"]),
            models.Index(fields=["park", "last_event_on"]),
        ]


class Indication(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="indications", verbose_name=_("project")
    )
    name_zh = models.CharField(_("name (Chinese)"), max_length=300, blank=True, default="")
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True, default="")
    therapeutic_area = models.CharField(_("therapeutic area"), max_length=100, blank=True, default="")
    # Cache: the stage of the indication's latest event.
    current_stage = models.CharField(
        _("current stage"), max_length=20, blank=True, default="", editable=False, choices=ALL_STAGES
    )

    class Meta:
        verbose_name = _("indication")
        verbose_name_plural = _("indications")
        ordering = ["id"]
        indexes = [models.Index(fields=["therapeutic_area", "project"])]

    def __str__(self) -> str:
        return self.name_zh or self.name_en or f"#{self.pk}"


class StageEvent(models.Model):
    """An indication reached (or fell back to, or halted at) a stage on a date, with its evidence."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stage_events", verbose_name=_("project"))
    indication = models.ForeignKey(Indication, on_delete=models.CASCADE, related_name="events", verbose_name=_("indication"))
    stage = models.CharField(_("stage"), max_length=20, choices=ALL_STAGES)
    occurred_on = models.DateField(_("date"))
    occurred_precision = models.CharField(max_length=5, choices=PRECISION_CHOICES, default="day", verbose_name=_("occurred precision"))
    approval_number = models.CharField(_("approval or filing number"), max_length=100, blank=True, default="")
    trial_id = models.CharField(_("trial registry id"), max_length=100, blank=True, default="")
    document = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("document")
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True, default="")
    direction = models.CharField(_("move"), max_length=10, default=Direction.FORWARD, choices=Direction.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("recorded by")
    )
    recorded_label = models.CharField(max_length=150, blank=True, default="", verbose_name=_("recorded label"))
    recorded_at = models.DateTimeField(auto_now_add=True, verbose_name=_("recorded at"))
    # Filled when the indication's next event is recorded: how long the indication stayed here, and where it went.
    next_stage = models.CharField(max_length=20, blank=True, default="", verbose_name=_("next stage"))
    duration_days = models.IntegerField(null=True, blank=True, verbose_name=_("duration days"))
    # Copies of the project's park, organisation and modality (same column names as on Project), written with
    # the event and rewritten whenever the project's values change, so the portfolio's filters and groupings
    # read this table alone, through the covering indexes below, instead of joining 200,000 events to projects.
    park = models.ForeignKey(
        Park, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False, editable=False, verbose_name=_("park")
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        editable=False, verbose_name=_("organisation"),
    )
    modality = models.CharField(max_length=20, blank=True, default="", editable=False, verbose_name=_("modality"))

    class Meta:
        verbose_name = _("stage event")
        verbose_name_plural = _("stage events")
        ordering = ["occurred_on", "id"]
        indexes = [
            models.Index(fields=["indication", "occurred_on", "id"]),
            models.Index(fields=["project", "occurred_on"]),
            # Every park at once (administrators): the same grouping, by stage.
            models.Index(fields=["stage", "next_stage", "duration_days"], name="pipe_event_span"),
            models.Index(fields=["park", "stage", "next_stage", "duration_days"], name="pipe_event_park_span"),
            models.Index(
                fields=["park", "modality", "stage", "next_stage", "duration_days"], name="pipe_event_park_mod_span"
            ),
            models.Index(fields=["organisation", "stage", "next_stage", "duration_days"], name="pipe_event_org_span"),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.date}"

    @property
    def date(self) -> str:
        return format_partial(self.occurred_on, self.occurred_precision)
