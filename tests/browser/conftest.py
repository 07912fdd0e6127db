"""Playwright driving Debian's Chromium against the live test server.

Without Chromium the browser tests skip, except in CI (BIOPARK_REQUIRE_BROWSER=1), where they fail."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    configured = os.environ.get("BIOPARK_CHROMIUM")
    if configured and os.path.exists(configured):
        return configured
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def browser_page(live_server):
    path = chromium_path()
    if path is None:
        if os.environ.get("BIOPARK_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium is required here (BIOPARK_REQUIRE_BROWSER=1) but was not found")
        pytest.skip("Chromium not installed: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls in the test are still
    # synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_FLAGS)
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15000)
        yield page
        context.close()
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


# --- helpers for the role journeys (issue 11) ----------------------------------------------------------

SCREENSHOTS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "docs",
                           "screenshots")
PASSWORD = "correct-horse-9"  # tests.factories.make_user's password


def sign_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/?next=/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(f"{base_url}/")


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
