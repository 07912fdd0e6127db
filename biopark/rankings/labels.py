"""Labels people read for the codes of the index recipe (steps, methods, parameters) and of run stages."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Recipe steps and the methods each offers (docs/index.md, "Recipe reference").
STEPS = {
    "impute": gettext_lazy("Imputation of missing values"),
    "screen": gettext_lazy("Screening of units"),
    "treat": gettext_lazy("Outlier treatment"),
    "normalise": gettext_lazy("Normalisation"),
    "aggregate": gettext_lazy("Aggregation"),
}
METHODS: dict[str, dict[str, object]] = {
    "impute": {
        "mean": gettext_lazy("indicator mean"), "median": gettext_lazy("indicator median"),
        "group_mean": gettext_lazy("mean within the unit's group"),
        "group_median": gettext_lazy("median within the unit's group"), "none": gettext_lazy("none"),
    },
    "screen": {"byNA": gettext_lazy("by missing data"), "byzeros": gettext_lazy("by zeros"),
               "byNAandzeros": gettext_lazy("by missing data and zeros")},
    "treat": {"winsorise": gettext_lazy("winsorisation, then a transformation if still skewed"),
              "none": gettext_lazy("none")},
    "normalise": {
        "minmax": gettext_lazy("min-max"), "zscore": gettext_lazy("z-score"), "scaled": gettext_lazy("scaled"),
        "rank": gettext_lazy("rank"), "borda": gettext_lazy("Borda score"), "prank": gettext_lazy("percentile rank"),
        "fracmax": gettext_lazy("fraction of the maximum"), "dist2max": gettext_lazy("distance to the maximum"),
        "dist2ref": gettext_lazy("distance to a reference unit"), "dist2targ": gettext_lazy("distance to targets"),
        "goalposts": gettext_lazy("goalposts"), "none": gettext_lazy("none"),
    },
    "aggregate": {
        "amean": gettext_lazy("arithmetic mean"), "gmean": gettext_lazy("geometric mean"),
        "hmean": gettext_lazy("harmonic mean"), "genmean": gettext_lazy("generalised mean"),
        "copeland": gettext_lazy("Copeland"),
    },
}
# The parameter that names a step's method ("unit_screen" for screen).
METHOD_PARAM = {"screen": "unit_screen"}
PARAMS = {
    "winmax": gettext_lazy("winsorisation limit"), "method": gettext_lazy("method"),
    "p": gettext_lazy("exponent"), "range": gettext_lazy("range"), "skew": gettext_lazy("skewness limit"),
    "kurtosis": gettext_lazy("kurtosis limit"), "min_availability": gettext_lazy("minimum data availability"),
}
STAGES = {
    "": gettext_lazy("waiting for a background worker"), "data": gettext_lazy("reading the data"),
    "build": gettext_lazy("building the index and its analyses"), "store": gettext_lazy("storing the results"),
}


def stage_label(stage: str) -> str:
    return str(STAGES.get(stage, stage))


def factor_label(factor: str) -> str:
    """"treat.winmax" -> "Outlier treatment: winsorisation limit"; "weights" -> "Weights"."""
    if factor == "weights":
        return _("Weights")
    step, _dot, param = factor.partition(".")
    name = str(STEPS.get(step, step))
    if not param:
        return _("%(step)s: whole specification") % {"step": name}
    return _("%(step)s: %(parameter)s") % {"step": name, "parameter": PARAMS.get(param, param)}


# Analysis tables a build may report as unavailable for a group (biopark.index.analysis.Unavailable).
TABLES = {
    "pca_weights": gettext_lazy("PCA weights"), "correlations": gettext_lazy("Correlations"),
    "cronbach": gettext_lazy("Cronbach's alpha"),
}
_FEW_UNITS = re.compile(r"^fewer than 3 complete units \((\d+)\)$")
_ZERO_VARIANCE = re.compile(r"^zero variance in (.+)$")


def warning_label(warning: Mapping[str, Any], names: Mapping[str, str]) -> dict[str, str]:
    """A stored analysis warning in words: the table, the group's name and the reason (the engine's English
    reasons of known shape are translated; indicator codes become their names)."""
    reason = str(warning.get("reason", ""))
    if few := _FEW_UNITS.match(reason):
        reason = _("fewer than 3 units have a value for every indicator (%(n)s)") % {"n": few.group(1)}
    elif zero := _ZERO_VARIANCE.match(reason):
        codes = [c.strip() for c in zero.group(1).split(",")]
        reason = _("no variation in %(indicators)s") % {"indicators": ", ".join(names.get(c, c) for c in codes)}
    table = str(warning.get("table", ""))
    group = str(warning.get("group", ""))
    return {"table": str(TABLES.get(table, table)), "group": names.get(group, group), "reason": reason,
            "code": group}


# Texts the platform itself writes on the frameworks, versions and runs it builds (the default framework, the
# real-parks framework, the demo's examples). They are stored as written (the API returns them so) and shown
# in the reader's language (registered with biopark.core.demo_texts); a text a person typed matches none of
# them and is shown as entered.
SYSTEM_TEXTS = {
    "default framework": gettext_lazy("default framework"),
    "created": gettext_lazy("created"),
    "built on the web": gettext_lazy("built on the web"),
    "BioPark registry and observations with their sources": gettext_lazy(
        "BioPark registry and observations with their sources"),
    "synthetic / 虚构示例数据": gettext_lazy("synthetic example data"),
    "COINr 1.x example build": gettext_lazy("COINr 1.x example build"),
    "HDR 2023/24 method": gettext_lazy("HDR 2023/24 method"),
}
SYSTEM_PATTERNS = [
    (re.compile(r"^indicators with data in (?P<year>\d{4})$"), gettext_lazy("indicators with data in %(year)s")),
    (re.compile(r"^copied from (?P<key>[\w-]+) v(?P<number>\d+)$"), gettext_lazy("copied from %(key)s v%(number)s")),
    (re.compile(r"^(?P<year>\d{4}) real parks / 真实园区$"), gettext_lazy("%(year)s real parks")),
    (re.compile(r"^(?P<year>\d{4}) synthetic / 虚构示例$"), gettext_lazy("%(year)s synthetic example")),
]
