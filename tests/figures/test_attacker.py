"""The attacker: an aggregate-only user who makes every query the pages and the API allow and differences them.

Over a seeded municipality with two departments, the test enumerates every grid period × filter (legal basis,
kind of unit) × level of the hierarchy, recomputes each published row's true set of courses and their changes
independently from the raw measurements, and then:

1. for every pair of published means whose true sets differ by exactly one course, differences them as an
   attacker who even knows both true n's would (n₂·m₂ − n₁·m₁) and checks that the result is never within half
   an instrument step of that course's change;
2. checks that no hidden row can be derived from what the same query shows: no family of siblings has exactly
   one hidden member, and the centre line is the sum of the shown rows only;
3. checks that the same set of courses is always published with the same figures (the cell key's consistency),
   so averaging repeated queries gains nothing.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devtools import demo as demo_data
from figures import disclosure
from figures.comparison import unit_comparison
from figures.periods import grid_codes, resolve_period
from outcomes import services as outcome_services
from outcomes.models import Instrument, Measurement
from tests import factories
from tests.factories import DirectorScopeFactory
from tracker.models import Course, LegalBasis, OrganisationUnit

TODAY = datetime.date.today()
pytestmark = pytest.mark.django_db


@pytest.fixture
def municipality(db):
    demo_data.seed(units=7, citizens=120, months=18, seed=23, today=TODAY)
    top = OrganisationUnit.objects.get(code="egekaer")
    second = factories.UnitFactory(
        name="Misbrug og hjemløshed", code="misbrug", kind=OrganisationUnit.Kind.DEPARTMENT, parent=top
    )
    units = list(OrganisationUnit.objects.filter(kind=OrganisationUnit.Kind.UNIT).order_by("code"))
    for unit in units[:3]:
        unit.parent = second
        unit.save()
    director = factories.UserFactory(username="attacker")
    DirectorScopeFactory(user=director, unit=top)
    return director


def _truth(instrument: Instrument) -> dict[int, tuple[int, int, int, list]]:
    """Per course: (unit, legal basis, start/end, the day-occasions of the instrument) — an independent reading."""
    occasions: dict[int, dict] = defaultdict(dict)
    for course_id, _pk, day, score in (
        Measurement.objects.filter(instrument=instrument, score__isnull=False)
        .order_by("date", "pk")
        .values_list("course_id", "pk", "date", "score")
    ):
        occasions[course_id][day] = score  # a later entry on the same day replaces the earlier
    out = {}
    for pk, unit, basis, start, end in Course.objects.values_list("pk", "unit_id", "legal_basis_id", "start", "end"):
        out[pk] = (unit, basis, start, end, sorted(occasions.get(pk, {}).items()))
    return out


def _changes(truth, units: set[int], basis: int | None, period, min_days: int) -> dict[int, float]:
    """course → change for the courses of these units (and basis) with a follow-up in the period."""
    out = {}
    for pk, (unit, b, start, end, occ) in truth.items():
        if unit not in units or (basis is not None and b != basis):
            continue
        if start > period.end or (end is not None and end < period.start):
            continue
        upto = [(d, s) for d, s in occ if d <= period.end]
        if len(upto) < 2:
            continue
        (d0, s0), (d1, s1) = upto[0], upto[-1]
        if d1 >= period.start and (d1 - d0).days >= min_days:
            out[pk] = s1 - s0
    return out


def _active(truth, units: set[int], basis: int | None, period) -> bool:
    return any(
        unit in units and (basis is None or b == basis) and start <= period.end and (end is None or end >= period.start)
        for unit, b, start, end, _occ in truth.values()
    )


def _leaves(unit_id: int, children: dict[int, list[int]], kinds: dict[int, bool]) -> set[int]:
    if unit_id not in children:
        return {unit_id} if kinds.get(unit_id, True) else set()
    return set().union(*(_leaves(c, children, kinds) for c in children[unit_id]))


def test_no_pair_of_allowed_queries_gives_one_citizens_change(municipality):
    instrument = Instrument.objects.get(code="who5")
    step = instrument.score_multiplier  # one answer one step: 4 points on WHO-5's 0–100 scale
    truth = _truth(instrument)
    children: dict[int, list[int]] = defaultdict(list)
    for pk, parent in OrganisationUnit.objects.exclude(parent=None).values_list("pk", "parent_id"):
        children[parent].append(pk)
    departments = list(
        OrganisationUnit.objects.filter(kind=OrganisationUnit.Kind.DEPARTMENT).values_list("pk", flat=True)
    )
    bases = list(LegalBasis.objects.values_list("pk", flat=True))
    offers = defaultdict(set)
    for unit, basis in OrganisationUnit.legal_bases.through.objects.values_list("organisationunit_id", "legalbasis_id"):
        offers[basis].add(unit)
    filters = [(None, None)] + [(b, None) for b in bases] + [(None, b) for b in bases]
    cells: dict[frozenset, list[tuple[float, str]]] = defaultdict(list)  # true set → published means
    hidden_families = queries = 0
    for code in grid_codes(TODAY):
        period = resolve_period(code, today=TODAY)
        for basis, kind in filters:
            for root in [None, *departments]:
                queries += 1
                c = unit_comparison(
                    user=municipality,
                    instrument=instrument,
                    period=period,
                    legal_basis_id=basis,
                    kind_id=kind,
                    root_id=root,
                )
                kinds = {u: (kind is None or u in offers[kind]) for u in truth_units(truth)}
                families = defaultdict(list)
                for row in c.rows:
                    leaves = _leaves(row.key, children, kinds)
                    changes = _changes(truth, leaves, basis, period, instrument.min_interval_days)
                    # What a hidden row would give away: its active citizens, or its follow-ups' figures.
                    row.has_data = bool(changes) if not row.suppressed else _active(truth, leaves, basis, period)
                    families[row.parent_id].append(row)
                    if row.mean_change is None:
                        continue
                    # A cell is its courses with their changes (the same course can have another follow-up
                    # in another period).
                    cells[frozenset(changes.items())].append(
                        (row.mean_change, f"{code}/{basis}/{kind}/{root}/{row.name}")
                    )
                # 2. No family with exactly one hidden member among those with data; centre from shown rows.
                for rows in families.values():
                    # A hidden row with nothing behind it has nothing to protect (parent − siblings gives 0).
                    hidden = [r for r in rows if r.effect_suppressed and r.has_data]
                    shown = [r for r in rows if not r.effect_suppressed]
                    assert not (len(hidden) == 1 and shown), [r.name for r in hidden]
                    hidden_families += bool(hidden)
                shown = [r for r in c.rows if not r.effect_suppressed and r.paired]
                assert c.overall.paired == sum(r.paired for r in shown)
    # 3. The same courses with the same changes: the same published figure in every query that shows it.
    for published in cells.values():
        assert len({m for m, _q in published}) == 1, published[:4]
    # 1. Differencing: every pair of published sets that differ by one course.
    pairs = 0
    for bigger, published in cells.items():
        for course, change in bigger:
            smaller = bigger - {(course, change)}
            if smaller not in cells or not smaller:
                continue
            pairs += 1
            m2, m1 = published[0][0], cells[smaller][0][0]
            estimate = len(bigger) * m2 - len(smaller) * m1
            assert abs(estimate - change) > step / 2, (published[0][1], cells[smaller][0][1], estimate, change)
    assert queries > 500 and pairs > 10 and hidden_families > 0  # the attack had material to work with


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(1, 10_000), min_size=5, max_size=120, unique=True),
    st.integers(10_001, 20_000),
    st.lists(st.integers(-25, 25), min_size=121, max_size=121),
)
def test_the_perturbation_never_lets_two_sets_one_course_apart_be_differenced(ids, extra, steps):
    """The property behind the attack test, over any sets: S and S ∪ {i}, means published to 0.1, an attacker
    who knows both true n's — the difference is never within half a step of i's change (WHO-5: step 4)."""
    step = 4.0
    changes = {pk: step * s for pk, s in zip(ids, steps, strict=False)}
    changes[extra] = step * steps[-1]
    small, big = set(ids), set(ids) | {extra}

    def published(members):
        key = disclosure.cell_key("course", members)
        return disclosure.mean(sum(changes[m] for m in members), len(members), key, "change", step)

    estimate = len(big) * published(big) - len(small) * published(small)
    assert abs(estimate - changes[extra]) > step / 2


def test_a_director_who_queries_before_and_after_each_new_citizen_learns_no_change(municipality):
    """The same attack over time: the running 12 months asked for again after each new follow-up."""
    instrument = Instrument.objects.get(code="who5")
    period = resolve_period("12m", today=TODAY)
    every = unit_comparison(user=municipality, instrument=instrument, period=period, disclose=False)
    department = max(every.rows, key=lambda r: r.paired or 0)
    shown = unit_comparison(user=municipality, instrument=instrument, period=period, root_id=department.key).rows
    unit = OrganisationUnit.objects.get(
        pk=max((r for r in shown if r.mean_change is not None), key=lambda r: r.paired).key
    )
    recorder = factories.UserFactory(username="recorder-attack")

    def published_row():
        c = unit_comparison(user=municipality, instrument=instrument, period=period, root_id=unit.parent_id)
        exact = unit_comparison(
            user=municipality, instrument=instrument, period=period, root_id=unit.parent_id, disclose=False
        )
        return next(r for r in c.rows if r.key == unit.pk), next(r for r in exact.rows if r.key == unit.pk)

    before, before_exact = published_row()
    for value in (0, 1, 2, 3, 4, 5, 5, 0, 3, 1):
        course = factories.CourseFactory(unit=unit, start=TODAY - datetime.timedelta(days=90))
        for days, answer in ((60, 2), (0, value)):
            outcome_services.measurement_record(
                course=course,
                instrument=instrument,
                answers=dict.fromkeys(["happy", "calm", "active", "rested", "interest"], answer),
                date=TODAY - datetime.timedelta(days=days),
                informer="citizen",
                recorded_by=recorder,
            )
        after, after_exact = published_row()
        assert after_exact.paired == before_exact.paired + 1
        change = (value - 2) * 5 * instrument.score_multiplier
        estimate = after_exact.paired * after.mean_change - before_exact.paired * before.mean_change
        assert abs(estimate - change) > instrument.score_multiplier / 2, (estimate, change)
        before, before_exact = after, after_exact


def truth_units(truth) -> set[int]:
    return {unit for unit, *_rest in truth.values()}
