"""Reads of measurements, goals and summaries, scoped to the requesting user through tracker.selectors."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from outcomes import statistics
from outcomes.models import (
    Goal,
    GoalReview,
    Informer,
    Instrument,
    InstrumentItem,
    ItemAnswer,
    Measurement,
    TrajectorySummary,
)
from tracker import selectors as tracker_selectors
from tracker.models import Citizen, Collaboration, Course


def instrument_list() -> QuerySet[Instrument]:
    return Instrument.objects.filter(active=True)


def recordable_instruments() -> list[Instrument]:
    return [i for i in instrument_list() if i.is_recordable]


def instrument_get(*, code: str) -> Instrument:
    try:
        return instrument_list().get(code=code)
    except Instrument.DoesNotExist:
        raise Http404("No such instrument") from None


def measurement_list(*, user) -> QuerySet[Measurement]:
    units = tracker_selectors.access_for(user).member_unit_ids
    return Measurement.objects.filter(course__unit_id__in=units).select_related(
        "course__citizen", "course__unit", "instrument", "recorded_by"
    )


def measurement_get(*, user, pk: int) -> Measurement:
    try:
        return measurement_list(user=user).get(pk=pk)
    except Measurement.DoesNotExist:
        raise Http404("No such measurement") from None


def goal_list(*, user) -> QuerySet[Goal]:
    units = tracker_selectors.access_for(user).member_unit_ids
    return Goal.objects.filter(course__unit_id__in=units).select_related("course__citizen", "life_domain")


def goal_get(*, user, pk: int) -> Goal:
    try:
        return goal_list(user=user).get(pk=pk)
    except Goal.DoesNotExist:
        raise Http404("No such goal") from None


def review_get(*, user, pk: int) -> GoalReview:
    units = tracker_selectors.access_for(user).member_unit_ids
    try:
        return (
            GoalReview.objects.filter(goal__course__unit_id__in=units)
            .select_related("goal__course__citizen")
            .get(pk=pk)
        )
    except GoalReview.DoesNotExist:
        raise Http404("No such review") from None


def goal_latest_level(goal: Goal) -> int:
    """The level reached at the latest review, or the baseline level when not yet reviewed.

    Expects ``goal.reviews`` to be prefetched in date order.
    """
    reviews = list(goal.reviews.all())
    return reviews[-1].level if reviews else goal.baseline_level


def course_gas_t(goals: list[Goal]) -> float | None:
    """The GAS T-score of a course's reviewed goals (Kiresuk & Sherman 1968), or None without reviews."""
    reviewed = [g for g in goals if list(g.reviews.all())]
    if not reviewed:
        return None
    return statistics.gas_t_score([goal_latest_level(g) for g in reviewed], [g.weight for g in reviewed])


def citizen_overview(*, user, citizen: Citizen) -> dict:
    """Everything the citizen page shows, in a fixed number of queries whatever the amount of data."""
    courses = list(tracker_selectors.citizen_courses(user=user, citizen=citizen))
    course_ids = [c.pk for c in courses]
    measurements = list(
        Measurement.objects.filter(course_id__in=course_ids)
        .select_related("instrument", "recorded_by")
        .order_by("instrument__order", "date", "pk")
    )
    by_instrument: dict[Instrument, list[Measurement]] = defaultdict(list)
    for m in measurements:
        by_instrument[m.instrument].append(m)
    summaries = list(
        TrajectorySummary.objects.filter(course_id__in=course_ids).select_related("instrument", "course__unit")
    )
    goals = list(
        Goal.objects.filter(course_id__in=course_ids)
        .select_related("life_domain")
        .prefetch_related(Prefetch("reviews", queryset=GoalReview.objects.order_by("date", "pk")))
    )
    goals_by_course: dict[int, list[Goal]] = defaultdict(list)
    for goal in goals:
        goal.latest_level = goal_latest_level(goal)
        goals_by_course[goal.course_id].append(goal)
    for course in courses:
        course.goal_list = goals_by_course.get(course.pk, [])
        course.gas_t = course_gas_t(course.goal_list)
    collaborations = list(
        Collaboration.objects.filter(course_id__in=course_ids).select_related("partner__sector", "kind")
    )
    profile, perspectives = life_domain_views(by_instrument)
    return {
        "life_domain_profile": profile,
        "life_domain_perspectives": perspectives,
        "sector_rows": collaboration_sector_rows(collaborations),
        "courses": courses,
        "open_courses": [c for c in courses if c.is_open],
        "measurements_by_instrument": dict(by_instrument),
        "summaries": summaries,
        "goals": goals,
        "collaborations": collaborations,
        "instruments": recordable_instruments(),
    }


def life_domain_profile(by_instrument: dict[Instrument, list[Measurement]]) -> dict | None:
    """First and latest life-domain self-rating side by side, one row per domain (one query)."""
    return life_domain_views(by_instrument)[0]


# How far apart the citizen's and the staff's rating of one life domain (0–10) must be to be marked on the citizen
# page. A local convention (the rating is not a validated scale, docs/methods.md), not a published threshold.
PERSPECTIVE_MARK = 3


def life_domain_views(by_instrument: dict[Instrument, list[Measurement]]) -> tuple[dict | None, dict | None]:
    """The life-domain rating seen two ways, in one query (two perspectives).

    - The profile: the citizen's own ratings (answered by the citizen, alone or supported, or by a relative),
      first against latest. A rating by staff alone is never shown as the citizen's.
    - The perspectives: where staff have also rated, the citizen's latest rating and the staff's latest side by
      side per domain, with the difference; a difference of ``PERSPECTIVE_MARK`` points or more is marked.
      Neither overwrites the other.
    """
    instrument = next((i for i in by_instrument if i.scoring == Instrument.Scoring.PROFILE), None)
    if instrument is None:
        return None, None
    series = by_instrument[instrument]
    own = [m for m in series if m.informer != Informer.STAFF]
    staff = [m for m in series if m.informer == Informer.STAFF]
    wanted = {m.pk for m in (own[:1] + own[-1:] + staff[-1:])}
    answers = ItemAnswer.objects.filter(measurement_id__in=wanted).select_related("item")
    values: dict[tuple[int, int], int] = {}
    items = {}
    for a in answers:
        values[(a.measurement_id, a.item_id)] = a.value
        items[a.item_id] = a.item
    ordered = sorted(items.values(), key=lambda i: i.order)

    def label(item: InstrumentItem) -> str:
        return item.text.split(":")[0]

    def change(before: int | None, after: int | None) -> int | None:
        return after - before if before is not None and after is not None else None

    profile = None
    if own:
        first, latest = own[0], own[-1]
        rows = []
        for item in ordered:
            before, after = values.get((first.pk, item.pk)), values.get((latest.pk, item.pk))
            if before is None and after is None:
                continue
            rows.append({"label": label(item), "first": before, "latest": after, "change": change(before, after)})
        profile = {"instrument": instrument, "first": first, "latest": latest, "rows": rows, "single": first == latest}
    perspectives = None
    if staff:
        citizen_m, staff_m = (own[-1] if own else None), staff[-1]
        rows = []
        for item in ordered:
            theirs = values.get((citizen_m.pk, item.pk)) if citizen_m else None
            ours = values.get((staff_m.pk, item.pk))
            if theirs is None and ours is None:
                continue
            difference = change(ours, theirs)  # the citizen's rating minus the staff's
            rows.append(
                {
                    "label": label(item),
                    "citizen": theirs,
                    "staff": ours,
                    "difference": difference,
                    "marked": difference is not None and abs(difference) >= PERSPECTIVE_MARK,
                }
            )
        perspectives = {"instrument": instrument, "citizen": citizen_m, "staff": staff_m, "rows": rows}
    return profile, perspectives


def collaboration_sector_rows(collaborations: list[Collaboration]) -> list[dict]:
    """Who is involved around the citizen: per sector, how often, partners and the citizen's mean rating."""
    by_sector: dict = {}
    for c in collaborations:
        row = by_sector.setdefault(
            c.partner.sector,
            {"sector": c.partner.sector, "count": 0, "ratings": [], "partners": set(), "with_citizen": 0},
        )
        row["count"] += 1
        row["partners"].add(c.partner.name)
        row["with_citizen"] += int(c.citizen_participated)
        if c.usefulness is not None:
            row["ratings"].append(c.usefulness)
    rows = []
    for row in sorted(by_sector.values(), key=lambda r: (-r["count"], r["sector"].order)):
        ratings = row.pop("ratings")
        row["mean_usefulness"] = sum(ratings) / len(ratings) if ratings else None
        row["n_rated"] = len(ratings)
        row["partners"] = sorted(row["partners"])
        rows.append(row)
    return rows


def perspective(informer: str) -> str:
    """Whose view a measurement gives: the staff's own rating, or the citizen's (alone, supported or by a relative)."""
    return "staff" if informer == Informer.STAFF else "citizen"


def course_measurement_dates(*, course: Course, instrument: Instrument) -> set[tuple]:
    """(date, perspective) of the course's measurements with the instrument: a second measurement on the same day
    from the same perspective is asked about; the staff's rating beside the citizen's on the same day is the point."""
    rows = Measurement.objects.filter(course=course, instrument=instrument).values_list("date", "informer")
    return {(date, perspective(informer)) for date, informer in rows}


def measurement_context(*, measurement: Measurement) -> dict:
    """The result shown right after saving: score, change since baseline and since last time, category."""
    series = list(
        Measurement.objects.filter(course_id=measurement.course_id, instrument_id=measurement.instrument_id)
        .order_by("date", "pk")
        .values_list("pk", "date", "score")
    )
    index = next(i for i, row in enumerate(series) if row[0] == measurement.pk)
    baseline = series[0]
    previous = series[index - 1] if index > 0 else None
    summary = TrajectorySummary.objects.filter(
        course_id=measurement.course_id, instrument_id=measurement.instrument_id
    ).first()
    score = measurement.score

    def diff(row):
        return None if row is None or score is None or row[2] is None or row[0] == measurement.pk else score - row[2]

    return {
        "series": series,
        "baseline_date": baseline[1],
        "change_since_baseline": diff(baseline),
        "previous_date": previous[1] if previous else None,
        "change_since_previous": diff(previous),
        "summary": summary,
        "is_latest": index == len(series) - 1,
        "n_measurements": len(series),
    }


def shared_timeline(*, citizen: Citizen, scope: dict[str, set[int]]) -> dict | None:
    """'The whole citizen': what other units recorded, as far as the citizen's consent reaches (``scope``, from
    ``tracker.selectors.shared_scope``: per kind, the units whose records may be shown). None when nothing is shared.

    Read without user scoping on purpose: the consent is the permission, checked by the caller, and the view logs
    the look in the same transaction.
    """
    if not any(scope.values()):
        return None
    measurements = []
    if scope["measurements"]:
        measurements = list(
            Measurement.objects.filter(course__citizen=citizen, course__unit_id__in=scope["measurements"])
            .select_related("instrument", "course__unit")
            .order_by("date", "pk")
        )
    goals = []
    if scope["goals"]:
        goals = list(
            Goal.objects.filter(course__citizen=citizen, course__unit_id__in=scope["goals"])
            .select_related("life_domain", "course__unit")
            .prefetch_related(Prefetch("reviews", queryset=GoalReview.objects.order_by("date", "pk")))
        )
        for goal in goals:
            goal.latest_level = goal_latest_level(goal)
    collaborations = []
    if scope["collaborations"]:
        collaborations = list(
            Collaboration.objects.filter(course__citizen=citizen, course__unit_id__in=scope["collaborations"])
            .select_related("partner__sector", "kind", "course__unit")
            .order_by("date", "pk")
        )
    events = (
        [{"date": m.date, "kind": "measurement", "unit": m.course.unit, "record": m} for m in measurements]
        + [{"date": g.created_on, "kind": "goal", "unit": g.course.unit, "record": g} for g in goals]
        + [{"date": c.date, "kind": "collaboration", "unit": c.course.unit, "record": c} for c in collaborations]
    )
    events.sort(key=lambda e: e["date"], reverse=True)
    unit_ids = set().union(*scope.values())
    return {
        "events": events,
        "goals": goals,
        "unit_ids": sorted(unit_ids),
        "n_measurements": len(measurements),
        "n_goals": len(goals),
        "n_collaborations": len(collaborations),
    }


def correction_history(*, citizen: Citizen, course_ids) -> list[dict]:
    """The corrections of the citizen's records in the given courses, newest first: when, who, what, which kind of
    change and why (from the audit trail: a deleted record stays there with its reason)."""
    from tracker.models import AuditEntry

    labels = {
        "outcomes.measurement": _("Måling"),
        "outcomes.goal": _("Mål"),
        "outcomes.goalreview": _("Opfølgning på mål"),
        "tracker.collaboration": _("Samarbejde"),
    }
    wanted = set(course_ids)
    rows = []
    for entry in AuditEntry.objects.filter(citizen_id=citizen.pk, purpose="correction").select_related("user"):
        if entry.detail.get("course_id") not in wanted:
            continue
        before, after = entry.detail.get("before") or {}, entry.detail.get("after") or {}
        changed = sorted(k for k in after if before.get(k) != after.get(k))
        if entry.detail.get("note_changed"):
            changed.append("note")
        rows.append(
            {
                "time": entry.time,
                "user": entry.user,
                "action": entry.action,
                "action_label": entry.get_action_display(),
                "kind": labels.get(entry.object_type, entry.object_type),
                "object_id": entry.object_id,
                "changed": changed,
                "reason": entry.detail.get("reason", ""),
            }
        )
    return rows
