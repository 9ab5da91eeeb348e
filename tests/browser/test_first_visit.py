"""The first visit to the chart pages (the leader's dashboard, the director's comparison) with an empty browser
cache, static files served as in production: hashed, compressed by WhiteNoise (tests/browser/first_visit.py).

What is asserted is behaviour: plotly.js arrives compressed (brotli or gzip, as the browser asks) under its hashed,
immutable name, the charts on the first screen are drawn, every chart is drawn once the page is scrolled through, and
the browser logs no error. How long it took is reported, not asserted
(var/browser-timings.json and the terminal summary): a timed assertion fails on a busy machine, not on slow code.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.first_visit import (
    NAVIGATION_FIGURES,
    RECORD_IN_PAGE,
    collect_production_static,
    production_server,
    record,
)
from tests.browser.pages import DESKTOP, check_page, log_in, watch

pytestmark = pytest.mark.browser

VISITS = 3  # per page, each in a fresh browser context; the median is reported
HASHED_PLOTLY = re.compile(r"/static/vendor/plotly/plotly-effektspor\.min\.[0-9a-f]{12}\.js$")


@pytest.fixture(scope="session")
def production_static():
    return collect_production_static()


@pytest.fixture
def server(site, settings, production_static):
    server = production_server(settings, production_static)
    yield server.url
    server.stop()


def logged_in_state(browser, base_url: str, username: str, password: str) -> dict:
    """The cookies of a login made in a context of its own, so that the measured context starts with no cache.
    The login lands on the user's chart page, so the server has rendered it once: what is measured is the
    browser's first visit, not the server's first rendering."""
    context = browser.new_context(viewport=DESKTOP, locale="da-DK")
    try:
        w = watch(context.new_page(), base_url)
        log_in(w, username, password)
        return context.storage_state()
    finally:
        context.close()


def first_visit(browser, base_url: str, state: dict, path: str) -> dict:
    """One visit to ``path`` in a fresh context (empty cache): the page's own timings, and plotly.js's response."""
    context = browser.new_context(viewport=DESKTOP, locale="da-DK", storage_state=state)
    try:
        context.add_init_script(RECORD_IN_PAGE)
        w = watch(context.new_page(), base_url)
        responses = []
        w.page.on("response", lambda response: responses.append(response))
        w.goto(path)
        assert w.page.url == base_url + path, f"{path}: landed on {w.page.url}"
        w.page.wait_for_function("() => window.__firstScreenDrawn !== undefined", timeout=15_000)
        check_page(w, axe=False)  # scrolled through: every chart drawn, nothing logged as an error
        w.page.wait_for_function("() => window.__chartsDrawn !== undefined", timeout=15_000)
        charts = w.page.locator("[data-chart]")
        assert charts.count() >= 2 and w.page.locator("[data-chart] svg.main-svg").count() >= charts.count()
        plotly = [r for r in responses if "/plotly-effektspor." in r.url]
        assert len(plotly) == 1 and HASHED_PLOTLY.search(plotly[0].url), [r.url for r in plotly]
        response = plotly[0]
        assert "br" in response.request.header_value("accept-encoding")
        encoding = response.header_value("content-encoding")
        assert encoding in ("br", "gzip"), f"plotly.js was sent with Content-Encoding {encoding!r}"
        assert "immutable" in response.header_value("cache-control")
        figures = w.page.evaluate(NAVIGATION_FIGURES)
        assert figures["plotly_transferred_bytes"] < figures["plotly_decoded_bytes"] / 3, figures
        return {**figures, "encoding": encoding}
    finally:
        context.close()


def test_first_visit_to_the_chart_pages(browser, server, site, request):
    pages = [("leader dashboard", "/leader/", site.leader), ("director comparison", "/director/", site.director)]
    for name, path, user in pages:
        state = logged_in_state(browser, server, user.username, site.password)
        visits = [first_visit(browser, server, state, path) for _ in range(VISITS)]
        record(request.config, name, visits)
