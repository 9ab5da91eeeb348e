"""The load test's verdict (`manage.py loadtest`): a lost, duplicated or misfiled acknowledged write, or a stale
trajectory summary, is found. The load run itself is a tool whose figures go in the notes (README)."""

from __future__ import annotations

import datetime
import json

from devtools.management.commands.loadtest import check_writes
from outcomes import services
from outcomes.models import Instrument, TrajectorySummary


def record(world, note: str, days_ago: int):
    instrument = Instrument.objects.get(code="who5")
    return services.measurement_record(
        course=world.course_a,
        instrument=instrument,
        answers={item.link_id: 3 for item in instrument.items.all()},
        date=datetime.date.today() - datetime.timedelta(days=days_ago),
        informer="citizen",
        recorded_by=world.alice,
        note=note,
    )


def acks(tmp_path, *entries):
    path = tmp_path / "acks.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in entries))
    return path


def test_every_acknowledged_write_found_once(world, tmp_path):
    a, b = record(world, "loadtest-a", 3), record(world, "loadtest-b", 1)
    course = world.course_a.pk
    result = check_writes(
        acks(
            tmp_path,
            {"id": a.pk, "marker": "loadtest-a", "course": course},
            {"id": b.pk, "marker": "loadtest-b", "course": course},
        )
    )
    assert result == {
        "acknowledged_writes": 2,
        "writes_in_database": 2,
        "lost": 0,
        "duplicated": 0,
        "saved_without_acknowledgement": 0,
        "summary_mismatches": 0,
        "summaries_checked_for_courses": 1,
    }


def test_lost_duplicated_and_unacknowledged_writes_are_counted(world, tmp_path):
    a = record(world, "loadtest-a", 3)
    record(world, "loadtest-a", 2)  # the same write saved twice
    record(world, "loadtest-c", 1)  # saved, never acknowledged
    course = world.course_a.pk
    result = check_writes(
        acks(
            tmp_path,
            {"id": a.pk, "marker": "loadtest-a", "course": course},
            {"id": 999999, "marker": "loadtest-missing", "course": course},
        )
    )
    assert result["duplicated"] == 1
    assert result["lost"] >= 1
    assert result["saved_without_acknowledgement"] == 1


def test_a_stale_summary_is_found(world, tmp_path):
    a, _b = record(world, "loadtest-a", 3), record(world, "loadtest-b", 1)
    TrajectorySummary.objects.filter(course=world.course_a).update(change=42)
    result = check_writes(acks(tmp_path, {"id": a.pk, "marker": "loadtest-a", "course": world.course_a.pk}))
    assert result["summary_mismatches"] == 1
    assert result["lost"] == 0
