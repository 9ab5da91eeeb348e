"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Playwright's own browser download does not work on these machines, so the tests launch the system Chromium
(``/usr/bin/chromium``; ``.ci/run`` installs it). Every page a test opens goes through
:func:`tests.browser.pages.check_page`.

The live server needs transactional tests, which empty every table afterwards. Each test therefore builds its own
data (reference data, a seeded municipality, three users), and the module-scoped fixture puts the reference data
back at the end so that the tests after these still find it.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.browser.first_visit import FIRST_VISITS, TIMINGS_FILE, summary_lines
from tests.browser.pages import CHROMIUM, CHROMIUM_ARGS, DESKTOP, Watched, watch
from tests.factories import DirectorScopeFactory, MembershipFactory


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives a real browser (Chromium) against the live server")


@pytest.fixture(scope="package")
def browser():
    """One Chromium for the browser tests; it stops when they are done, before the rest of the suite runs."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)")
    # Playwright's synchronous API keeps an asyncio event loop running in this thread while it is started, which
    # makes Django refuse ORM calls ("You cannot call this from an async context"). These tests are synchronous and
    # touch the database only between browser calls, so the check guards nothing here; it is back on afterwards.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with playwright_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def open_page(browser, live_server):
    """A factory for watched pages: ``open_page(viewport=TABLET)``; the contexts close after the test."""
    contexts = []

    def make(viewport: dict | None = None) -> Watched:
        context = browser.new_context(viewport=viewport or DESKTOP, locale="da-DK")
        contexts.append(context)
        return watch(context.new_page(), live_server.url)

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="module", autouse=True)
def _restore_reference_data(django_db_blocker):
    """Transactional tests empty every table; put the reference data back for the tests that follow."""
    yield
    from tracker.reference import load_reference_data

    with django_db_blocker.unblock():
        load_reference_data()


@pytest.fixture
def site(browser, live_server):
    """A seeded municipality (7 units, 60 citizens, 18 months) and a caseworker, a leader and a director."""
    from django.db.models import Count, Q

    from devtools import demo as demo_data
    from tests import factories
    from tracker.models import Membership, OrganisationUnit
    from tracker.reference import load_reference_data

    load_reference_data()
    demo_data.seed(units=7, citizens=60, months=18, seed=3, today=datetime.date.today())
    # The unit with the most open courses, so that the pages (and the screenshots) have something to show.
    unit = (
        OrganisationUnit.objects.filter(kind=OrganisationUnit.Kind.UNIT)
        .annotate(open_courses=Count("courses", filter=Q(courses__end__isnull=True)))
        .order_by("-open_courses", "pk")
        .first()
    )
    municipality = OrganisationUnit.objects.get(kind=OrganisationUnit.Kind.MUNICIPALITY)
    caseworker = factories.UserFactory(username="mette", first_name="Mette", last_name="Madsen")
    leader = factories.UserFactory(username="lars", first_name="Lars", last_name="Lund")
    director = factories.UserFactory(username="dorte", first_name="Dorte", last_name="Dam")
    MembershipFactory(user=caseworker, unit=unit, role=Membership.Role.CASEWORKER)
    MembershipFactory(user=leader, unit=unit, role=Membership.Role.LEADER)
    DirectorScopeFactory(user=director, unit=municipality)
    return SimpleNamespace(
        unit=unit, caseworker=caseworker, leader=leader, director=director, password=factories.PASSWORD
    )


def pytest_terminal_summary(terminalreporter, config):
    """The first visit to the chart pages (tests/browser/test_first_visit.py), when it ran: reported, not asserted."""
    timings = config.stash.get(FIRST_VISITS, None)
    if timings:
        terminalreporter.write_sep("-", "first visit to the chart pages: empty browser cache, loopback, ms since start")
        for line in summary_lines(timings):
            terminalreporter.write_line(line)
        terminalreporter.write_line(f"(written to {TIMINGS_FILE.relative_to(TIMINGS_FILE.parents[1])})")
