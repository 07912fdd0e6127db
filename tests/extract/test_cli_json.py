"""`biopark extract FILE --json` on real files prints exactly the shape issue 14 specifies: UTF-8 (not \\u-escaped)
`{"document": {...}, "records": [{"type", "fields", "span", "confidence", "match"}]}`."""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from biopark.extract.records import RECORD_TYPES
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

ARTICLES = Path(__file__).resolve().parent / "articles"
CORPUS = Path(os.environ.get("BIOPARK_CORPUS_DIR") or Path(__file__).resolve().parents[2].parent / "shared" / "corpus")
ICGEB = "International Centre for Genetic Engineering and Biotechnology"


def _check_shape(raw: str, path: Path) -> dict:
    assert "\\u" not in raw  # UTF-8 as written, never escaped
    payload = json.loads(raw)
    text = path.read_text(encoding="utf-8-sig")
    assert set(payload) == {"document", "records"}
    assert set(payload["document"]) == {"path", "title", "type", "language", "date", "length"}
    assert payload["document"]["path"] == str(path) and payload["document"]["type"] == "txt"
    assert payload["records"], "a news article yields records"
    for record in payload["records"]:
        assert set(record) == {"type", "fields", "span", "confidence", "match"}
        assert record["type"] in RECORD_TYPES
        assert isinstance(record["fields"], dict) and record["fields"]
        start, end = record["span"]
        assert isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)
        assert isinstance(record["confidence"], float) and 0.0 <= record["confidence"] <= 1.0
        assert record["match"] is None or re.fullmatch(r"(organisation|park|person|platform):\d+", record["match"])
    return payload


def _run(path: Path) -> str:
    out = io.StringIO()
    call_command("extract", str(path), "--json", "--date", "2025-05-16", stdout=out)
    return out.getvalue()


def test_own_article_json_shape_bilingual_names_and_target() -> None:
    path = ARTICLES / "d7_en_settle.txt"
    org = OrganisationFactory(name_zh="中国医药城管委会", name_en="Taizhou Medical City Management Committee", aliases=[])
    payload = _check_shape(_run(path), path)
    assert payload["document"]["language"] == "en"
    (committee,) = [r for r in payload["records"] if r["match"] == f"organisation:{org.pk}"]
    assert committee["type"] == "organisation"
    assert (committee["fields"]["name_en"], committee["fields"]["name_zh"]) == (org.name_en, "中国医药城管委会")
    text = path.read_text(encoding="utf-8")
    assert text[slice(*committee["span"])] == "Taizhou Medical City Management Committee"
    deal = next(r for r in payload["records"] if r["type"] == "agreement" and r["fields"]["amount"] == "1200000000")
    assert deal["fields"]["parties_zh"] == [None, "中国医药城管委会"]
    (target,) = [r for r in payload["records"] if r["type"] == "target" and r["fields"]["amount"] == "200000000000"]
    assert (target["fields"]["currency"], target["fields"]["by"]) == ("CNY", "2028")


@pytest.mark.skipif(not (CORPUS / "000_6d0cee41bff1600d.txt").exists(), reason="the shared corpus is not here")
def test_corpus_article_json_shape_and_relation() -> None:
    path = CORPUS / "000_6d0cee41bff1600d.txt"
    icgeb = OrganisationFactory(name_zh="国际遗传工程与生物技术中心", name_en=ICGEB, aliases=[])
    unido = OrganisationFactory(name_zh="联合国工业发展组织", name_en="United Nations Industrial Development Organization",
                                aliases=[])
    payload = _check_shape(_run(path), path)
    relations = [r["fields"] for r in payload["records"] if r["type"] == "relation"]
    assert [(r["subject"]["match"], r["predicate"], r["object"]["match"]) for r in relations] == [
        (f"organisation:{icgeb.pk}", "part_of", f"organisation:{unido.pk}")]
