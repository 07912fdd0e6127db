"""The documented indicator set of the park competitiveness index.

Modelled on the structure of China's national biopharmaceutical park competitiveness ranking (a
comprehensive ranking plus five single rankings: environment, industry, technology, talent, cooperation).
The indicators below are BioPark's own documented set, not the official list. Each has a code (the
iCode the index engine sees), Chinese and English names, a unit, a direction (1 = higher is better,
-1 = lower is better), a pillar and a short description. Three are computed from the registry.
"""

from __future__ import annotations

from typing import Any

PILLARS: list[dict[str, str]] = [
    {"code": "environment", "name_zh": "环境竞争力", "name_en": "Environment"},
    {"code": "industry", "name_zh": "产业竞争力", "name_en": "Industry"},
    {"code": "technology", "name_zh": "技术竞争力", "name_en": "Technology"},
    {"code": "talent", "name_zh": "人才竞争力", "name_en": "Talent"},
    {"code": "cooperation", "name_zh": "合作竞争力", "name_en": "Cooperation"},
]


def _i(code: str, pillar: str, name_zh: str, name_en: str, unit: str, direction: int, desc_zh: str,
       desc_en: str, computation: str = "", kinds: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"key": code, "pillar": pillar, "name_zh": name_zh, "name_en": name_en, "unit": unit,
            "direction": direction, "description_zh": desc_zh, "description_en": desc_en,
            "computation": computation, "computation_kinds": list(kinds)}


INDICATORS: list[dict[str, Any]] = [
    # --- environment: space, money, policy and ease of doing business
    _i("env_area", "environment", "园区规划面积", "Planned park area", "km²", 1,
       "园区（含下辖片区）规划用地面积。", "Planned land area of the park and its zones."),
    _i("env_incubator_space", "environment", "孵化加速载体面积", "Incubator and accelerator space", "10k m²", 1,
       "孵化器、加速器及标准厂房等可供企业使用的载体建筑面积。",
       "Floor space of incubators, accelerators and standard plants available to companies."),
    _i("env_guidance_fund", "environment", "产业引导基金规模", "Industry guidance funds", "100M CNY", 1,
       "园区设立或参与的生物医药产业引导基金总规模。",
       "Total size of the biomedical industry guidance funds the park set up or joined."),
    _i("env_policies", "environment", "专项扶持政策数", "Dedicated support policies", "count", 1,
       "现行有效的生物医药专项扶持政策数量。", "Number of biomedical support policies in force."),
    _i("env_setup_days", "environment", "企业开办平均用时", "Average days to set up a company", "days", -1,
       "新设企业从申请到领取营业执照的平均工作日，越少越好。",
       "Average working days from application to business licence; fewer is better."),
    _i("env_rent", "environment", "标准厂房平均租金", "Average rent of standard plant space", "CNY/m²/month", -1,
       "标准厂房（含GMP厂房）平均月租金，越低越好。",
       "Average monthly rent of standard (including GMP) plant space; lower is better."),
    # --- industry: size, growth, quality of companies and products
    _i("ind_enterprises", "industry", "生物医药企业数", "Biomedical enterprises", "count", 1,
       "园区及其片区内登记的生物医药企业数量（由企业名录计算）。",
       "Biomedical enterprises registered in the park and its zones (computed from the registry).",
       "organisations", ("enterprise",)),
    _i("ind_output", "industry", "生物医药产业产值", "Biomedical output value", "100M CNY", 1,
       "园区生物医药企业年度总产值。", "Annual output value of the park's biomedical companies."),
    _i("ind_output_growth", "industry", "产值增长率", "Output value growth", "%", 1,
       "产值较上年的增长率。", "Growth of the output value over the previous year."),
    _i("ind_above_scale", "industry", "规模以上企业数", "Enterprises above designated size", "count", 1,
       "年主营业务收入2000万元及以上的生物医药工业企业数。",
       "Biomedical industrial enterprises with annual revenue of CNY 20 million or more."),
    _i("ind_listed", "industry", "上市企业数", "Listed companies", "count", 1,
       "在境内外证券交易所上市的园区企业数量。", "Park companies listed on a stock exchange in China or abroad."),
    _i("ind_new_drugs", "industry", "获批创新药数", "Innovative drugs approved", "count", 1,
       "园区企业累计获批上市的一类创新药数量。", "Class 1 innovative drugs of park companies approved for market."),
    _i("ind_devices", "industry", "获批三类医疗器械数", "Class III devices approved", "count", 1,
       "园区企业累计获批的三类医疗器械注册证数量。", "Class III medical device registrations held by park companies."),
    # --- technology: platforms, R&D, patents, clinical pipeline
    _i("tech_platforms", "technology", "功能性平台数", "Functional platforms", "count", 1,
       "园区及其片区内的公共技术服务平台（GLP、筛选、CRO、中试等）数量（由平台名录计算）。",
       "Shared functional platforms (GLP, screening, CRO, pilot production...) in the park and its zones "
       "(computed from the registry).", "platforms"),
    _i("tech_research_orgs", "technology", "研发机构数", "Research organisations", "count", 1,
       "园区内高校、科研院所、研究中心和医院数量（由机构名录计算）。",
       "Universities, research institutes, research centres and hospitals in the park (computed from the registry).",
       "organisations", ("university", "research_institute", "research_center", "hospital")),
    _i("tech_rd_spend", "technology", "研发投入", "R&D spending", "100M CNY", 1,
       "园区企业年度研发经费支出。", "Annual R&D spending of park companies."),
    _i("tech_rd_intensity", "technology", "研发投入强度", "R&D intensity", "%", 1,
       "研发投入占营业收入的比例。", "R&D spending as a share of revenue."),
    _i("tech_patents", "technology", "发明专利授权数", "Invention patents granted", "count", 1,
       "园区企业和机构当年获得授权的发明专利数。", "Invention patents granted to park companies and institutions in the year."),
    _i("tech_clinical_trials", "technology", "在研临床试验数", "Clinical trials under way", "count", 1,
       "园区企业作为申办方登记的在研临床试验数量。", "Clinical trials under way sponsored by park companies."),
    _i("tech_ind_approvals", "technology", "新药临床试验批件数", "IND approvals", "count", 1,
       "当年获得的新药临床试验许可（IND）数量。", "Investigational new drug (IND) approvals obtained in the year."),
    # --- talent
    _i("tal_employees", "talent", "从业人员数", "People employed", "10k persons", 1,
       "园区生物医药企业从业人员总数。", "People employed by the park's biomedical companies."),
    _i("tal_rd_staff", "talent", "研发人员数", "R&D staff", "persons", 1,
       "从事研发活动的人员数量。", "People working in R&D."),
    _i("tal_academicians", "talent", "两院院士数", "Academicians", "persons", 1,
       "在园区全职或设立工作站的中国科学院、中国工程院院士人数。",
       "Members of the Chinese Academies of Sciences and of Engineering working in the park or with a workstation there."),
    _i("tal_high_level", "talent", "国家级高层次人才数", "National high-level talents", "persons", 1,
       "入选国家级人才计划的人数。", "People selected for national talent programmes."),
    _i("tal_phd_share", "talent", "研发人员博士占比", "PhD share of R&D staff", "%", 1,
       "研发人员中具有博士学位者的比例。", "Share of R&D staff holding a doctorate."),
    # --- cooperation: deals, international links, industry–academia
    _i("coop_licensing_deals", "cooperation", "授权交易数", "Licensing deals", "count", 1,
       "园区企业当年达成的技术许可与产品授权交易数。", "Technology licensing and product out-/in-licensing deals signed in the year."),
    _i("coop_deal_value", "cooperation", "授权交易金额", "Licensing deal value", "100M CNY", 1,
       "当年授权交易首付款与里程碑金额总额。", "Total upfront and milestone value of the year's licensing deals."),
    _i("coop_intl_agreements", "cooperation", "国际合作协议数", "International cooperation agreements", "count", 1,
       "与境外机构签订的有效合作协议数。", "Cooperation agreements in force with institutions abroad."),
    _i("coop_foreign_firms", "cooperation", "外资生物医药企业数", "Foreign-invested biomedical firms", "count", 1,
       "园区内外商投资生物医药企业数量。", "Foreign-invested biomedical companies in the park."),
    _i("coop_academia_projects", "cooperation", "产学研合作项目数", "Industry–academia projects", "count", 1,
       "企业与高校、科研院所、医院联合开展的合作项目数。",
       "Joint projects of companies with universities, research institutes and hospitals."),
    _i("coop_exports", "cooperation", "生物医药出口额", "Biomedical exports", "100M CNY", 1,
       "园区生物医药产品和服务出口额。", "Exports of the park's biomedical products and services."),
]

INDICATOR_KEYS = [i["key"] for i in INDICATORS]
