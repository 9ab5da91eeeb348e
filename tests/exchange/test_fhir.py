"""Acceptance 3: the FHIR export validates against the FHIR models and round-trips the item answers."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pydantic
import pytest
from django.conf import settings
from django.utils import translation
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.goal import Goal as FhirGoal
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from exchange import fhir, selectors
from exchange.kl import kl
from outcomes.models import KL_INFORMER_CODES, Informer

FFB = "urn:oid:1.2.208.176.2.22"


def resources(bundle: Bundle, kind) -> list:
    return [e.resource for e in bundle.entry if isinstance(e.resource, kind)]


def export_json(course) -> str:
    """The bundle as the file a receiver gets: JSON text."""
    return json.dumps(fhir.build_bundle(selectors.course_export(course=course)), ensure_ascii=False)


# --- The KL identifiers ---------------------------------------------------------------------------------------


def test_the_released_ffinst_questionnaire_is_referenced():
    """FFInst 1.0.0's canonical and linkIds (see exchange/kl.py for the sources and the decision)."""
    assert kl().who5_questionnaire == "http://fhir.kl.dk/ffinst/Questionnaire/KLToolsCareWHO5"
    assert kl().who5_link_ids == ("happy", "calm", "active", "rested", "interest")
    assert kl().kltools_codes == "http://fhir.kl.dk/ffinst/CodeSystem/KLToolsCodes"
    assert kl().ffb_code_system == FFB


@pytest.mark.django_db
def test_our_who5_items_are_kls_with_one_answer_code_per_item_and_value():
    items = selectors.who5_items()
    assert tuple(i.link_id for i in items) == kl().who5_link_ids
    codes = [o.code for i in items for o in i.options]
    assert len(codes) == 30 == len(set(codes))
    assert all(sorted(o.value for o in i.options) == [0, 1, 2, 3, 4, 5] for i in items)


# --- The export of a course -----------------------------------------------------------------------------------


def test_the_export_validates_and_round_trips_the_who5_answers(export_world):
    w = export_world
    text = export_json(w.course_a)
    bundle = fhir.validate(text)  # the FHIR model classes parse it
    assert bundle.type == "collection"
    responses = resources(bundle, QuestionnaireResponse)
    assert len(responses) == 2  # unit B's measurement is not in unit A's course
    for response in responses:
        assert response.questionnaire == kl().who5_questionnaire
        assert response.status == "completed"
        assert [i.linkId for i in response.item][:5] == list(kl().who5_link_ids)
        for item in response.item[:5]:
            assert item.answer[0].valueCoding.system == kl().kltools_codes
    # Parse back: the same values per linkId as stored, per measurement, in date order.
    back = fhir.who5_answers(text, selectors.who5_items())
    stored = [(m.date.isoformat(), m.answer_map()) for m in (w.who5_first, w.who5_latest)]
    assert [(date, answers) for _key, date, answers in back] == stored
    assert len({key for key, _date, _answers in back}) == 2
    urls = [e.fullUrl for e in bundle.entry]
    # responses, their WHO-5 scores, ratings, condition, goal, GAS levels
    assert len(urls) == len(set(urls)) == 2 + 2 + 3 + 1 + 1 + 2


def test_the_answer_codes_are_kls_codes_for_item_and_value(export_world):
    bundle = fhir.validate(export_json(export_world.course_a))
    latest = resources(bundle, QuestionnaireResponse)[1]
    happy = latest.item[0]
    assert happy.linkId == "happy"
    # WHO-5 'happy' answered 4 (Det meste af tiden): KL's code 9fd3c658-… (KLToolsValueSets.fsh).
    assert happy.answer[0].valueCoding.code == "9fd3c658-d0b7-4018-84e9-8588be7de478"
    assert happy.answer[0].valueCoding.display == "WHO-5 Det meste af tiden - 4 (glad)"  # KL's display verbatim
    # The note goes into KL's free-text item; who answered into KL's FindingInformer extension.
    assert latest.item[-1].linkId == "who5comment"
    assert latest.item[-1].answer[0].valueString == "Godt humør i dag"
    (informer,) = latest.extension
    assert informer.url == kl().finding_informer_extension
    assert informer.valueCodeableConcept.coding[0].code == KL_INFORMER_CODES[Informer.CITIZEN_STAFF]
    assert informer.valueCodeableConcept.coding[0].system == kl().kltools_codes
    assert latest.meta.profile == [kl().questionnaire_response_profile]


def test_life_domain_ratings_carry_their_ffb_codes_and_values(export_world):
    bundle = fhir.validate(export_json(export_world.course_a))
    ratings = {
        o.code.coding[0].code: o.valueInteger for o in resources(bundle, Observation) if o.code.coding[0].system == FFB
    }
    # relationships, network, health (their FFB codes from fixtures/instruments.json) → the stored ratings.
    assert ratings == {
        "3856b434-f72e-42a5-b9d1-0cc93f48434b": 7,
        "df194a84-6e4b-4f14-a194-d8d9d9a1fcad": 3,
        "4fb78b88-d3af-4cfb-84d7-f06daf423317": 10,
    }


def test_goals_address_their_ffb_life_domain_and_carry_their_gas_levels(export_world):
    bundle = fhir.validate(export_json(export_world.course_a))
    by_url = {e.fullUrl: e.resource for e in bundle.entry}
    (goal,) = resources(bundle, FhirGoal)
    assert goal.description.text == "At gå en tur hver dag"
    assert goal.lifecycleStatus == "active"
    condition = by_url[goal.addresses[0].reference]
    assert isinstance(condition, Condition)
    assert condition.code.coding[0].system == FFB
    assert condition.code.coding[0].code == "df194a84-6e4b-4f14-a194-d8d9d9a1fcad"  # Personer i netværk
    levels = [by_url[ref.reference] for ref in goal.outcomeReference]
    assert [(o.effectiveDateTime.isoformat()[:10], o.valueInteger) for o in levels] == [
        (export_world.goal.created_on.isoformat(), -1),
        (export_world.review.date.isoformat(), 1),
    ]
    assert all(o.focus[0].reference == next(k for k, v in by_url.items() if v is goal) for o in levels)


def test_no_name_cpr_or_database_id_identifies_the_citizen(export_world):
    w = export_world
    text = export_json(w.course_a)
    assert "Anna" not in text and "0101901234" not in text and "010190" not in text
    bundle = fhir.validate(text)
    subjects = {r.subject.identifier.value for r in resources(bundle, QuestionnaireResponse)}
    assert len(subjects) == 1
    (key,) = subjects
    assert key != str(w.citizen_a.pk) and len(key) == 16
    # Stable: a second export refers to the citizen and the measurements by the same keys.
    assert fhir.who5_answers(export_json(w.course_a), selectors.who5_items())[0][0] in text


def test_display_texts_are_danish_whatever_the_language(export_world):
    with translation.override("en"):
        text = export_json(export_world.course_a)
    assert '"Borger støttet af medarbejder"' in text and "Det meste af tiden" in text


def test_a_course_without_data_is_an_empty_but_valid_bundle(world):
    bundle = fhir.validate(export_json(world.course_b))
    assert not bundle.entry


# --- Validation can fail --------------------------------------------------------------------------------------


def test_validation_rejects_what_is_not_fhir(export_world):
    data = fhir.build_bundle(selectors.course_export(course=export_world.course_a))
    del data["entry"][0]["resource"]["status"]  # a QuestionnaireResponse must have a status
    with pytest.raises(pydantic.ValidationError):
        fhir.validate(data)
    data = fhir.build_bundle(selectors.course_export(course=export_world.course_a))
    data["entry"][0]["resource"]["authored"] = "den 3. marts"
    with pytest.raises(pydantic.ValidationError):
        fhir.validate(data)


def test_an_answer_without_a_kl_code_is_refused():
    items = fixture_who5_items()
    response = fhir.Who5Response("k", datetime.date(2026, 1, 5), "c", "Borger", {"happy": 6})
    with pytest.raises(ValueError, match="no KL answer code"):
        fhir.questionnaire_response(response, items, {})
    response = fhir.Who5Response("k", datetime.date(2026, 1, 5), "c", "Borger", {"glad": 1})
    with pytest.raises(ValueError, match="does not have"):
        fhir.questionnaire_response(response, items, {})


# --- Property: every answer set round-trips (pure: items read from the fixture file, no database) -------------


def fixture_who5_items() -> tuple[fhir.Who5Item, ...]:
    data = json.loads((Path(settings.BASE_DIR) / "fixtures" / "instruments.json").read_text(encoding="utf-8"))
    who5_pk = next(o["pk"] for o in data if o["model"] == "outcomes.instrument" and o["fields"]["code"] == "who5")
    items = sorted(
        (o["fields"] for o in data if o["model"] == "outcomes.instrumentitem" and o["fields"]["instrument"] == who5_pk),
        key=lambda f: f["order"],
    )
    return tuple(
        fhir.Who5Item(
            f["link_id"],
            f["text_da"],
            tuple(fhir.AnswerOption(o["value"], o["code"], o["label_da"]) for o in f["options"]),
        )
        for f in items
    )


ITEMS = fixture_who5_items()
answer_sets = st.dictionaries(st.sampled_from(kl().who5_link_ids), st.integers(0, 5), min_size=1)
responses = st.lists(
    st.tuples(answer_sets, st.dates(datetime.date(2000, 1, 1), datetime.date(2030, 12, 31)), st.sampled_from(Informer)),
    max_size=4,
)


@hsettings(max_examples=40, deadline=None)
@given(responses=responses, comment=st.text(max_size=40))
def test_any_set_of_answers_round_trips(responses, comment):
    export = fhir.CourseExport(
        citizen_key="0123456789abcdef",
        who5_items=ITEMS,
        who5=tuple(
            fhir.Who5Response(f"m{i}", date, KL_INFORMER_CODES[informer], "x", answers, comment)
            for i, (answers, date, informer) in enumerate(responses)
        ),
    )
    text = json.dumps(fhir.build_bundle(export))
    back = fhir.who5_answers(text, ITEMS)
    assert back == [(f"m{i}", date.isoformat(), answers) for i, (answers, date, _inf) in enumerate(responses)]


def test_the_instrument_names_the_same_questionnaire_as_the_export(db):
    """One canonical URL: the WHO-5 instrument's reference data and the FHIR export agree (KL FFInst 1.0.0)."""
    from outcomes.models import Instrument

    assert Instrument.objects.get(code="who5").fhir_questionnaire == kl().who5_questionnaire
