"""The investor's home tile lists upcoming roadshows with their date in the reader's language (issue 10)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from biopark.accounts import policy
from biopark.financing.home import investor_tile

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_roadshow_dates_on_the_tile_follow_the_language(fin: dict[str, Any], language: str):
    day = fin["event"].starts_on
    expected = f"{day.year}年{day.month}月{day.day}日" if language == "zh-hans" else day.strftime("%-d %b %Y")
    with translation.override(language):
        tile = investor_tile(policy.actor_for(fin["users"]["investor_a"]))
    assert tile is not None
    assert [(item.label, item.detail) for item in tile.items if item.href.startswith("/financing/roadshows/")] == [
        ("Spring roadshow", expected)]
