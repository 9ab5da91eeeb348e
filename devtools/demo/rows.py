"""Writing the generated demo rows: plain tuples with pre-assigned ids, bulk-inserted (COPY on PostgreSQL).

Building 700,000 model objects and compiling their INSERTs was most of the time; plain rows make 10,000 citizens
take well under the 90 s budget on a 2-core machine.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max

from outcomes.models import Goal, GoalReview, ItemAnswer, Measurement
from outcomes.summaries import summaries_rebuild
from tracker.models import Citizen, Collaboration, Course

# The columns of each table's rows, in the order the generator builds the tuples.
COLUMNS: dict[type, tuple[str, ...]] = {
    Citizen: ("id", "name", "cpr", "birth_year", "gender", "external_id", "created_at"),
    Course: ("id", "citizen_id", "unit_id", "legal_basis_id", "start", "end", "end_reason_id"),
    Measurement: (
        "id",
        "course_id",
        "instrument_id",
        "date",
        "informer",
        "recorded_by_id",
        "raw_score",
        "score",
        "note",
        "created_at",
        "completion",
    ),
    Goal: (
        "id",
        "course_id",
        "text",
        "life_domain_id",
        "level_minus2",
        "level_minus1",
        "level_0",
        "level_plus1",
        "level_plus2",
        "baseline_level",
        "importance",
        "difficulty",
        "created_on",
        "target_date",
        "closed_on",
    ),
    GoalReview: ("id", "goal_id", "date", "level", "note", "recorded_by_id"),
    Collaboration: (
        "id",
        "course_id",
        "partner_id",
        "kind_id",
        "date",
        "citizen_participated",
        "initiated_by",
        "usefulness",
        "note",
        "recorded_by_id",
    ),
}
ANSWER_COLUMNS = ("measurement_id", "item_id", "value")


@dataclass
class SeedResult:
    units: int
    citizens: int
    courses: int
    measurements: int
    answers: int
    goals: int
    collaborations: int
    summaries: int


class Rows:
    """The generated rows per model, and the next free id of each."""

    def __init__(self):
        self.ids = {model: _next_id(model) for model in COLUMNS}
        self.rows: dict[type, list[tuple]] = {model: [] for model in COLUMNS}
        self.answers: list[tuple] = []

    def new_id(self, model) -> int:
        self.ids[model] += 1
        return self.ids[model] - 1

    def add(self, model, row: tuple) -> None:
        self.rows[model].append(row)

    def write(self, n_units: int) -> SeedResult:
        """Insert every row in one transaction, move the sequences past them and rebuild the summaries."""
        with transaction.atomic():
            # Citizens first, then what refers to them (the order of COLUMNS); answers after their measurements.
            for model, columns in COLUMNS.items():
                _insert(model, columns, self.rows[model])
                if model is Measurement:
                    _insert(ItemAnswer, ANSWER_COLUMNS, self.answers)
            _reset_sequences(list(COLUMNS))
            n_summaries = summaries_rebuild()
        if connection.vendor == "postgresql":
            # Fresh statistics for the planner: right after a bulk load its estimates are off by orders of
            # magnitude (a cold national dashboard took 7 s instead of 1 s until autovacuum got to it).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        return SeedResult(
            units=n_units,
            citizens=len(self.rows[Citizen]),
            courses=len(self.rows[Course]),
            measurements=len(self.rows[Measurement]),
            answers=len(self.answers),
            goals=len(self.rows[Goal]),
            collaborations=len(self.rows[Collaboration]),
            summaries=n_summaries,
        )


def _next_id(model) -> int:
    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def _insert(model, columns: tuple[str, ...], rows: list[tuple], chunk: int = 20000) -> None:
    """Bulk insert of raw rows: PostgreSQL's COPY (far faster than INSERTs there), else executemany."""
    qn = connection.ops.quote_name
    if connection.vendor == "postgresql":
        copy_sql = f"COPY {qn(model._meta.db_table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy:
            for row in rows:
                copy.write_row(row)
        return
    sql = (
        f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        for i in range(0, len(rows), chunk):
            cursor.executemany(sql, rows[i : i + chunk])


def _reset_sequences(models: list) -> None:
    """After inserting explicit ids, move PostgreSQL's sequences past them (a no-op on SQLite)."""
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


def fake_cpr(rng: random.Random, birth: datetime.date, female: bool) -> str:
    """A CPR number with the right date, century digit and sex digit that fails the old modulus-11 check."""
    yy = birth.year % 100
    # 7th digit (CPR-kontoret): 0–3 always mean the 1900s; 4 with YY ≤ 36 means the 2000s.
    if not 1937 <= birth.year <= 2036:
        raise ValueError("Synthetic CPR numbers cover birth years 1937–2036.")
    seventh = rng.choice([0, 1, 2, 3]) if birth.year < 2000 else 4
    weights = [4, 3, 2, 7, 6, 5, 4, 3, 2, 1]
    while True:
        middle = f"{rng.randrange(0, 100):02d}"
        last = rng.randrange(0, 10)
        if (last % 2 == 0) != female:
            continue
        cpr = f"{birth:%d%m}{yy:02d}{seventh}{middle}{last}"
        if sum(int(d) * w for d, w in zip(cpr, weights, strict=True)) % 11 != 0:
            return cpr
