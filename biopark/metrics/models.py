"""Indicators (what is measured, in which unit, which way is better) and observations
(park × indicator × year, with the unit and the source of each value)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from biopark.core.models import BilingualNamed
from biopark.ecosystem.models import Organisation, Park, Platform


class Indicator(BilingualNamed):
    """A documented indicator. ``key`` is its code (the iCode the index engine sees)."""

    class Direction(models.IntegerChoices):
        HIGHER_BETTER = 1, _("higher is better")
        LOWER_BETTER = -1, _("lower is better")

    class Computation(models.TextChoices):
        REPORTED = "", _("reported (imported)")
        PLATFORMS = "platforms", _("computed: functional platforms in the park")
        ORGANISATIONS = "organisations", _("computed: organisations of a kind in the park")

    unit = models.CharField(_("unit"), max_length=100, blank=True, default="")
    direction = models.SmallIntegerField(_("direction"), choices=Direction.choices, default=1)
    pillar = models.CharField(
        _("pillar"), max_length=50, blank=True, default="", help_text="suggested pillar of the default framework"
    )
    description_zh = models.TextField(blank=True, default="", verbose_name=_("description zh"))
    description_en = models.TextField(blank=True, default="", verbose_name=_("description en"))
    computation = models.CharField(max_length=20, choices=Computation.choices, blank=True, default="", verbose_name=_("computation"))
    # For ORGANISATIONS: the organisation kinds counted (ecosystem.Organisation.Kind values).
    computation_kinds = models.JSONField(default=list, blank=True, verbose_name=_("computation kinds"))
    # A KPI computed live from the platform (a key of biopark.core.kpis); empty: the values are entered.
    kpi_key = models.CharField(_("computed from"), max_length=100, blank=True, default="")
    standard = models.CharField(
        _("standard"), max_length=300, blank=True, default="",
        help_text=_("the statistical standard or framework the indicator comes from, if any"),
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["pillar", "id"]


class Observation(models.Model):
    """One value of one indicator for one park in one year."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="observations", verbose_name=_("park"))
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="observations", verbose_name=_("indicator"))
    year = models.PositiveSmallIntegerField(verbose_name=_("year"))
    value = models.DecimalField(max_digits=24, decimal_places=6, verbose_name=_("value"))
    unit = models.CharField(max_length=100, blank=True, default="", verbose_name=_("unit"))
    source = models.CharField(max_length=500, blank=True, default="", help_text="where the value comes from", verbose_name=_("source"))
    # Made up for the demo (a past for the charts); pages label such values.
    synthetic = models.BooleanField(default=False, verbose_name=_("synthetic"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("updated by")
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        ordering = ["year", "park_id", "indicator_id"]
        constraints = [
            models.UniqueConstraint(fields=["park", "indicator", "year"], name="observation_unique_park_indicator_year")
        ]
        indexes = [models.Index(fields=["year", "indicator"])]

    def __str__(self) -> str:
        return f"{self.indicator_id}/{self.park_id}/{self.year}={self.value}"


class Qualifier(models.TextChoices):
    """How a plan states its number (约 / 超过 / 不低于 / 力争)."""

    ABOUT = "about", _("about")
    OVER = "over", _("over")
    AT_LEAST = "at_least", _("at least")
    STRIVE = "strive", _("strive for")


class Target(models.Model):
    """A number a park (a zone, a centre: a child park; or one platform) is held to for a period."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="targets", verbose_name=_("park"))
    platform = models.ForeignKey(
        Platform, null=True, blank=True, on_delete=models.SET_NULL, related_name="targets", verbose_name=_("platform")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="targets", verbose_name=_("indicator")
    )
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    baseline_value = models.DecimalField(_("baseline value"), max_digits=24, decimal_places=6, null=True, blank=True)
    baseline_on = models.DateField(_("baseline date"), null=True, blank=True)
    target_value = models.DecimalField(_("target value"), max_digits=24, decimal_places=6)
    unit = models.CharField(_("unit"), max_length=100, blank=True, default="")
    qualifier = models.CharField(_("qualifier"), max_length=10, choices=Qualifier.choices, default=Qualifier.AT_LEAST)
    # A citation of a registry Source (biopark.core.models.Citation) when the target comes from a document;
    # this note otherwise (a plan's name and clause).
    source_note = models.CharField(_("source"), max_length=500, blank=True, default="")
    synthetic = models.BooleanField(_("synthetic"), default=False, help_text=_("made up for the demo"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("owner"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = pgettext_lazy("park goals", "targets")
        ordering = ["park_id", "end_year", "id"]
        indexes = [models.Index(fields=["park", "end_year"])]

    def __str__(self) -> str:
        return f"{self.indicator} {self.start_year}–{self.end_year}"


class ObservationRequest(models.Model):
    """An operator asks an organisation for one figure; a member of the organisation reports it."""

    class Status(models.TextChoices):
        OPEN = "open", _("awaiting the figure")
        REPORTED = "reported", _("reported")

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="+", verbose_name=_("park"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="observation_requests", verbose_name=_("organisation")
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+", verbose_name=_("indicator"))
    year = models.PositiveSmallIntegerField(_("year"))
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    value = models.DecimalField(_("value"), max_digits=24, decimal_places=6, null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True, default="")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("requested by")
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("reported by")
    )
    reported_at = models.DateTimeField(null=True, blank=True, verbose_name=_("reported at"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("observation request")
        verbose_name_plural = _("observation requests")
        ordering = ["-created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "indicator", "year"], name="observation_request_unique")
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}"
