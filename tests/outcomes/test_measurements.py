"""Recording measurements: one page, the score at once, and nothing saved when any answer is wrong."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from outcomes import services
from outcomes.models import Instrument, InstrumentItem, ItemAnswer, Measurement, TrajectorySummary
from tests import factories
from tracker.models import AuditEntry, Citizen, Course, EndReason

ITEM_RANGE_FORM_MESSAGE = "Svaret skal være et helt tal fra 0 til 5."
ITEM_RANGE_MODEL_MESSAGE = "Svaret skal ligge mellem 0 og 5."
FUTURE_MESSAGE = "Datoen må ikke ligge i fremtiden."
ANSWERS = {"happy": 5, "calm": 4, "active": 3, "rested": 2, "interest": 1}


@pytest.fixture(autouse=True)
def danish():
    """Messages are asserted in Danish, whatever language an earlier test's request left active in this thread."""
    with translation.override("da"):
        yield


def today() -> datetime.date:
    return timezone.localdate()


def row_counts() -> dict[str, int]:
    return {
        "citizens": Citizen.objects.count(),
        "courses": Course.objects.count(),
        "measurements": Measurement.objects.count(),
        "answers": ItemAnswer.objects.count(),
        "summaries": TrajectorySummary.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


def create_url(course, code: str = "who5") -> str:
    return reverse("outcomes:measurement_create", args=[course.pk, code])


def who5_post(**overrides) -> dict:
    data = {f"item_{k}": str(v) for k, v in ANSWERS.items()}
    data.update(date=today().isoformat(), informer="citizen", note="")
    data.update(overrides)
    return data


def item(link_id: str, code: str = "who5") -> InstrumentItem:
    return InstrumentItem.objects.get(instrument__code=code, link_id=link_id)


def record(world, answers=None, date=None, **kwargs) -> Measurement:
    return services.measurement_record(
        course=world.course_a,
        instrument=factories.who5(),
        answers=answers or ANSWERS,
        date=date or today(),
        informer="citizen",
        recorded_by=world.alice,
        **kwargs,
    )


def radio_checked(html: str, name: str, value) -> bool:
    return re.search(rf'name="{name}" value="{value}"[^>]*\schecked', html) is not None


# --- A successful WHO-5 ------------------------------------------------------------------------------


def test_who5_form_renders_all_five_items(client, world):
    client.force_login(world.alice)
    response = client.get(create_url(world.course_a))
    assert response.status_code == 200
    html = response.content.decode()
    for link_id in ANSWERS:
        assert f'name="item_{link_id}"' in html
    assert 'type="hidden" name="confirm_duplicate"' in html


def test_who5_post_saves_one_measurement_with_five_answers(client, world):
    client.force_login(world.alice)
    before = row_counts()
    response = client.post(create_url(world.course_a), who5_post())
    assert response.status_code == 302
    measurement = Measurement.objects.get()
    assert response.url == reverse("outcomes:measurement_detail", args=[measurement.pk])
    assert row_counts()["measurements"] == before["measurements"] + 1
    assert row_counts()["answers"] == before["answers"] + 5
    assert measurement.answer_map() == ANSWERS
    assert (measurement.raw_score, measurement.score) == (15.0, 60.0)
    assert (measurement.course, measurement.date, measurement.informer) == (world.course_a, today(), "citizen")
    assert measurement.recorded_by == world.alice
    summary = TrajectorySummary.objects.get(course=world.course_a, instrument=measurement.instrument)
    assert (summary.n_measurements, summary.baseline_id, summary.latest_score) == (1, measurement.pk, 60.0)
    entry = AuditEntry.objects.get(action="create")
    assert (entry.citizen_id, entry.object_type) == (world.citizen_a.pk, "outcomes.measurement")
    assert entry.detail["after"]["answers"] == ANSWERS


def test_the_measurement_page_shows_the_score(client, world):
    client.force_login(world.alice)
    response = client.post(create_url(world.course_a), who5_post(), follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'class="score">\s*60\b', html)
    measurement = Measurement.objects.get()
    assert AuditEntry.objects.filter(action="read", object_id=measurement.pk).count() == 1


def test_the_measurement_page_shows_change_since_baseline(client, world):
    record(world, answers=dict.fromkeys(ANSWERS, 1), date=world.course_a.start + datetime.timedelta(days=1))
    latest = record(world, answers=dict.fromkeys(ANSWERS, 3))
    client.force_login(world.alice)
    response = client.get(reverse("outcomes:measurement_detail", args=[latest.pk]))
    assert response.status_code == 200
    assert (latest.score, response.context["change_since_baseline"]) == (60.0, 40.0)
    assert "Ændring siden første måling" in response.content.decode()


def test_colleague_in_another_unit_cannot_see_the_measurement(client, world):
    measurement = record(world)
    client.force_login(world.bob)
    assert client.get(reverse("outcomes:measurement_detail", args=[measurement.pk])).status_code == 404
    client.force_login(world.charlie)
    assert client.get(reverse("outcomes:measurement_detail", args=[measurement.pk])).status_code in (403, 404)


def test_profile_measurement_through_the_form(client, world):
    life = Instrument.objects.get(code="life-domains")
    items = list(life.items.all())
    client.force_login(world.alice)
    data = {"date": today().isoformat(), "informer": "citizen_staff", f"item_{items[0].link_id}": "7"}
    response = client.post(create_url(world.course_a, "life-domains"), data)
    assert response.status_code == 302
    measurement = Measurement.objects.get()
    assert measurement.answer_map() == {items[0].link_id: 7}
    assert measurement.score is None and measurement.raw_score is None


def test_profile_with_nothing_answered_is_refused(client, world):
    client.force_login(world.alice)
    before = row_counts()
    response = client.post(
        create_url(world.course_a, "life-domains"), {"date": today().isoformat(), "informer": "citizen"}
    )
    assert response.status_code == 400
    assert "Besvar mindst ét spørgsmål." in response.content.decode()
    assert row_counts() == before


# --- Item answer out of range: form level ------------------------------------------------------------


@pytest.mark.parametrize("typed", ["6", "-1", "2.5", "abc"])
def test_who5_post_refuses_an_answer_out_of_range(client, world, typed):
    client.force_login(world.alice)
    before = row_counts()
    response = client.post(create_url(world.course_a), who5_post(item_happy=typed))
    assert response.status_code == 400
    html = response.content.decode()
    assert ITEM_RANGE_FORM_MESSAGE in html
    # The error sits at the offending item, and the other answers and the date are kept.
    assert re.search(r'id="fs-item_happy"', html)
    assert html.index(ITEM_RANGE_FORM_MESSAGE) > html.index('id="fs-item_happy"')
    assert html.index(ITEM_RANGE_FORM_MESSAGE) < html.index('id="fs-item_calm"')
    for link_id in ("calm", "active", "rested", "interest"):
        assert radio_checked(html, f"item_{link_id}", ANSWERS[link_id]), link_id
    assert f'value="{today().isoformat()}"' in html
    assert row_counts() == before


def test_who5_post_refuses_a_missing_answer_and_names_it(client, world):
    client.force_login(world.alice)
    before = row_counts()
    data = who5_post()
    del data["item_rested"]
    response = client.post(create_url(world.course_a), data)
    assert response.status_code == 400
    html = response.content.decode()
    message = "Besvar dette spørgsmål (0–5)."
    assert message in html
    assert html.index('id="fs-item_rested"') < html.index(message) < html.index('id="fs-item_interest"')
    assert radio_checked(html, "item_happy", 5)
    assert row_counts() == before


def test_who5_post_refuses_a_future_date(client, world):
    client.force_login(world.alice)
    before = row_counts()
    tomorrow = today() + datetime.timedelta(days=1)
    response = client.post(create_url(world.course_a), who5_post(date=tomorrow.isoformat()))
    assert response.status_code == 400
    html = response.content.decode()
    assert FUTURE_MESSAGE in html
    assert f'value="{tomorrow.isoformat()}"' in html
    assert radio_checked(html, "item_happy", 5)
    assert row_counts() == before


def test_who5_post_refuses_a_date_before_the_course_started(client, world):
    client.force_login(world.alice)
    before = row_counts()
    early = world.course_a.start - datetime.timedelta(days=1)
    response = client.post(create_url(world.course_a), who5_post(date=early.isoformat()))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Datoen ligger før forløbets start" in html
    assert f'value="{early.isoformat()}"' in html
    assert row_counts() == before


def test_measurement_on_a_closed_course_is_not_offered(client, world):
    course = world.course_a
    course.end, course.end_reason = today(), EndReason.objects.get(code="moved")
    course.save()
    client.force_login(world.alice)
    before = row_counts()
    assert client.get(create_url(course)).status_code == 404
    assert client.post(create_url(course), who5_post()).status_code == 404
    assert row_counts() == before


def test_unknown_or_gas_instrument_is_not_recordable(client, world):
    client.force_login(world.alice)
    assert client.get(create_url(world.course_a, "no-such-instrument")).status_code == 404
    assert client.get(create_url(world.course_a, "gas")).status_code == 404


# --- Same-day duplicates ask for confirmation --------------------------------------------------------


def test_second_measurement_same_day_asks_for_confirmation(client, world):
    record(world)
    client.force_login(world.alice)
    before = row_counts()
    response = client.post(create_url(world.course_a), who5_post(item_happy="0"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Der er allerede registreret en WHO-5 denne dag. Sæt kryds for at registrere endnu en." in html
    assert re.search(r'<input type="checkbox" name="confirm_duplicate"', html)
    assert radio_checked(html, "item_happy", 0)
    assert row_counts() == before

    response = client.post(create_url(world.course_a), who5_post(item_happy="0", confirm_duplicate="on"))
    assert response.status_code == 302
    assert Measurement.objects.filter(course=world.course_a, date=today()).count() == 2
    assert TrajectorySummary.objects.get(course=world.course_a).n_measurements == 2


def test_measurement_on_another_day_needs_no_confirmation(client, world):
    record(world, date=today() - datetime.timedelta(days=7))
    client.force_login(world.alice)
    response = client.post(create_url(world.course_a), who5_post())
    assert response.status_code == 302
    assert Measurement.objects.count() == 2


# --- Item answer out of range: model and service level -----------------------------------------------


@pytest.fixture
def empty_measurement(world) -> Measurement:
    return factories.MeasurementFactory(
        course=world.course_a, instrument=factories.who5(), date=today(), recorded_by=None
    )


@pytest.mark.parametrize("value", [6, -1, 100])
def test_item_answer_full_clean_refuses_a_value_outside_the_items_range(empty_measurement, value):
    answer = ItemAnswer(measurement=empty_measurement, item=item("happy"), value=value)
    with pytest.raises(ValidationError) as exc:
        answer.full_clean()
    assert exc.value.message_dict["value"] == [ITEM_RANGE_MODEL_MESSAGE]


@pytest.mark.parametrize("value", [0, 5])
def test_item_answer_full_clean_accepts_the_range_ends(empty_measurement, value):
    ItemAnswer(measurement=empty_measurement, item=item("happy"), value=value).full_clean()


@pytest.mark.parametrize("value", [101, -101, 32000])
def test_database_refuses_an_unbounded_item_answer(empty_measurement, value):
    with pytest.raises(IntegrityError), transaction.atomic():
        ItemAnswer.objects.create(measurement=empty_measurement, item=item("happy"), value=value)
    assert not ItemAnswer.objects.exists()


def test_database_refuses_two_answers_to_one_item(empty_measurement):
    factories.ItemAnswerFactory(measurement=empty_measurement, item=item("happy"), value=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        ItemAnswer.objects.create(measurement=empty_measurement, item=item("happy"), value=4)
    assert ItemAnswer.objects.count() == 1


def test_measurement_record_refuses_an_answer_out_of_range_and_saves_nothing(world):
    before = row_counts()
    with pytest.raises(ValidationError) as exc:
        record(world, answers={**ANSWERS, "calm": 6})
    assert exc.value.message_dict == {"calm": [ITEM_RANGE_FORM_MESSAGE]}
    assert row_counts() == before


def test_measurement_record_refuses_a_missing_answer_and_names_it(world):
    answers = dict(ANSWERS)
    del answers["interest"]
    before = row_counts()
    with pytest.raises(ValidationError) as exc:
        record(world, answers=answers)
    assert exc.value.message_dict == {"interest": ["Besvar dette spørgsmål (0–5)."]}
    assert row_counts() == before


def test_measurement_record_refuses_an_unknown_item(world):
    before = row_counts()
    with pytest.raises(ValidationError) as exc:
        record(world, answers={**ANSWERS, "sleepy": 2})
    assert exc.value.message_dict == {"sleepy": ["Spørgsmålet hører ikke til dette måleredskab."]}
    assert row_counts() == before


def test_measurement_record_refuses_a_future_date(world):
    before = row_counts()
    with pytest.raises(ValidationError) as exc:
        record(world, date=today() + datetime.timedelta(days=1))
    assert exc.value.message_dict == {"date": [FUTURE_MESSAGE]}
    assert row_counts() == before


def test_measurement_record_refuses_a_date_after_the_course_ended(world):
    course = world.course_a
    course.end, course.end_reason = course.start + datetime.timedelta(days=10), EndReason.objects.get(code="moved")
    course.save()
    before = row_counts()
    with pytest.raises(ValidationError) as exc:
        record(world, date=course.end + datetime.timedelta(days=1))
    assert exc.value.message_dict == {"date": ["Datoen ligger efter forløbets afslutning."]}
    assert row_counts() == before


def test_measurement_record_refuses_gas(world):
    before = row_counts()
    with pytest.raises(ValidationError):
        services.measurement_record(
            course=world.course_a,
            instrument=Instrument.objects.get(code="gas"),
            answers={},
            date=today(),
            informer="citizen",
            recorded_by=world.alice,
        )
    assert row_counts() == before


def test_measurement_update_refuses_out_of_range_and_keeps_the_old_answers(world):
    measurement = record(world)
    before = row_counts()
    with pytest.raises(ValidationError):
        services.measurement_update(measurement=measurement, user=world.alice, answers={**ANSWERS, "happy": 7})
    measurement = Measurement.objects.get(pk=measurement.pk)
    assert measurement.answer_map() == ANSWERS
    assert measurement.score == 60.0
    assert row_counts() == before


def test_measurement_update_rescores_and_refreshes_the_summary(world):
    measurement = record(world)
    services.measurement_update(measurement=measurement, user=world.alice, answers=dict.fromkeys(ANSWERS, 5))
    measurement.refresh_from_db()
    assert (measurement.raw_score, measurement.score) == (25.0, 100.0)
    assert TrajectorySummary.objects.get(course=world.course_a).latest_score == 100.0


def test_measurement_delete_removes_the_summary(world):
    measurement = record(world)
    services.measurement_delete(measurement=measurement, user=world.alice)
    assert not Measurement.objects.exists()
    assert not ItemAnswer.objects.exists()
    assert not TrajectorySummary.objects.exists()
    assert AuditEntry.objects.filter(action="delete").count() == 1


def test_item_error_follows_the_users_language(client, world):
    with translation.override("en"):
        english = translation.gettext("Svaret skal være et helt tal fra %(lo)s til %(hi)s.") % {"lo": 0, "hi": 5}
    assert english != ITEM_RANGE_FORM_MESSAGE, "locale/en has no translation of this message"
    client.force_login(world.alice)
    client.cookies["django_language"] = "en"  # what the language switch sets
    before = row_counts()
    response = client.post(create_url(world.course_a), who5_post(item_happy="6"))
    assert response.status_code == 400
    html = response.content.decode()
    assert escape(english) in html
    assert ITEM_RANGE_FORM_MESSAGE not in html
    assert row_counts() == before
