"""Steps the role journeys share: signing in, the 390 px check and screenshots for docs/screenshots."""

from __future__ import annotations

from pathlib import Path

from tests.browser import conftest

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def sign_in(page, live_server, username: str) -> None:
    """Signed in without the form (see tests.browser.conftest.sign_in)."""
    conftest.sign_in(page, live_server.url, username)


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def overflow_at_390(page, url: str) -> int:
    """Open `url` 390 px wide and answer how far the page is wider than the screen (0 when it fits)."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(url)
    width = page.evaluate("document.scrollingElement.scrollWidth")
    return max(0, int(width) - 390)
