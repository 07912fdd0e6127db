"""The worker's one Chromium (tests/browser/conftest.py::BrowserSession): each browser test gets a context of its
own, and after it the thread is as a plain test expects it: no running event loop registered and Django's
async-safety check on. Without that, a plain test that lands on the same pytest worker after a browser test would
run with the check switched off and `async_to_sync` refusing to run."""

from __future__ import annotations

import asyncio
import os

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth.models import User
from django.core.exceptions import SynchronousOnlyOperation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _count_users_from_a_coroutine() -> None:
    async def count() -> int:
        return User.objects.count()

    asyncio.run(count())


def test_after_a_browser_page_the_thread_is_as_a_plain_test_expects(browser_session, live_server):
    with browser_session.fresh_page() as page:
        page.goto(f"{live_server.url}/accounts/login/")
        assert page.locator("#id_username").count() == 1
        # While the page is in use, Playwright's loop is registered as running on this thread.
        assert asyncio._get_running_loop() is not None
    assert asyncio._get_running_loop() is None
    assert "DJANGO_ALLOW_ASYNC_UNSAFE" not in os.environ
    # Django still refuses the ORM inside an event loop ...
    with pytest.raises(SynchronousOnlyOperation):
        _count_users_from_a_coroutine()

    # ... and async code still runs from synchronous code.
    async def answer() -> int:
        return 42

    assert async_to_sync(answer)() == 42
    # The same browser serves the next test.
    with browser_session.fresh_page() as page:
        page.goto(f"{live_server.url}/accounts/login/")
        assert page.locator("#id_username").count() == 1
    assert asyncio._get_running_loop() is None


def test_each_page_starts_without_the_cookies_and_storage_of_the_one_before(browser_session, live_server):
    with browser_session.fresh_page() as page:
        page.goto(f"{live_server.url}/accounts/login/")
        page.context.add_cookies([{"name": "left_behind", "value": "1", "url": live_server.url}])
        page.evaluate("localStorage.setItem('left_behind', '1')")
        assert [c["name"] for c in page.context.cookies() if c["name"] == "left_behind"] == ["left_behind"]
    with browser_session.fresh_page() as page:
        page.goto(f"{live_server.url}/accounts/login/")
        assert [c["name"] for c in page.context.cookies() if c["name"] == "left_behind"] == []
        assert page.evaluate("localStorage.getItem('left_behind')") is None
        assert page.evaluate("navigator.language") == "zh-CN"
        assert page.viewport_size == {"width": 1280, "height": 900}


def test_a_browser_that_died_in_an_earlier_test_is_replaced(browser_session, live_server):
    with browser_session.in_use():
        browser_session.browser.close()  # as if Chromium had crashed
    with browser_session.fresh_page() as page:
        page.goto(f"{live_server.url}/accounts/login/")
        assert page.locator("#id_username").count() == 1
    assert browser_session.browser.is_connected()
