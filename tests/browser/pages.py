"""What every browser test does with a page: open it, check it (errors, charts, axe-core), screenshot it, log in.

:func:`check_page` is the check every page passes: no console error, no uncaught exception, no
Content-Security-Policy violation (Chromium logs those as console errors "Refused to …"), every chart drawn
(``data-drawn="true"``), and no axe-core violation of impact serious or critical against WCAG 2.1 A/AA. With
``EFFEKTSPOR_SCREENSHOTS=1`` it also writes the page's screenshot to ``docs/screenshots/`` (shown in the README);
CI leaves them alone.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCREENSHOTS = os.environ.get("EFFEKTSPOR_SCREENSHOTS") == "1"
SCREENSHOT_DIR = Path(settings.BASE_DIR) / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
TABLET = {"width": 768, "height": 1024}


@dataclass
class Watched:
    """A page and everything it complained about: console errors (CSP violations among them) and exceptions."""

    page: object
    base_url: str
    errors: list[str] = field(default_factory=list)

    def goto(self, path: str) -> None:
        self.page.goto(self.base_url + path)


def watch(page, base_url: str) -> Watched:
    watched = Watched(page, base_url)
    page.on("console", lambda msg: watched.errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: watched.errors.append(f"uncaught: {exc}"))
    page.set_default_timeout(10_000)
    return watched


def check_page(w: Watched, *, screenshot: str | None = None, axe: bool = True) -> None:
    """The checks every page passes: charts drawn (scrolled to), nothing logged as an error, no serious axe
    violation."""
    page = w.page
    page.wait_for_load_state("load")
    if page.locator("[data-chart]").count():
        # charts.js draws a chart as it comes near the window: scroll through them, as a reader does.
        page.evaluate(
            "async () => { for (const el of document.querySelectorAll('[data-chart]')) {"
            " el.scrollIntoView({block: 'center'}); await new Promise(r => requestAnimationFrame(r)); }"
            " window.scrollTo(0, 0); }"
        )
        page.wait_for_function(
            "() => [...document.querySelectorAll('[data-chart]')].every(el => el.dataset.drawn === 'true')",
            timeout=15_000,
        )
    assert page.locator("[data-chart]:not([data-drawn='true'])").count() == 0, f"{page.url}: a chart was not drawn"
    assert not w.errors, f"{page.url}: the browser logged errors (CSP violations are 'Refused to …'): {w.errors}"
    if axe:
        assert_accessible(page)
    if screenshot and SCREENSHOTS:
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT_DIR / screenshot), full_page=True)


def assert_accessible(page) -> None:
    """axe-core against WCAG 2.1 A and AA; violations of impact serious or critical fail, with rule and targets."""
    from axe_playwright_python.sync_playwright import Axe

    # resultTypes: only the violations come back with every node, which keeps the run short on long pages.
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    results = Axe().run(page, options=options)
    serious = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    report = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[node['target'] for node in v['nodes']][:10]}" for v in serious
    ]
    assert not serious, f"{page.url}: accessibility violations:\n" + "\n".join(report)


def log_in(w: Watched, username: str, password: str) -> None:
    """Log in through the login form, with the keyboard (Enter submits)."""
    w.goto("/login/")
    check_page(w, screenshot="login.png")
    w.page.get_by_label("Brugernavn").fill(username)
    w.page.get_by_label("Adgangskode").fill(password)
    with w.page.expect_navigation():
        w.page.get_by_label("Adgangskode").press("Enter")
    assert "/login/" not in w.page.url, f"login as {username} failed: {w.page.url}"
