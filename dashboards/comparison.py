"""The director's fair comparison of units: aggregates only, small numbers suppressed.

Reads go through ``unit_comparison(user=...)``, which only ever touches units in the director's subtree.
Citizen-level rows are read from the trajectory summaries to fit the case-mix model, but never leave this
module: what it returns is one row per unit (or per department when drilling down), and every figure
about fewer than k citizens is replaced by ``None`` with a ``suppressed`` flag.

Definitions (shown on the page as well):
- *active*: distinct citizens with a course in the unit that overlaps the period;
- *paired*: those whose course has a baseline and a follow-up of the instrument (first → latest);
- *coverage*: paired ÷ active;
- *improved*: category improved or recovered (by RCI where the instrument has a reliability, else MID).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db.models import Avg, Count, OuterRef, Q, Subquery
from django.db.models.functions import TruncQuarter

from outcomes import casemix, statistics
from outcomes.models import Goal, GoalReview, Instrument, Measurement, TrajectorySummary
from tracker import dataversion
from tracker.models import Collaboration, Course, OrganisationUnit
from tracker.selectors import access_for, subtree_unit_ids

IMPROVED = {TrajectorySummary.Category.IMPROVED, TrajectorySummary.Category.RECOVERED}
DETERIORATED = {TrajectorySummary.Category.DETERIORATED, TrajectorySummary.Category.HARMED}
LOW_COVERAGE = 0.5


def small_number_k() -> int:
    return settings.SMALL_NUMBER_K


@dataclass
class GroupFigures:
    """One row of the comparison: a unit, or a department aggregating its units."""

    key: int
    name: str
    is_leaf: bool
    active: int = 0
    paired: int = 0
    improved: int = 0
    unchanged: int = 0
    deteriorated: int = 0
    mean_change: float | None = None
    change_ci: tuple[float, float] | None = None
    improved_share: float | None = None
    improved_ci: tuple[float, float] | None = None
    expected_change: float | None = None
    adjusted_change: float | None = None
    adjusted_ci: tuple[float, float] | None = None
    expected_improved: float | None = None
    oe_ratio: float | None = None
    oe_limits95: tuple[float, float] | None = None
    oe_limits998: tuple[float, float] | None = None
    funnel95: tuple[float, float] | None = None
    funnel998: tuple[float, float] | None = None
    mean_funnel95: tuple[float, float] | None = None
    mean_funnel998: tuple[float, float] | None = None
    position: str = ""  # "above", "below", "within" the 95% limits of the share improved
    gas_mean: float | None = None
    gas_courses: int = 0
    collaborations: int = 0
    collab_citizens: int = 0
    plan_citizens: int = 0
    sd_change: float | None = None
    suppressed: bool = False  # fewer than k active citizens: nothing shown
    effect_suppressed: bool = False  # fewer than k paired citizens: effect figures hidden

    @property
    def coverage(self) -> float | None:
        return self.paired / self.active if self.active and not self.suppressed else None

    @property
    def low_coverage(self) -> bool:
        return self.coverage is not None and self.coverage < LOW_COVERAGE

    @property
    def plan_share(self) -> float | None:
        return self.plan_citizens / self.active if self.active and not self.suppressed else None


@dataclass
class Comparison:
    rows: list[GroupFigures]
    overall: GroupFigures
    instrument: Instrument
    k: int
    method: str
    period: tuple[datetime.date, datetime.date]
    root: OrganisationUnit | None
    breadcrumbs: list[OrganisationUnit] = field(default_factory=list)
    trends: dict[int, list[tuple[datetime.date, float, int]]] = field(default_factory=dict)
    phi: float | None = None
    overdispersion_used: bool = False


def scope_units(*, user, root_id: int | None = None) -> tuple[set[int], OrganisationUnit | None]:
    """The units the director may see, optionally narrowed to a subtree they may see."""
    allowed = set(access_for(user).director_unit_ids) | (
        set(OrganisationUnit.objects.values_list("pk", flat=True)) if user.is_superuser else set()
    )
    if root_id is not None and root_id in allowed:
        return subtree_unit_ids({root_id}) & allowed, OrganisationUnit.objects.get(pk=root_id)
    return allowed, None


def _groups(unit_ids: set[int], root: OrganisationUnit | None) -> tuple[dict[int, int], dict[int, OrganisationUnit]]:
    """Map every leaf unit to the row it is counted in: the root's children when drilling down, else units."""
    units = {u.pk: u for u in OrganisationUnit.objects.filter(pk__in=unit_ids)}
    if root is None:
        # The top of the director's scope: show its departments if there are several, else the units.
        tops = [u for u in units.values() if u.parent_id not in units]
        root = tops[0] if len(tops) == 1 else None
    children = [u for u in units.values() if root is not None and u.parent_id == root.pk]
    if children and any(c.kind != OrganisationUnit.Kind.UNIT for c in children) and len(children) > 1:
        group_of = {}
        for child in children:
            for leaf in subtree_unit_ids({child.pk}) & set(units):
                group_of[leaf] = child.pk
        return group_of, units
    return {pk: pk for pk, u in units.items() if u.kind == OrganisationUnit.Kind.UNIT}, units


def _course_filter(start: datetime.date, end: datetime.date, legal_basis_id: int | None) -> Q:
    q = Q(course__start__lte=end) & (Q(course__end__isnull=True) | Q(course__end__gte=start))
    if legal_basis_id:
        q &= Q(course__legal_basis_id=legal_basis_id)
    return q


def unit_comparison(
    *,
    user,
    instrument: Instrument,
    start: datetime.date,
    end: datetime.date,
    legal_basis_id: int | None = None,
    root_id: int | None = None,
    adjust_overdispersion: bool = False,
) -> Comparison:
    """Everything the comparison page shows, in a fixed number of queries; cached on the data version."""
    unit_ids, root = scope_units(user=user, root_id=root_id)
    key = {
        "units": sorted(unit_ids),
        "root": root.pk if root else None,
        "instrument": instrument.pk,
        "period": [start, end],
        "legal_basis": legal_basis_id,
        "overdispersion": adjust_overdispersion,
        "k": small_number_k(),
        "today": datetime.date.today(),
    }
    return dataversion.cached(
        "comparison",
        key,
        lambda: _compare(unit_ids, root, instrument, start, end, legal_basis_id, adjust_overdispersion),
    )


def _compare(unit_ids, root, instrument, start, end, legal_basis_id, adjust_overdispersion) -> Comparison:
    k = small_number_k()

    group_of, units = _groups(unit_ids, root)
    leaf_ids = set(group_of)
    in_period = _course_filter(start, end, legal_basis_id)
    course_q = Q(start__lte=end) & (Q(end__isnull=True) | Q(end__gte=start)) & Q(unit_id__in=leaf_ids)
    if legal_basis_id:
        course_q &= Q(legal_basis_id=legal_basis_id)

    # 1. Active citizens per leaf unit (distinct per group is computed from (unit, citizen) pairs).
    active_pairs = set(Course.objects.filter(course_q).values_list("unit_id", "citizen_id").distinct())
    # 2. Paired trajectories with what the case-mix model needs.
    rows = list(
        TrajectorySummary.objects.filter(
            in_period, unit_id__in=leaf_ids, instrument=instrument, change__isnull=False
        ).values_list(
            "unit_id",
            "course__citizen_id",
            "baseline_score",
            "change",
            "category",
            "baseline_date",
            "course__citizen__birth_year",
            "course__citizen__gender",
            "course__legal_basis__code",
        )
    )
    # 3. Quarterly mean score per leaf unit (trends).
    trend_rows = (
        Measurement.objects.filter(instrument=instrument, course__unit_id__in=leaf_ids, date__gte=start, date__lte=end)
        .annotate(quarter=TruncQuarter("date"))
        .values("course__unit_id", "quarter")
        .annotate(mean=Avg("score"), n=Count("course__citizen_id", distinct=True))
        .order_by("quarter")
    )
    # 4. GAS: each open-period goal's latest level.
    latest_level = GoalReview.objects.filter(goal=OuterRef("pk"), date__lte=end).order_by("-date", "-pk")
    goal_rows = list(
        Goal.objects.filter(in_period, course__unit_id__in=leaf_ids, created_on__lte=end)
        .annotate(level=Subquery(latest_level.values("level")[:1]))
        .filter(level__isnull=False)
        .values_list("course__unit_id", "course_id", "level", "importance", "difficulty")
    )
    # 5. Collaboration in the period.
    collab_rows = list(
        Collaboration.objects.filter(
            in_period, course__unit_id__in=leaf_ids, date__gte=start, date__lte=end
        ).values_list("course__unit_id", "course__citizen_id", "kind__code")
    )

    figures: dict[int, GroupFigures] = {}
    for group in group_of.values():
        if group not in figures:
            u = units[group]
            figures[group] = GroupFigures(key=group, name=u.name, is_leaf=u.kind == OrganisationUnit.Kind.UNIT)
    active_by_group: dict[int, set[int]] = defaultdict(set)
    for unit_id, citizen_id in active_pairs:
        active_by_group[group_of[unit_id]].add(citizen_id)
    for group, citizens in active_by_group.items():
        figures[group].active = len(citizens)

    method = TrajectorySummary.Method.RCI if instrument.reliability and instrument.reference_sd else "mid"
    overall = GroupFigures(key=0, name="", is_leaf=False, active=len({c for _u, c in active_pairs}))
    if rows:
        _effects(rows, group_of, figures, overall, k)
    _gas(goal_rows, group_of, figures)
    _collaboration(collab_rows, group_of, figures)
    comparison = Comparison(
        rows=sorted(figures.values(), key=lambda f: f.name),
        overall=overall,
        instrument=instrument,
        k=k,
        method=method,
        period=(start, end),
        root=root,
    )
    _funnels(comparison, adjust_overdispersion)
    _suppress(comparison)
    trends: dict[int, list] = defaultdict(list)
    for r in trend_rows:
        trends[group_of[r["course__unit_id"]]].append((r["quarter"], r["mean"], r["n"]))
    comparison.trends = {g: _merge_quarters(v) for g, v in trends.items()}
    comparison.breadcrumbs = _breadcrumbs(root, unit_ids, units)
    return comparison


def _merge_quarters(points: list[tuple]) -> list[tuple]:
    """Several leaf units in one group: combine their quarterly means weighted by citizens."""
    by_q: dict = defaultdict(lambda: [0.0, 0])
    for quarter, mean, n in points:
        quarter = quarter.date() if isinstance(quarter, datetime.datetime) else quarter
        by_q[quarter][0] += (mean or 0) * n
        by_q[quarter][1] += n
    return [(q, s / n if n else None, n) for q, (s, n) in sorted(by_q.items())]


def _effects(rows, group_of, figures, overall, k) -> None:
    today = datetime.date.today()
    baseline = np.array([r[2] for r in rows], dtype=float)
    change = np.array([r[3] for r in rows], dtype=float)
    improved = np.array([r[4] in IMPROVED for r in rows], dtype=int)
    factors = {
        "age": [casemix.age_group(today.year - r[6] if r[6] else None) for r in rows],
        "gender": [r[7] for r in rows],
        "basis": _shared_levels([r[8] for r in rows], [group_of[r[0]] for r in rows]),
    }
    expected = casemix.expected_outcomes(baseline=baseline, change=change, improved=improved, factors=factors)
    members: dict[int, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        members[group_of[r[0]]].append(i)
    for group, idx in members.items():
        _fill(figures[group], idx, change, improved, expected, [rows[i][4] for i in idx])
    _fill(overall, list(range(len(rows))), change, improved, expected, [r[4] for r in rows])


def _shared_levels(levels: list[str], groups: list[int]) -> list[str]:
    """Keep a legal basis in the model only if at least two compared groups offer it.

    A legal basis found in one unit only is perfectly confounded with that unit: adjusting for it would
    explain away exactly the unit effect we want to see. Such levels join the reference level.
    """
    groups_per_level: dict[str, set[int]] = defaultdict(set)
    for level, group in zip(levels, groups, strict=True):
        groups_per_level[level].add(group)
    shared = {level for level, gs in groups_per_level.items() if len(gs) >= 2}
    return [level if level in shared else "" for level in levels]


def _fill(fig: GroupFigures, idx, change, improved, expected, categories) -> None:
    idx = np.asarray(idx)
    fig.paired = int(idx.size)
    fig.improved = int(sum(c in IMPROVED for c in categories))
    fig.deteriorated = int(sum(c in DETERIORATED for c in categories))
    fig.unchanged = fig.paired - fig.improved - fig.deteriorated
    fig.mean_change = float(change[idx].mean())
    if idx.size >= 2:
        fig.sd_change = float(change[idx].std(ddof=1))
        _m, lo, hi = statistics.mean_change_ci(change[idx])
        fig.change_ci = (lo, hi)
        residual = change[idx] - expected.change[idx]
        adj, alo, ahi = statistics.mean_change_ci(residual)
        fig.adjusted_change, fig.adjusted_ci = adj, (alo, ahi)
    fig.improved_share = fig.improved / fig.paired
    fig.improved_ci = statistics.wilson_interval(fig.improved, fig.paired)
    fig.expected_change = float(expected.change[idx].mean())
    fig.expected_improved = float(expected.improve_probability[idx].sum())
    if fig.expected_improved > 0:
        fig.oe_ratio = fig.improved / fig.expected_improved
        fig.oe_limits95 = statistics.funnel_limits_ratio(fig.expected_improved, level=0.95)
        fig.oe_limits998 = statistics.funnel_limits_ratio(fig.expected_improved, level=0.998)


def _gas(goal_rows, group_of, figures) -> None:
    by_course: dict[int, list[tuple[int, float]]] = defaultdict(list)
    course_group: dict[int, int] = {}
    for unit_id, course_id, level, importance, difficulty in goal_rows:
        weight = float(importance * difficulty) if importance and difficulty else 1.0
        by_course[course_id].append((level, weight))
        course_group[course_id] = group_of[unit_id]
    per_group: dict[int, list[float]] = defaultdict(list)
    for course_id, goals in by_course.items():
        levels, weights = zip(*goals, strict=True)
        per_group[course_group[course_id]].append(statistics.gas_t_score(levels, weights))
    for group, ts in per_group.items():
        figures[group].gas_mean = float(np.mean(ts))
        figures[group].gas_courses = len(ts)


def _collaboration(collab_rows, group_of, figures) -> None:
    citizens: dict[int, set[int]] = defaultdict(set)
    plan: dict[int, set[int]] = defaultdict(set)
    for unit_id, citizen_id, kind in collab_rows:
        group = group_of[unit_id]
        figures[group].collaborations += 1
        citizens[group].add(citizen_id)
        if kind == "coordinated-plan":
            plan[group].add(citizen_id)
    for group in figures:
        figures[group].collab_citizens = len(citizens[group])
        figures[group].plan_citizens = len(plan[group])


def _funnels(comparison: Comparison, adjust: bool) -> None:
    """Funnel limits around the overall share improved and the overall mean change (Spiegelhalter 2005)."""
    overall = comparison.overall
    if not overall.paired:
        return
    target = overall.improved / overall.paired
    eligible = [f for f in comparison.rows if f.paired >= comparison.k]
    phi = None
    if adjust and len(eligible) >= 3 and 0 < target < 1:
        od = statistics.overdispersion([f.improved for f in eligible], [f.paired for f in eligible], target=target)
        phi = od["phi"] if od["phi"] > 1 else None
        comparison.phi = od["phi"]
        comparison.overdispersion_used = phi is not None
    sd_all = overall.sd_change
    for f in comparison.rows:
        if not f.paired:
            continue
        if 0 < target < 1:
            method = "normal" if phi else "exact"
            f.funnel95 = statistics.funnel_limits_proportion(target, f.paired, level=0.95, method=method, phi=phi)
            f.funnel998 = statistics.funnel_limits_proportion(target, f.paired, level=0.998, method=method, phi=phi)
            share = f.improved / f.paired
            f.position = "above" if share > f.funnel95[1] else "below" if share < f.funnel95[0] else "within"
        if sd_all:
            f.mean_funnel95 = statistics.funnel_limits_mean(overall.mean_change, sd_all, f.paired, level=0.95)
            f.mean_funnel998 = statistics.funnel_limits_mean(overall.mean_change, sd_all, f.paired, level=0.998)


EFFECT_FIELDS = (
    "improved",
    "unchanged",
    "deteriorated",
    "mean_change",
    "change_ci",
    "improved_share",
    "improved_ci",
    "expected_change",
    "adjusted_change",
    "adjusted_ci",
    "expected_improved",
    "oe_ratio",
    "oe_limits95",
    "oe_limits998",
    "funnel95",
    "funnel998",
    "mean_funnel95",
    "mean_funnel998",
    "position",
    "sd_change",
)


def _suppress(comparison: Comparison) -> None:
    """No figure about fewer than k citizens; secondary suppression in the count table with totals."""
    k = comparison.k
    for f in comparison.rows:
        if f.active < k:
            f.suppressed = f.effect_suppressed = True
        elif f.paired < k:
            f.effect_suppressed = True
        if f.effect_suppressed:
            for name in EFFECT_FIELDS:
                setattr(f, name, None if name != "position" else "")
        if f.suppressed:
            f.gas_mean, f.collaborations, f.collab_citizens, f.plan_citizens = None, None, None, None
        elif f.gas_courses < k:
            f.gas_mean = None
        if not f.suppressed and f.collab_citizens is not None and 0 < f.plan_citizens < k:
            f.plan_citizens = None


def count_table(comparison: Comparison) -> dict:
    """The improved / unchanged / deteriorated counts per row with totals, with secondary suppression.

    Returns {"rows": [(name, [cells], total)], "totals": [col totals], "grand": grand} where a hidden cell
    is None. Rows already effect-suppressed contribute no cells (their counts are unknown to the reader)
    and are left out of the shown totals, so the totals describe only the rows shown.
    """
    shown = [f for f in comparison.rows if not f.effect_suppressed and f.paired]
    table = [[f.improved, f.unchanged, f.deteriorated] for f in shown]
    if not table:
        return {"rows": [], "totals": [None, None, None], "grand": None}
    result = statistics.suppress_table(table, k=comparison.k)
    hidden = result.cells
    out_rows = []
    for i, f in enumerate(shown):
        cells = [None if hidden[i][j] else table[i][j] for j in range(3)]
        total = None if result.row_totals[i] else sum(table[i])
        out_rows.append((f.name, cells, total))
    col_totals = [None if result.column_totals[j] else sum(r[j] for r in table) for j in range(3)]
    grand = None if result.grand_total else sum(map(sum, table))
    return {"rows": out_rows, "totals": col_totals, "grand": grand}


def _breadcrumbs(root, unit_ids, units) -> list[OrganisationUnit]:
    crumbs, node = [], root
    while node is not None and node.pk in unit_ids:
        crumbs.append(node)
        node = units.get(node.parent_id)
    return list(reversed(crumbs))
