"""The director's fair comparison of units, from the figures engine, with disclosure control applied once.

``unit_comparison(user=...)`` reads only the units in the director's subtree, computes each unit's (or
department's) figure set with ``figures.engine`` — the same function, period grid and follow-up rule as the
unit leader's page — and returns rows that are safe for an aggregate-only audience (``figures.disclosure``):
counts and means perturbed by the cell key, small rows and their complements hidden, centre lines and
totals derived from the shown rows only. The page, its export, the chart JSON, the API and the publications
render these rows and compute nothing themselves.

Definitions (the methods page states them with sources): *active* citizens have a course overlapping the
period; *due* courses have a baseline at least the minimum interval before the period's end; *paired*
courses have a follow-up in the period; *coverage* = paired ÷ due; *improved* = category improved or
recovered (reliable change where the instrument has a published reliability, else the MID).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from figures import disclosure, engine, records
from figures.periods import Period
from outcomes import casemix, statistics
from outcomes.models import Instrument, TrajectorySummary
from outcomes.summaries import Params
from tracker import dataversion
from tracker.models import OrganisationUnit
from tracker.selectors import access_for, subtree_unit_ids

LOW_COVERAGE = 0.5
GAS_STEP = 10.0  # one goal one level up or down moves a single-goal T-score by 10 points


def small_number_k() -> int:
    return disclosure.Policy.current().k


@dataclass
class ComparisonRow:
    """One row of the comparison as published: a unit, or a department aggregating its units."""

    key: int
    name: str
    is_leaf: bool
    parent_id: int | None = None
    active: int | None = 0
    due: int | None = None
    paired: int | None = 0
    improved: int | None = None
    unchanged: int | None = None
    deteriorated: int | None = None
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
    position: str = ""  # "above", "below", "within" the 95% limits; "mixed" when O/E says otherwise
    gas_mean: float | None = None
    gas_courses: int | None = 0
    collaborations: int | None = 0
    collab_citizens: int | None = 0
    suppressed: bool = False  # fewer than k active citizens (or its complement): nothing shown
    effect_suppressed: bool = False  # fewer than k paired courses (or its complement): effect figures hidden
    hidden_cells: tuple[bool, bool, bool] = (False, False, False)  # improved, unchanged, deteriorated
    total_hidden: bool = False
    share_hidden: bool = False  # the share improved would give a hidden count

    @property
    def coverage(self) -> float | None:
        if self.effect_suppressed or not self.due:
            return None
        return min(1.0, self.paired / self.due)

    @property
    def low_coverage(self) -> bool:
        return self.coverage is not None and self.coverage < LOW_COVERAGE


@dataclass
class Comparison:
    rows: list[ComparisonRow]
    overall: ComparisonRow  # derived from the shown rows only
    instrument: Instrument
    k: int
    method: str
    period: Period
    root: OrganisationUnit | None
    breadcrumbs: list[OrganisationUnit] = field(default_factory=list)
    trends: dict[int, list[tuple[datetime.date, float, int]]] = field(default_factory=dict)
    phi: float | None = None
    tau2: float | None = None
    mean_tau2: float | None = None
    overdispersion: str = "none"  # "none" (not present or not asked for) or "additive" (τ² DerSimonian–Laird)
    pooled_sd: float | None = None
    legal_basis_id: int | None = None
    kind_id: int | None = None
    disclosed: bool = True
    count_totals: tuple = (None, None, None)  # improved, unchanged, deteriorated over the shown rows (None: hidden)
    count_grand: int | None = None

    @property
    def has_data(self) -> bool:
        """Whether any row has active courses (a hidden row has some, or it would not be hidden)."""
        return any(r.suppressed or r.active for r in self.rows)


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


def unit_comparison(
    *,
    user,
    instrument: Instrument,
    period: Period,
    legal_basis_id: int | None = None,
    kind_id: int | None = None,
    root_id: int | None = None,
    overdispersion: bool = True,
    disclose: bool = True,
) -> Comparison:
    """Everything the comparison shows, in a fixed number of queries; cached on the data version together with
    the instrument's parameters and k, so a changed MID or k shows on the next request.

    ``kind_id``: compare only units that offer this legal basis (units of the same kind). ``disclose=False``
    gives the figures before disclosure control — for tests and for a leader's own units, never a director.
    """
    unit_ids, root = scope_units(user=user, root_id=root_id)
    if kind_id is not None:
        other = OrganisationUnit.objects.filter(pk__in=unit_ids, kind=OrganisationUnit.Kind.UNIT).exclude(
            legal_bases=kind_id
        )
        unit_ids -= set(other.values_list("pk", flat=True))
    key = {
        "units": sorted(unit_ids),
        "root": root.pk if root else None,
        "instrument": instrument.pk,
        "parameters": Params.of(instrument).key(),
        "period": [period.start, period.end],
        "legal_basis": legal_basis_id,
        "kind": kind_id,
        "overdispersion": overdispersion,
        "k": small_number_k(),
        "disclose": disclose,
    }
    return dataversion.cached(
        "comparison",
        key,
        lambda: _compare(unit_ids, root, instrument, period, legal_basis_id, kind_id, overdispersion, disclose),
        units=unit_ids,
    )


@dataclass
class _Group:
    figures: engine.GroupFigures
    trajs: list[engine.Trajectory]
    quarters: list[engine.QuarterFigures] = field(default_factory=list)


def _compare(unit_ids, root, instrument, period, legal_basis_id, kind_id, adjust, disclose) -> Comparison:
    k = small_number_k()
    params = Params.of(instrument)
    group_of, units = _groups(unit_ids, root)
    scope = records.Scope(frozenset(group_of), legal_basis_id)
    course_records = records.course_records(scope, period, [instrument])
    trajs = engine.trajectories(course_records, period, params, instrument.pk)
    course_group = {r.course_id: group_of[r.unit_id] for r in course_records}
    gas: dict[int, dict[int, float]] = defaultdict(dict)
    for course_id, score in engine.gas_by_course(records.goal_rows(scope, period)).items():
        if course_id in course_group:
            gas[course_group[course_id]][course_id] = score
    collab: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for course_id, unit_id, citizen_id, _plan in records.collaboration_rows(scope, period):
        collab[group_of[unit_id]].append((course_id, citizen_id))

    members: dict[int, list[engine.Trajectory]] = defaultdict(list)
    for t in trajs:
        members[group_of[t.record.unit_id]].append(t)
    groups: dict[int, _Group] = {}
    for group in sorted(set(group_of.values())):
        u = units[group]
        mine = members[group]
        figures = engine.group_figures(group, u.name, mine, gas=gas[group], collaborations=collab[group])
        groups[group] = _Group(figures, mine)
        recs = [t.record for t in mine]
        groups[group].quarters = engine.quarterly(recs, period, params, instrument.pk, key=group)

    rows = [
        _published(g, units[key], k, params, instrument, disclose)
        for key, g in sorted(groups.items(), key=lambda kv: units[kv[0]].name)
    ]
    count_totals: tuple = (None, None, None)
    count_grand = None
    if disclose:
        _secondary(rows, groups)
        totals, count_grand = _cells(rows, k)
        count_totals = tuple(totals)
    else:
        shown = [r for r in rows if r.paired]
        count_totals = tuple(sum(getattr(r, n) for r in shown) for n in ("improved", "unchanged", "deteriorated"))
        count_grand = sum(r.paired for r in shown)
    method = TrajectorySummary.Method.RCI if params.method == "rci" else params.method
    comparison = Comparison(
        rows=rows,
        overall=ComparisonRow(key=0, name="", is_leaf=False),
        instrument=instrument,
        k=k,
        method=method,
        period=period,
        root=root,
        legal_basis_id=legal_basis_id,
        kind_id=kind_id,
        disclosed=disclose,
        count_totals=count_totals,
        count_grand=count_grand,
    )
    _casemix(comparison, groups, trajs, group_of)
    _overall(comparison, groups)
    _funnels(comparison, adjust)
    comparison.trends = _trends(comparison, groups, instrument, disclose)
    comparison.breadcrumbs = _breadcrumbs(root, unit_ids, units)
    return comparison


def _step(instrument: Instrument) -> float:
    """The smallest change one answer can make to the score (WHO-5: one step on one item × 4 = 4 points)."""
    return float(instrument.score_multiplier or 1.0)


def _published(
    g: _Group, unit: OrganisationUnit, k: int, params: Params, instrument: Instrument, disclose: bool
) -> ComparisonRow:
    f = g.figures
    row = ComparisonRow(
        key=f.key, name=f.name, is_leaf=unit.kind == OrganisationUnit.Kind.UNIT, parent_id=unit.parent_id
    )
    step = _step(instrument)
    citizens_key = disclosure.cell_key("citizen", f.active_citizens)
    courses_key = disclosure.cell_key("course", f.paired_ids)
    gas_key = disclosure.cell_key("course", f.gas_course_ids)
    collab_key = disclosure.cell_key("citizen", f.collab_citizens)
    summary = f.change

    def count(n: int, key: float, figure: str) -> int:
        return disclosure.count(n, key, figure) if disclose else n

    row.active = count(len(f.active_citizens), citizens_key, "active")
    row.due = count(f.due_courses, citizens_key, "due")
    row.collaborations = count(f.collaborations, collab_key, "collaborations")
    row.collab_citizens = count(len(f.collab_citizens), collab_key, "collab_citizens")
    if f.paired:
        row.paired = count(f.paired, courses_key, "paired")
        row.improved = count(f.improved, courses_key, "improved")
        row.deteriorated = count(f.deteriorated, courses_key, "deteriorated")
        row.improved = min(row.improved, row.paired)
        row.deteriorated = min(row.deteriorated, row.paired - row.improved)
        row.unchanged = row.paired - row.improved - row.deteriorated
        if disclose:
            row.mean_change = disclosure.mean(summary.total, f.paired, courses_key, "change", step)
        else:
            row.mean_change = summary.mean
        row.improved_share = row.improved / row.paired if row.paired else None
        row.improved_ci = statistics.wilson_interval(row.improved, row.paired) if row.paired else None
        if not disclose and summary.sd:
            _m, lo, hi = statistics.mean_change_ci(f.changes)
            row.change_ci = (lo, hi)
    else:
        row.paired = 0
    if disclose:
        # Primary suppression: below k before or after the perturbation (zero stays zero: it reveals nothing).
        if 0 < min(len(f.collab_citizens), row.collab_citizens or 0) < k or 0 < len(f.collab_citizens) < k:
            row.collaborations = row.collab_citizens = None
        if min(len(f.active_citizens), row.active) < k:
            row.suppressed = row.effect_suppressed = True
        if min(f.paired, row.paired) < k:
            row.effect_suppressed = True
    if f.gas_scores:
        row.gas_courses = count(len(f.gas_scores), gas_key, "gas_courses")
        gas_total = float(sum(f.gas_scores))
        row.gas_mean = (
            disclosure.mean(gas_total, len(f.gas_scores), gas_key, "gas", GAS_STEP)
            if disclose
            else gas_total / len(f.gas_scores)
        )
        if disclose and min(len(f.gas_scores), row.gas_courses) < k:
            row.gas_mean = None
    return row


EFFECT_FIELDS = (
    "due",
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
    "gas_mean",
)


def _secondary(rows: list[ComparisonRow], groups: dict[int, _Group]) -> None:
    """Hide what must be hidden: primary (below k) and the complement among siblings, then blank the fields."""
    siblings: dict[int | None, set[int]] = defaultdict(set)
    for r in rows:
        siblings[r.parent_id].add(r.key)
    sizes_active = {r.key: len(groups[r.key].figures.active_citizens) for r in rows}
    sizes_paired = {r.key: groups[r.key].figures.paired for r in rows}
    hidden = disclosure.complementary(
        {r.key for r in rows if r.suppressed}, sizes_active, [s for s in siblings.values() if len(s) > 1]
    )
    effect_hidden = disclosure.complementary(
        {r.key for r in rows if r.effect_suppressed} | hidden,
        sizes_paired,
        [s for s in siblings.values() if len(s) > 1],
    )
    for r in rows:
        if r.key in hidden:
            r.suppressed = r.effect_suppressed = True
        if r.key in effect_hidden:
            r.effect_suppressed = True
        if r.effect_suppressed:
            for name in EFFECT_FIELDS:
                setattr(r, name, None)
            r.paired = None
            r.position = ""
        if r.suppressed:
            r.active = r.gas_courses = r.collaborations = r.collab_citizens = None
            r.gas_mean = None


def _cells(rows: list[ComparisonRow], k: int) -> tuple[list[int | None], int | None]:
    """The improved / unchanged / deteriorated cells with secondary suppression (``statistics.suppress_table``),
    applied to the rows themselves so the table, the counts table, the export and the API hide the same cells;
    a share is shown only when neither its numerator nor its complement is a hidden count."""
    shown = [r for r in rows if not r.effect_suppressed and r.paired]
    if not shown:
        return [None, None, None], None
    table = [[r.improved, r.unchanged, r.deteriorated] for r in shown]
    result = statistics.suppress_table(table, k=k)
    totals = [None if result.column_totals[j] else sum(row[j] for row in table) for j in range(3)]
    grand = None if result.grand_total else sum(map(sum, table))
    for r, hidden, total_hidden in zip(shown, result.cells, result.row_totals, strict=True):
        r.hidden_cells = tuple(bool(h) for h in hidden)
        r.total_hidden = bool(total_hidden)
        if hidden[0] or r.paired - r.improved < k:
            r.improved_share = r.improved_ci = None
            r.share_hidden = True
        for name, h in zip(("improved", "unchanged", "deteriorated"), hidden, strict=True):
            if h:
                setattr(r, name, None)
    return totals, grand


def _casemix(comparison: Comparison, groups: dict[int, _Group], trajs, group_of) -> None:
    """Observed − expected change and O/E improved, adjusting only for the citizen at baseline: baseline score,
    age at baseline, sex and whether it is the citizen's first course — never for properties of the service
    (legal basis, unit kind), which would compare a unit only with its siblings."""
    paired = [t for t in trajs if t.paired]
    if len(paired) < 2:
        return
    baseline = np.array([t.baseline.score for t in paired], dtype=float)
    change = np.array([t.change for t in paired], dtype=float)
    improved = np.array([t.category in engine.IMPROVING for t in paired], dtype=int)
    factors = {
        "age": [
            casemix.age_group(t.baseline.date.year - t.record.birth_year if t.record.birth_year else None)
            for t in paired
        ],
        "gender": [t.record.gender for t in paired],
        "first": ["first" if t.record.first_course else "again" for t in paired],
    }
    expected = casemix.expected_outcomes(baseline=baseline, change=change, improved=improved, factors=factors)
    index: dict[int, list[int]] = defaultdict(list)
    for i, t in enumerate(paired):
        index[group_of[t.record.unit_id]].append(i)
    for row in comparison.rows:
        idx = np.asarray(index.get(row.key, []), dtype=int)
        if row.effect_suppressed or idx.size == 0:
            continue
        row.expected_change = round(float(expected.change[idx].mean()), 1)
        row.expected_improved = float(expected.improve_probability[idx].sum())
        if row.mean_change is not None:
            row.adjusted_change = round(row.mean_change - row.expected_change, 1)
        if row.expected_improved > 0 and row.improved is not None:
            row.oe_ratio = row.improved / row.expected_improved
            row.oe_limits95 = statistics.funnel_limits_ratio(row.expected_improved, level=0.95)
            row.oe_limits998 = statistics.funnel_limits_ratio(row.expected_improved, level=0.998)
        if not comparison.disclosed and idx.size >= 2:
            residual = change[idx] - expected.change[idx]
            _m, lo, hi = statistics.mean_change_ci(residual)
            row.adjusted_ci = (lo, hi)


def _overall(comparison: Comparison, groups: dict[int, _Group]) -> None:
    """The centre lines and totals, from the shown rows only (a hidden row cannot be recovered from them)."""
    shown = [r for r in comparison.rows if not r.effect_suppressed and r.paired]
    o = comparison.overall
    o.active = sum(r.active for r in comparison.rows if not r.suppressed)
    o.paired = sum(r.paired for r in shown)
    o.due = sum(r.due for r in shown)
    if not o.paired:
        return
    with_share = [r for r in shown if r.improved_share is not None]
    if with_share:
        # The funnel's centre: the shown shares' own numerators and denominators.
        o.improved = sum(r.improved for r in with_share)
        o.unchanged = sum(r.paired for r in with_share) - o.improved
        o.improved_share = o.improved / sum(r.paired for r in with_share)
    o.mean_change = sum(r.mean_change * r.paired for r in shown) / o.paired
    # The unit means' spread around the centre, as the pooled SD the funnels and intervals use (whole points).
    if len(shown) >= 2 and o.paired >= 2 * comparison.k:
        comparison.pooled_sd = _pooled_sd(comparison, [c for r in shown for c in groups[r.key].figures.changes])
    for r in shown:
        if comparison.disclosed and comparison.pooled_sd and r.paired >= 2:
            half = float(stats.t.ppf(0.975, r.paired - 1)) * comparison.pooled_sd / r.paired**0.5
            r.change_ci = (round(r.mean_change - half, 1), round(r.mean_change + half, 1))
            if r.adjusted_change is not None:
                r.adjusted_ci = (round(r.adjusted_change - half, 1), round(r.adjusted_change + half, 1))


def _pooled_sd(comparison: Comparison, changes: list[float]) -> float | None:
    """The SD of the changes across the shown rows' courses, rounded to a whole point for aggregate audiences
    (so that differencing two large groups does not give one course's squared change)."""
    if len(changes) < 2:
        return None
    sd = float(np.std(changes, ddof=1))
    return float(round(sd)) if comparison.disclosed else sd


def _funnels(comparison: Comparison, adjust: bool) -> None:
    """Funnel limits around the centre lines (Spiegelhalter 2005). Over-dispersion is estimated from the shown
    rows; when present (I·φ beyond the 95th percentile of χ²(I − 1)) and ``adjust``, the limits are widened by
    an additive random-effects τ² (DerSimonian–Laird), and flags and the reading text use the widened limits."""
    overall = comparison.overall
    eligible = [r for r in comparison.rows if r.improved_share is not None]
    with_mean = [r for r in comparison.rows if r.mean_change is not None and r.paired]
    if not overall.paired or not with_mean:
        return
    target = overall.improved_share if overall.improved_share is not None else 0.0
    tau2 = mean_tau2 = None
    if len(eligible) >= 3 and 0 < target < 1:
        od = statistics.overdispersion([r.improved for r in eligible], [r.paired for r in eligible], target=target)
        comparison.phi = od["phi"]
        units = len(eligible)
        present = units * od["phi"] > float(stats.chi2.ppf(0.95, units - 1))
        if adjust and present:
            tau2 = od["tau2"]
            comparison.tau2 = tau2
            comparison.overdispersion = "additive"
    sd = comparison.pooled_sd
    if adjust and sd and len(with_mean) >= 3:
        # The same for the mean change: winsorised z-scores of the unit means around the centre (Spiegelhalter 2005).
        od = statistics.overdispersion_means(
            [r.mean_change for r in with_mean], [r.paired for r in with_mean], target=overall.mean_change, sd=sd
        )
        if len(with_mean) * od["phi"] > float(stats.chi2.ppf(0.95, len(with_mean) - 1)):
            mean_tau2 = od["tau2"]
            comparison.mean_tau2 = mean_tau2
            comparison.overdispersion = "additive"
    for r in with_mean:
        if 0 < target < 1 and r.improved_share is not None:
            if tau2:
                r.funnel95 = statistics.funnel_limits_proportion(target, r.paired, level=0.95, tau2=tau2)
                r.funnel998 = statistics.funnel_limits_proportion(target, r.paired, level=0.998, tau2=tau2)
            else:
                r.funnel95 = statistics.funnel_limits_proportion(target, r.paired, level=0.95)
                r.funnel998 = statistics.funnel_limits_proportion(target, r.paired, level=0.998)
            share = r.improved / r.paired
            r.position = "above" if share > r.funnel95[1] else "below" if share < r.funnel95[0] else "within"
            if r.position != "within" and r.oe_ratio is not None and (r.position == "above") != (r.oe_ratio > 1):
                r.position = "mixed"  # raw and case-mix adjusted disagree: no verdict
        if sd:
            r.mean_funnel95 = statistics.funnel_limits_mean(
                overall.mean_change, sd, r.paired, level=0.95, tau2=mean_tau2
            )
            r.mean_funnel998 = statistics.funnel_limits_mean(
                overall.mean_change, sd, r.paired, level=0.998, tau2=mean_tau2
            )


def _trends(comparison: Comparison, groups: dict[int, _Group], instrument: Instrument, disclose: bool) -> dict:
    """Per shown row: each quarter's mean score of the courses measured in it (the leader's trend rule),
    perturbed and suppressed below k like every other figure."""
    out: dict[int, list[tuple[datetime.date, float, int]]] = {}
    step = _step(instrument)
    for row in comparison.rows:
        if row.suppressed:
            continue
        points = []
        for q in groups[row.key].quarters:
            if q.measured < comparison.k or q.mean_score is None:
                continue
            if disclose:
                ids = list(q.figures.active_citizens)
                key = disclosure.cell_key("citizen", ids)
                n = disclosure.count(q.measured, key, "measured")
                mean = disclosure.mean(q.mean_score * q.measured, q.measured, key, "score", step)
            else:
                n, mean = q.measured, q.mean_score
            points.append((q.start, mean, n))
        out[row.key] = points
    return out


def count_table(comparison: Comparison) -> dict:
    """The improved / unchanged / deteriorated counts per row with totals, as the rows publish them.

    Returns {"rows": [(name, [cells], total)], "totals": [col totals], "grand": grand} where a hidden cell
    is None. Rows already effect-suppressed contribute no cells and are left out of the shown totals.
    """
    shown = [f for f in comparison.rows if not f.effect_suppressed and f.paired]
    if not shown:
        return {"rows": [], "totals": [None, None, None], "grand": None}
    out_rows = [
        (f.name, [f.improved, f.unchanged, f.deteriorated], None if f.total_hidden else f.paired) for f in shown
    ]
    return {"rows": out_rows, "totals": list(comparison.count_totals), "grand": comparison.count_grand}


def _breadcrumbs(root, unit_ids, units) -> list[OrganisationUnit]:
    crumbs, node = [], root
    while node is not None and node.pk in unit_ids:
        crumbs.append(node)
        node = units.get(node.parent_id)
    return list(reversed(crumbs))
