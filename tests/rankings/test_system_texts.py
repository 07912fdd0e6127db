"""Texts the platform stores on the frameworks and runs it builds (the default framework's version note, the
real-parks credit and run label, the demo's credits) read in the page's language; typed text shows as typed."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from biopark.accounts.policy import SYSTEM
from biopark.core.demo_texts import shown as system_text
from biopark.rankings.services import run_create
from tests.rankings.helpers import IDATA, make_external

pytestmark = pytest.mark.django_db


def test_platform_texts_have_both_languages_and_typed_text_is_kept():
    with translation.override("zh-hans"):
        assert system_text("default framework") == "默认指标体系"
        assert system_text("BioPark registry and observations with their sources") == "BioPark 名录及带来源的观测数据"
        assert system_text("synthetic / 虚构示例数据") == "虚构示例数据"
        assert system_text("indicators with data in 2026") == "2026 年有数据的指标"
        assert system_text("2026 real parks / 真实园区") == "2026 年真实园区"
        assert system_text("Our own framework") == "Our own framework"
    with translation.override("en"):
        assert system_text("synthetic / 虚构示例数据") == "synthetic example data"
        assert system_text("2025 synthetic / 虚构示例") == "2025 synthetic example"
        assert system_text("default framework") == "default framework"


def _page(user, path: str, language: str) -> str:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    client.cookies["django_language"] = language
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def test_rankings_pages_show_platform_texts_in_the_page_language(roles):
    framework = make_external(SYSTEM, credit="BioPark registry and observations with their sources",
                              note="default framework")
    run = run_create(actor=SYSTEM, framework=framework, idata=IDATA, label="2026 real parks / 真实园区")
    viewer = roles["users"]["viewer"]
    zh_index = _page(viewer, "/rankings/", "zh-hans")
    assert f'<a href="/rankings/runs/{run.pk}/">2026 年真实园区</a>' in zh_index
    assert "<td>BioPark 名录及带来源的观测数据</td>" in zh_index
    zh_framework = _page(viewer, "/rankings/frameworks/toy/", "zh-hans")
    assert "默认指标体系" in zh_framework and "2026 年真实园区" in zh_framework
    assert "default framework" not in zh_framework and "real parks" not in zh_framework
    assert "BioPark 名录及带来源的观测数据" in _page(viewer, f"/rankings/runs/{run.pk}/", "zh-hans")
    en_framework = _page(viewer, "/rankings/frameworks/toy/", "en")
    assert "default framework" in en_framework and "2026 real parks" in en_framework
    assert "真实园区" not in en_framework


def test_version_notes_the_services_write_are_translated():
    with translation.override("zh-hans"):
        assert system_text("created") == "创建"
        assert system_text("copied from asem v2") == "复制自 asem 第 2 版"
        assert system_text("built on the web") == "在网页上构建"
