"""Schema and provenance checks for the demo data set's fact files (biopark/demo/data/*.yaml).

Pure PyYAML: no Django. The citation checks read the five source articles from ../shared/corpus/ and are
skipped (with a reason) when that folder is absent, e.g. in a fresh clone.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
DATA_DIR = REPO / "biopark" / "demo" / "data"
CORPUS_DIR = REPO.parent / "shared" / "corpus"

SECTIONS = ("parks", "organisations", "people", "platforms", "relations", "agreements", "figures", "mentions")
PREFIX = {
    "parks": "park:",
    "organisations": "org:",
    "people": "person:",
    "platforms": "platform:",
    "agreements": "agreement:",
}

PARK_KINDS = {"park", "zone", "district"}
ORG_KINDS = {
    "enterprise",
    "university",
    "hospital",
    "research_institute",
    "research_center",
    "government",
    "international_org",
    "investor",
    "operator",
    "association",
    "other",
}
PLATFORM_KINDS = {
    "glp_safety",
    "screening",
    "cro",
    "animal_facility",
    "gmp_pilot",
    "parallel_lab",
    "clinical_research",
    "data_computing",
    "innovation_center",
    "incubator",
    "testing",
    "other",
}
STAGES = (
    "discovery",
    "preclinical",
    "ind",
    "phase1",
    "phase2",
    "phase3",
    "registration",
    "approved",
    "production",
    "market",
)
PREDICATES = {
    "located_in",
    "operates",
    "part_of",
    "partner_of",
    "member_of",
    "invests_in",
    "supervises",
    "hosts",
}
AGREEMENT_KINDS = {"cooperation", "licensing", "investment", "settlement", "lease", "assignment", "research", "nda",
                   "material_transfer"}
ROLES = {"licensor", "licensee", "partner", "investor", "investee", "host", "organiser"}
FIGURE_KINDS = {"investment", "deal_value", "target_count", "count", "area", "output_value", "headcount"}
MONEY_KINDS = {"investment", "deal_value", "output_value"}
QUALIFIERS = {"more_than", "at_least", "nearly", "about", "up_to"}
CURRENCIES = {"CNY", "USD", "EUR"}
LANGUAGES = {"en", "zh", "zh+en"}
MAX_SPAN = 600
# Sections biopark.demo.deals reads (checked in tests/demo/test_demo_deals.py).
DEAL_SECTIONS = {"events", "licences", "ip_assets"}

PARK_FIELDS = {
    "key",
    "name_zh",
    "name_en",
    "aliases",
    "kind",
    "parent",
    "city_zh",
    "city_en",
    "province_zh",
    "province_en",
    "country",
    "public_directory",
    "description_zh",
    "description_en",
    "cite",
}
ORG_FIELDS = {
    "key",
    "name_zh",
    "name_en",
    "aliases",
    "kind",
    "park",
    "city_zh",
    "city_en",
    "country",
    "description_zh",
    "description_en",
    "cite",
}
PERSON_FIELDS = {"key", "name_zh", "name_en", "aliases", "positions", "cite"}
POSITION_FIELDS = {"title_zh", "title_en", "organisation", "start", "end", "current"}
PLATFORM_FIELDS = {
    "key",
    "name_zh",
    "name_en",
    "aliases",
    "kind",
    "operator",
    "park",
    "stages",
    "description_zh",
    "description_en",
    "cite",
}
RELATION_FIELDS = {"subject", "predicate", "object", "cite"}
AGREEMENT_FIELDS = {
    "key",
    "title_zh",
    "title_en",
    "kind",
    "signed_on",
    "subject_zh",
    "subject_en",
    "parties",
    "value",
    "cite",
}
FIGURE_FIELDS = {"subject", "kind", "label_zh", "label_en", "amount", "currency", "unit", "as_of", "cite"}
MENTION_FIELDS = {"record", "cite"}
SOURCE_FIELDS = {"file", "title_zh", "title_en", "published", "language", "publisher"}
# Optional extras allowed on top of the required fields, per section.
OPTIONAL = {
    "parks": {"note"},
    "organisations": {"note"},
    "people": {"note"},
    "platforms": {"note"},
    "relations": {"note"},
    # Deal fields (biopark.demo.deals; checked in tests/demo/test_demo_deals.py).
    "agreements": {"note", "status", "confidentiality", "event", "signatories", "signatories_cite"},
    "figures": {"note", "qualifier"},
    "mentions": {"note"},
    "source": {"published_note", "note"},
}
REQUIRED = {
    "parks": PARK_FIELDS,
    "organisations": ORG_FIELDS,
    "people": PERSON_FIELDS,
    "platforms": PLATFORM_FIELDS,
    "relations": RELATION_FIELDS,
    "agreements": AGREEMENT_FIELDS,
    "figures": FIGURE_FIELDS,
    "mentions": MENTION_FIELDS,
    "source": SOURCE_FIELDS,
}

PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
CJK = re.compile(r"[\u4e00-\u9fff]")
NUMBER_WORDS = {
    1: "one",
    2: "two",
    3: "three",
    4: "four",
    5: "five",
    6: "six",
    7: "seven",
    8: "eight",
    9: "nine",
    10: "ten",
    12: "twelve",
    20: "twenty",
}


# ---------------------------------------------------------------- loading


def _files() -> list[Path]:
    return sorted(DATA_DIR.glob("*.yaml"))


def _load_all() -> dict[str, dict[str, Any]]:
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in _files()}


DOCS = _load_all()


def _records(section: str):
    for stem, doc in DOCS.items():
        for i, rec in enumerate(doc.get(section) or []):
            yield stem, f"{stem}:{section}[{i}]", rec


def _definitions() -> dict[str, tuple[str, str, dict[str, Any]]]:
    """key -> (stem, section, record) for every keyed record."""
    out: dict[str, tuple[str, str, dict[str, Any]]] = {}
    for section in PREFIX:
        for stem, _, rec in _records(section):
            out.setdefault(rec["key"], (stem, section, rec))
    return out


def _parse_partial_date(value: str) -> None:
    assert isinstance(value, str) and PARTIAL_DATE.match(value), f"bad partial date {value!r}"
    parts = [int(x) for x in value.split("-")]
    dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def _decimal(value: Any, where: str) -> Decimal:
    assert isinstance(value, str), f"{where}: amount must be a decimal string, got {value!r}"
    try:
        d = Decimal(value)
    except InvalidOperation as exc:  # pragma: no cover - failure path
        raise AssertionError(f"{where}: amount {value!r} is not a decimal") from exc
    assert d.is_finite() and d >= 0, f"{where}: amount {value!r} must be a finite non-negative decimal"
    return d


def _names(rec: dict[str, Any]) -> list[str]:
    names = [rec.get("name_en"), rec.get("name_zh"), *(rec.get("aliases") or [])]
    return [n for n in names if n]


# ---------------------------------------------------------------- schema


def test_data_files_present() -> None:
    assert _files(), f"no YAML files in {DATA_DIR}"
    for stem, doc in DOCS.items():
        assert isinstance(doc, dict), stem
        assert doc["source"]["file"] == f"{stem}.txt", f"{stem}: source.file must match the YAML file name"
        missing = set(SECTIONS) - set(doc)
        assert not missing, f"{stem}: missing sections {sorted(missing)}"
        extra = set(doc) - set(SECTIONS) - {"source"} - DEAL_SECTIONS
        assert not extra, f"{stem}: unknown sections {sorted(extra)}"


@pytest.mark.parametrize("section", ["source", *SECTIONS])
def test_fields_are_exactly_the_schema(section: str) -> None:
    items = (
        [(s, f"{s}:source", d["source"]) for s, d in DOCS.items()]
        if section == "source"
        else list(_records(section))
    )
    for _, where, rec in items:
        keys = set(rec)
        missing = REQUIRED[section] - keys
        unknown = keys - REQUIRED[section] - OPTIONAL[section]
        assert not missing, f"{where}: missing {sorted(missing)}"
        assert not unknown, f"{where}: unknown fields {sorted(unknown)}"


def test_source_blocks() -> None:
    for stem, doc in DOCS.items():
        src = doc["source"]
        _parse_partial_date(src["published"])
        assert src["language"] in LANGUAGES, stem
        assert src["title_zh"] and CJK.search(src["title_zh"]), stem
        assert src["title_en"], stem


def _check_bilingual_name(where: str, rec: dict[str, Any]) -> None:
    assert rec["name_en"], f"{where}: name_en required"
    assert isinstance(rec["aliases"], list), f"{where}: aliases must be a list"
    if rec["name_zh"] is None:
        assert rec.get("note"), f"{where}: name_zh may be null only with a note explaining why"
    else:
        assert CJK.search(rec["name_zh"]), f"{where}: name_zh must be Chinese"


def _simplified(where: str, text: str | None) -> None:
    """Simplified Chinese text encodes in GB2312 (traditional-only characters do not)."""
    if not text:
        return
    for ch in text:
        if CJK.match(ch):
            try:
                ch.encode("gb2312")
            except UnicodeEncodeError:
                raise AssertionError(
                    f"{where}: {ch!r} in {text!r} is not a simplified (GB2312) character"
                ) from None


def test_keys_unique_and_prefixed() -> None:
    counts = Counter()
    for section, prefix in PREFIX.items():
        for _, where, rec in _records(section):
            assert rec["key"].startswith(prefix), f"{where}: key {rec['key']!r} must start with {prefix!r}"
            assert re.fullmatch(r"[a-z]+:[a-z0-9][a-z0-9-]*", rec["key"]), f"{where}: bad key {rec['key']!r}"
            counts[rec["key"]] += 1
    dupes = sorted(k for k, n in counts.items() if n > 1)
    assert not dupes, f"keys defined more than once: {dupes}"


def test_parks() -> None:
    defs = _definitions()
    for _, where, rec in _records("parks"):
        _check_bilingual_name(where, rec)
        assert rec["kind"] in PARK_KINDS, where
        assert rec["parent"] is None or defs.get(rec["parent"], ("", ""))[1] == "parks", f"{where}: parent"
        assert re.fullmatch(r"[A-Z]{2}", rec["country"]), where
        assert rec["public_directory"] is True, where
        for f in ("name_zh", "city_zh", "province_zh", "description_zh"):
            _simplified(where, rec[f])


def test_park_parents_form_no_cycle() -> None:
    parent = {rec["key"]: rec["parent"] for _, _, rec in _records("parks")}
    for start in parent:
        seen, node = set(), start
        while node is not None:
            assert node not in seen, f"park parent cycle through {start}"
            seen.add(node)
            node = parent.get(node)


def test_organisations() -> None:
    defs = _definitions()
    for _, where, rec in _records("organisations"):
        _check_bilingual_name(where, rec)
        assert rec["kind"] in ORG_KINDS, f"{where}: kind {rec['kind']!r}"
        assert rec["park"] is None or defs.get(rec["park"], ("", ""))[1] == "parks", f"{where}: park"
        assert re.fullmatch(r"[A-Z]{2}", rec["country"]), where
        for f in ("name_zh", "city_zh", "description_zh"):
            _simplified(where, rec[f])


def test_people() -> None:
    defs = _definitions()
    for _, where, rec in _records("people"):
        _check_bilingual_name(where, rec)
        _simplified(where, rec["name_zh"])
        assert rec["positions"], f"{where}: at least one position"
        for pos in rec["positions"]:
            assert set(pos) == POSITION_FIELDS, f"{where}: position fields {sorted(pos)}"
            assert pos["title_zh"] and pos["title_en"], where
            _simplified(where, pos["title_zh"])
            assert defs.get(pos["organisation"], ("", ""))[1] == "organisations", (
                f"{where}: position organisation {pos['organisation']!r} undefined"
            )
            for f in ("start", "end"):
                if pos[f] is not None:
                    _parse_partial_date(pos[f])
            assert pos["current"] in (True, False, None), where


def test_platforms() -> None:
    defs = _definitions()
    for _, where, rec in _records("platforms"):
        _check_bilingual_name(where, rec)
        _simplified(where, rec["name_zh"])
        assert rec["kind"] in PLATFORM_KINDS, f"{where}: kind {rec['kind']!r}"
        assert rec["operator"] is None or defs.get(rec["operator"], ("", ""))[1] == "organisations", where
        assert defs.get(rec["park"], ("", ""))[1] == "parks", f"{where}: park"
        stages = rec["stages"]
        assert stages and set(stages) <= set(STAGES), f"{where}: stages {stages}"
        assert list(stages) == sorted(stages, key=STAGES.index), f"{where}: stages out of life-cycle order"
        assert len(set(stages)) == len(stages), where


def test_relations() -> None:
    defs = _definitions()
    for _, where, rec in _records("relations"):
        assert rec["predicate"] in PREDICATES, f"{where}: predicate {rec['predicate']!r}"
        for end in ("subject", "object"):
            assert rec[end] in defs, f"{where}: {end} {rec[end]!r} undefined"
        assert rec["subject"] != rec["object"], where


def test_agreements() -> None:
    defs = _definitions()
    for _, where, rec in _records("agreements"):
        assert rec["kind"] in AGREEMENT_KINDS, where
        assert rec["title_zh"] and rec["title_en"] and rec["subject_zh"] and rec["subject_en"], where
        _simplified(where, rec["title_zh"])
        if rec["signed_on"] is not None:
            _parse_partial_date(rec["signed_on"])
        assert rec["parties"], f"{where}: parties"
        for party in rec["parties"]:
            assert set(party) <= {"organisation", "role", "note"}, where
            # Extension: a park may itself be a party when the article names the park, not a body.
            assert defs.get(party["organisation"], ("", ""))[1] in ("organisations", "parks"), (
                f"{where}: party {party['organisation']!r} undefined"
            )
            assert party["role"] in ROLES, f"{where}: role {party['role']!r}"
        if rec["value"] is not None:
            assert set(rec["value"]) == {"amount", "currency"}, where
            _decimal(rec["value"]["amount"], where)
            assert rec["value"]["currency"] in CURRENCIES, where


def test_figures() -> None:
    defs = _definitions()
    for _, where, rec in _records("figures"):
        subject = rec["subject"]
        if subject.startswith("source:"):
            assert subject.removeprefix("source:") in DOCS, f"{where}: unknown source {subject!r}"
        else:
            assert subject in defs, f"{where}: subject {subject!r} undefined"
        assert rec["kind"] in FIGURE_KINDS, where
        _decimal(rec["amount"], where)
        if rec["kind"] in MONEY_KINDS:
            assert rec["currency"] in CURRENCIES, f"{where}: money needs an ISO 4217 currency"
            assert rec["unit"] is None, where
        else:
            assert rec["currency"] is None, f"{where}: non-money figure has a currency"
            assert rec["unit"], f"{where}: non-money figure needs a unit"
        if rec["as_of"] is not None:
            _parse_partial_date(rec["as_of"])
        assert rec.get("qualifier") in QUALIFIERS | {None}, where
        assert rec["label_zh"] and rec["label_en"], where
        _simplified(where, rec["label_zh"])


def test_mentions_point_to_earlier_definitions() -> None:
    defs = _definitions()
    for stem, where, rec in _records("mentions"):
        assert rec["record"] in defs, f"{where}: {rec['record']!r} undefined"
        assert defs[rec["record"]][0] <= stem, f"{where}: mention precedes its definition"
        assert defs[rec["record"]][0] != stem, f"{where}: mention of a record defined in the same file"


# ---------------------------------------------------------------- citations


def _corpus_text(stem: str) -> str:
    if not CORPUS_DIR.is_dir():
        pytest.skip("../shared/corpus not present: citation spans not checked")
    path = CORPUS_DIR / f"{stem}.txt"
    assert path.is_file(), f"article {path.name} missing from {CORPUS_DIR}"
    return path.read_text(encoding="utf-8")


def _norm(s: str) -> str:
    return re.sub(r"[\s\-–]+", " ", s).strip().lower()


def _passage(text: str, cite: dict[str, Any], where: str) -> str:
    assert set(cite) == {"start", "end"}, f"{where}: cite must be {{start, end}}"
    start, end = cite["start"], cite["end"]
    assert isinstance(start, int) and isinstance(end, int), where
    assert 0 <= start < end <= len(text), f"{where}: span {start}:{end} outside 0:{len(text)}"
    assert end - start <= MAX_SPAN, f"{where}: span longer than {MAX_SPAN} chars"
    passage = text[start:end]
    assert passage.strip(), f"{where}: empty passage"
    return passage


# Records the article names only elliptically ("管委会" for the BDA committee, a field for a national centre).
# Those forms would be over-broad as aliases (they match other bodies), so the citation check accepts them here.
ELLIPTICAL = {
    "org:bda-admin": ["管委会"],
    "org:bgi-genomics": ["Genomics"],
    "org:nmiic-intelligent-casting": ["smart casting"],
    "org:nmiic-advanced-polymers": ["polymer materials"],
    "org:nmiic-bio-breeding": ["biological breeding"],
}


def _names_in(passage: str, names: list[str]) -> bool:
    p = _norm(passage)
    return any(_norm(n) in p for n in names)


def _cited_items():
    for stem, doc in DOCS.items():
        for section in SECTIONS:
            for i, rec in enumerate(doc[section] or []):
                yield stem, section, f"{stem}:{section}[{i}]", rec


@pytest.mark.parametrize("stem", sorted(DOCS))
def test_citations(stem: str) -> None:
    text = _corpus_text(stem)
    defs = _definitions()
    problems: list[str] = []
    for _, section, where, rec in (x for x in _cited_items() if x[0] == stem):
        passage = _passage(text, rec["cite"], where)
        if section in ("parks", "organisations", "people", "platforms"):
            if not _names_in(passage, _names(rec) + ELLIPTICAL.get(rec["key"], [])):
                problems.append(f"{where}: passage names none of {_names(rec)}")
        elif section == "mentions":
            target = defs[rec["record"]][2]
            if not _names_in(passage, _names(target)):
                problems.append(f"{where}: passage does not name {rec['record']}")
        elif section == "relations":
            ends = [defs[rec["subject"]][2], defs[rec["object"]][2]]
            if not any(_names_in(passage, _names(r)) for r in ends):
                problems.append(f"{where}: passage names neither end")
        elif section == "agreements":
            # A passage may name a party directly or through a signatory holding a position there.
            party_keys = {p["organisation"] for p in rec["parties"]}
            named = [_names(defs[k][2]) for k in party_keys] + [
                _names(person)
                for _, _, person in _records("people")
                if any(pos["organisation"] in party_keys for pos in person["positions"])
            ]
            if not any(_names_in(passage, n) for n in named):
                problems.append(f"{where}: passage names no party or signatory")
        elif section == "figures":
            amount = Decimal(rec["amount"])
            digits = re.sub(r"\D", "", passage)
            significant = str(amount.normalize()).split("E")[0].replace(".", "").rstrip("0") or "0"
            word = NUMBER_WORDS.get(int(amount)) if amount == amount.to_integral_value() else None
            if not (significant in digits or (word and re.search(rf"\b{word}\b", passage, re.I))):
                problems.append(f"{where}: passage does not state {rec['amount']}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("stem", sorted(DOCS))
def test_own_words_not_copied(stem: str) -> None:
    """Free-text fields must not reuse article sentences (8+ words, or 12+ Chinese characters, in a row)."""
    text = _corpus_text(stem)
    words = _norm(re.sub(r"[^\w\s-]", " ", text)).split()
    grams = {" ".join(words[i : i + 8]) for i in range(len(words) - 7)}
    cjk_text = re.sub(r"[^\u4e00-\u9fff]", "", text)
    free = (
        "description_zh",
        "description_en",
        "note",
        "published_note",
        "label_zh",
        "label_en",
        "subject_zh",
        "subject_en",
        "title_zh",
        "title_en",
    )

    def fields(obj: Any):
        if isinstance(obj, dict):
            for k, v in obj.items():
                if k in free and isinstance(v, str):
                    yield k, v
                else:
                    yield from fields(v)
        elif isinstance(obj, list):
            for v in obj:
                yield from fields(v)

    copied: list[str] = []
    for key, value in fields(DOCS[stem]):
        w = _norm(re.sub(r"[^\w\s-]", " ", value)).split()
        c = re.sub(r"[^\u4e00-\u9fff]", "", value)
        if any(" ".join(w[i : i + 8]) in grams for i in range(len(w) - 7)) or any(
            c[i : i + 12] in cjk_text for i in range(len(c) - 11)
        ):
            copied.append(f"{key}: {value!r}")
    assert not copied, f"{stem}: free text reuses article wording:\n" + "\n".join(copied)
