"""Competitiveness frameworks (versioned), runs (with the exact inputs used) and their scores."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from biopark.ecosystem.models import Park


class Framework(models.Model):
    """An index framework. Its hierarchy, directions, weights and recipe live in versions."""

    class Kind(models.TextChoices):
        PARK = "park", _("Parks (from observations)")
        EXTERNAL = "external", _("External data table")

    key = models.SlugField(_("key"), max_length=100, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=300, blank=True, default="")
    name_en = models.CharField(_("English name"), max_length=300, blank=True, default="")
    description_zh = models.TextField(_("description (Chinese)"), blank=True, default="")
    description_en = models.TextField(_("description (English)"), blank=True, default="")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PARK)
    synthetic = models.BooleanField(
        _("synthetic"), default=False, help_text=_("its runs use fictional example data")
    )
    credit = models.CharField(
        _("data credit"), max_length=300, blank=True, default="", help_text=_("data source and licence")
    )
    # Park frameworks rank the parks directly under this park (all top-level parks when empty).
    scope = models.ForeignKey(
        Park, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("scope")
    )
    # Who may change the framework and build and publish its runs: the operators of this park (and of the
    # parks above it); empty = the platform's analysts (administrators). Everyone else may copy it.
    owner_park = models.ForeignKey(
        Park, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner park"),
        help_text=_("operators of this park edit the framework; empty: the platform (administrators)"),
    )
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies",
        verbose_name=_("copied from"), help_text=_("the framework this one was copied from"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name_en or self.name_zh or self.key


class FrameworkVersion(models.Model):
    """One immutable version: iMeta rows (hierarchy, directions, weights) and the recipe, as JSON."""

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="versions", verbose_name=_("framework")
    )
    number = models.PositiveIntegerField(_("version number"))
    imeta = models.JSONField(_("iMeta rows"))
    recipe = models.JSONField(_("recipe"))
    note = models.CharField(_("version note"), max_length=500, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("framework version")
        verbose_name_plural = _("framework versions")
        ordering = ["framework_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="framework_version_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.framework_id} v{self.number}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class Run(models.Model):
    """A build of one framework version on one data table. The inputs are stored exactly as built
    (iData rows, iMeta rows, recipe), so the run can be rebuilt and checked later."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="runs", verbose_name=_("framework")
    )
    version = models.ForeignKey(
        FrameworkVersion, on_delete=models.PROTECT, related_name="runs", verbose_name=_("framework version")
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    label = models.CharField(_("label"), max_length=200, blank=True, default="")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PUBLISHED)
    synthetic = models.BooleanField(_("synthetic"), default=False)
    idata = models.JSONField(_("iData rows"), default=list, help_text=_("iData rows as built"))
    # PostgreSQL's jsonb does not keep the order of an object's keys: the column order is kept here.
    idata_columns = models.JSONField(_("iData columns"), default=list, blank=True)
    imeta = models.JSONField(_("iMeta rows"), default=list, help_text=_("iMeta rows as built"))
    recipe = models.JSONField(_("recipe"), default=dict, help_text=_("recipe as built"))
    # uCode -> registry park id, for park frameworks
    unit_parks = models.JSONField(_("units' parks"), default=dict, blank=True)
    codes = models.JSONField(_("aggregate codes"), default=list, help_text=_("aggregate codes, top level first"))
    uncertainty = models.JSONField(_("uncertainty analysis"), null=True, blank=True)
    sensitivity = models.JSONField(_("sensitivity analysis"), null=True, blank=True)
    strengths = models.JSONField(_("strengths and weaknesses"), default=dict, blank=True)
    # Analysis tables the build could not compute for some group (e.g. PCA of a pillar with a constant
    # indicator): [{"table", "group", "reason"}]. They never stop a build; the run page lists them.
    warnings = models.JSONField(_("analysis warnings"), default=list, blank=True)
    n_units = models.PositiveIntegerField(_("number of units"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # A run started from the web (or the API with "background") is queued and built by a background worker:
    # queued -> running -> succeeded | failed. Runs built in the request are succeeded at once.
    job_status = models.CharField(
        _("build status"), max_length=12, choices=JobStatus.choices, default=JobStatus.SUCCEEDED
    )
    publish_on_success = models.BooleanField(
        _("publish when built"), default=False, help_text=_("publish the run once it is built")
    )
    job_stage = models.CharField(_("build stage"), max_length=20, blank=True, default="")
    job_error = models.TextField(_("build error"), blank=True, default="")
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    task_id = models.CharField(_("background task id"), max_length=64, blank=True, default="")
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    class Meta:
        verbose_name = _("ranking run")
        verbose_name_plural = _("ranking runs")
        ordering = ["-id"]
        indexes = [models.Index(fields=["framework", "status", "-id"])]

    @property
    def built(self) -> bool:
        return self.job_status == JobStatus.SUCCEEDED

    @property
    def job_finished(self) -> bool:
        return self.job_status in (JobStatus.SUCCEEDED, JobStatus.FAILED)

    def __str__(self) -> str:
        return f"{self.framework.key} run {self.pk}" + (f" ({self.year})" if self.year else "")


class RunScore(models.Model):
    """Score and rank of one unit on one aggregate (the index or a pillar) in one run."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="scores", verbose_name=_("ranking run"))
    code = models.CharField(_("aggregate code"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"))
    unit_code = models.CharField(_("unit code"), max_length=200)
    unit_name = models.CharField(_("unit name"), max_length=300, blank=True, default="")
    park = models.ForeignKey(
        Park, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("park")
    )
    score = models.FloatField(_("score"), null=True, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)

    class Meta:
        verbose_name = _("run score")
        verbose_name_plural = _("run scores")
        ordering = ["run_id", "code", "rank", "unit_code"]
        constraints = [
            models.UniqueConstraint(fields=["run", "code", "unit_code"], name="runscore_unique_unit_code")
        ]
        indexes = [models.Index(fields=["run", "code", "rank"]), models.Index(fields=["run", "unit_code"])]

    def __str__(self) -> str:
        return f"{self.unit_code} {self.code} #{self.rank}"
