"""Sentence-level rules: agreements, events, project stages, targets and simple organisation relations."""

from __future__ import annotations

import re

_LICENCE = re.compile(r"许可|授权|licen[cs]", re.IGNORECASE)
# "签约仪式" / "signing ceremony" alone is an event; the agreement needs a signing, a contract or a licence.
_AGREEMENT = re.compile(r"签约(?!仪式)|签署|签订|合作协议|协议|备忘录|许可|授权|\bsign(?:ed|s)?\b|signing of|agreement|"
                        r"contracts?\b|memorandum|\bMoU\b|licen[cs](?:ed|es|ing|e)\b|partnership", re.IGNORECASE)
_BETWEEN = re.compile(r"\bbetween\s+(?P<clause>.+?)(?=,?\s+as well as\b|;|$)", re.IGNORECASE | re.DOTALL)
_EVENT = re.compile(r"签约仪式|signing ceremony|入驻|落户|揭牌|开幕|开园|启动|成立|举办|举行|召开|settled in|settles in|moved into|opened|"
                    r"launched|inaugurat\w+|held|hosted|unveiled|established|founded", re.IGNORECASE)
_EVENT_KIND = [(re.compile(r"入驻|落户|settle|moved into", re.I), "settlement"),
               (re.compile(r"揭牌|开幕|开园|opened|inaugurat|unveil", re.I), "opening"),
               (re.compile(r"成立|established|founded", re.I), "founding"),
               (re.compile(r"启动|launched", re.I), "launch")]
_STAGES = [
    (re.compile(r"临床\s*(?:I{1,3}|[一二三123])\s*期|(?:I{1,3}|[一二三123])\s*期临床|phase\s*(?:I{1,3}|[123])(?:/(?:I{1,3}|[123]))?\b"
                r"(?:\s+clinical)?(?:\s+trials?)?", re.I), None),
    (re.compile(r"\bIND\b|临床试验申请|新药临床试验"), "ind"),
    (re.compile(r"\bNDA\b|\bBLA\b|上市申请"), "filing"),
    (re.compile(r"获批上市|批准上市|获批|\bapproved\b|\bapproval\b"), "approved"),
    (re.compile(r"(?<!获批)(?<!批准)上市(?!申请)|\blaunched on the market\b|\bmarketed\b"), "marketed"),
    (re.compile(r"临床前|pre-?clinical", re.I), "preclinical"),
]
_PHASE_NUM = {"i": "1", "ii": "2", "iii": "3", "一": "1", "二": "2", "三": "3", "1": "1", "2": "2", "3": "3"}
_TARGET = re.compile(r"目标|力争|计划到|预计到|到\s*20\d\d\s*年|\btarget\b|\baims? to\b|\bplans? to\b|\bby 20\d\d\b|"
                     r"\bgoal\b|\bexpected to\b", re.IGNORECASE)
_RELATION = [(re.compile(r"子公司|旗下|subsidiary of|a unit of", re.I), "subsidiary_of"),
             (re.compile(r"隶属|下属|part of|under the|affiliated (?:with|to)", re.I), "part_of"),
             (re.compile(r"运营|operated by|operates|管理", re.I), "operates")]


_CLAUSE_SPLIT = re.compile(r",\s+and\s+|，(?:同时|此外|另外|并且)?(?=[^，]*?(?:与|同|和)[^，]*?(?:签署|签订|签约))|;\s+")
# "在苏州工业园区签署", "based in Zhangjiang Science City", "a manufacturer in …": a place, not a party
VENUE_BEFORE = re.compile(r"(?:\b(?:in|at)|based in|located in|headquartered in|在|于|位于|落户|入驻|落地)\s*(?:the\s+)?$", re.IGNORECASE)
_PARK_LIKE = re.compile(r"(?:园区|产业园|科技园|科学园|生命科学园|医药园|生物城|医药城|生物岛|科学城|开发区|高新区|新区|示范区|"
                        r"\bPark|\bZone|\bCity|\bArea|\bTown|\bIsland|\bBio-City|\bHub)$")
_COMMITTEE = re.compile(r"管委会|管理委员会|管理局|Committee|Administration|Commission", re.IGNORECASE)
_HOST_ANAPHOR = [(re.compile(r"(?:与|同|和)(?:该)?(?:管委会)|\bwith the (?:committee|administration)\b", re.I), "committee"),
                 (re.compile(r"(?:与|同|和)(?:该)?(?:园区|生物城|生物岛|医药城|科学城|开发区|高新区|新区)|"
                             r"\bwith the (?:park|zone|city|area)\b", re.I), "park")]
# a sentence about a deal just reported: its sums are that deal's value
DEAL_FOLLOW_UP = re.compile(r"根据协议|按照协议|协议约定|交易总额|交易总金额|首付款|里程碑|under the (?:agreement|deal|terms)|"
                            r"the deal|the agreement|upfront|milestone", re.IGNORECASE)


def clauses(sentence: str) -> list[tuple[int, int]]:
    """Clauses of a sentence that may each report a deal: split at ", and", "; " and a Chinese comma that
    opens a new "A与B签署…", but only when both sides speak of an agreement."""
    cuts = [m for m in _CLAUSE_SPLIT.finditer(sentence)
            if _AGREEMENT.search(sentence[m.end():]) and _AGREEMENT.search(sentence[:m.start()])]
    out, start = [], 0
    for m in cuts:
        out.append((start, m.start()))
        start = m.end()
    out.append((start, len(sentence)))
    return out


def is_park_like(name: str, match: str | None = None) -> bool:
    return bool(match and match.startswith("park:")) or bool(_PARK_LIKE.search(name.strip()))


def is_committee(name: str) -> bool:
    return bool(_COMMITTEE.search(name))


def host_anaphor(clause: str) -> str | None:
    """'committee' or 'park' when a clause names its second party only as 管委会 / 园区 / "the committee"."""
    for rx, role in _HOST_ANAPHOR:
        if rx.search(clause):
            return role
    return None


def agreement_kind(sentence: str) -> str | None:
    if not _AGREEMENT.search(sentence):
        return None
    return "licensing" if _LICENCE.search(sentence) else "cooperation"


def party_groups(sentence: str) -> list[tuple[int, int]]:
    """Spans of "between A and B, C and D" pairs, or of one "between A, B, and C" group, in a sentence."""
    groups: list[tuple[int, int]] = []
    for m in _BETWEEN.finditer(sentence):
        start = m.start("clause")
        chunks = [(start + c.start(), start + c.end()) for c in re.finditer(r"(?:[^,]|,\s*and\b)+", m["clause"])]
        if len(chunks) > 1 and all(re.search(r"\band\b", sentence[a:b]) for a, b in chunks):
            groups += chunks
        else:
            groups.append((m.start("clause"), m.end("clause")))
    return groups


def event_kind(sentence: str) -> str | None:
    if not _EVENT.search(sentence):
        return None
    for rx, kind in _EVENT_KIND:
        if rx.search(sentence):
            return kind
    return "meeting"


def stages(sentence: str) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    for rx, label in _STAGES:
        for m in rx.finditer(sentence):
            if any(s < m.end() and m.start() < e for s, e, _ in found):
                continue
            if label is None:
                nums = re.findall(r"(?<![A-Za-z])(?:III|II|I)(?![A-Za-z])|[一二三123]", m.group())
                label = "phase_" + "_".join(_PHASE_NUM[n.lower()] for n in nums) if nums else "clinical"
                found.append((m.start(), m.end(), label))
                label = None
            else:
                found.append((m.start(), m.end(), label))
    return found


TARGET_YEAR = re.compile(r"(?:\bby|\bin|到|至|于)\s*(?P<year>20\d\d)(?:\s*年)?(?:年底|年末)?")


def is_target(sentence: str) -> bool:
    return bool(_TARGET.search(sentence))


# "It is … affiliated with Y" / "该中心隶属于Y": the subject is the organisation the previous sentence was about
PRONOUN_SUBJECT = re.compile(r"^\s*(?:It|The (?:company|centre|center|institute|park|group))\s+(?:is|was|has been)\b|^\s*(?:该|其)",
                             re.IGNORECASE)


def relation_kind(between: str) -> str | None:
    for rx, kind in _RELATION:
        if rx.search(between):
            return kind
    return None
