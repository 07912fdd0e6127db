"""Demo rows hold one language per field (issue 10): a single-language field stores the Chinese text, and pages
show it in the reader's language through the `stored` filter; a text a person typed is shown as typed."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation

from biopark.core.demo_texts import shown
from biopark.financing import demo_texts as financing_texts
from biopark.promotion import demo_texts as promotion_texts
from biopark.services import demo_texts as services_texts

# What the demo writes into the single-language fields: the Chinese text, read back in Chinese unchanged.
STORED = [
    financing_texts.MANDATE_EARLY, financing_texts.MANDATE_PARK, financing_texts.MANDATE_GENERIC,
    financing_texts.USE_PHASE1, financing_texts.USE_IND, financing_texts.USE_PHASE2, financing_texts.USE_POC,
    financing_texts.USE_GMP, financing_texts.USE_PHASE3, financing_texts.PITCH, financing_texts.FEEDBACK,
    *promotion_texts.PROJECTS, *promotion_texts.NEXT_ACTIONS, promotion_texts.POLICY_PACKAGE,
    promotion_texts.LOST_NOTE, promotion_texts.FACT_PROJECT, promotion_texts.FACT_DESCRIPTION,
    promotion_texts.FACT_NEXT_ACTION, promotion_texts.FACT_SUMMARY,
    *(zh for zh, _label, _en in services_texts.REQUEST_TITLES),
]


@pytest.mark.parametrize("text", STORED)
def test_a_stored_demo_text_is_chinese_in_chinese_and_english_in_english(text):
    with translation.override("zh-hans"):
        assert shown(text) == text
    with translation.override("en"):
        english = shown(text)
    assert english != text and not any("\u3400" <= ch <= "\u9fff" for ch in english), english


def test_the_filter_shows_demo_texts_by_language_and_typed_text_as_typed():
    page = Template("{{ a|stored }} | {{ b|stored }} | {{ c|stored }} | {{ d|stored|default:'—' }}")
    values = Context({"a": "起草投资协议", "b": "合成示例：I 期临床 / synthetic: phase 1 trial", "c": "面谈 / meet",
                      "d": None})
    with translation.override("en"):
        assert page.render(values) == "Draft the investment agreement | Synthetic demo: phase 1 trial | 面谈 / meet | —"
    with translation.override("zh-hans"):
        assert page.render(values) == "起草投资协议 | 合成示例：I 期临床 | 面谈 / meet | —"


def test_no_demo_text_holds_both_languages_in_one_field():
    for text in STORED:
        assert " / " not in text
