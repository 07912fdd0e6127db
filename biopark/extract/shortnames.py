"""Short forms of company names found in the same article: "和瑞生物" after "江苏和瑞生物制药有限公司",
"Greenleaf" after "Greenleaf Pharmaceuticals Co., Ltd.". News names a company in full once and then by its
brand, so without these the later sentences (where the deals often are) lose their parties.

Only company-like names give short forms (a university or a committee is not called by its first word), and
a short form is searched only after the full name's first mention.
"""

from __future__ import annotations

import re

from .mentions import Mention
from .text import has_cjk, is_word_char

_ZH_LEGAL = re.compile(r"(?:集团股份有限公司|股份有限公司|有限责任公司|集团有限公司|有限公司|集团|公司)$")
# Places and countries that open a Chinese company name ("江苏", "德国") and are dropped from its short form.
_ZH_PLACES = ("北京|上海|天津|重庆|江苏|浙江|广东|四川|陕西|湖北|湖南|山东|河南|河北|福建|安徽|江西|辽宁|吉林|黑龙江|"
              "云南|贵州|广西|海南|山西|甘肃|青海|宁夏|新疆|西藏|内蒙古|苏州|南京|无锡|常州|泰州|杭州|宁波|广州|深圳|"
              "珠海|成都|西安|武汉|长沙|青岛|济南|厦门|合肥|郑州|沈阳|大连|哈尔滨|昆明|南宁|香港|澳门|台湾|中国|美国|"
              "德国|英国|法国|瑞士|瑞典|日本|韩国|意大利|荷兰|比利时|丹麦|新加坡|澳大利亚|加拿大|以色列|爱尔兰")
_ZH_PLACE_PREFIX = re.compile(rf"^(?:{_ZH_PLACES})(?:省|市)?")
_EN_COMPANY_END = re.compile(r"(?:,?\s*(?:Co\.,?\s*(?:Ltd|LTD)\.?|Ltd\.?|LTD\.?|Inc\.?|Corp\.?|AG|GmbH|LLC|plc))$")
_EN_INDUSTRY = re.compile(r"\b(?:Pharmaceuticals?|Pharma|Biotech|Bio|Biologics|Biosciences|Therapeutics|Diagnostics|"
                          r"Medical|Biotechnology|Genomics|Healthcare|Life Sciences)$")
_EN_NOT_BRAND = {"China", "Chinese", "Beijing", "Shanghai", "Suzhou", "Wuxi", "Nanjing", "Hangzhou", "Shenzhen",
                 "Guangzhou", "Chengdu", "Taizhou", "Tianjin", "Wuhan", "Xi'an", "Hong", "National", "International",
                 "Global", "General", "United", "American", "European", "First", "New", "Capital", "Golden", "The"}


def zh_short_forms(name: str) -> list[str]:
    if not _ZH_LEGAL.search(name):
        return []
    core = _ZH_LEGAL.sub("", name)
    core = _ZH_PLACE_PREFIX.sub("", core)
    forms = {core} if 4 <= len(core) < len(name) else set()
    if len(core) > 4:
        forms.add(core[:4])  # brand and trade: 和瑞生物(制药), 瑞霖医药(科技)
    return sorted(forms, key=len, reverse=True)


def en_short_forms(name: str) -> list[str]:
    bare = _EN_COMPANY_END.sub("", name).strip(" ,")
    if bare == name and not _EN_INDUSTRY.search(name):
        return []
    forms = {bare} if bare != name and len(bare.split()) >= 2 else set()
    first = name.split()[0]
    if (len(name.split()) >= 2 and len(first) >= 4 and first[0].isupper() and first[1:].islower()
            and first not in _EN_NOT_BRAND):
        forms.add(first)
    return sorted(forms, key=len, reverse=True)


def short_form_mentions(text: str, mentions: list[Mention], key_of) -> list[Mention]:  # type: ignore[no-untyped-def]
    """New mentions for short forms of the organisations in `mentions`, not overlapping any of them."""
    taken = [(m.start, m.end) for m in mentions]
    out: list[Mention] = []
    seen: set[str] = set()
    for full in sorted((m for m in mentions if m.kind == "organisation"), key=lambda m: m.start):
        forms = zh_short_forms(full.surface) if has_cjk(full.surface) else en_short_forms(full.surface)
        for form in forms:
            if form in seen:
                continue
            seen.add(form)
            at = text.find(form, full.end)
            while at >= 0:
                end = at + len(form)
                latin_ok = has_cjk(form) or ((at == 0 or not is_word_char(text[at - 1]))
                                            and (end == len(text) or not is_word_char(text[end])))
                if latin_ok and not any(s < end and at < e for s, e in taken):
                    out.append(Mention(at, end, "organisation", form, full.match, round(full.confidence - 0.05, 2),
                                       full.canonical, key=key_of(full)))
                    taken.append((at, end))
                at = text.find(form, end)
    return out
