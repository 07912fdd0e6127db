"""Demo targets and reported figures (called from loader.load_demo, after the registry is loaded).

Real: what article 004 states for the National Precision Medicine Industry Innovation Center in Tianfu
International Bio-City (output value beyond 100 billion yuan, more than 600 cooperating units, more than 1,000
independent IP rights within "3 to 5 years" of its opening in 2022; 1.052 billion yuan invested at the initial
stage), each citing its passage by character span. The other four articles state no park targets.

Synthetic, and marked so on every page (``Target.synthetic``, ``Observation.synthetic``): a past for the
charts (yearly values before today) and three plan targets in the style park plans use (约 / 不低于 / 力争) for
Beijing E-Town, since no article gives its plan's numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from biopark.accounts.policy import SYSTEM
from biopark.core.audit import diff, record_change, snapshot
from biopark.core.models import ChangeRecord, Source
from biopark.ecosystem import services as registry
from biopark.ecosystem.models import Park, Platform
from biopark.metrics.models import Indicator, Observation, Target
from biopark.metrics.services import indicator_create
from biopark.metrics.targets import TARGET_FIELDS

ARTICLE = "004_21ac50b1eb6903b7.txt"
# "…gathered more than 600 industry-university-research cooperative units and acquired more than 1,000
# important independent intellectual property rights, driving the precision medicine industry to exceed 100
# billion yuan in output value."
OUTLOOK = (4000, 4684)
# "Total investment: 1.052billion yuan at the initial stage."
INVESTMENT = (3197, 3254)
SYNTHETIC_SOURCE = "synthetic demo history (made up so the chart has a past)"

INDICATORS: list[dict[str, Any]] = [
    {"key": "kpi_precision_output", "name_zh": "精准医学产业产值", "name_en": "Precision-medicine industry output value",
     "unit": "100M CNY", "pillar": "industry", "description_zh": "园区精准医学产业的年度总产值（录入）。",
     "description_en": "Yearly gross output value of the park's precision-medicine industry (entered)."},
    {"key": "kpi_cooperating_units", "name_zh": "产学研合作单位", "name_en": "Industry–university–research partners",
     "unit": "count", "pillar": "cooperation", "kpi_key": "cooperating_organisations",
     "description_zh": "与园区有协议或合作关系的机构数。", "description_en": "Organisations with an agreement or a "
     "partner relation with the park."},
    {"key": "kpi_ip_rights", "name_zh": "自主知识产权", "name_en": "Independent IP rights", "unit": "count",
     "pillar": "technology", "kpi_key": "ip_rights", "description_zh": "园区内机构持有的自主知识产权数。",
     "description_en": "Independent intellectual property rights held in the park."},
    {"key": "kpi_investment", "name_zh": "投资额", "name_en": "Investment", "unit": "100M CNY",
     "pillar": "environment", "description_zh": "项目或平台的投资额（录入）。",
     "description_en": "Investment in a project or platform (entered)."},
    {"key": "kpi_revenue", "name_zh": "营业收入", "name_en": "Revenue", "unit": "100M CNY", "pillar": "industry",
     "standard": "国家统计局 规模以上工业统计报表制度", "description_zh": "园区企业营业收入合计（录入）。",
     "description_en": "Total revenue of the park's enterprises (entered)."},
    {"key": "kpi_listed", "name_zh": "上市企业数", "name_en": "Listed companies", "unit": "count",
     "pillar": "industry", "description_zh": "在境内外证券交易所上市的园区企业数（录入）。",
     "description_en": "The park's enterprises listed on a stock exchange at home or abroad (entered)."},
    {"key": "kpi_enterprises", "name_zh": "入驻企业数", "name_en": "Enterprises settled", "unit": "count",
     "pillar": "industry", "kpi_key": "organisations_settled.enterprise",
     "description_zh": "登记库中位于园区的企业数（实时）。", "description_en": "Enterprises the registry places in "
     "the park (live)."},
]

# (park, platform, indicator, first year, last year, target, qualifier, baseline, synthetic history by year)
REAL_TARGETS = [
    ("park:tianfu-biocity", "platform:npmiic", "kpi_precision_output", 2022, 2027, "1000", "over",
     {2022: "310", 2023: "420", 2024: "530", 2025: "610"}),
    # Computed live from the platform's agreements and relations: no made-up past beside the real count.
    ("park:tianfu-biocity", "platform:npmiic", "kpi_cooperating_units", 2022, 2027, "600", "over", {}),
    ("park:tianfu-biocity", "platform:npmiic", "kpi_ip_rights", 2022, 2027, "1000", "over",
     {2022: "260", 2023: "420", 2024: "590", 2025: "760"}),
]
SYNTHETIC_TARGETS = [
    ("park:bda", "kpi_revenue", 2021, 2025, "1000", "about", {2020: "560", 2021: "650", 2022: "760", 2023: "840",
                                                               2024: "905", 2025: "985"}),
    ("park:bda", "kpi_listed", 2026, 2030, "40", "at_least", {2024: "22", 2025: "25"}),
    ("park:bda", "kpi_enterprises", 2026, 2030, "200", "strive", {}),
]


def _indicator(spec: dict[str, Any]) -> Indicator:
    found = Indicator.objects.filter(key=spec["key"]).first()
    return found if found is not None else indicator_create(actor=SYSTEM, data=spec)


def _observation(park: Park, indicator: Indicator, year: int, value: str, *, source: str,
                 synthetic: bool) -> Observation:
    obs, _created = Observation.objects.update_or_create(
        park=park, indicator=indicator, year=year,
        defaults={"value": Decimal(value), "unit": indicator.unit, "source": source, "synthetic": synthetic})
    return obs


def _target(park: Park, indicator: Indicator, first: int, last: int, value: str, qualifier: str, *,
            platform: Platform | None = None, synthetic: bool, note: str = "") -> Target:
    target, created = Target.objects.update_or_create(
        park=park, indicator=indicator, start_year=first, end_year=last, platform=platform,
        defaults={"target_value": Decimal(value), "qualifier": qualifier, "unit": indicator.unit,
                  "synthetic": synthetic, "source_note": note})
    if created:
        record_change(actor=None, obj=target, action=ChangeRecord.CREATE, note="demo data",
                      changes=diff({}, snapshot(target, TARGET_FIELDS)))
    return target


def load_targets(log: Callable[[str], None] = print) -> int:
    """Idempotent: records are found by their natural keys before they are written. Returns the targets."""
    indicators = {spec["key"]: _indicator(spec) for spec in INDICATORS}
    source = Source.objects.filter(key=ARTICLE).first()
    parks = {p.key: p for p in Park.objects.filter(key__in=["park:tianfu-biocity", "park:bda"])}
    platforms = {p.key: p for p in Platform.objects.filter(key__in=["platform:npmiic"])}
    made = 0
    if source is not None and "park:tianfu-biocity" in parks:
        park = parks["park:tianfu-biocity"]
        for _park, platform_key, code, first, last, value, qualifier, history in REAL_TARGETS:
            target = _target(park, indicators[code], first, last, value, qualifier,
                             platform=platforms.get(platform_key), synthetic=False)
            registry.citation_add(actor=SYSTEM, record=target, source=source, span=OUTLOOK)
            made += 1
            for year, past in history.items():
                _observation(park, indicators[code], year, past, source=SYNTHETIC_SOURCE, synthetic=True)
        obs = _observation(park, indicators["kpi_investment"], 2022, "10.52", synthetic=False,
                           source="004: initial total investment of the precision medicine innovation center")
        registry.citation_add(actor=SYSTEM, record=obs, source=source, span=INVESTMENT)
    if "park:bda" in parks:
        park = parks["park:bda"]
        for _park, code, first, last, value, qualifier, history in SYNTHETIC_TARGETS:
            _target(park, indicators[code], first, last, value, qualifier, synthetic=True,
                    note="Synthetic example of a plan target; no article states this park's plan numbers.")
            made += 1
            for year, past in history.items():
                _observation(park, indicators[code], year, past, source=SYNTHETIC_SOURCE, synthetic=True)
    log(_("Park targets: %(count)s") % {"count": made})
    return made
