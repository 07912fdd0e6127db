"""The default park competitiveness framework: a comprehensive index over five pillars (environment,
industry, technology, talent, cooperation) of the documented indicators in biopark.metrics.catalogue."""

from __future__ import annotations

from typing import Any

from biopark.metrics.catalogue import INDICATORS, PILLARS

DEFAULT_KEY = "park-competitiveness"
INDEX_CODE = "Index"

DEFAULT_RECIPE: dict[str, Any] = {
    "name": "park-competitiveness",
    "description": "Screen parks with under 60% of the data, fill gaps with the indicator mean, "
                   "winsorise outliers, min-max to 0-100, arithmetic means of indicators and pillars.",
    "steps": [
        # Screen first: availability counts observed data, as the description says (COINr semantics: a
        # screen after imputation would count imputed values as available).
        {"screen": {"min_availability": 0.6}},
        {"impute": {"method": "mean"}},
        {"treat": {"method": "winsorise", "winmax": 3, "skew": 2.0, "kurtosis": 3.5, "fallback": "log"}},
        {"normalise": {"method": "minmax", "range": [0, 100]}},
        {"aggregate": {"method": "amean"}},
    ],
    "uncertainty": {
        "replications": 1000,
        "seed": 1,
        "vary": {
            "treat.winmax": [1, 2, 3, 4, 5],
            "normalise": [{"method": "minmax", "range": [0, 100]}, {"method": "rank"}],
            "weights": {"noise": 0.25, "levels": [1, 2]},
        },
    },
}


def default_imeta(indicators: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """iMeta rows: one per indicator (weight 1, direction and unit from the catalogue), five pillars
    (weight 1) and the index."""
    rows: list[dict[str, Any]] = []
    for spec in indicators if indicators is not None else INDICATORS:
        rows.append({"Level": 1, "iCode": spec["key"], "iName": spec["name_en"], "Direction": spec["direction"],
                     "Weight": 1, "Unit": spec["unit"], "Target": "", "Denominator": "",
                     "Parent": spec["pillar"], "Type": "Indicator"})
    for pillar in PILLARS:
        rows.append({"Level": 2, "iCode": pillar["code"], "iName": pillar["name_en"], "Direction": 1,
                     "Weight": 1, "Unit": "score", "Target": "", "Denominator": "", "Parent": INDEX_CODE,
                     "Type": "Aggregate"})
    rows.append({"Level": 3, "iCode": INDEX_CODE, "iName": "Park competitiveness", "Direction": 1, "Weight": 1,
                 "Unit": "score", "Target": "", "Denominator": "", "Parent": "", "Type": "Aggregate"})
    return rows


# Chinese names of the aggregates (iMeta holds one name; pages show these in Chinese).
AGGREGATE_NAMES_ZH = {p["code"]: p["name_zh"] for p in PILLARS} | {INDEX_CODE: "综合竞争力"}
