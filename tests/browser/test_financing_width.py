"""The financing pages never scroll sideways at 390 px (tables scroll inside .table-wrap, columns stack)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import at_width, page_overflow, sign_in
from tests.financing.conftest import build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_financing_pages_fit_a_phone(browser_page, live_server, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    world = build()
    page, base = browser_page, live_server.url
    for who in ("investor_a", "member"):
        sign_in(page, base, world["users"][who].username)
        at_width(page, 390, 844)
        pages = ["/financing/", "/financing/roadshows/", f"/financing/projects/{world['project'].pk}/",
                 f"/financing/roadshows/{world['roadshow'].pk}/"] + (["/financing/mandates/"] if who == "investor_a" else [])
        for path in pages:
            page.goto(f"{base}{path}")
            assert page_overflow(page) <= 0, (who, path)
        page.context.clear_cookies()
