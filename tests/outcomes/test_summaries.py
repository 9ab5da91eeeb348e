"""Trajectory summaries stay equal to a recomputation from the raw measurements after any writes."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outcomes import services, statistics
from outcomes.models import Instrument, Measurement, TrajectorySummary
from outcomes.summaries import summaries_rebuild

TODAY = datetime.date.today()


def expected_summaries() -> dict:
    """An independent recomputation: plain loops over the measurement rows, not outcomes.summaries.

    One occasion per day (the day's last entry is the correction and counts); a change needs the latest
    occasion to lie the instrument's minimum interval after the first."""
    out = {}
    rows = Measurement.objects.select_related("instrument").order_by("date", "pk")
    series: dict = {}
    for m in rows:
        series.setdefault((m.course_id, m.instrument_id), {})[m.date] = m  # a later pk on the day replaces
    for key, by_day in series.items():
        ms = list(by_day.values())
        n = Measurement.objects.filter(course_id=key[0], instrument_id=key[1]).count()
        inst = ms[0].instrument
        first, last = ms[0], ms[-1]
        far_enough = (last.date - first.date).days >= inst.min_interval_days
        change = last.score - first.score if len(ms) > 1 and far_enough and first.score is not None else None
        category = ""
        if change is not None and inst.reliability and inst.reference_sd:
            category = statistics.classify_change(
                first.score,
                last.score,
                sd=inst.reference_sd,
                reliability=inst.reliability,
                cutoff=inst.clinical_cutoff,
                higher_is_better=inst.higher_is_better,
            )
        elif change is not None and inst.mid:
            better = change if inst.higher_is_better else -change
            category = "improved" if better >= inst.mid else "deteriorated" if -better >= inst.mid else "unchanged"
        out[key] = (n, first.pk, last.pk, change, category)
    return out


def stored_summaries() -> dict:
    return {
        (s.course_id, s.instrument_id): (s.n_measurements, s.baseline_id, s.latest_id, s.change, s.category)
        for s in TrajectorySummary.objects.all()
    }


answers = st.lists(st.integers(0, 5), min_size=5, max_size=5)
operation = st.one_of(
    st.tuples(st.just("create"), st.integers(0, 1), st.integers(0, 150), answers),
    st.tuples(st.just("edit"), st.integers(0, 50), st.integers(0, 150), answers),
    st.tuples(st.just("delete"), st.integers(0, 50), st.just(0), st.just([])),
)


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(operation, min_size=1, max_size=12))
def test_summaries_equal_recomputation_after_random_writes(world, ops):
    # One world for all examples (the fixture is function-scoped); state accumulating across examples only
    # makes the sequences longer.
    w = world
    who5 = Instrument.objects.get(code="who5")
    courses = [w.course_a, w.course_b]
    links = ["happy", "calm", "active", "rested", "interest"]
    for kind, index, days_ago, values in ops:
        day = TODAY - datetime.timedelta(days=days_ago)
        existing = list(Measurement.objects.order_by("pk"))
        if kind == "create":
            services.measurement_record(
                course=courses[index],
                instrument=who5,
                answers=dict(zip(links, values, strict=True)),
                date=day,
                informer="citizen",
                recorded_by=w.alice,
            )
        elif kind == "edit" and existing:
            m = existing[index % len(existing)]
            services.measurement_update(
                measurement=m, user=w.alice, answers=dict(zip(links, values, strict=True)), date=day
            )
        elif kind == "delete" and existing:
            services.measurement_delete(measurement=existing[index % len(existing)], user=w.alice)
        assert stored_summaries() == expected_summaries()
    summaries_rebuild()
    assert stored_summaries() == expected_summaries()
