"""Person–title–organisation triples, in the orders news actually uses.

English: "Fan Ling, Deputy Director of the X" (name first); "Director of the X Bai Song" (Chinese word order
kept by translators); "Director Xue and Deputy Director Ou of the X" (titles before names, one organisation).
Chinese: "X管委会主任孔磊", including title lists "X工委副书记、管委会主任孔磊" where the second body is named
by its short form and is looked up in the registry with the first body's place prefix.
"""

from __future__ import annotations

import re

from .mentions import Mention
from .names import NameIndex
from .patterns import EN_TITLE_WORDS, ZH_TITLES
from .records import Record
from .text import has_cjk, sentences

_EN_TITLE_RX = re.compile(rf"\b(?:{EN_TITLE_WORDS})\b", re.IGNORECASE)
_TITLE_BEFORE = re.compile(rf"(?:^|[\s,(])(?P<title>(?:(?:{EN_TITLE_WORDS})(?:-[A-Z][a-z]+)?\s+)+)$", re.IGNORECASE)
_ZH_BODIES = "党工委|工委|管委会|党委|委员会|政府"
_ZH_TITLE_GAP = re.compile(rf"\s?(?:(?:{_ZH_BODIES})?(?:{ZH_TITLES})、?){{1,4}}\s?")
_ZH_TITLE_PART = re.compile(rf"(?P<body>{_ZH_BODIES})?(?P<title>(?:{ZH_TITLES})+)")
_NAME_GAP = re.compile(r"\s*(?:Dr\.|Prof\.|Mr\.|Ms\.)?\s*")
_TITLE_OF_END = re.compile(r"(?:.*(?:,|;|\bby|\band|\bwith|\bincluding|:)|^)\s*(?P<title>[^,;:]{2,80}?)\s+(?:of|at)\s+"
                           r"(?:the\s+)?$", re.IGNORECASE | re.DOTALL)


def positions(text: str, mentions: list[Mention], names: NameIndex) -> list[Record]:
    people = [m for m in mentions if m.kind == "person"]
    # an unknown organisation ending in a known one ("Standing Committee of the Taizhou Municipal Committee"):
    # the known one is the organisation, the rest belongs to the title
    known_ends: dict[int, int] = {}  # end -> the latest start of a known organisation ending there
    for k in mentions:
        if k.match and k.kind == "organisation":
            known_ends[k.end] = max(k.start, known_ends.get(k.end, -1))
    orgs = [m for m in mentions if m.kind == "organisation" and not (
        m.match is None and m.end in known_ends and m.start < known_ends[m.end])]
    bounds = list(sentences(text))
    out: list[Record] = []
    for i, person in enumerate(people):
        if has_cjk(person.surface):
            out += _zh_positions(text, person, orgs, names)
            continue
        sentence = next(((s, e) for s, e in bounds if s <= person.start < e), (0, len(text)))
        later = [p for p in people[i + 1:] if p.start > person.end]
        backward = _title_org_name(text, person, orgs, people[:i], sentence[0])
        out += backward or _name_first(text, person, orgs, later, sentence[1])
        out += _titles_before_names(text, person, orgs, sentence[1])
    return out


def _follows_directly(text: str, org: Mention, people: list[Mention]) -> bool:
    """Whether a person's name comes right after the organisation (then the title belongs to that person)."""
    return any(_NAME_GAP.fullmatch(text[org.end:p.start]) for p in people if p.start >= org.end)


def _name_first(text: str, person: Mention, orgs: list[Mention], later: list[Mention], end: int) -> list[Record]:
    stop = min([end] + [p.start for p in later])
    cursor = person.end
    out = []
    for org in (o for o in orgs if person.end <= o.start < stop):
        if org.start < cursor:
            continue
        title = _en_title(text[cursor:org.start])
        if title and not _follows_directly(text, org, later):
            out.append(_position(person, org, title, person.start, org.end))
        cursor = org.end
    return out


def _en_title(between: str) -> str | None:
    """'Deputy Director' from ', Deputy Director of the ' (the title must fill the gap, ending in 'of')."""
    m = re.fullmatch(r"\s*(?:,|and|;)?\s*(?:,|and)?\s*(?:the\s+|a\s+|an\s+)?(?P<title>[^,;()]{2,80}?)\s+(?:of|at|in)\s+"
                     r"(?:the\s+)?", between, re.IGNORECASE)
    if not m or not _EN_TITLE_RX.search(m["title"]):
        return None
    return m["title"].strip()


def _title_org_name(text: str, person: Mention, orgs: list[Mention], earlier: list[Mention],
                    start: int) -> list[Record]:
    """'… by Director of X and President of Y Ju Li': organisation(s) right before the name, titles before them."""
    org = next((o for o in reversed(orgs) if o.end <= person.start and _NAME_GAP.fullmatch(text[o.end:person.start])),
               None)
    floor = max([start] + [p.end for p in earlier if p.end <= person.start])
    out: list[Record] = []
    while org is not None and org.start >= floor:
        m = _TITLE_OF_END.search(text[floor:org.start])
        if not m or not _EN_TITLE_RX.search(m["title"]):
            break
        title_start = floor + m.start("title")
        out.append(_position(person, org, m["title"].strip(), title_start, person.end))
        # a chained title: "Director of X and President of Y Name"
        joint = re.search(r"(?:\s+and\s+|\s*,\s*)$", text[floor:title_start])
        org = next((o for o in orgs if joint and o.end == floor + joint.start()), None)
    return out


def _titles_before_names(text: str, person: Mention, orgs: list[Mention], end: int) -> list[Record]:
    """'Director Xue Chunzhi and Deputy Director Ou Shuo of the X': each title-name pair, one organisation."""
    before = _TITLE_BEFORE.search(text[max(0, person.start - 60):person.start])
    if not before:
        return []
    tail = text[person.end:end]
    m = re.match(rf"(?:\s+and\s+(?:(?:{EN_TITLE_WORDS})\s+)+[A-Z][a-z]+(?:\s+[A-Z][a-z]+){{1,2}})*\s+(?:of|at)\s+"
                 r"(?:the\s+)?", tail, re.IGNORECASE)
    if not m:
        return []
    org = next((o for o in orgs if o.start == person.end + m.end()), None)
    if org is None:
        return []
    return [_position(person, org, before["title"].strip(), person.start - len(before["title"]), org.end)]


def _zh_positions(text: str, person: Mention, orgs: list[Mention], names: NameIndex) -> list[Record]:
    """组织 + 职务 + 姓名; each title of a list '工委副书记、管委会主任' goes to its own body."""
    for org in orgs:
        gap = text[org.end:person.start]
        if not (0 < person.start - org.end <= 20 and _ZH_TITLE_GAP.fullmatch(gap)):
            continue
        out = []
        for part in _ZH_TITLE_PART.finditer(gap):
            body = part["body"]
            target = org
            if body and not org.surface.endswith(body):
                target = _sibling(org, body, names) or org
            elif body:
                pass  # '党工委书记' right after the party committee's own name
            title = part["title"] if target is not org or not body else part.group()
            out.append(_position(person, target, title, org.start, person.end))
        return out
    return _zh_short_name(text, person, orgs)


def _zh_short_name(text: str, person: Mention, orgs: list[Mention]) -> list[Record]:
    """'启明医疗总经理赵一鸣': a short form of an organisation named elsewhere in the text, then the title."""
    head = text[max(0, person.start - 16):person.start]
    m = re.search(rf"(?P<short>[\u4e00-\u9fff]{{2,8}}?)(?P<title>(?:{ZH_TITLES})+)$", head)
    if not m:
        return []
    short = m["short"]
    for size in range(len(short), 1, -1):
        tail = short[-size:]
        org = next((o for o in orgs if tail in o.surface and len(tail) >= 2 and o.surface != tail), None)
        if org and size >= 2:
            start = person.start - len(head) + m.start("short") + len(short) - size
            return [_position(person, org, m["title"], start, person.end)]
    return []


def _sibling(org: Mention, body: str, names: NameIndex) -> Mention | None:
    """'北京经济技术开发区管委会' from '北京经济技术开发区工委' and the body '管委会', if the registry knows it."""
    m = re.search(rf"(?:{_ZH_BODIES})$", org.surface)
    if not m:
        return None
    candidate = org.surface[:m.start()] + body
    hits = names.find(candidate)
    if len(hits) == 1 and hits[0].start == 0 and hits[0].end == len(candidate):
        entry = hits[0].entry
        return Mention(org.start, org.end, "organisation", candidate, entry.id, 0.8, (entry.name_zh, entry.name_en))
    return Mention(org.start, org.end, "organisation", candidate, None, 0.5, (candidate, None))


def _position(person: Mention, org: Mention, title: str, start: int, end: int) -> Record:
    fields = {"person": person.surface, "person_match": person.match, "title": title,
              "organisation": org.surface, "organisation_match": org.match,
              "person_zh": person.canonical[0], "person_en": person.canonical[1],
              "organisation_zh": org.canonical[0], "organisation_en": org.canonical[1],
              "title_zh": title if has_cjk(title) else _TITLE_ZH.get(title.casefold()),
              "title_en": None if has_cjk(title) else title}
    if fields["title_en"] is None:
        fields["title_en"] = _TITLE_EN.get(title)
    return Record("position", fields, (start, end), round(min(person.confidence, org.confidence) * 0.9, 2))


# The commonest titles in both languages, so a position read in one language carries the other.
_TITLE_EN = {"主任": "Director", "副主任": "Deputy Director", "管委会主任": "Director", "管委会副主任": "Deputy Director",
             "董事长": "Chairman", "副董事长": "Vice Chairman", "总经理": "General Manager", "副总经理": "Deputy General Manager",
             "总裁": "President", "副总裁": "Vice President", "首席执行官": "Chief Executive Officer",
             "首席科学家": "Chief Scientist", "创始人": "Founder", "局长": "Director", "副局长": "Deputy Director",
             "市长": "Mayor", "副市长": "Deputy Mayor", "书记": "Secretary", "副书记": "Deputy Secretary",
             "党工委书记": "Party Secretary", "院长": "President", "副院长": "Vice President", "所长": "Director",
             "校长": "President", "教授": "Professor", "院士": "Academician", "秘书长": "Secretary-General",
             "理事长": "Chairman", "会长": "President", "主席": "Chairman"}
_TITLE_ZH = {"director": "主任", "deputy director": "副主任", "chairman": "董事长", "general manager": "总经理",
             "president": "总裁", "vice president": "副总裁", "chief executive officer": "首席执行官", "ceo": "首席执行官",
             "chief executive": "首席执行官", "founder": "创始人", "mayor": "市长", "deputy mayor": "副市长",
             "professor": "教授", "academician": "院士", "chief scientist": "首席科学家", "party secretary": "党工委书记"}
