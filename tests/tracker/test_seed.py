"""`manage.py seed`: deterministic synthetic data that obeys the same rules as data entered by hand."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from devtools.demo import UNIT_KINDS
from outcomes.models import Goal, GoalReview, InstrumentItem, ItemAnswer, Measurement, TrajectorySummary
from outcomes.summaries import summaries_rebuild
from tests import factories
from tracker.models import (
    Citizen,
    Collaboration,
    Course,
    Membership,
    OrganisationUnit,
    cpr_birth_date,
    normalise_cpr,
)

TODAY = datetime.date(2026, 6, 30)


def seed(**options) -> str:
    out = io.StringIO()
    params = {"citizens": 40, "units": 3, "months": 12, "seed": 7, "today": TODAY, **options}
    call_command("seed", stdout=out, **params)
    return out.getvalue()


def ordered(qs, *fields) -> list[tuple]:
    return list(qs.order_by(*fields).values_list(*fields))


def snapshot() -> dict[str, list[tuple]]:
    """Everything seeded, by natural keys (auto ids of users and partners may differ between runs)."""
    cit = "course__citizen__external_id"
    return {
        "units": ordered(OrganisationUnit.objects.all(), "code", "name", "kind", "parent__code", "description"),
        "unit_bases": ordered(OrganisationUnit.objects.filter(legal_bases__isnull=False), "code", "legal_bases__code"),
        "staff": ordered(
            Membership.objects.all(), "user__username", "user__first_name", "user__last_name", "unit__code", "role"
        ),
        "citizens": ordered(Citizen.objects.all(), "external_id", "name", "cpr", "birth_year", "gender"),
        "courses": ordered(
            Course.objects.all(),
            "citizen__external_id",
            "start",
            "unit__code",
            "legal_basis__code",
            "end",
            "end_reason__code",
        ),
        "measurements": ordered(
            Measurement.objects.all(),
            cit,
            "course__start",
            "instrument__code",
            "date",
            "informer",
            "recorded_by__username",
            "raw_score",
            "score",
        ),
        "answers": ordered(
            ItemAnswer.objects.all(),
            "measurement__" + cit,
            "measurement__course__start",
            "measurement__instrument__code",
            "measurement__date",
            "item__link_id",
            "value",
        ),
        "goals": ordered(
            Goal.objects.all(),
            cit,
            "course__start",
            "created_on",
            "text",
            "life_domain__code",
            "baseline_level",
            "importance",
            "difficulty",
            "target_date",
            "closed_on",
        ),
        "reviews": ordered(
            GoalReview.objects.all(),
            "goal__" + cit,
            "goal__created_on",
            "goal__text",
            "date",
            "level",
            "recorded_by__username",
        ),
        "collaborations": ordered(
            Collaboration.objects.all(),
            cit,
            "course__start",
            "date",
            "partner__name",
            "kind__code",
            "citizen_participated",
            "initiated_by",
            "usefulness",
            "recorded_by__username",
        ),
        "summaries": ordered(
            TrajectorySummary.objects.all(),
            cit,
            "course__start",
            "instrument__code",
            "unit__code",
            "n_measurements",
            "baseline_date",
            "latest_date",
            "baseline_score",
            "latest_score",
            "change",
            "rci",
            "category",
            "method",
        ),
    }


def test_seed_fills_every_kind_of_record(db):
    output = seed()
    assert output.startswith("Seeded 3 units, 40 citizens")
    data = snapshot()
    assert len(data["citizens"]) == 40
    for name in ("courses", "measurements", "answers", "goals", "reviews", "collaborations", "summaries"):
        assert data[name], name
    assert OrganisationUnit.objects.filter(kind=OrganisationUnit.Kind.UNIT).count() == 3
    # One leader and three caseworkers per unit.
    roles = Membership.objects.values_list("role").annotate(n=Count("pk"))
    assert dict(roles) == {Membership.Role.LEADER: 3, Membership.Role.CASEWORKER: 9}


def test_seed_is_deterministic_for_a_given_seed(db):
    seed()
    first = snapshot()
    seed(replace=True)
    second = snapshot()
    for name in first:
        assert first[name] == second[name], name


def test_a_different_seed_gives_different_data(db):
    seed()
    first = snapshot()
    seed(seed=8, replace=True)
    second = snapshot()
    assert first["citizens"] != second["citizens"]
    assert first["measurements"] != second["measurements"]


def test_seed_options_are_parsed_from_the_command_line(db):
    out = io.StringIO()
    call_command("seed", "--citizens=12", "--units=2", "--months=6", "--seed=3", "--today=2026-06-30", stdout=out)
    assert "2 units, 12 citizens" in out.getvalue()
    assert Measurement.objects.filter(date__gt=TODAY).count() == 0
    assert Course.objects.filter(start__lt=TODAY - datetime.timedelta(days=190)).count() == 0


def test_seeded_cpr_numbers_are_valid_unique_and_match_the_birth_year(db):
    seed()
    rows = list(Citizen.objects.values_list("cpr", "birth_year"))
    cprs = [cpr for cpr, _year in rows if cpr]
    assert len(cprs) >= 30  # about 90 % have a CPR number
    assert len(set(cprs)) == len(cprs)
    weights = [4, 3, 2, 7, 6, 5, 4, 3, 2, 1]
    for cpr, year in rows:
        if cpr is None:
            continue
        assert normalise_cpr(cpr) == cpr
        assert cpr_birth_date(cpr).year == year
        # Synthetic numbers fail the old modulus-11 check, so they are unlikely to be anyone's.
        assert sum(int(d) * w for d, w in zip(cpr, weights, strict=True)) % 11 != 0


def test_seeded_records_pass_model_validation(db):
    seed()
    for citizen in Citizen.objects.all():
        citizen.full_clean()
    for course in Course.objects.select_related("unit", "citizen"):
        course.full_clean()
    today_ = TODAY
    for m in Measurement.objects.select_related("course"):
        assert m.course.start <= m.date <= min(m.course.end or today_, today_)
    for answer in ItemAnswer.objects.select_related("item"):
        assert answer.item.min_value <= answer.value <= answer.item.max_value
    for review in GoalReview.objects.select_related("goal"):
        assert review.date >= review.goal.created_on


def test_seeded_who5_scores_are_four_times_the_sum_of_the_answers(db):
    seed()
    sums: dict[int, int] = {}
    counts: dict[int, int] = {}
    for measurement_id, value in ItemAnswer.objects.filter(measurement__instrument__code="who5").values_list(
        "measurement_id", "value"
    ):
        sums[measurement_id] = sums.get(measurement_id, 0) + value
        counts[measurement_id] = counts.get(measurement_id, 0) + 1
    who5 = list(Measurement.objects.filter(instrument__code="who5").values_list("pk", "raw_score", "score"))
    assert who5
    n_items = InstrumentItem.objects.filter(instrument__code="who5").count()
    for pk, raw, score in who5:
        assert counts[pk] == n_items
        assert raw == sums[pk]
        assert score == 4 * sums[pk]


def test_demo_size_has_every_unit_kind(db):
    seed(units=7, citizens=30)
    units = OrganisationUnit.objects.filter(kind=OrganisationUnit.Kind.UNIT)
    assert units.count() == 7
    kinds = set(units.values_list("description", flat=True))
    assert len(kinds) >= 6
    assert kinds == {kind[0] for kind in UNIT_KINDS}
    for unit in units:
        assert unit.legal_bases.exists(), unit.name
        assert unit.memberships.filter(role=Membership.Role.CASEWORKER).count() == 3
        assert unit.memberships.filter(role=Membership.Role.LEADER).count() == 1


def test_trajectory_summaries_equal_a_recomputation(db):
    seed()
    pairs = Measurement.objects.values("course_id", "instrument_id").distinct().count()
    assert pairs > 0
    assert TrajectorySummary.objects.count() == pairs
    fields = [f.attname for f in TrajectorySummary._meta.concrete_fields if f.attname != "id"]
    before = sorted(TrajectorySummary.objects.values_list(*fields), key=repr)
    assert summaries_rebuild() == pairs
    after = sorted(TrajectorySummary.objects.values_list(*fields), key=repr)
    assert before == after


def test_seed_refuses_a_database_that_already_holds_citizens(world):
    before = Citizen.objects.count()
    with pytest.raises(CommandError, match="already holds citizens"):
        seed()
    assert Citizen.objects.count() == before
    assert not OrganisationUnit.objects.filter(code="egekaer").exists()


def test_seed_with_replace_clears_existing_citizen_data(db):
    factories.CourseFactory(citizen=factories.CitizenFactory(name="Old Data"))
    seed(replace=True)
    assert not Citizen.objects.filter(name="Old Data").exists()
    assert Citizen.objects.count() == 40


@pytest.mark.parametrize("options", [{"units": 0}, {"citizens": 0}, {"months": 1}])
def test_seed_refuses_sizes_too_small(db, options):
    with pytest.raises(CommandError):
        seed(**options)
    assert not Citizen.objects.exists()
