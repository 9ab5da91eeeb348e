"""Every caseworker flow through the browser's eyes (Django's test client): the happy path, and each failure
path answering 400 with the typed values shown again and nothing saved in any table.

Complements tests/tracker/test_views.py and tests/outcomes/test_measurements.py, which cover the CPR
checks, ending courses and single WHO-5 errors; goals and their reviews are in tests/outcomes/test_goals.py.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from html.parser import HTMLParser

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from outcomes import services as outcome_services
from outcomes.models import Goal, GoalReview, Instrument, LifeDomain, Measurement
from tests import factories
from tests.factories import row_counts
from tracker import services
from tracker.models import (
    AuditEntry,
    Citizen,
    Collaboration,
    CollaborationKind,
    Course,
    EndReason,
    LegalBasis,
    Membership,
    Partner,
    Sector,
)

WHO5_ANSWERS = {"happy": 5, "calm": 4, "active": 3, "rested": 2, "interest": 1}  # raw 15, score 60
FUTURE_MESSAGE = "Datoen må ikke ligge i fremtiden."
REQUIRED_MESSAGE = "Dette felt er påkrævet."
LIFE_DOMAIN_ITEMS = [
    "relationships",
    "communication",
    "mobility",
    "self-care",
    "community-life",
    "practical-tasks",
    "mental-functions",
    "physical-functions",
    "health",
    "social-circumstances",
    "network",
    "neighbourhood",
]


@pytest.fixture(autouse=True)
def danish():
    """Messages are asserted in Danish, whatever language an earlier test's request left active in this thread."""
    with translation.override("da"):
        yield


# --- Helpers -----------------------------------------------------------------------------------------


def today() -> datetime.date:
    return timezone.localdate()


def days_ago(n: int) -> datetime.date:
    return today() - datetime.timedelta(days=n)


def legal_basis(code: str = "sel-85") -> LegalBasis:
    return LegalBasis.objects.get(code=code)


def sector(code: str = "jobcenter") -> Sector:
    return Sector.objects.get(code=code)


def kind(code: str = "meeting") -> CollaborationKind:
    return CollaborationKind.objects.get(code=code)


def record(course, user, code: str = "who5", answers=None, date=None, note: str = "") -> Measurement:
    return outcome_services.measurement_record(
        course=course,
        instrument=Instrument.objects.get(code=code),
        answers=WHO5_ANSWERS if answers is None else answers,
        date=date or today(),
        informer="citizen",
        recorded_by=user,
        note=note,
    )


def who5_all(value: int) -> dict[str, int]:
    return dict.fromkeys(WHO5_ANSWERS, value)


def make_goal(course, user, text: str, created_on=None, **fields) -> Goal:
    values = {
        "life_domain": LifeDomain.objects.get(code="relationships"),
        "level_minus2": "Ser ingen",
        "level_minus1": "Ser én ven sjældnere end hver måned",
        "level_0": "Ser én ven hver måned",
        "level_plus1": "Ser to venner hver måned",
        "level_plus2": "Ser venner hver uge",
        "baseline_level": -1,
        **fields,
    }
    return outcome_services.goal_create(
        user=user,
        course=course,
        text=text,
        created_on=created_on or course.start + datetime.timedelta(days=1),
        **values,
    )


def review(goal, user, level: int, date, note: str = "") -> GoalReview:
    return outcome_services.goal_review_record(user=user, goal=goal, date=date, level=level, note=note)


def selected_option(html: str, value) -> bool:
    return re.search(rf'<option value="{value}"[^>]*\sselected', html) is not None


def radio_checked(html: str, name: str, value) -> bool:
    return re.search(rf'name="{name}" value="{value}"[^>]*\schecked', html) is not None


def json_script(html: str, element_id: str):
    """The data of a ``{{ value|json_script:element_id }}`` element."""
    match = re.search(rf'<script id="{re.escape(element_id)}" type="application/json">(.*?)</script>', html, re.S)
    assert match, f'no <script id="{element_id}" type="application/json"> in the page'
    return json.loads(match.group(1))


class _TableParser(HTMLParser):
    """The text of every body row's cells, in document order."""

    def __init__(self):
        super().__init__()
        self.rows: list[list[str]] = []
        self._in_body = self._in_cell = False

    def handle_starttag(self, tag, attrs):
        if tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self.rows.append([])
        elif tag in ("td", "th") and self._in_body and self.rows:
            self._in_cell = True
            self.rows[-1].append("")

    def handle_endtag(self, tag):
        if tag == "tbody":
            self._in_body = False
        elif tag in ("td", "th"):
            self._in_cell = False

    def handle_data(self, data):
        if self._in_cell:
            self.rows[-1][-1] += data

    def close(self):
        super().close()
        self.rows = [[" ".join(cell.split()) for cell in row] for row in self.rows]


def table_rows(html: str) -> list[list[str]]:
    parser = _TableParser()
    parser.feed(html)
    parser.close()
    return parser.rows


class _FormParser(HTMLParser):
    """What a browser would submit from a form as rendered: text inputs, checked boxes, selected options."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, str] = {}
        self._select: str | None = None
        self._first_option: tuple[str, str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name"):
            if a.get("type") in ("radio", "checkbox"):
                if "checked" in a:
                    self.data[a["name"]] = a.get("value", "on")
            else:
                self.data[a["name"]] = a.get("value") or ""
        elif tag == "select":
            self._select, self._first_option = a.get("name"), None
        elif tag == "option" and self._select:
            if self._first_option is None:
                self._first_option = (self._select, a.get("value", ""))
            if "selected" in a:
                self.data[self._select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            if self._select not in self.data and self._first_option:
                self.data[self._select] = self._first_option[1]  # a browser submits the first option
            self._select = None


def form_defaults(html: str, form_class: str) -> dict[str, str]:
    """The values the form with this class would submit if the user only pressed the button."""
    match = re.search(rf'<form[^>]*class="{form_class}"[^>]*>(.*?)</form>', html, re.S)
    assert match, f'no <form class="{form_class}"> in the page'
    parser = _FormParser()
    parser.feed(match.group(1))
    parser.close()
    return parser.data


# --- Create a citizen with the first course ----------------------------------------------------------


def citizen_post(world, **overrides) -> dict:
    data = {
        "citizen-name": "Carl Carlsen",
        "citizen-cpr": "020385-1234",
        "citizen-gender": "male",
        "citizen-birth_year": "",
        "course-unit": str(world.unit_a.pk),
        "course-legal_basis": str(legal_basis().pk),
        "course-start": days_ago(10).isoformat(),
    }
    data.update(overrides)
    return data


def test_citizen_create_without_a_name_saves_nothing_and_keeps_the_course(client, world):
    client.force_login(world.alice)
    before = row_counts()
    response = client.post(reverse("tracker:citizen_create"), citizen_post(world, **{"citizen-name": ""}))
    assert response.status_code == 400
    html = response.content.decode()
    assert REQUIRED_MESSAGE in html
    assert 'value="020385-1234"' in html
    assert selected_option(html, "male")
    assert selected_option(html, world.unit_a.pk)
    assert selected_option(html, legal_basis().pk)
    assert f'value="{days_ago(10).isoformat()}"' in html
    assert row_counts() == before


def test_citizen_create_with_a_bad_course_does_not_save_the_citizen(client, world):
    client.force_login(world.alice)
    before = row_counts()
    too_late = today() + datetime.timedelta(days=400)
    response = client.post(
        reverse("tracker:citizen_create"), citizen_post(world, **{"course-start": too_late.isoformat()})
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Startdatoen ligger mere end en måned ude i fremtiden. Tjek årstallet." in html
    assert 'value="Carl Carlsen"' in html and 'value="020385-1234"' in html
    assert f'value="{too_late.isoformat()}"' in html
    assert row_counts() == before
    assert not Citizen.objects.filter(name="Carl Carlsen").exists()


def test_citizen_create_refuses_a_legal_basis_the_unit_does_not_offer(client, world):
    world.unit_a.legal_bases.set([legal_basis("sel-85")])
    client.force_login(world.alice)
    before = row_counts()
    response = client.post(
        reverse("tracker:citizen_create"), citizen_post(world, **{"course-legal_basis": legal_basis("sel-107").pk})
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enheden tilbyder ikke dette lovgrundlag." in html
    assert 'value="Carl Carlsen"' in html
    assert selected_option(html, legal_basis("sel-107").pk)
    assert row_counts() == before


# --- Edit a citizen ----------------------------------------------------------------------------------


def test_citizen_update_saves_gender_birth_year_and_a_first_cpr_without_logging_the_number(client, world):
    citizen = world.citizen_b  # no CPR yet; bob works with this citizen
    client.force_login(world.bob)
    response = client.post(
        reverse("tracker:citizen_update", args=[citizen.pk]),
        {"name": "Bent Bentsen", "cpr": "150872-4321", "gender": "male", "birth_year": ""},
    )
    assert response.status_code == 302
    assert response.url == reverse("tracker:citizen_detail", args=[citizen.pk])
    citizen.refresh_from_db()
    assert (citizen.cpr, citizen.gender, citizen.birth_year) == ("1508724321", "male", 1972)
    entry = AuditEntry.objects.get(action="change")
    assert (entry.user, entry.citizen_id) == (world.bob, citizen.pk)
    assert entry.detail["changes"]["cpr"] == {"before": "***", "after": "***"}
    assert entry.detail["changes"]["gender"] == {"before": "female", "after": "male"}
    assert "4321" not in json.dumps(entry.detail)


def test_citizen_update_without_a_name_and_with_an_impossible_birth_year_changes_nothing(client, world):
    client.force_login(world.alice)
    before = row_counts()
    response = client.post(
        reverse("tracker:citizen_update", args=[world.citizen_a.pk]),
        {"name": "", "cpr": "", "gender": "other", "birth_year": "1800"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert REQUIRED_MESSAGE in html
    assert 'value="1800"' in html
    assert selected_option(html, "other")
    assert row_counts() == before
    world.citizen_a.refresh_from_db()
    assert (world.citizen_a.name, world.citizen_a.gender, world.citizen_a.birth_year) == (
        "Anna Andersen",
        "female",
        None,
    )


def test_citizen_update_refuses_another_citizens_cpr(client, world):
    other = factories.CitizenFactory(name="Dorte Dahl")
    factories.CourseFactory(unit=world.unit_a, citizen=other)
    client.force_login(world.alice)
    before = row_counts()
    response = client.post(
        reverse("tracker:citizen_update", args=[other.pk]),
        {"name": "Dorte Dahl", "cpr": "010190-1234", "gender": "female", "birth_year": ""},
    )
    assert response.status_code == 400
    assert 'value="010190-1234"' in response.content.decode()
    # Nothing saved but the log of the attempt (a CPR number that belongs to someone else is an existence probe).
    assert row_counts() == {**before, "AuditEntry": before["AuditEntry"] + 1}
    probe = AuditEntry.objects.get(purpose="cpr_probe")
    assert "0101901234" not in str(probe.detail) and probe.citizen_id == other.pk
    other.refresh_from_db()
    assert other.cpr is None


# --- Start a course ----------------------------------------------------------------------------------


def test_course_start_more_than_a_year_ahead_is_refused(client, world):
    course = world.course_a
    course.end, course.end_reason = days_ago(5), EndReason.objects.get(code="moved")
    course.save()
    client.force_login(world.alice)
    before = row_counts()
    too_late = today() + datetime.timedelta(days=400)
    response = client.post(
        reverse("tracker:course_start", args=[world.citizen_a.pk]),
        {"unit": world.unit_a.pk, "legal_basis": legal_basis().pk, "start": too_late.isoformat()},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Startdatoen ligger mere end en måned ude i fremtiden. Tjek årstallet." in html
    assert f'value="{too_late.isoformat()}"' in html
    assert selected_option(html, world.unit_a.pk) and selected_option(html, legal_basis().pk)
    assert row_counts() == before


def test_course_start_without_a_legal_basis_is_refused(client, world, unit_c):
    client.force_login(world.alice)
    before = row_counts()
    response = client.post(
        reverse("tracker:course_start", args=[world.citizen_a.pk]),
        {"unit": unit_c.pk, "legal_basis": "", "start": days_ago(1).isoformat()},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert REQUIRED_MESSAGE in html
    assert selected_option(html, unit_c.pk)
    assert f'value="{days_ago(1).isoformat()}"' in html
    assert row_counts() == before


# --- Move a citizen between two of my units -----------------------------------------------------------


@pytest.fixture
def unit_c(world):
    """A second unit of alice's: moving a citizen means ending the course in A and starting one in C."""
    unit = factories.UnitFactory(name="Botilbud C", code="c", parent=world.department)
    factories.MembershipFactory(user=world.alice, unit=unit, role=Membership.Role.CASEWORKER)
    return unit


def test_move_a_citizen_from_one_of_my_units_to_another(client, world, unit_c):
    client.force_login(world.alice)
    citizen = world.citizen_a
    form = client.get(reverse("tracker:course_start", args=[citizen.pk])).content.decode()
    unit_select = re.search(r'<select name="unit".*?</select>', form, re.S).group(0)
    assert re.findall(r'<option value="(\d+)"', unit_select) == [str(world.unit_a.pk), str(unit_c.pk)]

    response = client.post(
        reverse("tracker:course_end", args=[world.course_a.pk]),
        {"end": today().isoformat(), "end_reason": EndReason.objects.get(code="transferred").pk},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("tracker:course_start", args=[citizen.pk]),
        {"unit": unit_c.pk, "legal_basis": legal_basis("sel-107").pk, "start": today().isoformat()},
    )
    assert response.status_code == 302
    assert response.url == reverse("tracker:citizen_detail", args=[citizen.pk])

    world.course_a.refresh_from_db()
    assert (world.course_a.end, world.course_a.end_reason.code) == (today(), "transferred")
    new = Course.objects.get(citizen=citizen, end__isnull=True)
    assert (new.unit, new.legal_basis.code, new.start) == (unit_c, "sel-107", today())
    assert AuditEntry.objects.filter(action="change", object_id=world.course_a.pk).count() == 1
    assert AuditEntry.objects.filter(action="create", object_type="tracker.course", object_id=new.pk).count() == 1

    rows = table_rows(client.get(reverse("tracker:citizen_list")).content.decode())
    assert [row[:2] for row in rows if row[0] == "Anna Andersen"] == [["Anna Andersen", "Botilbud C"]]
    detail = table_rows(client.get(reverse("tracker:citizen_detail", args=[citizen.pk])).content.decode())
    assert {row[0] for row in detail[:2]} == {"Bostøtte A", "Botilbud C"}


def test_move_to_a_unit_that_does_not_offer_the_legal_basis_saves_nothing(client, world, unit_c):
    unit_c.legal_bases.set([legal_basis("sel-107")])
    client.force_login(world.alice)
    course = world.course_a
    course.end, course.end_reason = today(), EndReason.objects.get(code="transferred")
    course.save()
    before = row_counts()
    response = client.post(
        reverse("tracker:course_start", args=[world.citizen_a.pk]),
        {"unit": unit_c.pk, "legal_basis": legal_basis("sel-85").pk, "start": today().isoformat()},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enheden tilbyder ikke dette lovgrundlag." in html
    assert selected_option(html, unit_c.pk) and selected_option(html, legal_basis("sel-85").pk)
    assert row_counts() == before
    assert not Course.objects.filter(citizen=world.citizen_a, end__isnull=True).exists()


# --- WHO-5 -------------------------------------------------------------------------------------------


def test_who5_with_several_errors_names_each_one_keeps_the_rest_and_saves_nothing(client, world):
    client.force_login(world.alice)
    before = row_counts()
    tomorrow = today() + datetime.timedelta(days=1)
    data = {
        "item_calm": "9",
        "item_active": "3",
        "item_rested": "2",
        "item_interest": "1",
        "date": tomorrow.isoformat(),
        "informer": "citizen_staff",
        "note": "Svarede sammen med mig",
    }  # item_happy missing
    response = client.post(reverse("outcomes:measurement_create", args=[world.course_a.pk, "who5"]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Besvar dette spørgsmål (0–5)." in html
    assert "Svaret skal være et helt tal fra 0 til 5." in html
    assert FUTURE_MESSAGE in html
    for link_id in ("active", "rested", "interest"):
        assert radio_checked(html, f"item_{link_id}", data[f"item_{link_id}"]), link_id
    assert f'value="{tomorrow.isoformat()}"' in html
    assert selected_option(html, "citizen_staff")
    assert "Svarede sammen med mig" in html
    assert row_counts() == before


# --- The life-domain self-rating ---------------------------------------------------------------------


def life_url(world) -> str:
    return reverse("outcomes:measurement_create", args=[world.course_a.pk, "life-domains"])


def test_life_domain_form_offers_0_to_10_and_not_assessed_for_every_domain(client, world):
    client.force_login(world.alice)
    response = client.get(life_url(world))
    assert response.status_code == 200
    html = response.content.decode()
    for link_id in LIFE_DOMAIN_ITEMS:
        values = re.findall(rf'type="radio" name="item_{link_id}" value="([^"]*)"', html)
        assert values == [str(v) for v in range(11)] + [""], link_id
    assert "Ikke vurderet" in html


def test_life_domain_rating_saves_the_rated_domains_and_skips_the_rest(client, world):
    client.force_login(world.alice)
    before = row_counts()
    data = {f"item_{link_id}": "" for link_id in LIFE_DOMAIN_ITEMS}  # "ikke vurderet" everywhere …
    data.update({"item_relationships": "3", "item_health": "0", "item_neighbourhood": "10"})  # … but three
    data.update(date=days_ago(2).isoformat(), informer="citizen")
    response = client.post(life_url(world), data)
    assert response.status_code == 302
    measurement = Measurement.objects.get()
    assert response.url == reverse("outcomes:measurement_detail", args=[measurement.pk])
    assert measurement.answer_map() == {"relationships": 3, "health": 0, "neighbourhood": 10}
    assert (measurement.score, measurement.raw_score, measurement.date) == (None, None, days_ago(2))
    after = row_counts()
    assert (after["Measurement"], after["ItemAnswer"]) == (before["Measurement"] + 1, before["ItemAnswer"] + 3)

    rows = table_rows(client.get(reverse("tracker:citizen_detail", args=[world.citizen_a.pk])).content.decode())
    profile = {row[0]: row[1:] for row in rows if len(row) == 4}
    assert profile["Relationer"][:2] == ["3", "3"]
    assert profile["Sundhedsforhold"][:2] == ["0", "0"]
    assert profile.get("Mobilitet", ["–", "–"])[:2] == ["–", "–"]  # not assessed: a dash or no row


def test_life_domain_rating_with_every_domain_not_assessed_is_refused(client, world):
    client.force_login(world.alice)
    before = row_counts()
    data = {f"item_{link_id}": "" for link_id in LIFE_DOMAIN_ITEMS}
    data.update(date=today().isoformat(), informer="relative", note="Pårørende ringede")
    response = client.post(life_url(world), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Besvar mindst ét spørgsmål." in html
    assert selected_option(html, "relative")
    assert "Pårørende ringede" in html
    assert row_counts() == before


def test_life_domain_rating_out_of_range_is_refused_and_the_other_ratings_are_kept(client, world):
    client.force_login(world.alice)
    before = row_counts()
    data = {"item_relationships": "11", "item_mobility": "-1", "item_health": "7", "item_network": "2"}
    data.update(date=today().isoformat(), informer="citizen")
    response = client.post(life_url(world), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert html.count("Svaret skal være et helt tal fra 0 til 10.") == 2
    assert radio_checked(html, "item_health", 7) and radio_checked(html, "item_network", 2)
    assert row_counts() == before


# --- ORS total ---------------------------------------------------------------------------------------


def ors_url(world) -> str:
    return reverse("outcomes:measurement_create", args=[world.course_a.pk, "ors"])


def test_ors_form_is_one_number_from_0_to_40(client, world):
    client.force_login(world.alice)
    html = client.get(ors_url(world)).content.decode()
    inputs = re.findall(r'<input type="number" name="item_total"[^>]*>', html)
    assert len(inputs) == 1
    assert 'min="0"' in inputs[0] and 'max="40"' in inputs[0]


def test_ors_total_is_saved_as_the_score(client, world):
    client.force_login(world.alice)
    response = client.post(ors_url(world), {"item_total": "28", "date": today().isoformat(), "informer": "citizen"})
    assert response.status_code == 302
    measurement = Measurement.objects.get()
    assert (measurement.instrument.code, measurement.raw_score, measurement.score) == ("ors", 28.0, 28.0)
    assert measurement.answer_map() == {"total": 28}
    detail = client.get(response.url).content.decode()
    assert re.search(r'class="score">\s*28\b', detail)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("41", "Svaret skal være et helt tal fra 0 til 40."),
        ("-1", "Svaret skal være et helt tal fra 0 til 40."),
        ("12.5", "Svaret skal være et helt tal fra 0 til 40."),
        ("", "Besvar dette spørgsmål (0–40)."),
    ],
)
def test_ors_total_outside_0_to_40_is_refused(client, world, typed, message):
    client.force_login(world.alice)
    before = row_counts()
    data = {"item_total": typed, "date": days_ago(3).isoformat(), "informer": "citizen_relative"}
    response = client.post(ors_url(world), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    if typed:
        assert re.search(rf'name="item_total" value="{re.escape(typed)}"', html)
    assert f'value="{days_ago(3).isoformat()}"' in html
    assert selected_option(html, "citizen_relative")
    assert row_counts() == before


# --- The WHO-5 flow from the citizen page, one click -------------------------------------------------


def test_who5_from_the_citizen_page_to_the_chart_with_the_new_score(client, world):
    record(world.course_a, world.alice, answers=who5_all(1), date=days_ago(60))  # an earlier score of 20
    client.force_login(world.alice)
    page = client.get(reverse("tracker:citizen_detail", args=[world.citizen_a.pk])).content.decode()
    links = re.findall(r'<a [^>]*href="([^"]+)"[^>]*>WHO-5</a>', page)
    expected = reverse("outcomes:measurement_create", args=[world.course_a.pk, "who5"])
    assert links == [expected]

    form_page = client.get(links[0])
    assert form_page.status_code == 200
    defaults = form_defaults(form_page.content.decode(), "measurement-form")
    assert (defaults["date"], defaults["informer"]) == (today().isoformat(), "citizen")
    answers = {f"item_{k}": str(v) for k, v in WHO5_ANSWERS.items()}
    response = client.post(links[0], {**defaults, **answers}, follow=True)

    assert response.status_code == 200
    measurement = Measurement.objects.get(date=today())
    assert response.redirect_chain == [(reverse("outcomes:measurement_detail", args=[measurement.pk]), 302)]
    assert measurement.score == 60.0
    chart = json_script(response.content.decode(), "timeline")
    line = chart["data"][0]
    assert line["x"] == [days_ago(60).isoformat(), today().isoformat()]
    assert line["y"] == [20.0, 60.0]
    highlight = next(trace for trace in chart["data"] if trace["marker"]["symbol"] == "star")
    assert (highlight["x"], highlight["y"]) == ([today().isoformat()], [60.0])

    page = client.get(reverse("tracker:citizen_detail", args=[world.citizen_a.pk])).content.decode()
    on_citizen_page = json_script(page, "timeline-who5")["data"][0]
    assert (on_citizen_page["x"][-1], on_citizen_page["y"][-1]) == (today().isoformat(), 60.0)


# --- Collaborations ----------------------------------------------------------------------------------


def collab_url(world) -> str:
    return reverse("tracker:collaboration_create", args=[world.course_a.pk])


def collab_post(**overrides) -> dict:
    data = {
        "partner_name": "Jobcenter Aarhus",
        "new_partner_sector": "",
        "kind": str(kind().pk),
        "date": days_ago(1).isoformat(),
        "initiated_by": "partner",
        "citizen_participated": "on",
        "usefulness": "4",
        "note": "Aftalte praktik",
    }
    data.update(overrides)
    return data


@pytest.fixture
def jobcenter(db) -> Partner:
    return factories.PartnerFactory(name="Jobcenter Aarhus", sector=sector("jobcenter"))


def test_collaboration_form_suggests_the_register_as_name_and_sector(client, world, jobcenter):
    client.force_login(world.alice)
    response = client.get(collab_url(world))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<option value="Jobcenter Aarhus (Jobcenter)"></option>' in html
    assert f'name="date" value="{today().isoformat()}"' in html


@pytest.mark.parametrize("typed", ["Jobcenter Aarhus", "jobcenter aarhus", "Jobcenter Aarhus (Jobcenter)"])
def test_collaboration_with_a_partner_from_the_register(client, world, jobcenter, typed):
    client.force_login(world.alice)
    response = client.post(collab_url(world), collab_post(partner_name=typed))
    assert response.status_code == 302
    assert response.url == reverse("tracker:citizen_detail", args=[world.citizen_a.pk]) + "#collab-h"
    collab = Collaboration.objects.get()
    assert (collab.course, collab.partner, collab.kind.code, collab.date) == (
        world.course_a,
        jobcenter,
        "meeting",
        days_ago(1),
    )
    assert (collab.initiated_by, collab.citizen_participated, collab.usefulness) == ("partner", True, 4)
    assert (collab.note, collab.recorded_by) == ("Aftalte praktik", world.alice)
    assert Partner.objects.count() == 1
    entry = AuditEntry.objects.get(action="create", object_type="tracker.collaboration")
    assert entry.citizen_id == world.citizen_a.pk
    assert "note" not in entry.detail["after"]


def test_name_and_sector_pick_the_right_partner_among_namesakes(client, world, jobcenter):
    housing = factories.PartnerFactory(name="Jobcenter Aarhus", sector=sector("housing"))
    client.force_login(world.alice)
    response = client.post(collab_url(world), collab_post(partner_name="Jobcenter Aarhus (Bolig / boligselskab)"))
    assert response.status_code == 302
    assert Collaboration.objects.get().partner == housing


def test_a_new_partner_with_a_sector_is_created_together_with_the_collaboration(client, world):
    client.force_login(world.alice)
    response = client.post(
        collab_url(world),
        collab_post(partner_name="  Recovery-skolen  ", new_partner_sector=sector("civil-society").pk, usefulness=""),
    )
    assert response.status_code == 302
    partner = Partner.objects.get()
    assert (partner.name, partner.sector.code) == ("Recovery-skolen", "civil-society")
    collab = Collaboration.objects.get()
    assert (collab.partner, collab.usefulness) == (partner, None)
    page = client.get(reverse("tracker:citizen_detail", args=[world.citizen_a.pk])).content.decode()
    assert "Recovery-skolen" in page


def refused_collaboration(case: str) -> tuple[dict, str, str | None]:
    """(what the user changed from a valid new-partner form, the field that must carry the error, its message)."""
    peer = str(sector("peer").pk)
    tomorrow = (today() + datetime.timedelta(days=1)).isoformat()
    return {
        "new-partner-without-sector": (
            {"new_partner_sector": ""},
            "new_partner_sector",
            "“Ny Partner ApS” findes ikke i registeret. Vælg en sektor for at oprette den som ny samarbejdspartner.",
        ),
        "future-date": ({"new_partner_sector": peer, "date": tomorrow}, "date", FUTURE_MESSAGE),
        "usefulness-6": ({"new_partner_sector": peer, "usefulness": "6"}, "usefulness", None),
        "usefulness-0": ({"new_partner_sector": peer, "usefulness": "0"}, "usefulness", None),
        "no-partner": ({"new_partner_sector": peer, "partner_name": ""}, "partner_name", REQUIRED_MESSAGE),
    }[case]


@pytest.mark.parametrize(
    "case", ["new-partner-without-sector", "future-date", "usefulness-6", "usefulness-0", "no-partner"]
)
def test_a_refused_collaboration_saves_neither_partner_nor_collaboration(client, world, case):
    overrides, field, message = refused_collaboration(case)
    data = collab_post(partner_name="Ny Partner ApS", note="Kort note til kollegerne", usefulness="3")
    data.update(overrides)
    client.force_login(world.alice)
    before = row_counts()
    response = client.post(collab_url(world), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert field in response.context["form"].errors
    if message:
        assert escape(message) in html
    if data["partner_name"]:
        assert f'value="{data["partner_name"]}"' in html
    if data["new_partner_sector"]:
        assert selected_option(html, data["new_partner_sector"])
    assert f'value="{data["date"]}"' in html
    assert "Kort note til kollegerne" in html
    assert selected_option(html, kind().pk)
    assert selected_option(html, "partner")
    if data["usefulness"] in ("1", "2", "3", "4", "5"):
        assert radio_checked(html, "usefulness", data["usefulness"])
    assert row_counts() == before


def test_a_collaboration_dated_outside_the_course_is_refused(client, world, jobcenter):
    """Like a measurement (outcomes/services.py, _validate_date) and a goal, a collaboration belongs inside its
    course: not before it started, and not after it ended."""
    course = world.course_a
    client.force_login(world.alice)
    before = row_counts()
    early = course.start - datetime.timedelta(days=30)
    response = client.post(collab_url(world), collab_post(date=early.isoformat()))
    assert response.status_code == 400
    assert f'value="{early.isoformat()}"' in response.content.decode()
    assert row_counts() == before

    course.end, course.end_reason = days_ago(20), EndReason.objects.get(code="moved")
    course.save()
    response = client.post(collab_url(world), collab_post(date=days_ago(2).isoformat()))
    assert response.status_code in (400, 404)
    assert row_counts() == before


def test_collaboration_service_creates_the_partner_only_with_the_collaboration(world):
    """Both or neither: a collaboration the model refuses takes its new partner with it."""
    before = row_counts()
    with pytest.raises(ValidationError):
        services.collaboration_log(
            user=world.alice,
            course=world.course_a,
            partner=None,
            new_partner_name="Ny Partner ApS",
            new_partner_sector=sector("peer"),
            kind=kind(),
            date=today(),
            initiated_by="unit",
            usefulness=9,
        )
    assert row_counts() == before


# --- The partner register ----------------------------------------------------------------------------


@pytest.fixture
def register(db) -> list[Partner]:
    return [
        factories.PartnerFactory(name="Jobcenter Aarhus", sector=sector("jobcenter"), contact="Mette, team 3"),
        factories.PartnerFactory(name="Jobcenter Randers", sector=sector("jobcenter")),
        factories.PartnerFactory(name="Lokalpsykiatrien Nord", sector=sector("psychiatry"), contact="Hanne"),
        factories.PartnerFactory(name="Café Paraplyen", sector=sector("civil-society"), contact="Mette"),
    ]


def partner_names(response) -> list[str]:
    assert response.status_code == 200
    return [row[0] for row in table_rows(response.content.decode()) if len(row) > 1]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["Café Paraplyen", "Jobcenter Aarhus", "Jobcenter Randers", "Lokalpsykiatrien Nord"]),
        ({"q": "jobcenter"}, ["Jobcenter Aarhus", "Jobcenter Randers"]),
        ({"q": "Mette"}, ["Café Paraplyen", "Jobcenter Aarhus"]),  # the contact is searched too
        ({"sector": "psychiatry"}, ["Lokalpsykiatrien Nord"]),
        ({"q": "Mette", "sector": "jobcenter"}, ["Jobcenter Aarhus"]),
    ],
)
def test_partner_list_search_and_sector_filter(client, world, register, query, expected):
    if "sector" in query:
        query = {**query, "sector": sector(query["sector"]).pk}
    client.force_login(world.alice)
    assert partner_names(client.get(reverse("tracker:partner_list"), query)) == expected


def test_partner_create_adds_to_the_register(client, world, register):
    client.force_login(world.alice)
    response = client.post(
        reverse("tracker:partner_create"),
        {"name": "Boligselskabet Vest", "sector": sector("housing").pk, "contact": "Viceværten"},
    )
    assert response.status_code == 302
    assert response.url == reverse("tracker:partner_list")
    partner = Partner.objects.get(name="Boligselskabet Vest")
    assert (partner.sector.code, partner.contact) == ("housing", "Viceværten")
    assert "Boligselskabet Vest" in partner_names(client.get(reverse("tracker:partner_list")))


def test_partner_create_refuses_a_duplicate_name_in_the_same_sector(client, world, register):
    client.force_login(world.alice)
    before = row_counts()
    response = client.post(
        reverse("tracker:partner_create"),
        {"name": "Jobcenter Aarhus", "sector": sector("jobcenter").pk, "contact": "Ny kontakt"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Der findes allerede en samarbejdspartner med dette navn i sektoren." in html
    assert 'value="Jobcenter Aarhus"' in html and 'value="Ny kontakt"' in html
    assert selected_option(html, sector("jobcenter").pk)
    assert row_counts() == before


def test_partner_create_accepts_the_same_name_in_another_sector(client, world, register):
    client.force_login(world.alice)
    response = client.post(
        reverse("tracker:partner_create"), {"name": "Jobcenter Aarhus", "sector": sector("municipal").pk}
    )
    assert response.status_code == 302
    assert Partner.objects.filter(name="Jobcenter Aarhus").count() == 2


# --- "Min udvikling": the citizen's own summary ------------------------------------------------------


def test_citizen_summary_shows_goals_and_scores_but_no_staff_notes(client, world, jobcenter):
    course = world.course_a
    record(course, world.alice, answers=who5_all(2), date=days_ago(150), note="STAFF-ONLY-NOTE")
    record(course, world.alice, answers=who5_all(4), date=days_ago(10))
    goal = make_goal(course, world.alice, "Jeg vil gå en tur hver dag", created_on=days_ago(150))
    review(goal, world.alice, 1, days_ago(10), note="REVIEW-NOTE-FOR-STAFF")
    services.collaboration_record(
        user=world.alice,
        course=course,
        partner=jobcenter,
        kind=kind(),
        date=days_ago(20),
        initiated_by="unit",
        note="COLLABORATION-NOTE-FOR-STAFF",
    )
    client.force_login(world.alice)
    response = client.get(reverse("outcomes:citizen_summary", args=[world.citizen_a.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Jeg vil gå en tur hver dag" in html
    assert "Ser to venner hver måned" in html  # the text of the level reached, +1
    scores = [row[1] for row in table_rows(html) if len(row) == 2]
    assert scores == ["40", "80"]
    assert "fik du 40" in html and "fik du 80" in html
    for note in ("STAFF-ONLY-NOTE", "REVIEW-NOTE-FOR-STAFF", "COLLABORATION-NOTE-FOR-STAFF"):
        assert note not in html
    entry = AuditEntry.objects.get(action="export")
    assert (entry.citizen_id, entry.purpose) == (world.citizen_a.pk, "citizen_summary_print")


# --- "Mine borgere": export, the due filter and the columns ------------------------------------------


def export_rows(response, export_format: str) -> list[list[str]]:
    if export_format == "csv":
        return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize(
    ("export_format", "content_type"),
    [
        ("csv", "text/csv; charset=utf-8"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_my_citizens_export(client, world, export_format, content_type):
    client.force_login(world.alice)
    before = AuditEntry.objects.count()
    response = client.get(reverse("tracker:citizen_list"), {"_export": export_format})
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert f"mine-borgere-{today():%Y-%m-%d}.{export_format}" in response["Content-Disposition"]
    rows = export_rows(response, export_format)
    assert rows[0][0] == "Borger"
    names = [row[0] for row in rows[1:]]
    assert names == ["Anna Andersen"]
    assert "Bent Bentsen" not in json.dumps(rows)
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.user, entry.purpose) == ("export", world.alice, "citizen_list")
    assert entry.detail["format"] == export_format
    assert entry.detail["citizen_ids"] == [world.citizen_a.pk]


def test_my_citizens_export_has_every_row_not_only_the_first_page(client, world):
    for n in range(30):
        factories.CourseFactory(unit=world.unit_a, citizen=factories.CitizenFactory(name=f"Borger {n:02d}"))
    client.force_login(world.alice)
    response = client.get(reverse("tracker:citizen_list"), {"_export": "csv"})
    assert len(export_rows(response, "csv")) == 1 + 31
    assert len(AuditEntry.objects.get(action="export").detail["citizen_ids"]) == 31


def test_due_filter_lists_courses_without_a_recent_who5(client, world):
    def course(name):
        return factories.CourseFactory(unit=world.unit_a, citizen=factories.CitizenFactory(name=name))

    record(course("Yrsa Igår"), world.alice, date=days_ago(1))
    record(course("Gitte Gammel"), world.alice, date=days_ago(120))
    record(course("Lise Livsområder"), world.alice, code="life-domains", answers={"health": 5}, date=days_ago(1))
    sixty = course("Sara Tresstyve")
    record(sixty, world.alice, date=days_ago(150))
    record(sixty, world.alice, date=days_ago(60))
    # Anna Andersen (world.course_a) has never had a WHO-5.
    client.force_login(world.alice)

    def names(**query):
        response = client.get(reverse("tracker:citizen_list"), query)
        assert response.status_code == 200
        return sorted(row[0] for row in table_rows(response.content.decode()))

    assert names(due="true") == ["Anna Andersen", "Gitte Gammel", "Lise Livsområder"]
    assert names(due="false") == ["Sara Tresstyve", "Yrsa Igår"]
    assert len(names()) == 5


def test_goals_on_track_and_who5_columns_for_a_hand_built_course(client, world):
    course = world.course_a
    record(course, world.alice, answers=who5_all(2), date=days_ago(190))  # 40
    record(course, world.alice, answers=who5_all(1), date=days_ago(100))  # 20
    record(course, world.alice, answers={**who5_all(3), "happy": 5}, date=days_ago(5))  # 17 × 4 = 68
    falling = make_goal(course, world.alice, "Falder tilbage")
    review(falling, world.alice, -1, days_ago(10))  # the latest review, recorded first
    review(falling, world.alice, 1, days_ago(50))
    rising = make_goal(course, world.alice, "Kommer op")
    review(rising, world.alice, -2, days_ago(50))
    review(rising, world.alice, 0, days_ago(10))
    above = make_goal(course, world.alice, "Over forventet")
    review(above, world.alice, 2, days_ago(10))
    make_goal(course, world.alice, "Ikke fulgt op")  # baseline −1, never reviewed
    closed = make_goal(course, world.alice, "Afsluttet")
    review(closed, world.alice, 2, days_ago(10))
    Goal.objects.filter(pk=closed.pk).update(closed_on=days_ago(9))
    factories.CourseFactory(unit=world.unit_a, citizen=factories.CitizenFactory(name="Ole Uden Data"))

    client.force_login(world.alice)
    response = client.get(reverse("tracker:citizen_list"))
    html = response.content.decode()
    header = re.findall(r"<th[^>]*>\s*(?:<a[^>]*>)?([^<]+?)\s*(?:</a>)?\s*</th>", html)
    rows = {row[0]: dict(zip(header, row, strict=True)) for row in table_rows(html)}
    anna = rows["Anna Andersen"]
    assert anna["Seneste WHO-5"] == "68"
    assert anna["WHO-5-ændring siden start"] == "+28"
    assert anna["Mål på sporet"] == "2 af 4"
    assert anna["Seneste måling"] == days_ago(5).strftime("%d.%m.%Y")
    assert anna["Opfølgning"] == "I orden"
    ole = rows["Ole Uden Data"]
    assert (ole["Seneste WHO-5"], ole["WHO-5-ændring siden start"], ole["Mål på sporet"]) == ("—", "—", "–")
    assert "Måling forfalden" in ole["Opfølgning"]

    exported = export_rows(client.get(reverse("tracker:citizen_list"), {"_export": "csv"}), "csv")
    anna_export = dict(zip(exported[0], next(r for r in exported if r[0] == "Anna Andersen"), strict=True))
    assert anna_export["Mål på sporet"] == "2/4"
    assert float(anna_export["Seneste WHO-5"]) == 68
    assert float(anna_export["WHO-5-ændring siden start"]) == 28


# --- English on the new pages ------------------------------------------------------------------------


def in_english(message: str) -> str:
    with translation.override("en"):
        return translation.gettext(message)


@pytest.mark.parametrize(
    ("page", "title"),
    [
        ("goal_create", "Nyt mål"),
        ("goal_review_create", "Opfølgning på mål"),
        ("collaboration_create", "Registrér samarbejde"),
        ("partner_list", "Samarbejdspartnere"),
        ("citizen_summary", "Min udvikling"),
    ],
)
def test_new_pages_are_danish_by_default_and_english_after_the_switch(client, world, page, title):
    goal = make_goal(world.course_a, world.alice, "Jeg vil sove bedre")
    url = {
        "goal_create": reverse("outcomes:goal_create", args=[world.course_a.pk]),
        "goal_review_create": reverse("outcomes:goal_review_create", args=[goal.pk]),
        "collaboration_create": reverse("tracker:collaboration_create", args=[world.course_a.pk]),
        "partner_list": reverse("tracker:partner_list"),
        "citizen_summary": reverse("outcomes:citizen_summary", args=[world.citizen_a.pk]),
    }[page]
    client.force_login(world.alice)
    html = client.get(url).content.decode()
    assert '<html lang="da">' in html
    assert f"<title>{title}" in html

    client.cookies["django_language"] = "en"  # what the language switch sets
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    english = in_english(title)
    assert english != title, f"locale/en has no translation of {title!r}"
    assert f"<title>{escape(english)}" in html


@pytest.mark.parametrize(("days_ahead", "status"), [(14, 302), (31, 302), (32, 400), (364, 400)])
def test_a_course_start_far_ahead_is_refused_not_accepted_silently(client, world, days_ahead, status):
    """A start a year ahead (usually a typo in the year) was once saved silently; a planned start soon is fine."""
    client.force_login(world.alice)
    start = today() + datetime.timedelta(days=days_ahead)
    response = client.post(
        reverse("tracker:citizen_create"), citizen_post(world, **{"course-start": start.isoformat()})
    )
    assert response.status_code == status
    if status == 400:
        assert "Tjek årstallet" in response.content.decode()
    # The service refuses it too, whatever the channel.
    if status == 400:
        with pytest.raises(ValidationError):
            services.course_start(
                user=world.alice, citizen=world.citizen_b, unit=world.unit_a, legal_basis=legal_basis(), start=start
            )
