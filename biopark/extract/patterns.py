"""Rules for names the registry does not know yet: organisation suffixes and person-title patterns."""

from __future__ import annotations

import re
from dataclasses import dataclass

EN_TITLE_WORDS_RAW = (r"Director|Deputy|Secretary|Member|President|Vice|Chairman|Mayor|Head|Professor|Dean|Chief|"
                      r"Minister|Governor")

# --- organisations -------------------------------------------------------------------------------------------

_ZH_ORG_SUFFIX = ("股份有限公司|有限责任公司|有限公司|集团|公司|大学|学院|医院|研究院|研究所|研究中心|创新中心|中心|实验室|"
                  "管理委员会|管委会|委员会|(?:管理|发展|科学技术|科技|商务|卫生健康|卫健|监督管理|统计|财政|税务|药监|知识产权|投资促进|投促|经信|外事)局|协会|商会|基金会|产业园|科技园|生物城|医药城|高新区|开发区")
# Characters that cannot be inside a Chinese organisation name: a name starts after the last of them.
_ZH_BREAK = "，。、；：！？“”‘’（）()《》「」【】的与在由是为将对向从于等了并把被给让使其该此这那已正也都还就再又更位名家个"
# Conjunctions that also occur inside names (安和, 和黄): they split only after a complete name.
_ZH_CONJ = "和及同"
_ZH_SUFFIX_END = re.compile(rf"(?:{_ZH_ORG_SUFFIX})$")
_ZH_VERBS = ("签约", "签署", "签订", "合作", "落户", "入驻", "举行", "出席", "参加", "宣布", "成立", "获得", "完成",
             "授权", "许可", "引进", "联合", "共建", "携手", "达成", "表示", "介绍", "主任", "院长", "局长", "书记",
             "董事长", "总经理", "教授", "院士", "副", "获批", "启动", "开展", "发布", "建设", "推动", "支持",
             "设立", "设有", "建立", "组建", "打造", "新建", "投资", "投入", "布局")
_ZH_ORG = re.compile(rf"[\u4e00-\u9fffA-Za-z0-9（）()]{{1,18}}?(?:{_ZH_ORG_SUFFIX})")

_EN_SUFFIX = (r"University|Hospital|Institute|Center|Centre|Laboratory|Laboratories|Lab|Group|Bureau|Committee|"
              r"Administration|Association|Academy|Foundation|Pharmaceuticals?|Pharma|Biotech|Biosciences|"
              r"Biotechnology|Therapeutics|Biologics|Company|Corporation|Office|Department|Government|Customs|Capital|"
              r"Bio-City|Inc\.?|Corp\.?|Ltd\.?|"
              r"Co\.,?\s*(?:Ltd|LTD)\.?|LTD\.?|LLC|GmbH|AG|Park|Zone|Commission|Ministry|Council|Chamber of Commerce")
_CAP = r"(?:[A-Z][A-Za-z0-9\-'&]*(?:(?:(?<=Co)|(?<=Inc)|(?<=Ltd)|(?<=LTD)|(?<=Corp)|(?<=St))\.)?)"
_CONN = r"(?:of|and|for|the|&)"
_EN_ORG = re.compile(rf"\b{_CAP}(?:[ \t]+(?:{_CONN}[ \t]+)*{_CAP}|,[ \t]*(?:Ltd|LTD)\.?|[ \t]*\([A-Z][A-Za-z]+\))*")
_EN_SUFFIX_RE = re.compile(rf"\b(?:{_EN_SUFFIX})(?:(?<=\.)|\b)")
# Headline verbs and generic words: a name never consists of generic words only, and a verb ends it.
_EN_VERBS = {"Launches", "Opens", "Signs", "Settles", "Takes", "Holds", "Hosts", "Visits", "Meets", "Wins", "Joins",
             "Announces", "Unveils", "Becomes", "Builds", "Starts", "Attends", "Releases", "Visit", "Led",
             "Team"}
_EN_GENERIC = {"China", "Chinese", "National", "International", "Innovation", "Center", "Centre", "Medical", "Medicine",
               "Research", "Science", "Sciences", "Technology", "Industry", "Industrial", "Biotech", "Biotechnology",
               "Park", "Zone", "Economic", "New", "Life", "Biopharmaceutical", "Pharmaceutical", "Group", "Company",
               "Vision", "Development", "High-tech", "and", "of", "for", "the", "&"}
_EN_NOT_START = {"The", "A", "An", "On", "In", "At", "As", "By", "With", "From", "This", "That", "Its", "Their",
                 "His", "Her", "After", "Before", "During", "Under", "And", "Of", "For"}


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


def zh_organisations(text: str, known_ends: frozenset[int] = frozenset()) -> list[Span]:
    """Names ending in an organisation suffix; `known_ends` are where registry names end (a list boundary)."""
    out: list[Span] = []
    for m in _ZH_ORG.finditer(text):
        start, chunk = m.start(), m.group()
        cut = max((chunk.rfind(c) for c in _ZH_BREAK), default=-1)
        for i, c in enumerate(chunk):
            if c in _ZH_CONJ and (start + i in known_ends or _ZH_SUFFIX_END.search(text[max(0, start + i - 6):start + i])):
                cut = max(cut, i)
        for verb in _ZH_VERBS:
            at = chunk.rfind(verb)
            if at >= 0 and at + len(verb) < len(chunk) - 1:
                cut = max(cut, at + len(verb) - 1)
        start += cut + 1
        name = text[start:m.end()]
        if len(name) >= 4 and not re.fullmatch(r"[（）()]*.{0,2}(?:公司|中心|大学|集团)", name):
            if out and out[-1].end == start and re.match(r"附属|第[一二三四五六七八九十]|分|下属", name):
                # "中山医科大学附属肿瘤医院": a body named right after its parent is one name
                start = out.pop().start
            out.append(Span(start, m.end(), text[start:m.end()]))
    return out


_LOWER_LEGAL = re.compile(r"(?:^|(?<=,)|(?<=\band)|(?<=\bthe))\s*(?P<name>(?:(?!and\b)[a-z][\w\-&]*\s+){1,8}co\.,?\s*ltd\.?)",
                          re.IGNORECASE)


def en_organisations(text: str) -> list[Span]:
    out: list[Span] = [Span(m.start("name"), m.end("name"), m["name"]) for m in _LOWER_LEGAL.finditer(text)
                       if m["name"][0].islower()]
    for m in _en_pieces(text):
        words = m.group()
        if not _EN_SUFFIX_RE.search(words):
            continue
        start = m.start()
        lead = _EN_TITLE_LEAD.match(words)
        if lead:  # "Vice President of Nordlys Pharma AG": the title is not part of the name
            start += lead.end()
            words = words[lead.end():]
            if not words or not _EN_SUFFIX_RE.search(words):
                continue
        first = words.split()[0]
        if first in _EN_NOT_START:
            start += len(first)
            while start < m.end() and text[start] in " \t":
                start += 1
        while re.match(r"(?:the|The)\s", text[start:m.end()]):
            start = start + 4 + (len(text[start + 4:m.end()]) - len(text[start + 4:m.end()].lstrip()))
        name = text[start:m.end()].rstrip(" ,")
        # cut what follows the last suffix word ("Pfizer Inc. for US"), unless it is an "of" complement
        last = list(_EN_SUFFIX_RE.finditer(name))[-1]
        if last.end() < len(name) and not re.match(r"\s+of\s", name[last.end():]):
            name = name[:last.end()]
        # trailing connector words belong to the sentence, not the name
        name = re.sub(rf"(?:[ \t]+{_CONN})+$", "", name)
        if (len(name.split()) >= 2 or re.search(r"Co\.|Ltd|Inc", name)) and not set(name.split()) <= _EN_GENERIC:
            out.append(Span(start, start + len(name), name))
    return out


class _Piece:
    """A regex-match-like slice of text (start, end, group) after splitting a capitalised run."""

    def __init__(self, text: str, start: int, end: int):
        self._text, self._start, self._end = text, start, end

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end

    def group(self) -> str:
        return self._text[self._start:self._end]


_SPLIT = re.compile(rf"\s+and\s+(?=(?:{EN_TITLE_WORDS_RAW})\b)|(?P<keep>\b(?:Office|Zone|Area|University|Hospital|"
                    rf"Center|Centre|Institute|Park|Inc\.|Ltd\.|LTD\.|AG|Group|Bureau|Committee|Commission|"
                    rf"Pharmaceutical|Medical|Biotech|Pharma|Biosciences|Therapeutics))\s+and\s+|(?:^|\s+)(?:{'|'.join(sorted(_EN_VERBS))})\s+")


def _en_pieces(text: str) -> list[_Piece]:
    """Capitalised runs, split where 'and' starts a title or follows a complete name, and at headline verbs."""
    pieces = []
    for m in _EN_ORG.finditer(text):
        cursor = m.start()
        for cut in _SPLIT.finditer(m.group()):
            end = cut.end("keep") if cut.group("keep") else cut.start()
            pieces.append(_Piece(text, cursor, m.start() + end))
            cursor = m.start() + cut.end()
        pieces.append(_Piece(text, cursor, m.end()))
    return [p for p in pieces if p.end() > p.start()]


# --- people and titles ---------------------------------------------------------------------------------------

ZH_TITLES = ("党工委副书记|党工委书记|管委会主任|管委会副主任|首席执行官|首席科学家|董事长|副董事长|总经理|副总经理|总裁|"
             "副总裁|创始人|主任|副主任|局长|副局长|厅长|副厅长|市长|副市长|书记|副书记|院长|副院长|所长|副所长|"
             "校长|副校长|部长|副部长|处长|会长|秘书长|总干事|教授|研究员|院士|主席|副主席|理事长|常委")
_SURNAMES = set("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
                "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
                "常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌"
                "毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦"
                "麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖"
                "巩明佘池查麻苑迟邝")
_ZH_PERSON_AFTER_TITLE = re.compile(rf"(?P<title>{ZH_TITLES})(?P<name>[\u4e00-\u9fff]{{2,3}})")
_ZH_NOT_NAME_END = set("等在表示介绍说指出强调出席参加主持致辞和与及的为是")

EN_TITLE_WORDS = (r"Director|Deputy|Secretary|Member|President|Vice|Chairman|Chairwoman|Chair|Mayor|Head|Professor|"
                  r"CEO|Founder|Co-founder|Dean|Academician|Chief|General Manager|Manager|Minister|Governor|Partner|"
                  r"Researcher|Scientist|Executive|Officer|Commissioner|Counselor|Consul|Ambassador|Party Secretary")
_EN_NAME = r"(?:[A-Z][a-z]+(?:-[A-Za-z][a-z]+)?)(?:\s+[A-Z][a-z]+(?:-[A-Za-z][a-z]+)?){1,2}"
_EN_TITLE_LEAD = re.compile(rf"(?:(?:{EN_TITLE_WORDS})(?:-[A-Z][a-z]+)?\s+|General\s+|and\s+)*"
                            rf"(?:{EN_TITLE_WORDS})(?:-[A-Z][a-z]+)?\s+(?:[A-Z][a-z]+\s+){{0,3}}(?:of|at)\s+(?:the\s+)?")
_EN_PERSON_TITLE_AFTER = re.compile(rf"\b(?P<name>{_EN_NAME}),\s+(?:the\s+|a\s+|an\s+)?(?=(?:{EN_TITLE_WORDS})\b|"
                                    rf"(?:{EN_TITLE_WORDS.lower()})\b)")
_EN_PERSON_TITLE_BEFORE = re.compile(rf"\b(?:Dr\.|Prof\.|Mr\.|Ms\.|Mrs\.|(?:{EN_TITLE_WORDS}))\s+(?P<name>{_EN_NAME})\b")


def zh_people(text: str) -> list[tuple[Span, Span]]:
    """(title, name) pairs like 主任孔磊; the name must start with a common surname."""
    out = []
    for m in _ZH_PERSON_AFTER_TITLE.finditer(text):
        name = m["name"]
        if name[0] not in _SURNAMES:
            continue
        while len(name) > 2 and name[-1] in _ZH_NOT_NAME_END:
            name = name[:-1]
        if name[-1] in _ZH_NOT_NAME_END or name[1] in _ZH_NOT_NAME_END:
            continue
        # a three-character candidate whose last character starts a common word is usually two characters
        if len(name) == 3 and text[m.start("name") + 2:m.start("name") + 4] in ("出席", "参加", "主持", "表示", "介绍",
                                                                                  "指出", "致辞", "一行", "等人"):
            name = name[:2]
        out.append((Span(m.start("title"), m.end("title"), m["title"]),
                    Span(m.start("name"), m.start("name") + len(name), name)))
    return out


def en_people(text: str) -> list[Span]:
    out = []
    for rx in (_EN_PERSON_TITLE_AFTER, _EN_PERSON_TITLE_BEFORE):
        for m in rx.finditer(text):
            name = m["name"]
            words = name.split()
            if words[0] in _EN_NOT_START or any(re.fullmatch(EN_TITLE_WORDS, w) for w in words):
                continue
            out.append(Span(m.start("name"), m.end("name"), name))
    return out
