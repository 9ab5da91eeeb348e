"""The comparison's statistics on the rows: publication with disclosure control, secondary suppression, the
counts table, case-mix adjustment, centre lines, funnels and trends (``figures.comparison`` calls these)."""

from __future__ import annotations

import datetime
from collections import defaultdict

import numpy as np

from figures import disclosure
from figures.comparison_inputs import Casemix, Group
from figures.comparison_types import Comparison, ComparisonRow
from outcomes import casemix, statistics
from outcomes.models import Instrument
from outcomes.statistics.quantiles import chi2_ppf, t_ppf
from outcomes.summaries import Params
from tracker.models import OrganisationUnit

GAS_STEP = 10.0  # one goal one level up or down moves a single-goal T-score by 10 points


def _step(instrument: Instrument) -> float:
    """The smallest change one answer can make to the score (WHO-5: one step on one item × 4 = 4 points)."""
    return float(instrument.score_multiplier or 1.0)


def publish_row(
    g: Group, unit: OrganisationUnit, k: int, params: Params, instrument: Instrument, disclose: bool
) -> ComparisonRow:
    f = g.figures
    row = ComparisonRow(
        key=f.key, name=f.name, is_leaf=unit.kind == OrganisationUnit.Kind.UNIT, parent_id=unit.parent_id
    )
    step = _step(instrument)
    keys = g.cell_keys()
    citizens_key, courses_key, gas_key, collab_key = (keys[n] for n in ("citizens", "courses", "gas", "collab"))
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


def suppress_secondary(rows: list[ComparisonRow], groups: dict[int, Group]) -> None:
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


def suppress_cells(rows: list[ComparisonRow], k: int) -> tuple[list[int | None], int | None]:
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


def adjust_for_casemix(comparison: Comparison, paired: Casemix) -> None:
    """Observed − expected change and O/E improved, adjusting only for the citizen at baseline: baseline score,
    age at baseline, sex and whether it is the citizen's first course — never for properties of the service
    (legal basis, unit kind), which would compare a unit only with its siblings."""
    if len(paired) < 2:
        return
    baseline = np.array(paired.baseline, dtype=float)
    change = np.array(paired.change, dtype=float)
    improved = np.array(paired.improved, dtype=int)
    factors = {"age": paired.age, "gender": paired.gender, "first": paired.first}
    expected = casemix.expected_outcomes(baseline=baseline, change=change, improved=improved, factors=factors)
    index: dict[int, list[int]] = defaultdict(list)
    for i, group in enumerate(paired.group):
        index[group].append(i)
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


def centre_lines(comparison: Comparison, groups: dict[int, Group]) -> None:
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
            half = t_ppf(0.975, r.paired - 1) * comparison.pooled_sd / r.paired**0.5
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


def funnel_limits(comparison: Comparison, adjust: bool) -> None:
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
        present = units * od["phi"] > chi2_ppf(0.95, units - 1)
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
        if len(with_mean) * od["phi"] > chi2_ppf(0.95, len(with_mean) - 1):
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


def quarterly_trends(comparison: Comparison, groups: dict[int, Group], instrument: Instrument, disclose: bool) -> dict:
    """Per shown row: each quarter's mean score of the courses measured in it (the leader's trend rule),
    perturbed and suppressed below k like every other figure."""
    out: dict[int, list[tuple[datetime.date, float, int]]] = {}
    step = _step(instrument)
    for row in comparison.rows:
        if row.suppressed:
            continue
        points = []
        group = groups[row.key]
        for q, key in zip(group.quarters, group.cell_keys()["quarters"], strict=True):
            if q.measured < comparison.k or q.mean_score is None:
                continue
            if disclose:
                n = disclosure.count(q.measured, key, "measured")
                mean = disclosure.mean(q.mean_score * q.measured, q.measured, key, "score", step)
            else:
                n, mean = q.measured, q.mean_score
            points.append((q.start, mean, n))
        out[row.key] = points
    return out
