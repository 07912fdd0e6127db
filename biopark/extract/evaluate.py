"""Precision, recall and F1 of `extract` against gold annotations (ours under tests/extract/articles and the
demo data files for the corpus). Pure Python, so the bench and the tests share one scorer.

Matching is by name: a proposed organisation or person is right when one of its names (surface, either
language, or the registry names of its match) equals one of the gold entity's names, case-folded.
Positions need person, organisation and a title close to the gold title; agreements need at least two gold
parties (or all, if fewer) and the gold amount and currency; figures need amount, qualifier, currency and a
unit that shares a word (or, in Chinese, the measure word) with the gold unit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz

from .engine import extract
from .names import NameIndex
from .records import Extraction
from .text import fold

SCORED = ("organisation", "person", "position", "agreement", "figure")


@dataclass
class Article:
    name: str
    text: str
    set: str
    date: str | None
    language: str | None
    registry: list[tuple[str, str, list[str]]]
    gold: dict[str, list[Any]]


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Tally) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    def scores(self) -> dict[str, float | int]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3), "gold": self.tp + self.fn,
                "proposed": self.tp + self.fp}


@dataclass
class Report:
    by_type: dict[str, Tally] = field(default_factory=lambda: {t: Tally() for t in SCORED})

    def as_dict(self) -> dict[str, dict[str, float | int]]:
        return {t: tally.scores() for t, tally in self.by_type.items()}


# --- loading -------------------------------------------------------------------------------------------------

def own_articles(directory: Path) -> list[Article]:
    out = []
    for meta_path in sorted(directory.glob("*.yaml")):
        meta = yaml.safe_load(meta_path.read_text(encoding="utf-8"))
        text = meta_path.with_suffix(".txt").read_text(encoding="utf-8")
        out.append(Article(meta_path.stem, text, meta["set"], meta.get("date"), meta.get("language"),
                           [(r[0], r[1], list(r[2])) for r in meta.get("registry") or []], meta["gold"]))
    return out


def _names(rec: dict[str, Any]) -> list[str]:
    return [n for n in [rec.get("name_zh"), rec.get("name_en"), *(rec.get("aliases") or [])] if n]


def corpus_registry(data_dir: Path) -> list[tuple[str, str, list[str]]]:
    rows = []
    for path in sorted(data_dir.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for section, type_ in (("parks", "park"), ("organisations", "organisation"), ("people", "person"),
                               ("platforms", "platform")):
            rows += [(rec["key"], type_, _names(rec)) for rec in doc.get(section) or []]
    return rows


def corpus_articles(data_dir: Path, corpus_dir: Path) -> list[Article]:
    """The corpus articles with their demo data file as gold; entities count only if a name occurs in the text."""
    every = {}
    docs = []
    for path in sorted(data_dir.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        docs.append((path, doc))
        for section in ("parks", "organisations", "people", "platforms"):
            every.update({rec["key"]: rec for rec in doc.get(section) or []})
    out = []
    for path, doc in docs:
        text_path = corpus_dir / doc["source"]["file"]
        if not text_path.exists():
            continue
        text = text_path.read_text(encoding="utf-8")
        folded = fold(text)

        def present(rec: dict[str, Any], folded: str = folded) -> bool:
            return any(fold(n) in folded for n in _names(rec))

        mentioned = [every[m["record"]] for m in doc.get("mentions") or [] if m["record"] in every]
        orgs = [r for s in ("parks", "organisations") for r in doc.get(s) or [] if present(r)]
        orgs += [r for r in {r["key"]: r for r in mentioned}.values()
                 if r["key"].startswith(("org:", "park:")) and present(r) and r not in orgs]
        people = [r for r in doc.get("people") or [] if present(r)]
        gold: dict[str, list[Any]] = {
            "organisations": [_names(r) for r in orgs],
            "people": [_names(r) for r in people],
            "positions": [{"person": _names(p), "organisation": _names(every[pos["organisation"]]),
                           "title": [pos.get("title_en"), pos.get("title_zh")]}
                          for p in people for pos in p.get("positions") or [] if pos.get("organisation") in every],
            "agreements": [{"parties": [_names(every[x["organisation"]]) for x in a.get("parties") or []],
                            "amount": (a.get("value") or {}).get("amount"),
                            "currency": (a.get("value") or {}).get("currency")} for a in doc.get("agreements") or []],
            "figures": [{k: f.get(k) for k in ("amount", "currency", "unit", "qualifier")}
                        for f in doc.get("figures") or []],
        }
        published = str(doc["source"].get("published") or "")
        doc_date = published + "-01" * (3 - len(published.split("-"))) if published else None
        out.append(Article(path.stem, text, "corpus", doc_date, None, [], gold))
    return out


# --- scoring -------------------------------------------------------------------------------------------------

def _as_lists(items: Iterable[Any]) -> list[list[str]]:
    return [[str(n) for n in (i if isinstance(i, list) else [i]) if n] for i in items]


def _same(names_a: Iterable[str], names_b: Iterable[str]) -> bool:
    a = {fold(n).strip() for n in names_a if n}
    return any(fold(n).strip() in a for n in names_b if n)


def _entity_names(fields: dict[str, Any], match: str | None, index: NameIndex) -> list[str]:
    names = [fields.get("name"), fields.get("name_zh"), fields.get("name_en"), fields.get("proposed_alias")]
    if match and match in index.entries:
        names += list(index.entries[match].names)
    return [n for n in names if n]


def _greedy(pred: list[Any], gold: list[Any], same: Any) -> Tally:
    used: set[int] = set()
    tp = 0
    for p in pred:
        for i, g in enumerate(gold):
            if i not in used and same(p, g):
                used.add(i)
                tp += 1
                break
    return Tally(tp, len(pred) - tp, len(gold) - tp)


def _unit_ok(pred: dict[str, Any], gold: dict[str, Any]) -> bool:
    if gold.get("currency"):
        return True
    g, p = str(gold.get("unit") or ""), f"{pred.get('unit') or ''} {pred.get('unit_head') or ''}"
    if re.search(r"[\u4e00-\u9fff]", g):
        return bool(p) and g[0] in p
    stems = {w.rstrip("s") for w in re.split(r"[_\s]+", g.lower()) if len(w) > 2}
    if not stems:  # gold without a unit: any unit will do
        return True
    return any(w.rstrip("s") in stems for w in p.lower().split())


def score(article: Article, extraction: Extraction, index: NameIndex) -> Report:
    report = Report()
    gold = article.gold
    by = {t: extraction.of_type(t) for t in SCORED}
    for kind, key in (("organisation", "organisations"), ("person", "people")):
        pred = [_entity_names(r.fields, r.match, index) for r in by[kind]]
        report.by_type[kind].add(_greedy(pred, _as_lists(gold.get(key) or []), _same))

    entities = _as_lists(gold.get("organisations") or []) + _as_lists(gold.get("people") or [])

    def expand(names: list[str]) -> list[str]:
        """A gold name and every other name of the gold entity it belongs to."""
        return names + [n for group in entities if _same(group, names) for n in group]

    def position_ok(p: Any, g: dict[str, Any]) -> bool:
        titles = [t for t in _as_lists([g["title"]])[0]]
        return (_same(_entity_names({"name": p["person"]}, p["person_match"], index),
                      expand(_as_lists([g["person"]])[0]))
                and _same(_entity_names({"name": p["organisation"]}, p["organisation_match"], index),
                          expand(_as_lists([g["organisation"]])[0]))
                and any(fuzz.partial_ratio(fold(p["title"]), fold(t)) >= 80 for t in titles))
    report.by_type["position"].add(_greedy([r.fields for r in by["position"]], gold.get("positions") or [],
                                           position_ok))

    def agreement_ok(p: Any, g: dict[str, Any]) -> bool:
        parties = [expand(names) for names in _as_lists(g["parties"])]
        hit = sum(any(_same(_entity_names(x, x.get("match"), index), names) for x in p["parties"]) for names in parties)
        return (hit >= min(2, len(parties)) and str(p.get("amount")) == str(g.get("amount"))
                and (p.get("currency") or None) == (g.get("currency") or None))
    report.by_type["agreement"].add(_greedy([r.fields for r in by["agreement"]], gold.get("agreements") or [],
                                            agreement_ok))

    def figure_ok(p: Any, g: dict[str, Any]) -> bool:
        return (str(p["amount"]) == str(g["amount"]) and (p.get("qualifier") or None) == (g.get("qualifier") or None)
                and (p.get("currency") or None) == (g.get("currency") or None) and _unit_ok(p, g))
    report.by_type["figure"].add(_greedy([r.fields for r in by["figure"]], gold.get("figures") or [], figure_ok))
    return report


def evaluate(articles: Iterable[Article], registry: list[tuple[str, str, list[str]]] | None = None,
             ner: bool = False) -> Report:
    """Sum of the per-article scores; `registry` (if given) replaces each article's own registry rows; `ner`
    lets the optional named-entity model read too (when installed)."""
    total = Report()
    for article in articles:
        index = NameIndex(registry if registry is not None else article.registry)
        doc_date = date.fromisoformat(article.date) if article.date else None
        result = extract(article.text, names=index, document_date=doc_date, language=article.language, ner=ner)
        for t, tally in score(article, result, index).by_type.items():
            total.by_type[t].add(tally)
    return total
