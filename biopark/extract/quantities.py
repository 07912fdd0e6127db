"""Money, counts and partial dates in Chinese and English, with their qualifiers ('约', 'more than').

Amounts are returned as plain decimal strings (no exponent) so gold and output compare exactly.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

_QUAL_ZH = {"约": "about", "大约": "about", "近": "nearly", "将近": "nearly", "超过": "more_than", "超": "more_than",
            "逾": "more_than", "多于": "more_than", "最高": "up_to", "高达": "up_to", "不低于": "at_least",
            "不少于": "at_least", "至少": "at_least"}
_QUAL_EN = {"about": "about", "approximately": "about", "around": "about", "nearly": "nearly", "almost": "nearly",
            "more than": "more_than", "over": "more_than", "up to": "up_to", "at least": "at_least",
            "no less than": "at_least", "not less than": "at_least", "as many as": "up_to", "exceeds": "more_than",
            "exceeded": "more_than", "exceeding": "more_than", "surpassing": "more_than"}
_WORD_NUMBERS = {w: str(i) for i, w in enumerate(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"]) if i >= 2}
# head nouns that name the same kind of thing, so "companies" and "enterprises" compare equal
_UNIT_HEADS = {"companies": "enterprises", "company": "enterprises", "firms": "enterprises", "firm": "enterprises",
               "enterprise": "enterprises", "centres": "centers", "centre": "centers", "center": "centers",
               "platform": "platforms"}
_MULT_ZH = {"万亿": Decimal("1e12"), "亿": Decimal("1e8"), "千万": Decimal("1e7"), "百万": Decimal("1e6"),
            "万": Decimal("1e4"), "千": Decimal("1e3")}
_MULT_EN = {"trillion": Decimal("1e12"), "billion": Decimal("1e9"), "bn": Decimal("1e9"), "million": Decimal("1e6"),
            "mn": Decimal("1e6"), "thousand": Decimal("1e3")}
_CUR_ZH = {"美元": "USD", "欧元": "EUR", "港元": "HKD", "人民币": "CNY", "元": "CNY", "日元": "JPY", "英镑": "GBP"}
_CUR_EN = {"yuan": "CNY", "rmb": "CNY", "cny": "CNY", "usd": "USD", "us dollars": "USD", "dollars": "USD",
           "us$": "USD", "$": "USD", "eur": "EUR", "euros": "EUR", "euro": "EUR", "€": "EUR", "hk$": "HKD",
           "¥": "CNY", "￥": "CNY"}
_COUNT_ZH = "名位家个项人所款台种场篇份批支条"
_NOT_QUAL_BEFORE = set("签合节条公契预制相婚")  # 签约, 合约, 节约 …: words ending in 约 or 近 that are no qualifier

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_ZH_QTY = re.compile(
    rf"(?P<qual>{'|'.join(sorted(_QUAL_ZH, key=len, reverse=True))})?\s*(?P<num>{_NUM})\s*"
    rf"(?P<mult>万亿|亿|千万|百万|万|千)?(?P<more>多|余)?\s*"
    rf"(?:(?P<cur>美元|欧元|港元|人民币|日元|英镑|元)|(?P<unit>平方米|平方公里|公顷|亩|[{_COUNT_ZH}])(?P<noun>[\u4e00-\u9fff]{{0,4}}))"
)
_EN_QTY = re.compile(
    rf"(?P<qual>\b(?:{'|'.join(sorted(_QUAL_EN, key=len, reverse=True))})\s+)?"
    rf"(?P<pre>US\$|HK\$|RMB|CNY|USD|EUR|[$€¥￥])?\s*(?P<num>{_NUM}|\b(?:{'|'.join(_WORD_NUMBERS)})\b)\s*"
    rf"(?P<mult>trillion|billion|million|thousand|bn|mn)?\s*"
    rf"(?:(?P<cur>yuan|RMB|CNY|USD|US dollars|dollars|euros|euro|EUR)\b|"
    rf"(?P<label>Fortune\s+(?:Global\s+)?500\s+)?"
    rf"(?P<noun>(?:[a-z][a-z\-]+\s+){{0,5}}?(?:[a-z][a-z\-]+s|centre|center))\b)?",
    re.IGNORECASE,
)
_NOT_COUNT = {"years", "days", "months", "hours", "minutes", "weeks", "times", "percent", "points", "yuan", "dollars"}


@dataclass(frozen=True)
class Quantity:
    start: int
    end: int
    amount: str
    currency: str | None
    unit: str | None
    qualifier: str | None
    unit_head: str | None = None

    @property
    def is_money(self) -> bool:
        return self.currency is not None


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text[:-2] if text.endswith(".0") else text


def _number(raw: str) -> Decimal:
    return Decimal(raw.replace(",", ""))


def quantities(text: str) -> list[Quantity]:
    found: list[Quantity] = []
    taken: list[tuple[int, int]] = []
    for m in _ZH_QTY.finditer(text):
        amount = _number(m["num"]) * _MULT_ZH.get(m["mult"] or "", Decimal(1))
        start = m.start()
        if m["qual"] and text[max(0, m.start() - 1):m.start()] in _NOT_QUAL_BEFORE and len(m["qual"]) == 1:
            start = m.start("num")  # 签约6个项目: the 约 of 签约 is no qualifier
            qual = "more_than" if m["more"] else None
        else:
            qual = _QUAL_ZH.get(m["qual"] or "") or ("more_than" if m["more"] else None)
        unit = None if m["cur"] else (m["unit"] + (m["noun"] or ""))
        found.append(Quantity(start, m.end(), _plain(amount), _CUR_ZH.get(m["cur"] or ""), unit, qual,
                              None if m["cur"] else m["unit"]))
        taken.append((m.start(), m.end()))
    taken_starts = [s for s, _ in taken]  # Chinese figures do not overlap each other, so one lookup is enough
    for m in _EN_QTY.finditer(text):
        at = bisect_right(taken_starts, m.end() - 1) - 1  # the last Chinese figure starting before this ends
        if at >= 0 and taken[at][1] > m.start():
            continue
        word_number = _WORD_NUMBERS.get(m["num"].lower())
        if text[max(0, m.start("num") - 1):m.start("num")].isalpha() or re.match(r"(19|20)\d\d$", m["num"] or ""):
            continue  # part of a code like "H1", or a year
        if re.search(r"(?:phase|stage|no\.|number)\s*$", text[max(0, m.start("num") - 8):m.start("num")], re.I):
            continue
        if re.search(r"(?:Fortune|Global|Top)\s*$", text[max(0, m.start("num") - 8):m.start("num")], re.I) and not m["qual"]:
            continue  # "Fortune Global 500" is a name, not a count
        currency = _CUR_EN.get((m["pre"] or m["cur"] or "").lower())
        noun = (m["noun"] or "").lower()
        if currency is None and (not noun or noun.split()[-1] in _NOT_COUNT or not noun.split()[-1].isalpha()):
            continue
        if word_number and (currency or m["mult"] or not noun):
            continue
        number = _number(word_number or m["num"])
        amount = number * _MULT_EN.get((m["mult"] or "").lower(), Decimal(1))
        qual = _QUAL_EN.get(" ".join((m["qual"] or "").lower().split()))
        if currency and m["pre"] and not m["cur"]:
            noun = ""  # "USD 760 million including milestones": the words after a sum are no unit
        end = m.end() if (m["cur"] or noun) else m.end("num") if not m["mult"] else m.end("mult")
        head = noun.split()[-1] if noun else None
        start = next(m.start(g) for g in ("qual", "pre", "num") if m[g])
        found.append(Quantity(start, end, _plain(amount), currency, None if currency else noun, qual,
                              _UNIT_HEADS.get(head, head) if head else None))
    return sorted(found, key=lambda q: q.start)


# --- dates -------------------------------------------------------------------------------------------------

_MONTHS = {m: i for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july", "august",
                                        "september", "october", "november", "december"], start=1)}
_ZH_DATE = re.compile(r"(?:(?P<y>(?:19|20)\d\d)\s*年\s*)?(?P<m>1[0-2]|0?[1-9])\s*月(?:\s*(?P<d>[1-3]?\d)\s*[日号])?")
_EN_DATE = re.compile(
    r"\b(?:(?P<d1>[1-3]?\d)\s+)?(?P<mon>January|February|March|April|May|June|July|August|September|October|"
    r"November|December)(?:\s+(?P<d2>[1-3]?\d)(?:st|nd|rd|th)?)?(?:,?\s+(?P<y>(?:19|20)\d\d))?\b"
)
_RELATIVE = re.compile(r"今年|去年|明年|this year|last year|next year", re.IGNORECASE)
_REL_SHIFT = {"今年": 0, "this year": 0, "去年": -1, "last year": -1, "明年": 1, "next year": 1}


@dataclass(frozen=True)
class PartialDate:
    start: int
    end: int
    value: str  # "2024", "2024-03" or "2024-03-23"; "--03-23" when the year is unknown


def dates(text: str, document_date: date | None) -> list[PartialDate]:
    out: list[PartialDate] = []
    year_default = str(document_date.year) if document_date else None
    for m in _ZH_DATE.finditer(text):
        out.append(PartialDate(m.start(), m.end(), _compose(m["y"] or year_default, int(m["m"]), m["d"])))
    for m in _EN_DATE.finditer(text):
        day = m["d1"] or m["d2"]
        out.append(PartialDate(m.start(), m.end(), _compose(m["y"] or year_default, _MONTHS[m["mon"].lower()], day)))
    for m in _RELATIVE.finditer(text):
        if document_date:
            out.append(PartialDate(m.start(), m.end(), str(document_date.year + _REL_SHIFT[m[0].lower()])))
    return sorted(out, key=lambda d: d.start)


def _compose(year: str | None, month: int, day: str | None) -> str:
    head = year if year else "-"
    return f"{head}-{month:02d}" + (f"-{int(day):02d}" if day else "")
