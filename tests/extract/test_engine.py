"""biopark.extract on small texts of our own: exact records expected."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest

from biopark.extract.engine import extract
from biopark.extract.names import NameIndex
from biopark.extract.quantities import dates, quantities
from biopark.extract.records import Record

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def index() -> NameIndex:
    return NameIndex([
        ("org:bda-admin", "organisation", ["北京经济技术开发区管委会", "BDA Management Committee"]),
        ("person:kong-lei", "person", ["孔磊", "Kong Lei"]),
        ("park:sip", "park", ["苏州工业园区", "Suzhou Industrial Park", "SIP"]),
        ("org:keymed", "organisation", ["康诺亚", "Keymed Biosciences"]),
    ])


def _of(records: list[Record], type_: str) -> list[dict]:
    return [{"fields": r.fields, "span": list(r.span), "match": r.match} for r in records if r.type == type_]


def test_chinese_title_position_and_agreement(index: NameIndex) -> None:
    text = "北京经济技术开发区管委会主任孔磊出席。苏州安和生物科技有限公司与苏州工业园区签署合作协议，总投资约12亿元。"
    result = extract(text, names=index, document_date=date(2025, 3, 1))
    assert result.language == "zh"
    assert _of(result.records, "position") == [{
        "fields": {"person": "孔磊", "person_match": "person:kong-lei", "title": "主任",
                   "organisation": "北京经济技术开发区管委会", "organisation_match": "org:bda-admin",
                   "person_zh": "孔磊", "person_en": "Kong Lei", "organisation_zh": "北京经济技术开发区管委会",
                   "organisation_en": "BDA Management Committee", "title_zh": "主任", "title_en": "Director"},
        "span": [0, 16], "match": None}]
    assert [(r["fields"]["name"], r["match"]) for r in _of(result.records, "organisation")] == [
        ("北京经济技术开发区管委会", "org:bda-admin"), ("苏州安和生物科技有限公司", None), ("苏州工业园区", "park:sip")]
    assert _of(result.records, "agreement") == [{
        "fields": {"kind": "cooperation", "date": None, "amount": "1200000000", "currency": "CNY",
                   "parties": [{"name": "苏州安和生物科技有限公司", "match": None}, {"name": "苏州工业园区", "match": "park:sip"}],
                   "parties_zh": ["苏州安和生物科技有限公司", "苏州工业园区"], "parties_en": [None, "Suzhou Industrial Park"],
                   "venue": None},
        "span": [19, 54], "match": None}]
    assert _of(result.records, "figure") == [{
        "fields": {"amount": "1200000000", "currency": "CNY", "unit": None, "unit_head": None, "qualifier": "about",
                   "text": "约12亿元", "mentions": [[48, 53]]},
        "span": [48, 53], "match": None}]


def test_english_list_of_officials_and_garbled_name(index: NameIndex) -> None:
    text = ("Kong Lie, director of the BDA Management Committee, and Anna Berg, Vice President of "
            "Nordlys Pharma AG, attended.")
    result = extract(text, names=index)
    people = _of(result.records, "person")
    assert [(p["fields"]["name"], p["match"], p["fields"].get("proposed_alias")) for p in people] == [
        ("Kong Lie", "person:kong-lei", "Kong Lie"), ("Anna Berg", None, None)]
    positions = [(p["fields"]["person"], p["fields"]["title"], p["fields"]["organisation"])
                 for p in _of(result.records, "position")]
    assert positions == [("Kong Lie", "director", "BDA Management Committee"),
                         ("Anna Berg", "Vice President", "Nordlys Pharma AG")]


def test_pinyin_and_traditional_forms_match(index: NameIndex) -> None:
    result = extract("Kong Lei visited 蘇州工業園區 and met Keymed Biosciences.", names=index)
    assert [(r.type, r.match) for r in result.records if r.type in ("person", "organisation")] == [
        ("person", "person:kong-lei"), ("organisation", "park:sip"), ("organisation", "org:keymed")]


def test_acronym_matches_only_in_capitals(index: NameIndex) -> None:
    assert [r.match for r in extract("SIP and sip", names=index).records] == ["park:sip"]


def test_licensing_deal_stage_and_date(index: NameIndex) -> None:
    text = "On March 3, Keymed Biosciences licensed its antibody to Halvard Therapeutics Inc. for 1.052billion yuan."
    result = extract(text + " The antibody is in phase 2 trials.", names=index, document_date="2024-06-01")
    (agreement,) = _of(result.records, "agreement")
    assert agreement["fields"] == {
        "kind": "licensing", "date": "2024-03-03", "amount": "1052000000", "currency": "CNY",
        "parties": [{"name": "Keymed Biosciences", "match": "org:keymed"},
                    {"name": "Halvard Therapeutics Inc.", "match": None}],
        "parties_zh": ["康诺亚", None], "parties_en": ["Keymed Biosciences", "Halvard Therapeutics Inc."], "venue": None}
    assert [r["fields"]["stage"] for r in _of(result.records, "stage")] == ["phase_2"]
    assert [r["fields"]["amount"] for r in _of(result.records, "figure")] == ["1052000000"]


@pytest.mark.parametrize(("text", "expected"), [
    ("12亿美元", ("1200000000", "USD", None, None)),
    ("超过300名专家", ("300", None, "名专家", "more_than")),
    ("600余家合作单位", ("600", None, "家合作单位", "more_than")),
    ("最高5000万欧元", ("50000000", "EUR", None, "up_to")),
    ("不低于2亿元", ("200000000", "CNY", None, "at_least")),
    ("more than 600 cooperating units", ("600", None, "cooperating units", "more_than")),
    ("27 academicians", ("27", None, "academicians", None)),
    ("up to US$ 1.2 billion", ("1200000000", "USD", None, "up_to")),
    ("about EUR 30 million", ("30000000", "EUR", None, "about")),
    ("nearly 20 Fortune Global 500 drug companies", ("20", None, "drug companies", "nearly")),
    ("sales exceeding 100 billion yuan", ("100000000000", "CNY", None, "more_than")),
    ("four new reports", ("4", None, "new reports", None)),
])
def test_quantities(text: str, expected: tuple) -> None:
    (q,) = quantities(text)
    assert (q.amount, q.currency, q.unit, q.qualifier) == expected


def test_years_phases_and_rankings_are_not_figures() -> None:
    assert quantities("In 2023 the phase 2 study began. One of the Fortune 500 joined.") == []


def test_repeated_figure_is_one_record_with_two_mentions(index: NameIndex) -> None:
    figures = _of(extract("27 academicians came. The 27 academicians spoke.", names=index).records, "figure")
    assert [(f["fields"]["amount"], f["fields"]["mentions"]) for f in figures] == [("27", [[0, 15], [26, 41]])]


@pytest.mark.parametrize(("text", "expected"), [
    ("3月23日", "2024-03-23"), ("2022年1月19日", "2022-01-19"), ("January 6", "2024-01-06"),
    ("6 March 2021", "2021-03-06"), ("this year", "2024"), ("去年", "2023"),
])
def test_partial_dates_resolve_from_document_date(text: str, expected: str) -> None:
    assert [d.value for d in dates(text, date(2024, 5, 1))] == [expected]


def test_month_day_without_document_date_keeps_year_unknown() -> None:
    assert [d.value for d in dates("3月23日", None)] == ["--03-23"]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"document_date": "23 March"}, "document_date"),
    ({"language": "fr"}, "language"),
])
def test_bad_arguments_name_the_field(index: NameIndex, kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        extract("text", names=index, **kwargs)


def test_name_index_rejects_unknown_type() -> None:
    with pytest.raises(ValueError, match="type"):
        NameIndex([("x:1", "city", ["Taizhou"])])


def test_empty_registry_still_finds_new_names() -> None:
    result = extract("深圳明澜医疗器械有限公司董事长何文亮表示。", names=NameIndex())
    assert [(r.type, r.fields["name"] if "name" in r.fields else r.fields["title"]) for r in result.records] == [
        ("organisation", "深圳明澜医疗器械有限公司"), ("position", "董事长"), ("person", "何文亮")]


def test_engine_imports_no_django_and_no_biopark_app() -> None:
    for path in (REPO / "biopark" / "extract").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                for name in names:
                    assert not name.startswith(("django", "biopark")), f"{path.name} imports {name}"


def test_headline_and_body_report_one_deal_valued_at_the_total(index: NameIndex) -> None:
    text = ("Corvid Biologics licenses antibody to Halvard Therapeutics Inc.\n"
            "Corvid Biologics Co., Ltd. licensed the antibody to Halvard Therapeutics Inc. for an upfront 40 million USD, "
            "with a total of up to 700 million USD, on 2 May.")
    (deal,) = _of(extract(text, names=index, document_date="2025-05-10").records, "agreement")
    assert deal["fields"] == {"kind": "licensing", "date": "2025-05-02", "amount": "700000000", "currency": "USD",
                              "parties": [{"name": "Corvid Biologics Co., Ltd.", "match": None},
                                          {"name": "Halvard Therapeutics Inc.", "match": None}],
                              "parties_zh": [None, None], "venue": None,
                              "parties_en": ["Corvid Biologics Co., Ltd.", "Halvard Therapeutics Inc."]}
    assert deal["span"] == [0, 64]  # the headline, where the deal is first reported


def _deals(text: str, index: NameIndex) -> list[tuple[list[str], str | None, str | None]]:
    result = extract(text, names=index, document_date="2025-06-01")
    return [([p["name"] for p in r["fields"]["parties"]], r["fields"]["amount"], r["fields"]["currency"])
            for r in _of(result.records, "agreement")]


def test_short_company_names_and_the_park_referred_to_as_yuanqu(index: NameIndex) -> None:
    text = ("江苏泓川生物制药有限公司与苏州工业园区签署投资协议，投资8亿元；上海明朗医疗器械有限公司与园区签订入驻协议，"
            "总投资约2.5亿元。泓川生物与德国贝林制药集团签订技术许可协议，许可费约600万欧元。")
    assert _deals(text, index) == [
        (["江苏泓川生物制药有限公司", "苏州工业园区"], "800000000", "CNY"),
        (["上海明朗医疗器械有限公司", "苏州工业园区"], "250000000", "CNY"),
        (["江苏泓川生物制药有限公司", "德国贝林制药集团"], "6000000", "EUR")]


def test_two_deals_in_one_sentence_venue_and_short_english_name(index: NameIndex) -> None:
    text = ("Corvid Biologics Co., Ltd. signed a lease with Suzhou Industrial Park. Yanhe University signed a research "
            "agreement with Corvid on assays, and Corvid licensed a process to Halvard Therapeutics Inc. for 50 million "
            "yuan. Pellam Pharma Ltd., a maker based in Suzhou Industrial Park, signed a supply contract with Corvid.")
    result = extract(text, names=index)
    assert [([p["name"] for p in r["fields"]["parties"]], r["fields"]["amount"], (r["fields"]["venue"] or {}).get("name"))
            for r in _of(result.records, "agreement")] == [
        (["Corvid Biologics Co., Ltd.", "Suzhou Industrial Park"], None, None),
        (["Yanhe University", "Corvid Biologics Co., Ltd."], None, None),
        (["Corvid Biologics Co., Ltd.", "Halvard Therapeutics Inc."], "50000000", None),
        (["Pellam Pharma Ltd.", "Corvid Biologics Co., Ltd."], None, "Suzhou Industrial Park")]
    (corvid,) = [r for r in _of(result.records, "organisation") if r["fields"]["name"].startswith("Corvid")]
    assert len(corvid["fields"]["mentions"]) == 4


def test_a_deal_takes_its_value_from_the_next_sentence(index: NameIndex) -> None:
    text = "广州泓林医药科技有限公司与瑞士诺顿制药集团签订独家授权协议。根据协议，泓林医药可获得4000万美元首付款，交易总额最高达5亿美元。"
    assert _deals(text, index) == [(["广州泓林医药科技有限公司", "瑞士诺顿制药集团"], "500000000", "USD")]


def test_signing_is_no_qualifier_and_a_hospital_of_a_university_is_one_name(index: NameIndex) -> None:
    text = "现场签约6个项目。东岳医科大学附属肿瘤医院与苏州工业园区签署合作协议，建设约20万平方米的研究楼。"
    result = extract(text, names=index)
    assert [(r["fields"]["amount"], r["fields"]["unit"], r["fields"]["qualifier"]) for r in _of(result.records, "figure")] == [
        ("6", "个项目", None), ("200000", "平方米的研究楼", "about")]
    assert "东岳医科大学附属肿瘤医院" in [r["fields"]["name"] for r in _of(result.records, "organisation")]
