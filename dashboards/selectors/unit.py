"""The unit leader's dashboard: is the unit's work helping, and what is missing?

The figures the page and the effect report show, for one or several units and a period, built from a fixed
number of queries (``queries.py``) and assembled in parts by ``dashboard.py``; the statistics are the pure functions of
``outcomes.statistics`` applied to the rows the database has already aggregated or reduced to one row per
course. Leaders see their own units' citizens (they are members), so nothing here is suppressed.

Definitions (shown on the page as well):

- *active*: courses overlapping the period; *citizens*: distinct citizens of those courses.
- *paired*: active courses with a baseline (first measurement of the instrument) and a later measurement
  dated in the period; the change is latest-by-the-end minus baseline. *Coverage* = paired / active.
- *categories*: the trajectory summaries' rule (``outcomes.summaries.summarise``): reliable change (RCI)
  where the instrument has a published reliability, otherwise its minimal important difference (MID).
"""

from __future__ import annotations

from collections import Counter, defaultdict

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from common import formatting
from dashboards.selectors import queries
from dashboards.selectors.rows import (
    IMPROVING,
    WORSENING,
    CourseRow,
    DomainChange,
    FollowUpRow,
    GoalLevelRow,
    Mean,
    NotOnTrackRow,
    QuarterRow,
    Share,
    UnitBreakdown,
)
from figures import engine
from figures.periods import Period
from outcomes import statistics
from outcomes.models import RCI_LABELS, Instrument, InstrumentItem, TrajectorySummary
from outcomes.summaries import Params
from tracker.models import OrganisationUnit

Category = TrajectorySummary.Category
Method = TrajectorySummary.Method


def not_on_track_days() -> int:
    """Days after the baseline from which a citizen below the cut-off without improvement is 'not on track'."""
    return int(getattr(settings, "EFFEKTSPOR_NOT_ON_TRACK_DAYS", 180))


def _in_english() -> bool:
    return (get_language() or "da").startswith("en")


def _threshold(params: Params) -> tuple[float, bool] | None:
    """(value, strict) of the change that counts as improvement, for the database-side classification."""
    if params.method == Method.RCI:
        return statistics.reliable_change_threshold(sd=params.reference_sd, reliability=params.reliability), True
    if params.method == Method.MID:
        return float(params.mid), False
    return None


def category_label(code: str, method: str, instrument: Instrument) -> str:
    """The category in words that say how it was judged: 'pålideligt' only where the RCI was used."""
    if method == Method.RCI:
        return str(RCI_LABELS[code])
    mid = formatting.num(instrument.mid, 0 if float(instrument.mid or 0).is_integer() else 1)
    return {
        Category.IMPROVED: _("Forbedret ≥ MID (%(mid)s point)") % {"mid": mid},
        Category.UNCHANGED: _("Uændret (ændring under MID)"),
        Category.DETERIORATED: _("Forværret ≥ MID (%(mid)s point)") % {"mid": mid},
    }[code]


def _category_codes(method: str, instrument: Instrument) -> list[str]:
    if method == Method.NONE:
        return []
    if method == Method.RCI and instrument.clinical_cutoff is not None:
        return [Category.RECOVERED, Category.IMPROVED, Category.UNCHANGED, Category.DETERIORATED, Category.HARMED]
    return [Category.IMPROVED, Category.UNCHANGED, Category.DETERIORATED]


def _course_rows(trajs: list[engine.Trajectory], kinds: dict[int, set[int]]) -> list[CourseRow]:
    """The engine's trajectories as the dashboard's course rows (the lists and tables show these)."""
    out = []
    for t in trajs:
        r = t.record
        row = CourseRow(
            course_id=r.course_id,
            citizen_id=r.citizen_id,
            citizen_name=r.citizen_name,
            unit_id=r.unit_id,
            unit_name=r.unit_name,
            start=r.start,
            end=r.end,
            base_date=t.baseline.date if t.baseline else None,
            base_score=t.baseline.score if t.baseline else None,
            end_date=t.latest.date if t.baseline and t.latest else None,
            end_score=t.latest.score if t.baseline and t.latest else None,
            kind_ids=frozenset(kinds.get(r.course_id, ())),
            category=t.category,
            change=t.change,
            paired=t.paired,
            due=t.due,
        )
        if t.paired:
            row.end_date, row.end_score = t.follow_up.date, t.follow_up.score
        out.append(row)
    return out


def _effect_size(paired: list[CourseRow]) -> dict | None:
    if len(paired) < 2:
        return None
    try:
        return statistics.effect_size_pre_post([c.base_score for c in paired], [c.end_score for c in paired])
    except ValueError:  # no spread at baseline: d is undefined
        return None


def _trend(quarters: list[engine.QuarterFigures], can_classify: bool) -> list[QuarterRow]:
    return [
        QuarterRow(
            label=q.label,
            start=q.start,
            n=q.measured,
            mean=q.mean_score,
            improved=Share(q.figures.improved, q.figures.paired) if can_classify else None,
        )
        for q in quarters
    ]


def _life_domains(trajs: list[engine.Trajectory], items: list[InstrumentItem]) -> list[DomainChange] | None:
    """Per life domain, over courses with a follow-up rating in the period (the same rule as every figure):
    the ratings at the baseline and at the follow-up, and the mean of the paired changes."""
    if not items:
        return None
    pairs = [(t.baseline.id, t.follow_up.id) for t in trajs if t.follow_up is not None]
    rows = {r["item_id"]: r for r in queries.life_domain_changes(pairs)}
    out = []
    for item in items:
        r = rows.get(item.pk, {})
        label = item.life_domain.name if item.life_domain else item.text.split(":")[0]
        out.append(
            DomainChange(
                code=item.link_id,
                label=label,
                n=r.get("n", 0),
                mean_first=r.get("mean_first"),
                mean_latest=r.get("mean_latest"),
                mean_change=r.get("mean_change"),
            )
        )
    return out


def _gas(rows: list[dict]) -> Mean:
    """The mean over courses of each course's GAS T-score (Kiresuk & Sherman 1968), with a t interval."""
    return Mean.of(list(engine.gas_by_course(rows).values()))


def _goal_levels(rows: list[dict]) -> list[GoalLevelRow]:
    """Goals reviewed in the period by the level of their latest review, −2…+2 (from the per-goal rows)."""
    counts = Counter(r["level"] for r in rows)
    labels = {
        -2: _("Meget mindre end forventet"),
        -1: _("Mindre end forventet"),
        0: _("Forventet niveau"),
        1: _("Mere end forventet"),
        2: _("Meget mere end forventet"),
    }
    return [GoalLevelRow(level, labels[level], Share(counts[level], len(rows))) for level in range(-2, 3)]


def _localised(row: dict, prefix: str) -> str:
    return row[f"{prefix}_en"] if _in_english() else row[f"{prefix}_da"]


def _follow_up(courses: list[CourseRow], instrument: Instrument, period: Period) -> list[FollowUpRow]:
    """Courses open at the period's end with no baseline, or no measurement within the instrument's interval."""
    interval = instrument.interval_days
    labels = {  # translated once, not per row
        "missing": _("Mangler første måling"),
        "overdue": _("Overskredet (mere end dobbelt interval)"),
        "due": _("Forfalden"),
    }
    out = []
    for c in courses:
        if c.end is not None and c.end <= period.end:
            continue  # ended: no follow-up is due
        if not c.has_baseline:
            status, label, since = "missing", labels["missing"], None
        elif interval is None:
            continue
        else:
            since = (period.end - c.end_date).days
            if since <= interval:
                continue
            status = "overdue" if since > 2 * interval else "due"
            label = labels[status]
        out.append(FollowUpRow(c.citizen_id, c.citizen_name, c.unit_name, c.start, c.end_date, since, status, label))
    order = {"overdue": 0, "due": 1, "missing": 2}
    return sorted(out, key=lambda r: (order[r.status], -(r.days_since or 0), r.citizen_name))


def _latest_change(c: CourseRow) -> float | None:
    """The change to the latest measurement by the period's end, for a course without a follow-up in it."""
    if c.end_date is None or c.end_date == c.base_date or c.end_score is None or c.base_score is None:
        return None
    return c.end_score - c.base_score


def _not_on_track(courses: list[CourseRow], instrument: Instrument, period: Period, days: int) -> list[NotOnTrackRow]:
    """Open courses that deteriorated, or are still on the clinical side of the cut-off without improvement
    ``days`` or more after their baseline."""
    cutoff = instrument.clinical_cutoff
    worse = _("Forværret siden første måling")  # translated once, not per row
    stuck = _("Under den kliniske grænse uden forbedring efter %(days)s dage") % {"days": days}
    out = []
    for c in courses:
        if not c.has_baseline or (c.end is not None and c.end <= period.end):
            continue
        if c.category in WORSENING:
            reason = worse
        elif (
            cutoff is not None
            and (c.end_score < cutoff if instrument.higher_is_better else c.end_score > cutoff)
            and c.category not in IMPROVING
            and (period.end - c.base_date).days >= days
        ):
            reason = stuck
        else:
            continue
        out.append(
            NotOnTrackRow(
                c.citizen_id,
                c.citizen_name,
                c.unit_name,
                c.base_date,
                c.base_score,
                c.end_date,
                c.end_score,
                c.change if c.change is not None else _latest_change(c),
                reason,
            )
        )
    return sorted(out, key=lambda r: (r.change if r.change is not None else 0, r.citizen_name))


def _by_unit(trajs: list[engine.Trajectory], units: list[OrganisationUnit], method: str) -> list[UnitBreakdown]:
    by_unit: dict[int, list[engine.Trajectory]] = defaultdict(list)
    for t in trajs:
        by_unit[t.record.unit_id].append(t)
    out = []
    for unit in units:
        g = engine.group_figures(unit.pk, unit.name, by_unit[unit.pk])
        out.append(
            UnitBreakdown(
                unit_id=unit.pk,
                unit_name=unit.name,
                active_citizens=len(g.active_citizens),
                active_courses=g.active_courses,
                coverage=Share(g.paired, g.due_courses),
                mean_change=Mean.of(g.changes),
                improved=None if method == Method.NONE else Share(g.improved, g.paired),
            )
        )
    return out
