"""Reshaping the shared reference data (COINr 6 ASEM build, UNDP HDI) into COINr 1.x iData/iMeta rows."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
ASEM_DIR = SHARED_DATA / "asem"
HDI_DIR = SHARED_DATA / "hdi"
HDI_FILE = HDI_DIR / "HDR23-24_Composite_indices_complete_time_series.csv"


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def coinr6_asem_tables() -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """iData/iMeta rows (COINr 1.x format) equivalent to the raw inputs of COINr 6's build_ASEM()."""
    raw = read_rows(ASEM_DIR / "ASEM_COIN_Raw.csv")
    dens = {r["UnitCode"]: r for r in read_rows(ASEM_DIR / "ASEM_COIN_Denominators.csv")}
    ind_meta = read_rows(ASEM_DIR / "ASEM_COIN_IndMeta.csv")
    agg_meta = read_rows(ASEM_DIR / "ASEM_COIN_AggMeta.csv")
    group_cols = [c for c in raw[0] if c.startswith("Group_")]
    den_cols = [c for c in next(iter(dens.values())) if c.startswith("Den_")]
    idata: list[dict[str, str]] = []
    for r in raw:
        row = {"uCode": r["UnitCode"], "uName": r["UnitName"], "Time": r["Year"]}
        row.update({c: r[c] for c in group_cols})
        row.update({c: dens[r["UnitCode"]][c] for c in den_cols})
        row.update({m["IndCode"]: r[m["IndCode"]] for m in ind_meta})
        idata.append(row)
    imeta: list[dict[str, str]] = []
    for m in ind_meta:
        imeta.append({"Level": "1", "iCode": m["IndCode"], "iName": m["IndName"], "Direction": m["Direction"],
                      "Weight": m["IndWeight"], "Unit": m["IndUnit"], "Target": m["Target"],
                      "Denominator": m["Denominator"], "Parent": m["Agg1"], "Type": "Indicator"})
    # An aggregate's parent is read off any indicator's lineage (Agg1 -> Agg2 -> Agg3).
    parent_of: dict[str, str] = {}
    for m in ind_meta:
        parent_of[m["Agg1"]] = m["Agg2"]
        parent_of[m["Agg2"]] = m["Agg3"]
    for a in agg_meta:
        imeta.append({"Level": str(int(float(a["AgLevel"]))), "iCode": a["Code"], "iName": a["Name"],
                      "Direction": "1", "Weight": a["Weight"], "Unit": "", "Target": "", "Denominator": "",
                      "Parent": parent_of.get(a["Code"], ""), "Type": "Aggregate"})
    imeta += [{"iCode": c, "Type": "Group"} for c in group_cols]
    imeta += [{"iCode": c, "Type": "Denominator"} for c in den_cols]
    return idata, imeta


COINR6_ASEM_RECIPE = {
    "steps": [
        {"denominate": {}},
        {"impute": {"method": "group_mean", "group": "Group_EurAsia"}},
        {"treat": {"method": "winsorise", "winmax": 6, "skew": 2, "kurtosis": 3.5, "fallback": "log",
                   "count": "iterations"}},
        {"normalise": {"method": "minmax", "range": [0, 100]}},
        {"aggregate": {"method": "amean"}},
    ]
}


def published_stage(name: str) -> tuple[list[str], dict[str, np.ndarray]]:
    """(unit codes, {column: values}) of a published COINr 6 stage file (numeric columns only)."""
    rows = read_rows(ASEM_DIR / f"ASEM_COIN_{name}.csv")
    units = [r["UnitCode"] for r in rows]
    skip = {"UnitCode", "UnitName", "Year"}
    cols = {c: np.array([float(r[c]) if r[c] not in ("", "NA") else np.nan for r in rows])
            for c in rows[0] if c not in skip and not c.startswith("Group_")}
    return units, cols


HDI_IMETA = [
    {"Level": 1, "iCode": "LE", "iName": "Life expectancy", "Direction": 1, "Weight": 1, "Parent": "Health",
     "Type": "Indicator"},
    {"Level": 1, "iCode": "EYS", "iName": "Expected years of schooling", "Direction": 1, "Weight": 1,
     "Parent": "Education", "Type": "Indicator"},
    {"Level": 1, "iCode": "MYS", "iName": "Mean years of schooling", "Direction": 1, "Weight": 1,
     "Parent": "Education", "Type": "Indicator"},
    {"Level": 1, "iCode": "GNIPC", "iName": "GNI per capita", "Direction": 1, "Weight": 1, "Parent": "Income",
     "Type": "Indicator"},
    {"Level": 2, "iCode": "Health", "Direction": 1, "Weight": 1, "Parent": "HDI", "Type": "Aggregate"},
    {"Level": 2, "iCode": "Education", "Direction": 1, "Weight": 1, "Parent": "HDI", "Type": "Aggregate"},
    {"Level": 2, "iCode": "Income", "Direction": 1, "Weight": 1, "Parent": "HDI", "Type": "Aggregate"},
    {"Level": 3, "iCode": "HDI", "Direction": 1, "Weight": 1, "Parent": "", "Type": "Aggregate"},
]


def hdi_year_tables(year: int) -> tuple[list[dict[str, str]], dict[str, float]]:
    """iData rows for one year (units with all four inputs and a published HDI) and the published HDI."""
    idata, published = [], {}
    for r in read_rows(HDI_FILE):
        cells = {k: r[f"{p}_{year}"] for k, p in (("LE", "le"), ("EYS", "eys"), ("MYS", "mys"), ("GNIPC", "gnipc"))}
        hdi = r[f"hdi_{year}"]
        if hdi == "" or any(v == "" for v in cells.values()):
            continue
        idata.append({"uCode": r["iso3"], "uName": r["country"], **cells})
        published[r["iso3"]] = float(hdi)
    return idata, published
