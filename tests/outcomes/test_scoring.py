"""The pure scoring module: WHO-5 sum ×4, profiles, totals, and the refusal of every answer that cannot be scored.

WHO-5 (Topp et al. 2015; WHO Regional Office for Europe 1998): five items 0–5, raw score 0–25, multiplied by 4
to the 0–100 percentage score.
"""

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from outcomes import scoring
from outcomes.scoring import InstrumentDefinition, ItemDefinition, ScoringError, score_answers
from outcomes.services import scoring_messages
from tests import factories

WHO5_ITEMS = ("happy", "calm", "active", "rested", "interest")
WHO5 = InstrumentDefinition(
    code="who5", scoring="sum", multiplier=4.0, items=tuple(ItemDefinition(i, 0, 5) for i in WHO5_ITEMS)
)
PROFILE = InstrumentDefinition(
    code="life-domains",
    scoring="profile",
    multiplier=1.0,
    items=tuple(ItemDefinition(i, 0, 10) for i in ("relationships", "health", "network")),
)
TOTAL = InstrumentDefinition(code="ors", scoring="total", multiplier=1.0, items=(ItemDefinition("total", 0, 40),))


def who5_answers(*values) -> dict[str, object]:
    return dict(zip(WHO5_ITEMS, values, strict=True))


def errors_of(definition, answers) -> dict[str, str]:
    with pytest.raises(ScoringError) as exc:
        score_answers(definition, answers)
    return exc.value.errors


# --- WHO-5 -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "raw", "score"),
    [
        ((5, 5, 5, 5, 5), 25.0, 100.0),
        ((0, 0, 0, 0, 0), 0.0, 0.0),
        ((3, 3, 2, 2, 3), 13.0, 52.0),
        ((5, 4, 3, 2, 1), 15.0, 60.0),
    ],
)
def test_who5_raw_sum_times_four(values, raw, score):
    result = score_answers(WHO5, who5_answers(*values))
    assert (result.raw_score, result.score) == (raw, score)
    assert result.answers == who5_answers(*values)


def test_who5_accepts_numbers_typed_as_text():
    result = score_answers(WHO5, who5_answers("5", " 4 ", "3", "2", 1.0))
    assert result.answers == who5_answers(5, 4, 3, 2, 1)
    assert result.score == 60.0


def test_the_who5_fixture_matches_the_published_definition(db):
    definition = factories.who5().definition()
    assert definition.scoring == "sum"
    assert definition.multiplier == 4.0
    assert [(i.link_id, i.min_value, i.max_value) for i in definition.items] == [(i, 0, 5) for i in WHO5_ITEMS]


@given(st.lists(st.integers(min_value=0, max_value=5), min_size=5, max_size=5))
def test_who5_score_is_four_times_the_sum(values):
    result = score_answers(WHO5, who5_answers(*values))
    assert result.raw_score == sum(values)
    assert result.score == 4 * sum(values)
    assert 0 <= result.score <= 100


# --- Refusals ----------------------------------------------------------------------------------------


def test_missing_item_is_refused_and_named():
    answers = who5_answers(5, 4, 3, 2, 1)
    del answers["calm"]
    assert errors_of(WHO5, answers) == {"calm": "missing:0:5"}


def test_empty_answer_counts_as_missing():
    assert errors_of(WHO5, who5_answers(5, "", 3, None, 1)) == {"calm": "missing:0:5", "rested": "missing:0:5"}


@pytest.mark.parametrize("value", [6, -1, 100, "6", "-1"])
def test_out_of_range_is_refused(value):
    assert errors_of(WHO5, who5_answers(value, 4, 3, 2, 1)) == {"happy": "out_of_range:0:5"}


@pytest.mark.parametrize("value", ["2.5", 2.5, "abc", "3a", True, float("nan"), float("inf"), [3]])
def test_non_integer_is_refused(value):
    assert errors_of(WHO5, who5_answers(5, value, 3, 2, 1)) == {"calm": "not_integer:0:5"}


def test_unknown_item_is_refused():
    answers = {**who5_answers(5, 4, 3, 2, 1), "sleepy": 3}
    assert errors_of(WHO5, answers) == {"sleepy": "unknown_item"}


def test_every_problem_is_reported_at_once():
    answers = {"happy": 9, "calm": "x", "active": 3, "rested": 2, "bogus": 1}
    assert errors_of(WHO5, answers) == {
        "bogus": "unknown_item",
        "happy": "out_of_range:0:5",
        "calm": "not_integer:0:5",
        "interest": "missing:0:5",
    }


@given(
    st.sampled_from(WHO5_ITEMS),
    st.one_of(st.integers(max_value=-1), st.integers(min_value=6)),
)
def test_any_out_of_range_value_is_refused_for_its_item(item, value):
    answers = {**who5_answers(3, 3, 3, 3, 3), item: value}
    assert errors_of(WHO5, answers) == {item: "out_of_range:0:5"}


def test_scoring_error_message_names_the_items():
    with pytest.raises(ScoringError) as exc:
        score_answers(WHO5, who5_answers(5, 4, 3, 2, 9))
    assert "interest" in str(exc.value)


def test_gas_is_not_recordable_as_a_measurement():
    gas = InstrumentDefinition(code="gas", scoring="gas", multiplier=1.0, items=())
    assert errors_of(gas, {}) == {"__all__": "gas_not_recordable"}


# --- Profiles and totals -----------------------------------------------------------------------------


def test_profile_allows_unanswered_items_and_has_no_score():
    result = score_answers(PROFILE, {"relationships": 7, "health": "", "network": None})
    assert result.raw_score is None and result.score is None
    assert result.answers == {"relationships": 7}


def test_profile_needs_at_least_one_answer():
    assert errors_of(PROFILE, {"relationships": "", "health": None}) == {"__all__": "nothing_answered"}
    assert errors_of(PROFILE, {}) == {"__all__": "nothing_answered"}


def test_profile_still_checks_the_range():
    assert errors_of(PROFILE, {"relationships": 11, "health": 5}) == {"relationships": "out_of_range:0:10"}


def test_total_is_the_transcribed_total():
    result = score_answers(TOTAL, {"total": 27})
    assert (result.raw_score, result.score) == (27.0, 27.0)
    assert errors_of(TOTAL, {"total": 41}) == {"total": "out_of_range:0:40"}
    assert errors_of(TOTAL, {}) == {"total": "missing:0:40"}


# --- Messages for the user ---------------------------------------------------------------------------


def test_scoring_messages_are_clear_danish_sentences():
    with translation.override("da"):
        messages = scoring_messages(
            {
                "happy": "missing:0:5",
                "calm": "out_of_range:0:5",
                "active": "not_integer:0:5",
                "bogus": scoring.UNKNOWN_ITEM,
                "__all__": scoring.NOTHING_ANSWERED,
            }
        )
    assert messages == {
        "happy": "Besvar dette spørgsmål (0–5).",
        "calm": "Svaret skal være et helt tal fra 0 til 5.",
        "active": "Svaret skal være et helt tal fra 0 til 5.",
        "bogus": "Spørgsmålet hører ikke til dette måleredskab.",
        "__all__": "Besvar mindst ét spørgsmål.",
    }
