"""Investment promotion (招商): pipelines with their own ordered stages, the leads moving through them, each
move kept as a stage change (for conversion and time in stage), and the activities and documents of a lead."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from biopark.deals.models import Agreement, Event
from biopark.ecosystem.models import CURRENCIES, Organisation, Park, Person


def _bilingual(zh: str, en: str) -> str:
    chinese = (get_language() or "zh-hans").lower().startswith("zh")
    return (zh or en) if chinese else (en or zh)


class Pipeline(models.Model):
    """A sequence of stages a kind of deal moves through: investment promotion, licensing, financing."""

    class Kind(models.TextChoices):
        PROMOTION = "promotion", _("Investment promotion")
        LICENSING = "licensing", _("Licensing")
        FINANCING = "financing", _("Financing")

    key = models.CharField(_("key"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("pipeline")
        verbose_name_plural = _("pipelines")

    @property
    def display_name(self) -> str:
        return _bilingual(self.name_zh, self.name_en)

    def __str__(self) -> str:
        return self.display_name


class Stage(models.Model):
    """One stage of a pipeline. `outcome` says whether a lead in it is still open, won (signed and after)
    or lost; the order of the open and won stages is `position`."""

    class Outcome(models.TextChoices):
        OPEN = "open", _("open")
        WON = "won", _("won")
        LOST = "lost", _("lost")

    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="stages", verbose_name=_("pipeline"))
    code = models.CharField(_("code"), max_length=40)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    position = models.PositiveSmallIntegerField(_("order"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.OPEN)

    class Meta:
        ordering = ["pipeline_id", "position"]
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        constraints = [
            models.UniqueConstraint(fields=["pipeline", "code"], name="promotion_stage_code_unique"),
            models.UniqueConstraint(fields=["pipeline", "position"], name="promotion_stage_position_unique"),
        ]

    @property
    def display_name(self) -> str:
        return _bilingual(self.name_zh, self.name_en)

    def __str__(self) -> str:
        return self.display_name


class Source(models.TextChoices):
    REFERRAL = "referral", _("Referral")
    EVENT = "event", _("Promotion event")
    INBOUND = "inbound", _("Inbound enquiry")
    DELEGATION = "delegation", _("Delegation visit")
    ROADSHOW = "roadshow", _("Roadshow")
    PARTNER = "partner", _("Partner or intermediary")
    OUTREACH = "outreach", _("Our own outreach")


class LostReason(models.TextChoices):
    OTHER_LOCATION = "other_location", _("Chose another location")
    POLICY = "policy", _("Policy package not competitive")
    SPACE = "space", _("No suitable space")
    FUNDING = "funding", _("Project lost its funding")
    TIMING = "timing", _("Project postponed or cancelled")
    NO_RESPONSE = "no_response", _("Stopped responding")
    FIT = "fit", _("Does not fit the park's industries")
    OTHER = "other", _("Other (see note)")


class Lead(models.Model):
    """A company or project the park wants to attract, and what it would bring."""

    pipeline = models.ForeignKey(Pipeline, on_delete=models.PROTECT, related_name="leads", verbose_name=_("pipeline"))
    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="leads", verbose_name=_("park"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="leads", verbose_name=_("organisation")
    )
    project = models.CharField(_("project"), max_length=300)
    description = models.TextField(_("description"), blank=True, default="")
    investment_amount = models.DecimalField(
        _("investment"), max_digits=20, decimal_places=2, null=True, blank=True
    )
    investment_currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, blank=True, default="")
    jobs = models.PositiveIntegerField(_("jobs"), null=True, blank=True)
    space_m2 = models.DecimalField(_("space needed (m²)"), max_digits=12, decimal_places=1, null=True, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    source_event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="leads", verbose_name=_("event")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("owner"),
    )
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="leads", verbose_name=_("stage"))
    stage_entered_at = models.DateTimeField(_("in this stage since"))
    next_action = models.CharField(_("next action"), max_length=300, blank=True, default="")
    next_action_due = models.DateField(_("next action due"), null=True, blank=True)
    policy_package = models.TextField(_("policy package offered"), blank=True, default="")
    policy_amount = models.DecimalField(
        _("policy package amount"), max_digits=20, decimal_places=2, null=True, blank=True
    )
    policy_currency = models.CharField(
        _("policy package currency"), max_length=3, choices=CURRENCIES, blank=True, default=""
    )
    lost_reason = models.CharField(_("reason lost"), max_length=20, choices=LostReason.choices, blank=True, default="")
    lost_note = models.CharField(_("note on the loss"), max_length=500, blank=True, default="")
    agreement = models.ForeignKey(
        Agreement, null=True, blank=True, on_delete=models.SET_NULL, related_name="leads",
        verbose_name=_("signed agreement"),
    )
    # Demo rows made up for the board and charts, shown with a "synthetic" mark.
    synthetic = models.BooleanField(_("synthetic demo record"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    version = models.PositiveIntegerField(default=1, db_default=1, editable=False, verbose_name=_("version"))

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        indexes = [
            models.Index(fields=["park", "pipeline", "stage", "-updated_at", "-id"], name="promotion_lead_board_recent"),
            models.Index(fields=["stage", "-updated_at"], name="promotion_lead_stage_recent"),
            models.Index(fields=["next_action_due"], name="promotion_lead_due"),
            models.Index(fields=["park", "-updated_at", "-id"], name="promotion_lead_park_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(investment_amount__isnull=True) | Q(investment_amount__gte=0),
                name="promotion_lead_investment_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.project}"

    @property
    def display_name(self) -> str:
        return str(self)


class StageChange(models.Model):
    """A lead entering a stage: from where, when and by whom (the first row has no `from_stage`)."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="stage_changes", verbose_name=_("lead"))
    from_stage = models.ForeignKey(
        Stage, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    to_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+", verbose_name=_("to"))
    at = models.DateTimeField(_("when"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("by"),
    )
    note = models.CharField(_("note"), max_length=500, blank=True, default="")

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        indexes = [models.Index(fields=["lead", "at"], name="promotion_change_lead_at")]

    def __str__(self) -> str:
        return f"{self.from_stage or '—'} → {self.to_stage}"


class Activity(models.Model):
    class Kind(models.TextChoices):
        VISIT = "visit", _("Visit")
        CALL = "call", _("Call")
        MEETING = "meeting", _("Meeting")
        EMAIL = "email", _("E-mail")
        NOTE = "note", _("Note")

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="activities", verbose_name=_("lead"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    on = models.DateField(_("date"))
    summary = models.TextField(_("summary"))
    people = models.ManyToManyField(Person, blank=True, related_name="lead_activities", verbose_name=_("people"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on}"


def _upload_to(instance: Document, filename: str) -> str:
    return f"promotion/leads/{instance.lead_id}/{filename}"


class Document(models.Model):
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="documents", verbose_name=_("lead"))
    file = models.FileField(upload_to=_upload_to, max_length=300, verbose_name=_("file"))
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size"))
    kind = models.CharField(max_length=10, verbose_name=_("kind"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(auto_now_add=True, verbose_name=_("uploaded at"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.original_name
