"""Bulk writes of an applied import: citizens, courses, measurements and answers in a few statements, and the
trajectory summaries of the courses touched. Called by imports.services inside the import's one transaction.

Why not bulk_create for everything: a large import is 100,000 measurements with 500,000 answers, and building a
model instance for each and letting bulk_create render them cost several times the inserts themselves (measured on
this project's shared 2-core machine, SQLite: the write of 100,000 rows went from about 37 s to about 10–15 s).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import connection
from django.utils import timezone

from imports.models import ImportJob
from imports.validation import Plan, chunks
from outcomes.models import Instrument, InstrumentItem, ItemAnswer, Measurement, TrajectorySummary
from outcomes.summaries import Params, Point, summarise
from tracker.models import Citizen, Course

BATCH = 2000


def write(*, job: ImportJob, plan: Plan) -> set[int]:
    """Bulk-insert the new citizens, courses, measurements and answers, and update the changed measurements.

    Returns the ids of every citizen with a new or changed record. Runs inside the caller's transaction.
    """
    user = job.created_by
    new_citizens = [c for c in plan.citizens if c.existing_id is None]
    ids = _insert_returning_ids(
        Citizen,
        [
            {
                "name": c.name,
                "cpr": c.cpr,
                "external_id": c.external_id,
                "gender": c.gender,
                "birth_year": c.birth_year,
            }
            for c in new_citizens
        ],
    )
    for plan_row, pk in zip(new_citizens, ids, strict=True):
        plan_row.created_id = pk
    new_courses = [c for c in plan.courses if c.existing_id is None]
    ids = _insert_returning_ids(
        Course,
        [
            {
                "citizen_id": c.citizen.id,
                "unit_id": c.unit_id,
                "legal_basis_id": c.legal_basis_id,
                "start": c.start,
                "end": c.end,
                "end_reason_id": c.end_reason_id,
            }
            for c in new_courses
        ],
    )
    for plan_row, pk in zip(new_courses, ids, strict=True):
        plan_row.created_id = pk
    items = {(i.instrument_id, i.link_id): i.pk for i in InstrumentItem.objects.all()}
    creates = [m for m in plan.measurements if m.action == "create"]
    updates = [m for m in plan.measurements if m.action == "update"]
    measurement_ids = _insert_returning_ids(
        Measurement,
        [
            {
                "course_id": m.course.id,
                "instrument_id": m.instrument_id,
                "date": m.date,
                "informer": m.informer,
                "recorded_by_id": user.pk,
                "raw_score": m.raw_score,
                "score": m.score,
            }
            for m in creates
        ],
    )
    answers = [
        (pk, items[(m.instrument_id, link)], value)
        for m, pk in zip(creates, measurement_ids, strict=True)
        for link, value in m.answers.items()
    ]
    if updates:
        changed = [
            Measurement(pk=m.existing_id, informer=m.informer, raw_score=m.raw_score, score=m.score) for m in updates
        ]
        Measurement.objects.bulk_update(changed, ["informer", "raw_score", "score"], batch_size=BATCH)
        for chunk in chunks([m.existing_id for m in updates]):
            ItemAnswer.objects.filter(measurement_id__in=chunk).delete()
        answers += [
            (m.existing_id, items[(m.instrument_id, link)], value) for m in updates for link, value in m.answers.items()
        ]
    _insert_answers(answers)
    touched = creates + updates
    summaries_refresh(course_ids={m.course.id for m in touched}, instrument_ids={m.instrument_id for m in touched})
    return {c.id for c in new_citizens} | {c.citizen.id for c in new_courses} | {m.course.citizen.id for m in touched}


def _insert_returning_ids(model, rows: list[dict]) -> list[int]:
    """Insert rows given as {field name: value} and return their new ids, in order.

    Measurements are the bulk of a large import: building a model instance for each and letting bulk_create
    render them costs several times the insert itself. Every concrete field is written — those a row does not
    give take the field's default (or now, for ``auto_now_add``), so a field added to the model later is filled as
    the ORM would. The values have been validated (imports/validation.py) and the table's constraints still apply.

    PostgreSQL: the ids are drawn from the table's sequence first, then the rows go in with COPY. Elsewhere:
    multi-row INSERT … RETURNING, which (as bulk_create relies on too) gives the ids in the order of VALUES.
    """
    if not rows:
        return []
    meta = model._meta
    quote = connection.ops.quote_name
    now = timezone.now()
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    constant, prepared = {}, set()
    for f in fields:
        if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False):
            constant[f.attname] = now
        elif f.has_default() and not callable(f.default):
            constant[f.attname] = f.get_default()
        elif not f.has_default() and f.null:
            constant[f.attname] = None
        # Dates, times and JSON need the driver's form; numbers, text and ids pass as they are.
        if f.get_internal_type() in ("DateField", "DateTimeField", "TimeField", "JSONField", "DecimalField"):
            prepared.add(f.attname)

    def values(row: dict) -> list:
        out = []
        for f in fields:
            name = f.attname
            value = row[name] if name in row else constant[name] if name in constant else f.get_default()
            out.append(f.get_db_prep_save(value, connection) if name in prepared else value)
        return out

    table, pk = quote(meta.db_table), quote(meta.pk.column)
    columns = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(rows)],
            )
            ids = [r[0] for r in cursor.fetchall()]
            with cursor.cursor.copy(f"COPY {table} ({pk}, {columns}) FROM STDIN") as copy:
                for new_id, row in zip(ids, rows, strict=True):
                    copy.write_row([new_id, *values(row)])
            return ids
        ids = []
        placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
        per_statement = max(1, 4000 // len(fields))
        for start in range(0, len(rows), per_statement):
            batch = rows[start : start + per_statement]
            params = [value for row in batch for value in values(row)]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([placeholder] * len(batch))} RETURNING {pk}",
                params,
            )
            ids.extend(r[0] for r in cursor.fetchall())
    return ids


def _insert_answers(rows: list[tuple[int, int, int]]) -> None:
    """Insert (measurement id, item id, value) rows — five to twelve per measurement: COPY on PostgreSQL,
    multi-row statements elsewhere (one round trip per thousand rows)."""
    meta = ItemAnswer._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(name).column) for name in ("measurement", "item", "value"))
    if connection.vendor == "postgresql":
        # COPY: the fastest way into PostgreSQL, about ten times multi-row INSERT with client-side binding.
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    head = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES "
    per_statement = 1000
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            batch = rows[start : start + per_statement]
            cursor.execute(head + ", ".join(["(%s, %s, %s)"] * len(batch)), [v for row in batch for v in row])


def summaries_refresh(*, course_ids: Iterable[int], instrument_ids: Iterable[int]) -> int:
    """Recompute the trajectory summaries of the given courses and instruments from their measurements.

    The bulk counterpart of outcomes.summaries.summary_refresh — the same ``summarise`` — for the few courses an
    import touches (refreshing one summary at a time would cost three queries per course). Returns the number
    of summaries written.
    """
    course_ids, instrument_ids = sorted(set(course_ids)), sorted(set(instrument_ids))
    params = {i.pk: Params.of(i) for i in Instrument.objects.filter(pk__in=instrument_ids)}
    written = 0
    for chunk in chunks(course_ids):
        units = dict(Course.objects.filter(pk__in=chunk).values_list("pk", "unit_id"))
        points: dict[tuple[int, int], list[Point]] = defaultdict(list)
        for course_id, instrument_id, pk, date, score in Measurement.objects.filter(
            course_id__in=chunk, instrument_id__in=instrument_ids
        ).values_list("course_id", "instrument_id", "pk", "date", "score"):
            points[(course_id, instrument_id)].append(Point(pk, date, score))
        TrajectorySummary.objects.filter(course_id__in=chunk, instrument_id__in=instrument_ids).delete()
        summaries = [
            {
                "course_id": course_id,
                "instrument_id": instrument_id,
                "unit_id": units[course_id],
                **summarise(group, params[instrument_id]),
            }
            for (course_id, instrument_id), group in points.items()
        ]
        _insert_returning_ids(TrajectorySummary, summaries)
        written += len(summaries)
    return written
