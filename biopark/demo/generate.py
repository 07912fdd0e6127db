"""A large synthetic but realistic ecosystem for benchmarks and load tests (`biopark generate`).

Names are built from common parts of Chinese company names, so search and duplicate detection meet the
same shapes as in a real registry. Everything is seeded: the same seed gives the same ecosystem.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from django.db import transaction

from biopark.core.text import han_bigrams, match_key, search_blob
from biopark.ecosystem.models import STAGE_CODES, Organisation, Park, Person, Platform, Position, Relation

CITIES = [("成都", "Chengdu"), ("北京", "Beijing"), ("上海", "Shanghai"), ("苏州", "Suzhou"), ("泰州", "Taizhou"),
          ("长春", "Changchun"), ("杭州", "Hangzhou"), ("武汉", "Wuhan"), ("广州", "Guangzhou"), ("深圳", "Shenzhen"),
          ("南京", "Nanjing"), ("天津", "Tianjin"), ("重庆", "Chongqing"), ("西安", "Xi'an"), ("厦门", "Xiamen")]
BRAND = list("康华诺瑞泰恒博信安和宏远德嘉明新海天润生源正元盛科达百联合创金通益君健美")
DOMAINS = [("生物科技", "Biotech"), ("医药", "Pharmaceutical"), ("生物医药", "Biopharma"), ("医疗器械", "Medical Devices"),
           ("基因科技", "Genetech"), ("细胞治疗", "Cell Therapy"), ("诊断技术", "Diagnostics"), ("制药", "Pharma"),
           ("疫苗", "Vaccines"), ("生物制品", "Biologics")]
KIND_WEIGHTS = [("enterprise", 80), ("investor", 6), ("research_institute", 4), ("university", 2),
                ("hospital", 3), ("research_center", 2), ("government", 1), ("association", 1), ("operator", 1)]
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰")
TITLES = [("总经理", "General Manager"), ("首席科学家", "Chief Scientist"), ("董事长", "Chairman"),
          ("研发总监", "R&D Director"), ("主任", "Director"), ("合伙人", "Partner")]


def _pinyin_title(text: str) -> str:
    from pypinyin import Style, lazy_pinyin

    return "".join(lazy_pinyin(text, style=Style.NORMAL)).capitalize()


def generate(
    *,
    seed: int,
    orgs: int,
    relations: int,
    parks: int = 40,
    people: int | None = None,
    platforms: int | None = None,
    progress: Callable[[str, int], None] | None = None,
    batch: int = 5000,
) -> dict[str, int]:
    rng = random.Random(seed)
    people = orgs // 4 if people is None else people
    platforms = max(1, orgs // 100) if platforms is None else platforms
    tag = f"gen{seed}"
    kinds, weights = zip(*KIND_WEIGHTS, strict=True)

    with transaction.atomic():
        park_objs = []
        for i in range(parks):
            city_zh, city_en = CITIES[i % len(CITIES)]
            name_zh = f"{city_zh}生物医药产业园{i + 1}号"
            name_en = f"{city_en} Biomedical Industry Park No. {i + 1}"
            park_objs.append(Park(key=f"{tag}:park:{i}", name_zh=name_zh, name_en=name_en, kind="park",
                                  city_zh=city_zh, city_en=city_en, public_directory=True,
                                  search_text=(blob := search_blob(name_zh, name_en)), search_grams=han_bigrams(blob)))
        Park.objects.bulk_create(park_objs, batch_size=batch)
        park_ids = list(Park.objects.filter(key__startswith=f"{tag}:park:").values_list("id", flat=True))
        if progress:
            progress("parks", len(park_ids))

        made = 0
        while made < orgs:
            chunk = []
            for i in range(made, min(orgs, made + batch)):
                city_zh, city_en = rng.choice(CITIES)
                brand = "".join(rng.sample(BRAND, 2))
                dom_zh, dom_en = rng.choice(DOMAINS)
                name_zh = f"{city_zh}{brand}{dom_zh}有限公司"
                name_en = f"{city_en} {_pinyin_title(brand)} {dom_en} Co., Ltd. {i}"
                name_zh = f"{name_zh}（{i}）"
                chunk.append(Organisation(
                    key=f"{tag}:org:{i}", name_zh=name_zh, name_en=name_en, aliases=[],
                    kind=rng.choices(kinds, weights)[0], park_id=rng.choice(park_ids), city_zh=city_zh,
                    city_en=city_en, country="CN", search_text=(blob := search_blob(name_zh, name_en)), search_grams=han_bigrams(blob),
                    match_key=match_key(name_zh),
                ))
            Organisation.objects.bulk_create(chunk, batch_size=batch)
            made += len(chunk)
            if progress:
                progress("organisations", len(chunk))
        org_ids = list(Organisation.objects.filter(key__startswith=f"{tag}:org:").values_list("id", flat=True))

        person_objs = []
        for i in range(people):
            name_zh = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice([1, 2])))
            name_en = _pinyin_title(name_zh[0]) + " " + _pinyin_title(name_zh[1:])
            person_objs.append(Person(key=f"{tag}:person:{i}", name_zh=name_zh, name_en=name_en,
                                      search_text=(blob := search_blob(name_zh, name_en)), search_grams=han_bigrams(blob)))
        Person.objects.bulk_create(person_objs, batch_size=batch)
        person_ids = list(Person.objects.filter(key__startswith=f"{tag}:person:").values_list("id", flat=True))
        positions = []
        for pid in person_ids:
            title_zh, title_en = rng.choice(TITLES)
            positions.append(Position(person_id=pid, organisation_id=rng.choice(org_ids), title_zh=title_zh,
                                      title_en=title_en))
        Position.objects.bulk_create(positions, batch_size=batch)
        if progress:
            progress("people", len(person_ids))

        platform_objs = []
        platform_kinds = [k for k, _ in Platform.Kind.choices]
        for i in range(platforms):
            operator = rng.choice(org_ids)
            kind = rng.choice(platform_kinds)
            start = rng.randrange(len(STAGE_CODES) - 2)
            name_zh = f"公共技术服务平台{i + 1}号（{kind}）"
            name_en = f"Shared Technology Platform No. {i + 1} ({kind})"
            platform_objs.append(Platform(key=f"{tag}:platform:{i}", name_zh=name_zh, name_en=name_en, kind=kind,
                                          operator_id=operator, park_id=rng.choice(park_ids),
                                          stages=STAGE_CODES[start : start + 3],
                                          search_text=(blob := search_blob(name_zh, name_en)), search_grams=han_bigrams(blob)))
        Platform.objects.bulk_create(platform_objs, batch_size=batch)
        if progress:
            progress("platforms", platforms)

        predicates = ["partner_of", "partner_of", "member_of", "invests_in", "partner_of"]
        seen: set[tuple[int, str, int]] = set()
        made = 0
        while made < relations:
            rel_chunk: list[Relation] = []
            while len(rel_chunk) < min(batch, relations - made):
                a, b = rng.choice(org_ids), rng.choice(org_ids)
                pred = rng.choice(predicates)
                if a == b or (a, pred, b) in seen:
                    continue
                seen.add((a, pred, b))
                rel_chunk.append(Relation(subject_type="organisation", subject_id=a, predicate=pred,
                                      object_type="organisation", object_id=b))
            Relation.objects.bulk_create(rel_chunk, batch_size=batch)
            made += len(rel_chunk)
            if progress:
                progress("relations", len(rel_chunk))
    return {"parks": parks, "organisations": orgs, "people": people, "platforms": platforms, "relations": relations}
