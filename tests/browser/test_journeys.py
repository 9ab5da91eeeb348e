"""The main journeys per role, in Chromium against the live server, on a seeded municipality.

Every page visited passes :func:`check_page` (no console error or CSP violation, every chart drawn, no serious
axe-core violation); the entry forms and the citizen page also fit a tablet (768 px) without horizontal scrolling.
"""

from __future__ import annotations

import datetime
import json

import pytest

from tests.browser.pages import SCREENSHOT_DIR, SCREENSHOTS, TABLET, Watched, check_page, log_in
from tracker.models import AccessRequest
from tracker.services import access_request_register

pytestmark = pytest.mark.browser

WHO5_ANSWERS = [3, 4, 3, 4, 5]  # raw 19 -> WHO-5 score 76


def pick_course(unit):
    """An open course in the unit with at least two WHO-5 measurements and none today (no duplicate question)."""
    from django.db.models import Count, Q

    from tracker.models import Course

    today = datetime.date.today()
    return (
        Course.objects.filter(unit=unit, end__isnull=True)
        .annotate(
            who5=Count("measurements", filter=Q(measurements__instrument__code="who5")),
            today=Count("measurements", filter=Q(measurements__date=today)),
        )
        .filter(who5__gte=2, today=0)
        .select_related("citizen")
        .order_by("pk")
        .first()
    )


def citizen_with_life_domains(unit):
    """A citizen of the unit with a life-domain rating of their own (not staff alone): their page has the radar."""
    from outcomes.models import Informer, Measurement

    measurement = (
        Measurement.objects.filter(course__unit=unit, instrument__code="life-domains")
        .exclude(informer=Informer.STAFF)
        .select_related("course__citizen")
        .order_by("pk")
        .first()
    )
    return measurement.course.citizen if measurement else None


def tab_until(w: Watched, condition: str, limit: int = 80) -> None:
    """Press Tab until the JavaScript ``condition`` (about ``document.activeElement``) holds."""
    for _ in range(limit):
        w.page.keyboard.press("Tab")
        if w.page.evaluate(f"() => {{ const el = document.activeElement; return Boolean({condition}); }}"):
            return
    raise AssertionError(f"{limit} presses of Tab never reached an element where {condition}")


def assert_fits(w: Watched) -> None:
    """No horizontal scrolling at the current viewport."""
    scroll_width, inner_width = w.page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width, f"{w.page.url}: {scroll_width}px wide in a {inner_width}px window"


def submit_with_keyboard(w: Watched) -> None:
    tab_until(w, "el.matches('button[type=submit].button-primary')")
    with w.page.expect_navigation():
        w.page.keyboard.press("Enter")


def test_caseworker_journey(open_page, site):
    course = pick_course(site.unit)
    assert course is not None, "the seeded unit has no open course with WHO-5 measurements"
    citizen = course.citizen
    w = open_page()
    log_in(w, site.caseworker.username, site.password)

    # 'Mine borgere': find the citizen with the search box.
    assert w.page.url.endswith("/citizens/")
    check_page(w, screenshot="caseworker-citizens.png")
    search = w.page.get_by_role("search").get_by_label("Søg")
    search.fill(citizen.name)
    with w.page.expect_navigation():
        search.press("Enter")
    check_page(w)
    link = w.page.get_by_role("link", name=citizen.name, exact=True).first
    with w.page.expect_navigation():
        link.press("Enter")
    assert w.page.url.endswith(citizen.get_absolute_url())
    check_page(w, screenshot="caseworker-citizen.png")

    # The life-domain radar (the one scatterpolar chart): plotly drew a polar subplot with both rings.
    rated = citizen_with_life_domains(site.unit)
    assert rated is not None, "the seeded unit has no citizen with a life-domain rating of their own"
    w.goto(rated.get_absolute_url())
    check_page(w)
    radar = w.page.locator("#radar-life-domains-plot")
    assert radar.get_attribute("data-drawn") == "true"
    assert radar.locator("svg.main-svg .polarlayer .trace.scatter").count() == 2

    # WHO-5 with the keyboard only: Tab into each item's radio group, Space, arrow keys; Enter on "Gem måling".
    w.goto(f"/courses/{course.pk}/measure/who5/")
    check_page(w, screenshot="caseworker-who5-form.png")
    groups = w.page.eval_on_selector_all(
        "fieldset.item",
        "sets => sets.map(fs => [...fs.querySelectorAll('input[type=radio]')].map(r => [r.name, r.value]))",
    )
    assert len(groups) == len(WHO5_ANSWERS)
    for radios, answer in zip(groups, WHO5_ANSWERS, strict=True):
        name = radios[0][0]
        tab_until(w, f"el.name === {json.dumps(name)}")
        w.page.keyboard.press("Space")
        steps = [value for _name, value in radios].index(str(answer)) - [v for _n, v in radios].index(
            w.page.evaluate("() => document.activeElement.value")
        )
        for _ in range(abs(steps)):
            w.page.keyboard.press("ArrowRight" if steps > 0 else "ArrowLeft")
        checked = w.page.eval_on_selector(f"input[name={json.dumps(name)}]:checked", "el => el.value")
        assert checked == str(answer)
    submit_with_keyboard(w)
    assert "/measurements/" in w.page.url, f"the WHO-5 was not saved: {w.page.url}"
    check_page(w, screenshot="caseworker-who5-result.png")
    spec = json.loads(w.page.locator("script#timeline").text_content())
    today = datetime.date.today().isoformat()
    line = spec["data"][0]
    assert line["x"][-1] == today and line["y"][-1] == 76, (line["x"][-3:], line["y"][-3:])
    assert len(line["x"]) >= 3
    assert w.page.locator("#timeline-plot").get_attribute("data-drawn") == "true"

    # Set a goal, then review it.
    w.goto(f"/courses/{course.pk}/goals/new/")
    check_page(w, screenshot="caseworker-goal-form.png")
    goal_text = "Handle ind selv en gang om ugen"
    w.page.locator("[name=text]").fill(goal_text)
    for level, text in (
        ("level_plus2", "Handler ind selv hver uge og planlægger måltider"),
        ("level_plus1", "Handler ind selv hver uge"),
        ("level_0", "Handler ind selv hver anden uge"),
        ("level_minus1", "Handler ind med støtte"),
        ("level_minus2", "Handler ikke ind"),
    ):
        w.page.locator(f"[name={level}]").fill(text)
    w.page.locator("[name=life_domain]").select_option(index=1)
    w.page.locator("[name=baseline_level]").select_option("-1")
    submit_with_keyboard(w)
    assert "#goals-h" in w.page.url, f"the goal was not saved: {w.page.url}"
    check_page(w)
    row = w.page.locator("section:has(#goals-h) table tr", has_text=goal_text).first
    with w.page.expect_navigation():
        row.get_by_role("link", name="Følg op").press("Enter")
    check_page(w, screenshot="caseworker-goal-review.png")
    w.page.locator("input[name=level][value='0']").check()
    submit_with_keyboard(w)
    assert "#goals-h" in w.page.url, f"the review was not saved: {w.page.url}"
    check_page(w)
    assert "+0" in w.page.locator("section:has(#goals-h) table tr", has_text=goal_text).first.inner_text()

    # Log a collaboration with a partner from the register.
    w.goto(f"/courses/{course.pk}/collaborations/new/")
    check_page(w, screenshot="caseworker-collaboration-form.png")
    partner = w.page.locator("#partner-options option").first.get_attribute("value")
    w.page.locator("[name=partner_name]").fill(partner)
    w.page.locator("input[name=usefulness][value='4']").check()
    submit_with_keyboard(w)
    assert "#collab-h" in w.page.url, f"the collaboration was not saved: {w.page.url}"
    check_page(w)
    collaborations = w.page.locator("#collab-h").locator("xpath=..").inner_text()
    assert f"{datetime.date.today():%d.%m.%Y}\t{partner.split(' (')[0]}" in collaborations

    # The partner register and the citizen's own view ('Min udvikling').
    w.goto("/partners/")
    check_page(w, screenshot="caseworker-partners.png")
    w.goto(f"/citizens/{citizen.pk}/my-progress/")
    check_page(w, screenshot="caseworker-my-progress.png")
    w.goto("/security/")
    check_page(w)

    # A tablet (768 px): the entry forms and the citizen page need no horizontal scrolling.
    t = open_page(viewport=TABLET)
    log_in(t, site.caseworker.username, site.password)
    for path in (
        citizen.get_absolute_url(),
        f"/courses/{course.pk}/measure/who5/",
        f"/courses/{course.pk}/goals/new/",
        f"/courses/{course.pk}/collaborations/new/",
    ):
        t.goto(path)
        check_page(t, axe=False)
        assert_fits(t)


def test_leader_journey(open_page, site):
    w = open_page()
    log_in(w, site.leader.username, site.password)
    assert w.page.url.endswith("/leader/"), w.page.url
    check_page(w, screenshot="leader-dashboard.png")
    assert w.page.locator("[data-chart]").count() >= 2
    w.goto("/leader/report/")
    check_page(w, screenshot="leader-report.png")
    # The complete record (GDPR art. 15) of one of the unit's citizens, produced for a registered request.
    course = pick_course(site.unit)
    request = access_request_register(
        user=site.leader,
        citizen=course.citizen,
        unit=site.unit,
        received_on=datetime.date.today(),
        delivery=AccessRequest.Delivery.IN_PERSON,
    )
    w.goto(f"/access-requests/{request.pk}/record/")
    check_page(w)
    assert course.citizen.name in w.page.content()
    # The analysts' data dictionary for the unit's tidy export.
    w.goto("/eksport/dataordbog/")
    check_page(w)
    assert "citizen_key" in w.page.content()


def test_security_and_api_pages(open_page, site):
    """The security page, the API key page (making a key) and the API documentation pass the same checks."""
    w = open_page()
    log_in(w, site.caseworker.username, site.password)
    w.goto("/security/")
    check_page(w)
    w.page.get_by_role("link", name="Din adgangsnøgle").click()
    check_page(w)
    w.page.get_by_role("button", name="Lav en adgangsnøgle").click()
    check_page(w)
    key = w.page.locator("#api-key").input_value()
    assert len(key) == 40
    w.goto("/api/docs/")
    check_page(w, screenshot="api-docs.png")


def test_director_journey(open_page, site):
    w = open_page()
    log_in(w, site.director.username, site.password)
    assert w.page.url.endswith("/director/"), w.page.url
    check_page(w, screenshot="director-comparison.png")
    # The share funnel is left out when every unit's improved count is hidden; the mean-change funnel is not.
    funnel = w.page.locator("#funnel-plot, #mean-funnel-plot").first
    assert funnel.get_attribute("data-drawn") == "true"
    assert funnel.locator(".main-svg").count() >= 1  # plotly drew an SVG
    if SCREENSHOTS:
        funnel.screenshot(path=str(SCREENSHOT_DIR / "director-funnel.png"))
