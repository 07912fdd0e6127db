"""Demo projects: the ones the corpus articles name (each citing its article with span offsets), plus a
synthetic portfolio, clearly labelled, so the funnel and the statistics have something to show.

    from biopark.pipeline.demo import build_demo
    build_demo()            # idempotent; run after the registry demo loader

Organisations are looked up in the registry by key, then by name or alias; missing ones are created.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from biopark.accounts import policy
from biopark.core.models import Source
from biopark.ecosystem import services as registry
from biopark.ecosystem.models import STAGE_CODES, Organisation, Park
from biopark.pipeline import services
from biopark.pipeline.models import Modality, Project
from biopark.pipeline.stages import EVIDENCE_REQUIRED

ARTICLE = "003_bde207d968dfe5fb.txt"
SYNTHETIC_COUNT = 300

# Organisations: (keys tried in order, names tried, data to create it with when absent)
ORGS: dict[str, tuple[list[str], list[str], dict[str, Any]]] = {
    "keymed": (["org:keymed"], ["康诺亚", "Keymed Biosciences", "Konoya"],
               {"key": "org:keymed", "name_zh": "康诺亚生物医药科技有限公司", "name_en": "Keymed Biosciences",
                "aliases": ["Konoya", "康诺亚"]}),
    "astrazeneca": (["org:astrazeneca"], ["阿斯利康", "AstraZeneca"],
                    {"key": "org:astrazeneca", "name_zh": "阿斯利康", "name_en": "AstraZeneca", "country": "GB"}),
    "rongsheng": (["org:rongsheng"], ["成都蓉生药业有限责任公司", "Rongsheng", "蓉生药业"],
                  {"key": "org:rongsheng", "name_zh": "成都蓉生药业有限责任公司",
                   "name_en": "Chengdu Rongsheng Pharmaceuticals Co., Ltd."}),
    "griffith": (["org:griffith", "org:griffith-university"], ["格里菲斯大学", "Griffith University"],
                 {"key": "org:griffith", "name_zh": "格里菲斯大学", "name_en": "Griffith University",
                  "kind": "university", "country": "AU"}),
    "hitech": (["org:chengdu-hitech-admin"], ["成都高新区管委会", "Chengdu High-tech Zone Management Committee"],
               {"key": "org:chengdu-hitech-admin", "name_zh": "成都高新区管委会",
                "name_en": "Chengdu High-tech Zone Management Committee", "kind": "government"}),
}


def find_organisation(keys: list[str], names: list[str]) -> Organisation | None:
    for key in keys:
        found = Organisation.objects.filter(key=key).first()
        if found:
            return found
    for name in names:
        found = Organisation.objects.filter(Q(name_zh=name) | Q(name_en=name)).first()
        if found:
            return found
        for org in Organisation.objects.filter(search_text__icontains=name.lower())[:20]:
            if name in org.aliases:
                return org
    return None


def _org(name: str) -> Organisation:
    keys, names, data = ORGS[name]
    found = find_organisation(keys, names)
    if found is None:
        found = registry.organisation_create(actor=policy.SYSTEM, data=data)
    if found.park_id is None and name in ("keymed", "rongsheng", "hitech"):
        park = Park.objects.filter(key__in=["park:tianfu-biocity", "park:chengdu-hitech"]).order_by("-key").first()
        if park is not None and name != "keymed":
            registry.organisation_update(actor=policy.SYSTEM, organisation=found, data={"park": park.pk})
    return found


def _span(text: str, anchor: str) -> tuple[int, int] | None:
    """The sentence of the article that holds `anchor`, as offsets (the text itself is not copied)."""
    at = text.find(anchor)
    if at < 0:
        return None
    start = max(text.rfind(". ", 0, at) + 2, text.rfind("\n", 0, at) + 1, 0)
    ends = [i for i in (text.find(". ", at), text.find("\n", at)) if i >= 0]
    end = min(ends) + 1 if ends else len(text)
    return start, end


def _source() -> tuple[Source, str]:
    source, _ = Source.objects.get_or_create(
        key=ARTICLE,
        defaults={"title_en": "2023 China Biotechnology Innovation Conference opens in Chengdu High-tech Zone",
                  "title_zh": "2023 中国生物技术创新大会在成都高新区开幕", "language": "en",
                  "published_on": dt.date(2023, 10, 19), "published_precision": "day"},
    )
    try:
        text = (settings.CORPUS_DIR / ARTICLE).read_text(encoding="utf-8")
    except OSError:
        text = ""
    return source, text


NOT_STATED = "NMPA approval; number not stated in the source article"


def _article_projects() -> list[Project]:
    source, text = _source()
    keymed, az, rongsheng, griffith, hitech = (_org(n) for n in ("keymed", "astrazeneca", "rongsheng", "griffith", "hitech"))
    specs: list[dict[str, Any]] = [
        {"key": "project:cmg901", "org": keymed, "partners": [az], "anchor": "CMG901",
         "data": {"name_zh": "CMG901 抗体偶联药物", "name_en": "CMG901 antibody-drug conjugate", "modality": Modality.ADC,
                  "visibility": "public",
                  "description_zh": "康诺亚的抗体偶联药物；全球独家许可授予阿斯利康（交易额 12 亿美元）。文中未说明研发阶段。",
                  "description_en": "Keymed's ADC, licensed exclusively worldwide to AstraZeneca (USD 1.2 billion deal). "
                                    "The article does not state its development stage."},
         "indications": [{"name_zh": "未披露", "name_en": "not disclosed", "therapeutic_area": "oncology"}],
         "stages": []},
        {"key": "project:rongsheng-rfviii", "org": rongsheng, "partners": [], "anchor": "Coagulation Factor VIII",
         "data": {"name_zh": "注射用重组人凝血因子VIII", "name_en": "Recombinant human coagulation factor VIII for injection",
                  "modality": Modality.BLOOD_PRODUCT, "visibility": "public",
                  "description_zh": "蓉生药业自主研发生产，获国家药监局批准，即将上市。",
                  "description_en": "Developed and made by Rongsheng; approved by the NMPA, about to be launched."},
         "indications": [{"name_zh": "血友病A", "name_en": "Haemophilia A", "therapeutic_area": "haematology"}],
         "stages": [("approved", "2023")]},
        {"key": "project:rongsheng-ivig-ph4", "org": rongsheng, "partners": [], "anchor": "Immunoglobulin (pH4)",
         "data": {"name_zh": "第四代静注人免疫球蛋白（pH4）", "name_en": "Fourth-generation intravenous human immunoglobulin (pH4)",
                  "modality": Modality.BLOOD_PRODUCT, "visibility": "public",
                  "description_zh": "蓉生药业产品，获国家药监局批准；生物城血制品基地已投产。",
                  "description_en": "Rongsheng product approved by the NMPA; the Bio-City plasma products base is in production."},
         "indications": [{"name_zh": "免疫缺陷", "name_en": "Immunodeficiency", "therapeutic_area": "immunology"}],
         "stages": [("approved", "2023")]},
        {"key": "project:gas-vaccine", "org": hitech, "partners": [griffith], "anchor": "Group A streptococcal vaccine",
         "data": {"name_zh": "A群链球菌疫苗（1类创新疫苗）", "name_en": "Group A streptococcal vaccine (class 1 innovative vaccine)",
                  "modality": Modality.VACCINE, "visibility": "public",
                  "description_zh": "与澳大利亚格里菲斯大学疫苗研发联合实验室共同开发，即将申报新药临床试验。",
                  "description_en": "Co-developed in the joint vaccine laboratory with Griffith University; "
                                    "about to apply for clinical trials."},
         "indications": [{"name_zh": "A群链球菌感染", "name_en": "Group A streptococcal infection",
                          "therapeutic_area": "infectious disease"}],
         "stages": [("preclinical", "2023-10")]},
    ]
    made = []
    for spec in specs:
        project = Project.objects.filter(key=spec["key"]).first()
        if project is None:
            project = services.project_create(
                actor=policy.SYSTEM, organisation=spec["org"], data={"key": spec["key"], **spec["data"]},
                indications=spec["indications"], partners=spec["partners"],
            )
            indication = project.indications.order_by("id").first()
            assert indication is not None
            for stage, date in spec["stages"]:
                services.stage_record(
                    actor=policy.SYSTEM, project=project, indication=indication, stage=stage, date=date,
                    approval_number=NOT_STATED if stage in ("approved", "registration") else "", document=source,
                )
        span = _span(text, spec["anchor"]) if text else None
        registry.citation_add(actor=policy.SYSTEM, record=project, source=source, span=span)
        made.append(project)
    return made


AREAS = ["oncology", "infectious_disease", "immunology", "neurology", "metabolic_disease", "haematology",
         "cardiovascular", "ophthalmology", "rare_disease"]


def _synthetic_orgs(park: Park | None) -> list[Organisation]:
    orgs = []
    for i in range(1, 11):
        key = f"org:synthetic-{i:02d}"
        org = Organisation.objects.filter(key=key).first() or registry.organisation_create(
            actor=policy.SYSTEM,
            data={"key": key, "name_zh": f"合成示例企业{i:02d}", "name_en": f"Synthetic demo company {i:02d}",
                  "park": park.pk if park else None,
                  "description_zh": "为演示项目组合虚构，并非真实企业。",
                  "description_en": "Made up for the demo portfolio; not a real company."},
        )
        orgs.append(org)
    return orgs


def _synthetic_portfolio(count: int, today: dt.date) -> int:
    park = Park.objects.filter(key="park:tianfu-biocity").first() or Park.objects.filter(key="park:chengdu-hitech").first()
    orgs = _synthetic_orgs(park)
    rng = random.Random(20231019)
    modalities = Modality.values
    made = 0
    existing = set(Project.objects.filter(key__startswith="project:synthetic-").values_list("key", flat=True))
    for n in range(1, count + 1):
        key = f"project:synthetic-{n:03d}"
        if key in existing:
            continue
        with transaction.atomic():
            project = services.project_create(
                actor=policy.SYSTEM, organisation=rng.choice(orgs), synthetic=True,
                data={"key": key, "name_zh": f"合成示例项目{n:03d}", "name_en": f"Synthetic demo project {n:03d}",
                      "modality": rng.choice(modalities), "visibility": rng.choice(["private", "park", "public"]),
                      "description_zh": "合成示例：为演示项目组合生成，并非真实项目。",
                      "description_en": "Synthetic: generated for the demo portfolio, not a real project."},
                indications=[{"name_zh": f"合成示例适应症{n:03d}", "name_en": f"Synthetic indication {n:03d}",
                              "therapeutic_area": rng.choice(AREAS)}],
            )
            indication = project.indications.order_by("id").first()
            assert indication is not None
            day = dt.date(2012, 1, 1) + dt.timedelta(days=rng.randrange(0, 3000))
            reach = min(int(rng.expovariate(0.45)), len(STAGE_CODES) - 1)
            steps: list[dict[str, Any]] = []
            for i, stage in enumerate(STAGE_CODES[: reach + 1]):
                if day > today:
                    break
                needs = EVIDENCE_REQUIRED.get(stage, ())
                steps.append({
                    "stage": stage, "date": day.isoformat(),
                    "approval_number": f"SYN-APPROVAL-{n:03d}-{i}" if "approval_number" in needs else "",
                    "trial_id": f"SYN-CTR-{n:03d}-{i}" if "trial_id" in needs else "",
                })
                day += dt.timedelta(days=rng.randrange(90, 900))
            if rng.random() < 0.12 and reach < 7 and day <= today:
                steps.append({"stage": "discontinued", "date": day.isoformat(), "reason": "synthetic: portfolio decision"})
            # One write for the indication's whole history (the same checks and history entries as one
            # stage_record per event, a tenth of the queries).
            services.stages_record(actor=policy.SYSTEM, project=project, indication=indication, steps=steps, today=today)
        made += 1
    return made


def build_demo(*, synthetic: int = SYNTHETIC_COUNT, today: dt.date | None = None) -> dict[str, int]:
    """Add the article projects and the synthetic portfolio; running it again adds nothing."""
    today = today or dt.date.today()
    with transaction.atomic():
        articles = _article_projects()
    added = _synthetic_portfolio(synthetic, today)
    return {"article_projects": len(articles), "synthetic_added": added}
