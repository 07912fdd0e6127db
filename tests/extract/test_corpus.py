"""The engine on the five corpus articles (the development set), read from ../shared/corpus (or
$BIOPARK_CORPUS_DIR); skipped with a reason when absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from biopark.extract.engine import extract
from biopark.extract.evaluate import Article, Report, corpus_articles, corpus_registry, evaluate, score
from biopark.extract.names import NameIndex

REPO = Path(__file__).resolve().parents[2]
CORPUS = Path(os.environ.get("BIOPARK_CORPUS_DIR") or REPO.parent / "shared" / "corpus")
DATA = REPO / "biopark" / "demo" / "data"

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus folder {CORPUS} is absent (a fresh clone)")


@pytest.fixture(scope="module")
def index() -> NameIndex:
    return NameIndex(corpus_registry(DATA))


def _text(stem: str) -> str:
    return (CORPUS / f"{stem}.txt").read_text(encoding="utf-8")


def test_garbled_rendering_of_kong_lei_matches_him(index: NameIndex) -> None:
    text = _text("001_aaa7213692022085")
    result = extract(text, names=index)
    (kong,) = [r for r in result.of_type("person") if r.match == "person:kong-lei"]
    assert {text[s:e] for s, e in kong.fields["mentions"]} == {"孔磊", "Liu Keng"}
    positions = {(p.fields["person"], p.fields["title"], p.fields["organisation_match"]) for p in result.of_type("position")}
    assert {("孔磊", "副书记", "org:bda-working-committee"), ("孔磊", "主任", "org:bda-admin")} <= positions


def test_licensing_deal_with_value(index: NameIndex) -> None:
    result = extract(_text("003_bde207d968dfe5fb"), names=index)
    deals = [(tuple(p["match"] for p in a.fields["parties"]), a.fields["amount"], a.fields["currency"])
             for a in result.of_type("agreement") if a.fields["kind"] == "licensing"]
    assert (("org:keymed", "org:astrazeneca"), "1200000000", "USD") in deals


def test_development_scores_do_not_fall_below_what_docs_report() -> None:
    report = evaluate(corpus_articles(DATA, CORPUS), corpus_registry(DATA)).as_dict()
    floors = {"organisation": 0.9, "person": 0.95, "position": 0.85, "agreement": 0.75, "figure": 0.8}
    assert {t: report[t]["f1"] >= f for t, f in floors.items()} == dict.fromkeys(floors, True)


def test_scorer_counts_exactly() -> None:
    article = Article("t", "Acme Bio Co., Ltd. signed with Beta Hospital.", "dev", None, None, [], {
        "organisations": [["Acme Bio Co., Ltd."], ["Gamma University"]], "people": [], "positions": [],
        "agreements": [], "figures": []})
    index = NameIndex()
    report: Report = score(article, extract(article.text, names=index), index)
    assert report.as_dict()["organisation"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "gold": 2, "proposed": 2}
