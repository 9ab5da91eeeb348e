"""The citizen's own voice in Chromium (README): a WHO-5 by personal link on a phone (390 px), and one
in the locked tablet mode (768 px) that cannot be left without the caseworker's password.

Every page passes :func:`check_page` (no console error or CSP violation, charts drawn, no serious axe-core violation)
and fits its viewport without horizontal scrolling. A small world of its own keeps these tests fast.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

import pytest

from tests.browser.pages import TABLET, check_page, log_in
from tests.browser.test_journeys import assert_fits

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
WHO5_VALUES = {"happy": 3, "calm": 4, "active": 3, "rested": 4, "interest": 5}  # raw 19 -> 76


def expect_refused(w, status: int) -> None:
    """A page answered with an error status on purpose: Chromium logs that status, and nothing else may be logged."""
    assert w.errors == [f"Failed to load resource: the server responded with a status of {status} ({REASONS[status]})"]
    w.errors.clear()


REASONS = {400: "Bad Request", 410: "Gone"}


@pytest.fixture
def small_world(browser, live_server):
    """The standard two-unit world, with an earlier WHO-5 and a goal for citizen A (so there is a development)."""
    from django.utils import timezone

    from outcomes import services as outcome_services
    from outcomes.models import Instrument, LifeDomain
    from tests import factories
    from tracker.reference import load_reference_data

    load_reference_data()
    world = factories.build_world()
    world.alice.first_name, world.alice.last_name = "Alice", "Andersen"
    world.alice.save()
    outcome_services.measurement_record(
        course=world.course_a,
        instrument=Instrument.objects.get(code="who5"),
        answers={"happy": 2, "calm": 2, "active": 1, "rested": 2, "interest": 2},
        date=timezone.localdate() - datetime.timedelta(days=60),
        informer="citizen",
        recorded_by=world.alice,
    )
    outcome_services.goal_create(
        user=world.alice,
        course=world.course_a,
        text="At gå en tur hver dag",
        life_domain=LifeDomain.objects.get(code="network"),
        level_minus2="Ingen ture",
        level_minus1="En tur om ugen",
        level_0="Tre ture om ugen",
        level_plus1="Fem ture om ugen",
        level_plus2="Hver dag",
        baseline_level=-1,
        created_on=timezone.localdate() - datetime.timedelta(days=60),
    )
    # The life domains rated by the citizen and by staff: the citizen page shows both perspectives side by side.
    life = Instrument.objects.get(code="life-domains")
    first, second = life.items.order_by("order")[:2]
    for informer, values in (("citizen", (4, 7)), ("staff", (8, 6))):
        outcome_services.measurement_record(
            course=world.course_a,
            instrument=life,
            answers={first.link_id: values[0], second.link_id: values[1]},
            date=timezone.localdate() - datetime.timedelta(days=30),
            informer=informer,
            recorded_by=world.alice,
        )
    world.password = factories.PASSWORD
    return world


def test_a_who5_by_personal_link_on_a_phone(open_page, small_world):
    from outcomes.models import Measurement
    from selfservice import services
    from tests.selfservice.conftest import who5

    link = services.link_create(user=small_world.alice, course=small_world.course_a, instrument=who5(), layout="all")
    w = open_page(viewport=PHONE)

    # The code page (for a code read aloud) is accessible too.
    w.goto("/b/")
    check_page(w, screenshot="citizen-link-code.png")
    assert_fits(w)

    w.goto(f"/b/{link.token}/")
    check_page(w, screenshot="citizen-link-who5.png")
    assert_fits(w)
    assert small_world.citizen_a.name not in w.page.content()
    for key, value in WHO5_VALUES.items():
        w.page.locator(f"input[name=item_{key}][value='{value}']").check()
    with w.page.expect_navigation():
        w.page.get_by_role("button", name="Send mine svar").click()
    assert w.page.get_by_role("heading", level=1).inner_text() == "Tak for dine svar"
    assert "76" in w.page.content()
    check_page(w, screenshot="citizen-link-thanks.png")
    assert_fits(w)

    measurement = Measurement.objects.get(completion="link")
    assert (measurement.course, measurement.score, measurement.informer) == (small_world.course_a, 76, "citizen")
    # The link is used up: opening it again says so, kindly.
    w.goto(f"/b/{link.token}/")
    assert w.page.get_by_role("heading", level=1).inner_text() == "Du har allerede svaret"
    expect_refused(w, 410)
    check_page(w)


def test_a_who5_in_the_locked_tablet_mode_that_needs_the_password_to_leave(open_page, small_world):
    from outcomes.models import Measurement

    citizen = small_world.citizen_a
    w = open_page(viewport=TABLET)
    log_in(w, "alice", small_world.password)
    w.goto(citizen.get_absolute_url())
    with w.page.expect_navigation():
        w.page.get_by_role("link", name="Lad borgeren svare selv").click()
    check_page(w)
    assert_fits(w)
    start_url = w.page.url

    # A personal link's printed sheet: the QR code is drawn by the server, nothing is fetched from elsewhere.
    requested: list[str] = []
    w.page.on("request", lambda request: requested.append(request.url))
    with w.page.expect_navigation():
        w.page.get_by_role("button", name="Opret link og ark").click()
    check_page(w, screenshot="caseworker-link-sheet.png")
    assert w.page.locator("img.sheet-qr").evaluate("img => img.complete && img.naturalWidth > 0")
    assert requested and all(url.startswith((w.base_url, "data:")) for url in requested), requested
    w.page.goto(start_url)

    with w.page.expect_navigation():
        w.page.get_by_role("button", name="Lås skærmen og giv tabletten videre").click()

    # The locked mode: the questionnaire only, one question at a time, no menu.
    assert w.page.url.endswith("/selvbesvarelse/tablet/")
    check_page(w, screenshot="citizen-tablet-who5.png")
    assert_fits(w)
    assert w.page.locator("nav").count() == 0
    assert w.page.get_by_text("Spørgsmål 1 af 5").is_visible()
    assert w.page.locator("fieldset.item:visible").count() == 1
    assert not w.page.get_by_role("button", name="Send mine svar").is_visible()

    # Back and typed addresses lead to no staff page.
    w.page.go_back()
    w.page.wait_for_load_state("load")
    assert urlsplit(w.page.url).path in ("/login/", "/selvbesvarelse/tablet/"), w.page.url
    assert "Borgerens overblik" not in w.page.content() and citizen.name not in w.page.content()
    for path in (citizen.get_absolute_url(), "/citizens/", f"/selvbesvarelse/borger/{citizen.pk}/"):
        w.goto(path)
        # The login page (or, with selfservice.middleware, the questionnaire): no staff page without a password.
        assert urlsplit(w.page.url).path in ("/login/", "/selvbesvarelse/tablet/"), w.page.url
        assert citizen.name not in w.page.content() and "Mine borgere" not in w.page.content()
    w.goto("/selvbesvarelse/tablet/")

    # One question at a time: "Næste" refuses to move on without an answer.
    w.page.get_by_role("button", name="Næste").click()
    assert w.page.get_by_text("Vælg et svar, før du går videre.").is_visible()
    keys = list(WHO5_VALUES)
    for n, key in enumerate(keys):
        w.page.locator(f"input[name=item_{key}][value='{WHO5_VALUES[key]}']").check()
        if n < len(keys) - 1:
            w.page.get_by_role("button", name="Næste").click()
            assert w.page.get_by_text(f"Spørgsmål {n + 2} af 5").is_visible()
    with w.page.expect_navigation():
        w.page.get_by_role("button", name="Send mine svar").click()

    # Thank you, and the citizen's own development: timeline and goals.
    assert w.page.url.endswith("/selvbesvarelse/tablet/tak/")
    check_page(w, screenshot="citizen-tablet-thanks.png")
    assert_fits(w)
    assert w.page.get_by_role("heading", name="Mine mål").is_visible()
    assert "At gå en tur hver dag" in w.page.content()
    assert Measurement.objects.get(completion="tablet").score == 76

    # Leaving needs the caseworker's password.
    with w.page.expect_navigation():
        w.page.get_by_role("link", name="Til medarbejderen: afslut").click()
    check_page(w)
    w.page.get_by_label("Medarbejderens adgangskode").fill("not-the-password")
    with w.page.expect_navigation():
        w.page.get_by_role("button", name="Afslut og log ind").click()
    assert w.page.url.endswith("/selvbesvarelse/tablet/afslut/")
    assert w.page.get_by_text("Adgangskoden passer ikke.", exact=True).is_visible()
    expect_refused(w, 400)
    check_page(w, axe=False)  # the same page as above, with an error message
    w.page.get_by_label("Medarbejderens adgangskode").fill(small_world.password)
    with w.page.expect_navigation():
        w.page.get_by_role("button", name="Afslut og log ind").click()
    assert w.page.url.endswith(citizen.get_absolute_url())
    assert "borgeren selv på tablet" in w.page.content()
    assert w.page.get_by_role("heading", name="To perspektiver: borgerens og medarbejderens vurdering").is_visible()
    assert w.page.get_by_text("-4 · stor forskel").is_visible()
    check_page(w, screenshot="caseworker-citizen-perspectives.png")
