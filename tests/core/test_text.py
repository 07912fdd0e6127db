from biopark.core.dates import PartialDate
from biopark.core.text import fold, match_key, query_terms, search_blob


def test_search_blob_holds_simplified_pinyin_and_english():
    blob = search_blob("天府國際生物城", "Tianfu International Bio-City", aliases=["Biocity"])
    assert "天府国际生物城" in blob
    assert "tianfuguojishengwucheng" in blob
    assert "tianfu international bio-city" in blob
    assert "biocity" in blob


def test_query_terms_fold_traditional_and_case():
    assert query_terms("  天府國際  BIO ") == ["天府国际", "bio"]
    assert fold("ＢＤＡ") == "bda"


def test_match_key_drops_legal_forms_and_crosses_scripts():
    assert match_key("康诺亚生物医药科技有限公司") == match_key("康诺亚生物医药科技")
    assert match_key("Keymed Biosciences Co., Ltd.") == "keymedbiosciences"
    assert match_key("康諾亞") == "kangnuoya"


def test_partial_dates():
    assert str(PartialDate.parse("2023")) == "2023"
    assert str(PartialDate.parse("2023-10")) == "2023-10"
    assert PartialDate.parse("2023-10-19").precision == "day"
    assert PartialDate.parse("") is None
    for bad in ("2023-13", "23-1-1", "next year"):
        try:
            PartialDate.parse(bad)
        except ValueError as exc:
            assert bad in str(exc)
        else:
            raise AssertionError(f"{bad} was accepted")
