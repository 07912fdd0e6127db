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


def test_segmenter_cuts_as_pypinyin_does():
    import random

    from pypinyin.constants import PHRASES_DICT
    from pypinyin.seg.mmseg import seg

    from biopark.core.text import _words

    rng = random.Random(7)
    phrases = list(PHRASES_DICT)
    chars = [chr(c) for c in range(0x4E00, 0x9FA5)]
    for _ in range(5000):
        run = "".join(rng.choice(phrases) if rng.random() < 0.7 else rng.choice(chars) for _ in range(rng.randint(1, 6)))
        cut = rng.randint(0, len(run))
        run = run[cut:] + run[:cut]  # start and end inside phrases too
        assert _words(run) == list(seg.cut(run)), run
    assert match_key("重庆") == "chongqing"
