"""Indicators (what is measured, in which unit, which way is better) and observations
(park × indicator × year, with the unit and the source of each value)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from biopark.core.models import BilingualNamed
from biopark.ecosystem.models import Park


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
    description_zh = models.TextField(blank=True, default="")
    description_en = models.TextField(blank=True, default="")
    computation = models.CharField(max_length=20, choices=Computation.choices, blank=True, default="")
    # For ORGANISATIONS: the organisation kinds counted (ecosystem.Organisation.Kind values).
    computation_kinds = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pillar", "id"]


class Observation(models.Model):
    """One value of one indicator for one park in one year."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="observations")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="observations")
    year = models.PositiveSmallIntegerField()
    value = models.DecimalField(max_digits=24, decimal_places=6)
    unit = models.CharField(max_length=100, blank=True, default="")
    source = models.CharField(max_length=500, blank=True, default="", help_text="where the value comes from")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["year", "park_id", "indicator_id"]
        constraints = [
            models.UniqueConstraint(fields=["park", "indicator", "year"], name="observation_unique_park_indicator_year")
        ]
        indexes = [models.Index(fields=["year", "indicator"])]

    def __str__(self) -> str:
        return f"{self.indicator_id}/{self.park_id}/{self.year}={self.value}"
