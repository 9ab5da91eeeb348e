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

from figures import comparison_inputs, comparison_stats, disclosure, records
from figures.comparison_types import LOW_COVERAGE, Comparison, ComparisonRow
from figures.periods import Period
from outcomes.models import Instrument, TrajectorySummary
from outcomes.summaries import Params
from tracker import dataversion
from tracker.models import OrganisationUnit
from tracker.selectors import access_for, subtree_unit_ids

__all__ = ["LOW_COVERAGE", "Comparison", "ComparisonRow", "count_table", "scope_units", "unit_comparison"]


def small_number_k() -> int:
    return disclosure.Policy.current().k


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


def _compare(unit_ids, root, instrument, period, legal_basis_id, kind_id, adjust, disclose, source="rows"):
    """The comparison from the pre-aggregated rows (``source="rows"``) or the per-course rows ("records")."""
    k = small_number_k()
    params = Params.of(instrument)
    group_of, units = _groups(unit_ids, root)
    scope = records.Scope(frozenset(group_of), legal_basis_id)
    names = {pk: u.name for pk, u in units.items()}
    inputs = comparison_inputs.from_rows if source == "rows" else comparison_inputs.from_records
    groups, paired = inputs(group_of, names, scope, period, instrument)

    rows = [
        comparison_stats.publish_row(g, units[key], k, params, instrument, disclose)
        for key, g in sorted(groups.items(), key=lambda kv: units[kv[0]].name)
    ]
    count_totals: tuple = (None, None, None)
    count_grand = None
    if disclose:
        comparison_stats.suppress_secondary(rows, groups)
        totals, count_grand = comparison_stats.suppress_cells(rows, k)
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
    comparison_stats.adjust_for_casemix(comparison, paired)
    comparison_stats.centre_lines(comparison, groups)
    comparison_stats.funnel_limits(comparison, adjust)
    comparison.trends = comparison_stats.quarterly_trends(comparison, groups, instrument, disclose)
    comparison.breadcrumbs = _breadcrumbs(root, unit_ids, units)
    return comparison


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
