"""The initiative pages in Chromium: a leader registers an initiative and writes in its learning log, the director
reads it with the before/after comparison. Every page passes check_page (no console error or CSP violation, every
chart drawn, no serious axe-core violation)."""

from __future__ import annotations

import datetime

import pytest

from tests.browser.pages import check_page, log_in

pytestmark = pytest.mark.browser


def test_initiative_pages(open_page, site):
    start = (datetime.date.today().replace(day=1) - datetime.timedelta(days=120)).replace(day=1)
    w = open_page()
    log_in(w, site.leader.username, site.password)
    w.page.get_by_role("link", name="Forsøg", exact=True).click()
    check_page(w, screenshot="improvement-list.png")
    w.page.get_by_role("link", name="Nyt forsøg").click()
    check_page(w)
    # Submitting without an indicator keeps what was typed and says what is missing.
    w.page.get_by_label("Navn").fill("Feedback i hver samtale")
    w.page.get_by_label("Metode").select_option("fit")
    w.page.get_by_label(site.unit.name).check()
    w.page.get_by_label("Startdato").fill(start.isoformat())
    with w.page.expect_navigation():
        w.page.get_by_role("button", name="Gem").click()
    # The form comes back with status 400, which Chromium logs as a failed resource; nothing else may be logged.
    assert all("status of 400" in e for e in w.errors), w.errors
    w.errors.clear()
    check_page(w)
    assert "Vælg mindst én indikator" in w.page.content()
    assert w.page.get_by_label("Navn").input_value() == "Feedback i hver samtale"
    w.page.get_by_label("Gennemsnitlig ændring i WHO-5 ved opfølgning").select_option("up")
    with w.page.expect_navigation():
        w.page.get_by_role("button", name="Gem").click()
    check_page(w, screenshot="improvement-initiative.png")
    assert w.page.locator("[data-chart]").count() == 5
    assert w.page.locator("table#chart-mean-change-table").count() == 1
    detail = w.page.url

    w.page.get_by_role("link", name="Nyt indlæg").click()
    check_page(w)
    w.page.get_by_label("Hvad vi prøvede").fill("ORS i hver samtale")
    w.page.get_by_label("Hvad vi så").fill("Det virkede ikke de første uger")
    with w.page.expect_navigation():
        w.page.get_by_role("button", name="Gem").click()
    check_page(w)
    assert "Det virkede ikke de første uger" in w.page.content()

    d = open_page()
    log_in(d, site.director.username, site.password)
    d.goto("/forsoeg/")
    check_page(d)
    assert "Feedback i hver samtale" in d.page.content()
    d.page.goto(detail)
    check_page(d, screenshot="improvement-director.png")
    assert "Dette er en sammenhæng, ikke en effekt" in d.page.content()
    assert d.page.get_by_role("link", name="Rediger forsøg").count() == 0
