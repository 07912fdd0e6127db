"""Demo frameworks and runs: the synthetic park competitiveness example, ASEM (COINr's example data)
and, when ../shared/data/hdi exists, the UNDP Human Development Index. Idempotent."""

from __future__ import annotations

import csv
import random
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils.translation import gettext as _

import biopark
from biopark.accounts.policy import SYSTEM
from biopark.ecosystem import services as registry
from biopark.ecosystem.models import Park
from biopark.ecosystem.tabular import Table
from biopark.metrics.catalogue import INDICATORS
from biopark.metrics.services import observations_import
from biopark.rankings import defaults
from biopark.rankings.models import Framework, Run
from biopark.rankings.observed import build_observed
from biopark.rankings.services import framework_create, framework_ensure_default, latest_version, run_create

DATA_DIR = Path(__file__).resolve().parent / "data"
EXAMPLES_DIR = Path(biopark.__file__).resolve().parent / "index" / "examples"
SHARED_DATA = Path(biopark.__file__).resolve().parents[1].parent / "shared" / "data"
DEMO_REPLICATIONS = 1000
SYNTHETIC_KEY = "example-park-competitiveness"
SYNTHETIC_ROOT_KEY = "example-parks-synthetic"
SYNTHETIC_YEAR = 2024
SYNTHETIC_LABEL_ZH = "虚构示例数据"
SYNTHETIC_LABEL_EN = "synthetic example data"


def _letters(i: int) -> str:
    """A, B, ..., Z, AA, AB, ..."""
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


# Typical magnitude (median) and spread of each indicator in the fictional parks.
_SCALE = {
    "env_area": (30, 0.6), "env_incubator_space": (80, 0.7), "env_guidance_fund": (50, 0.9),
    "env_policies": (12, 0.5), "env_setup_days": (5, 0.4), "env_rent": (35, 0.3),
    "ind_enterprises": (600, 0.8), "ind_output": (400, 0.9), "ind_output_growth": (12, 0.5),
    "ind_above_scale": (90, 0.8), "ind_listed": (8, 0.9), "ind_new_drugs": (4, 1.0), "ind_devices": (15, 0.9),
    "tech_platforms": (20, 0.6), "tech_research_orgs": (15, 0.7), "tech_rd_spend": (40, 0.9),
    "tech_rd_intensity": (8, 0.4), "tech_patents": (500, 0.9), "tech_clinical_trials": (60, 0.9),
    "tech_ind_approvals": (25, 0.9), "tal_employees": (4, 0.8), "tal_rd_staff": (8000, 0.8),
    "tal_academicians": (6, 1.0), "tal_high_level": (40, 0.9), "tal_phd_share": (15, 0.4),
    "coop_licensing_deals": (10, 0.9), "coop_deal_value": (30, 1.1), "coop_intl_agreements": (20, 0.7),
    "coop_foreign_firms": (40, 0.8), "coop_academia_projects": (60, 0.7), "coop_exports": (50, 1.0),
}


def _synthetic_parks(n: int = 30) -> tuple[Park, list[Park]]:
    root = Park.objects.filter(key=SYNTHETIC_ROOT_KEY).first()
    note_zh = "虚构示例数据：用于演示园区竞争力指数的虚构园区，并非真实园区。"
    note_en = "Synthetic example data: fictional parks for the competitiveness index demo, not real parks."
    if root is None:
        root = registry.record_create(actor=SYSTEM, model=Park, data={
            "key": SYNTHETIC_ROOT_KEY, "name_zh": "示例园区组（虚构示例数据）",
            "name_en": "Example parks (synthetic example data)", "kind": "park",
            "description_zh": note_zh, "description_en": note_en,
        })
    existing = {p.key: p for p in Park.objects.filter(parent=root)}
    parks = []
    for i in range(n):
        key = f"example-park-{_letters(i).lower()}"
        park = existing.get(key)
        if park is None:
            park = registry.record_create(actor=SYSTEM, model=Park, data={
                "key": key, "name_zh": f"示例园区 {_letters(i)}", "name_en": f"Example Park {_letters(i)}",
                "kind": "park", "parent": root.pk, "description_zh": note_zh, "description_en": note_en,
            })
        parks.append(park)
    return root, parks


def _synthetic_observations(parks: list[Park]) -> dict[str, Any]:
    """Seeded random observations: each park has a latent strength, so pillars correlate somewhat."""
    rng = random.Random(20240601)
    rows: list[tuple[int, dict[str, Any]]] = []
    line = 1
    for park in parks:
        strength = rng.gauss(0, 0.6)
        for spec in INDICATORS:
            median, spread = _SCALE[spec["key"]]
            factor = pow(2.718281828, spread * rng.gauss(0, 1) + spec["direction"] * 0.5 * strength)
            value = median * factor
            if spec["unit"] in ("count", "persons", "days"):
                value = float(max(round(value), 0))
            line += 1
            if rng.random() < 0.03:  # a few gaps, as real reporting has
                continue
            rows.append((line, {"park_key": park.key, "indicator": spec["key"], "year": str(SYNTHETIC_YEAR),
                                "value": f"{value:.2f}", "unit": spec["unit"],
                                "source": "synthetic / 虚构示例数据 (seeded random)"}))
    table = Table(["park_key", "indicator", "year", "value", "unit", "source"], rows)
    return observations_import(actor=SYSTEM, table=table).as_dict()


def _ensure_run(framework: Framework, **kwargs: Any) -> bool:
    """Build a run unless the framework's current version already has one for this year."""
    version = latest_version(framework)
    if Run.objects.filter(framework=framework, version=version, year=kwargs.get("year")).exists():
        return False
    run_create(actor=SYSTEM, framework=framework, version=version, **kwargs)
    return True


def _modest(recipe: dict[str, Any]) -> dict[str, Any]:
    recipe = dict(recipe)
    if "uncertainty" in recipe:
        recipe["uncertainty"] = {**recipe["uncertainty"], "replications": DEMO_REPLICATIONS}
    if "sensitivity" in recipe:
        recipe["sensitivity"] = {**recipe["sensitivity"], "replications": 200}
    return recipe


def _asem() -> bool:
    framework = Framework.objects.filter(key="asem").first()
    if framework is None:
        recipe = _modest(yaml.safe_load((EXAMPLES_DIR / "asem.yaml").read_text(encoding="utf-8")))
        framework = framework_create(
            actor=SYSTEM, key="asem", kind=Framework.Kind.EXTERNAL,
            name_zh="亚欧会议可持续互联互通指数（示例）", name_en="ASEM Sustainable Connectivity (example)",
            description_zh="COINr 的示例数据：51 个国家、49 项指标、8 个支柱、2 个分指数。",
            description_en="COINr's example data: 51 countries, 49 indicators, 8 pillars, 2 sub-indices.",
            imeta=_read_csv(DATA_DIR / "asem" / "ASEM_iMeta.csv"), recipe=recipe,
            credit="COINr (JRC), MIT", note="COINr 1.x example build",
        )
    return _ensure_run(framework, year=2018, idata=_read_csv(DATA_DIR / "asem" / "ASEM_iData.csv"),
                       label="ASEM 2018")


HDI_IMETA = [
    {"Level": 1, "iCode": "LE", "iName": "Life expectancy at birth", "Direction": 1, "Weight": 1,
     "Unit": "years", "Parent": "Health", "Type": "Indicator"},
    {"Level": 1, "iCode": "EYS", "iName": "Expected years of schooling", "Direction": 1, "Weight": 1,
     "Unit": "years", "Parent": "Education", "Type": "Indicator"},
    {"Level": 1, "iCode": "MYS", "iName": "Mean years of schooling", "Direction": 1, "Weight": 1,
     "Unit": "years", "Parent": "Education", "Type": "Indicator"},
    {"Level": 1, "iCode": "GNIPC", "iName": "GNI per capita (2017 PPP $)", "Direction": 1, "Weight": 1,
     "Unit": "2017 PPP $", "Parent": "Income", "Type": "Indicator"},
    {"Level": 2, "iCode": "Health", "iName": "Health", "Direction": 1, "Weight": 1, "Parent": "HDI",
     "Type": "Aggregate"},
    {"Level": 2, "iCode": "Education", "iName": "Education", "Direction": 1, "Weight": 1, "Parent": "HDI",
     "Type": "Aggregate"},
    {"Level": 2, "iCode": "Income", "iName": "Income", "Direction": 1, "Weight": 1, "Parent": "HDI",
     "Type": "Aggregate"},
    {"Level": 3, "iCode": "HDI", "iName": "Human Development Index", "Direction": 1, "Weight": 1, "Parent": "",
     "Type": "Aggregate"},
]


def _hdi(year: int = 2022) -> bool | None:
    path = SHARED_DATA / "hdi" / "HDR23-24_Composite_indices_complete_time_series.csv"
    if not path.is_file():
        return None
    framework = Framework.objects.filter(key="hdi").first()
    if framework is None:
        recipe = yaml.safe_load((EXAMPLES_DIR / "hdi.yaml").read_text(encoding="utf-8"))
        framework = framework_create(
            actor=SYSTEM, key="hdi", kind=Framework.Kind.EXTERNAL,
            name_zh="人类发展指数", name_en="Human Development Index",
            description_zh="联合国开发计划署人类发展指数（阈值法与几何平均）。",
            description_en="UNDP Human Development Index (goalposts and a geometric mean).",
            imeta=HDI_IMETA, recipe=recipe, credit="UNDP HDRO, CC BY 3.0 IGO", note="HDR 2023/24 method",
        )
    idata = []
    for r in _read_csv(path):
        if r["iso3"].startswith("ZZ"):
            continue
        cells = {k: r[f"{p}_{year}"] for k, p in (("LE", "le"), ("EYS", "eys"), ("MYS", "mys"), ("GNIPC", "gnipc"))}
        if any(v == "" for v in cells.values()):
            continue
        idata.append({"uCode": r["iso3"], "uName": r["country"], **cells})
    return _ensure_run(framework, year=year, idata=idata, label=f"HDI {year}")


@transaction.atomic
def _synthetic() -> dict[str, Any]:
    framework_ensure_default(actor=SYSTEM)
    root, parks = _synthetic_parks()
    counts = _synthetic_observations(parks)
    framework = Framework.objects.filter(key=SYNTHETIC_KEY).first()
    if framework is None:
        framework = framework_create(
            actor=SYSTEM, key=SYNTHETIC_KEY, kind=Framework.Kind.PARK, scope=root, synthetic=True,
            name_zh="园区竞争力指数示例（虚构示例数据）",
            name_en="Park competitiveness example (synthetic example data)",
            description_zh="在 30 个虚构园区的随机生成数据上演示五大支柱竞争力指数。数据为虚构示例数据，不代表任何真实园区。",
            description_en="The five-pillar competitiveness index on seeded random data of 30 fictional parks. "
                           "Synthetic example data: it describes no real park.",
            imeta=defaults.default_imeta(), recipe=defaults.DEFAULT_RECIPE, credit="synthetic / 虚构示例数据",
        )
    counts["run"] = _ensure_run(framework, year=SYNTHETIC_YEAR, label=f"{SYNTHETIC_YEAR} synthetic / 虚构示例")
    return counts


def observed_run(year: int | None = None) -> Run | None:
    """The default framework on the real parks with the data the platform has (see rankings.observed);
    the year is the current one: registry counts describe the registry as it is now."""
    from django.utils import timezone

    return build_observed(actor=SYSTEM, year=year or timezone.now().year)


def build_demo() -> str:
    """Add the example frameworks and runs. Safe to call again: it adds only what is missing."""
    # The report is read by a person at the terminal: in the active language (the demo command sets it).
    messages = []
    synthetic = _synthetic()
    messages.append(
        (_("synthetic park example: observations +%(count)s, run built") if synthetic["run"]
         else _("synthetic park example: observations +%(count)s, run up to date")) % {"count": synthetic["created"]}
    )
    observed = observed_run()
    messages.append(_("real parks: run %(run)s (%(count)s parks)") % {"run": observed.pk, "count": observed.n_units}
                    if observed is not None else _("real parks: no indicator with data tells the parks apart"))
    with transaction.atomic():
        messages.append(_("ASEM: run built") if _asem() else _("ASEM: run up to date"))
    with transaction.atomic():
        hdi = _hdi()
    if hdi is None:
        messages.append(_("HDI: skipped (%(path)s not found)") % {"path": SHARED_DATA / "hdi"})
    else:
        messages.append(_("HDI: run built") if hdi else _("HDI: run up to date"))
    return _("; ").join(messages)
