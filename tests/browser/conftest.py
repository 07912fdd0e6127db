"""Playwright driving Debian's Chromium against the live test server.

Without Chromium the browser tests skip, except in CI (BIOPARK_REQUIRE_BROWSER=1), where they fail."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# Chromium's own headless browser (Debian: `apt-get install chromium-headless-shell`; Playwright's default for
# headless runs) before the full browser: the same Blink renders the same pages and screenshots, without the
# desktop browser's profile services, which cost a new context about three times the CPU (docs/performance.md,
# "Test suite, sixth pass: the browser tests").
CHROMIUM_NAMES = ("chromium-headless-shell", "chromium", "chromium-browser")


def chromium_path() -> str | None:
    """BIOPARK_CHROMIUM when it names an existing file; otherwise the first of CHROMIUM_NAMES on the PATH."""
    configured = os.environ.get("BIOPARK_CHROMIUM")
    if configured and os.path.exists(configured):
        return configured
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


class BrowserSession:
    """One Playwright driver and one Chromium, kept for a whole pytest worker (starting them costs about a second
    of CPU per test; a new context in the running browser a quarter of that).

    Playwright's sync API drives its asyncio loop from a greenlet and, after every call, registers that loop as
    the running loop of the calling thread (playwright/_impl/_greenlets.py::wait_for_future). Left registered,
    every later test of the worker would see a running loop: Django would refuse its ORM there
    (`SynchronousOnlyOperation`) and `async_to_sync` would refuse to run. So the registration is held only while a
    browser test runs (`in_use`): it is put back before the test's first call and taken away after its last,
    together with DJANGO_ALLOW_ASYNC_UNSAFE (the test's own ORM calls are synchronous, hence safe)."""

    def __init__(self, path: str) -> None:
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        # start() leaves the driver's loop registered as running: keep it, and release the thread.
        self._loop = asyncio._get_running_loop()
        assert self._loop is not None, "Playwright's sync API no longer registers its loop: see in_use()"
        asyncio._set_running_loop(None)
        self._path = path
        with self.in_use():
            try:
                self.browser = self._launch()
            except BaseException:
                self._playwright.stop()  # no driver left running when Chromium does not start
                raise

    def _launch(self) -> Any:
        return self._playwright.chromium.launch(executable_path=self._path, headless=True, args=CHROMIUM_FLAGS)

    @contextlib.contextmanager
    def in_use(self) -> Iterator[None]:
        """Hold the loop's registration (and Django's permission to run the ORM beside it) while inside."""
        if asyncio._get_running_loop() is not None:
            raise RuntimeError("a running event loop is already registered on this thread")
        previous = os.environ.get(ASYNC_UNSAFE)
        os.environ[ASYNC_UNSAFE] = "true"
        asyncio._set_running_loop(self._loop)
        try:
            yield
        finally:
            asyncio._set_running_loop(None)
            if previous is None:
                os.environ.pop(ASYNC_UNSAFE, None)
            else:
                os.environ[ASYNC_UNSAFE] = previous

    @contextlib.contextmanager
    def fresh_page(self) -> Iterator[Any]:
        """A page in a context of its own (no cookies or storage of an earlier test), Chinese, 1280 x 900."""
        with self.in_use():
            if not self.browser.is_connected():
                # Chromium died during an earlier test (which failed for it): the next tests get a new one.
                self.browser = self._launch()
            context = self.browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
            try:
                page = context.new_page()
                page.set_default_timeout(15000)
                yield page
            finally:
                context.close()

    def close(self) -> None:
        """Close Chromium and stop the driver; both child processes are reaped."""
        with self.in_use():
            try:
                self.browser.close()
            finally:
                self._playwright.stop()


@pytest.fixture(scope="session")
def browser_session() -> Iterator[BrowserSession]:
    path = chromium_path()
    if path is None:
        if os.environ.get("BIOPARK_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium is required here (BIOPARK_REQUIRE_BROWSER=1) but was not found")
        pytest.skip("Chromium not installed: apt-get install chromium")
    session = BrowserSession(path)
    try:
        yield session
    finally:
        session.close()


@pytest.fixture
def browser_page(live_server, browser_session: BrowserSession) -> Iterator[Any]:
    with browser_session.fresh_page() as page:
        yield page


# --- helpers for the role journeys (issue 11) ----------------------------------------------------------

SCREENSHOTS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "docs",
                           "screenshots")


def sign_in(page, base_url: Any, username: str) -> None:
    """Sign `username` in without the form: the session Django's `login()` makes for it, handed to the page's
    context as its cookie (replacing any earlier one). No page is opened. The form is driven where signing in is
    part of what a test proves (test_registry_browser, and the journeys that sign in to reach a page by its
    `next` address: booking, platform manager, merge); here it would cost three page loads per use (the form,
    its POST, the home page it leads to)."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                               "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                               "url": str(base_url)}])  # a URL, or pytest-django's live_server


def at_width(page, width: int, height: int = 900) -> None:
    """Resize the page's viewport (1366 for a laptop, 390 for a phone)."""
    page.set_viewport_size({"width": width, "height": height})


def page_overflow(page) -> int:
    """How many pixels the page is wider than the viewport (0 when nothing scrolls sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def screenshot(page, name: str) -> None:
    """docs/screenshots/<role>-<page>.png, for the README."""
    os.makedirs(SCREENSHOTS, exist_ok=True)
    page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=False)
