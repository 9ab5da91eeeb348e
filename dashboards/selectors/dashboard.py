"""The unit dashboard assembled from parts, each cached under the data it reads (tracker/dataversion.py).

The parts are read in one batch (one query on the database cache), each under the stamp of its units *and the
kinds of data it reads* (topics): the effects of the chosen
instrument read its measurements and the collaborations (the kind associations), the life-domain profile reads
the life-domain instrument's measurements, the goals part the goals and reviews, the sectors part the
collaborations, the counts the courses and collaborations, and whether the units have measured at all reads every
instrument's measurements. So a WHO-5 recorded in the unit recomputes the effects and that one count, and the
rest come from the cache. ``_unit_dashboard`` computes every part afresh
(the per-course path in tests: ``source="records"``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied

from dashboards.selectors import queries
from dashboards.selectors.access import allowed_unit_ids
from dashboards.selectors.rows import (
    CategoryShare,
    DashboardParams,
    GoalDomainRow,
    InformerRow,
    KindAssociation,
    Mean,
    SectorRow,
    Share,
    UnitDashboard,
)
from dashboards.selectors.unit import (
    Method,
    _by_unit,
    _category_codes,
    _course_rows,
    _effect_size,
    _follow_up,
    _gas,
    _goal_levels,
    _in_english,
    _life_domains,
    _localised,
    _not_on_track,
    _threshold,
    _trend,
    category_label,
    not_on_track_days,
)
from figures import engine, rowfigures
from figures.records import Scope
from outcomes.models import Informer, Instrument
from outcomes.summaries import Params
from tracker import dataversion


def unit_dashboard(*, user, params: DashboardParams) -> UnitDashboard:
    """Everything the unit dashboard and the effect report show, for the units in ``params``.

    Raises PermissionDenied when the user may not see one of the units (the view checks first; this is
    the selector's own guard, so no caller can forget it). Its parts are cached on the data versions
    (tracker/dataversion.py): fresh after every write, shared by every app server.
    """
    allowed = allowed_unit_ids(user=user)
    if not params.unit_ids or (allowed is not None and not params.unit_ids <= allowed):
        raise PermissionDenied
    key = {
        "units": sorted(params.unit_ids),
        "period": [params.period.start, params.period.end],
        "instrument": params.instrument.pk,
        "parameters": Params.of(params.instrument).key(),
        "legal_basis": params.legal_basis.pk if params.legal_basis else None,
        "not_on_track_days": not_on_track_days(),
        "language": _in_english(),
    }
    topics = {
        "effects": [dataversion.measurements_topic(params.instrument.code), dataversion.COLLABORATIONS],
        "counts": [dataversion.COLLABORATIONS],  # and the courses: any write of no known kind
        "measured": None,
        "life": [dataversion.measurements_topic(queries.LIFE_DOMAINS)],
        "goals": [dataversion.GOALS],
        "sectors": [dataversion.COLLABORATIONS],
        "kinds": [dataversion.COLLABORATIONS],  # and the courses: writes of no known kind
    }
    instrument_free = {"instrument", "parameters", "not_on_track_days"}  # what only the effects depend on
    items = {
        name: (
            {k: v for k, v in key.items() if name == "effects" or k not in instrument_free} | {"part": name},
            params.unit_ids,
            topics[name],
        )
        for name in [*PARTS, "kinds"]
    }

    def compute(missing: list[str], cached: dict) -> dict:
        kinds = cached["kinds"] if "kinds" in cached else _kinds(params)
        out = {name: _part(name, params, "rows", kinds) for name in missing if name != "kinds"}
        return out | ({"kinds": kinds} if "kinds" in missing else {})

    parts = dataversion.cached_many("unit-dashboard-part", items, compute, with_cached=True)
    return _assemble(params, {name: part for name, part in parts.items() if name != "kinds"})


def _part(name: str, params: DashboardParams, source: str, kinds: list | None) -> dict:
    return PARTS[name](params, source, kinds=kinds) if name == "effects" else PARTS[name](params, source)


def _unit_dashboard(params: DashboardParams, source: str = "rows") -> UnitDashboard:
    """Every part computed afresh. ``source``: the pre-aggregated rows, or "records" for the per-course path."""
    return _assemble(params, {name: _part(name, params, source, None) for name in PARTS})


def _scope(params: DashboardParams) -> Scope:
    return Scope(params.unit_ids, params.legal_basis.pk if params.legal_basis else None)


def _kinds(params: DashboardParams) -> list:
    """What the effects read besides the measurements — each kind of collaboration with its courses —, cached apart
    so that a measurement does not read it again."""
    return queries.kinds_with_courses(_scope(params), params.period)


def _effects(params: DashboardParams, source: str, kinds: list | None = None) -> dict:
    """The chosen instrument's figures and the lists of citizens: its measurements and the collaborations
    (``kinds``: ``_kinds``, if read)."""
    instrument, period, scope = params.instrument, params.period, _scope(params)
    method = Params.of(instrument).method
    kinds = _kinds(params) if kinds is None else kinds
    trajs, quarters = rowfigures.dashboard_inputs(scope, period, instrument, source=source)
    figures = engine.group_figures(0, "", trajs)
    kinds_of: dict[int, set[int]] = {}
    for kind, course_ids in kinds:
        for course_id in course_ids:
            kinds_of.setdefault(course_id, set()).add(kind.pk)
    courses = _course_rows(trajs, kinds_of)
    paired = [c for c in courses if c.paired]
    open_at_end = [c for c in courses if c.end is None or c.end > period.end]
    category_counts = figures.category_counts
    categories = [
        CategoryShare(code, category_label(code, method, instrument), Share(category_counts[code], figures.paired))
        for code in _category_codes(method, instrument)
    ]
    associations = []
    for kind, _ids in kinds:
        pk = kind.pk
        with_kind = [c.change for c in paired if pk in c.kind_ids]
        without = [c.change for c in paired if pk not in c.kind_ids]
        associations.append(KindAssociation(kind.code, kind.name, Mean.of(with_kind), Mean.of(without)))
    informer_data = queries.informers(scope, period, instrument.pk)
    informer_counts = {r["informer"]: r["n"] for r in informer_data}
    self_completed = {r["informer"]: r["self_completed"] for r in informer_data}
    total_measurements = sum(informer_counts.values())
    days = not_on_track_days()
    units = sorted(params.units, key=lambda u: u.name)
    return {
        "courses": courses,
        "coverage": Share(figures.paired, figures.due_courses),
        "no_baseline": Share(sum(1 for c in open_at_end if not c.has_baseline), len(open_at_end)),
        "mean_change": Mean.of(figures.changes),
        "categories": categories,
        "effect_size": _effect_size(paired),
        "trend": _trend(quarters, method != Method.NONE),
        "kind_associations": associations,
        "informers": [
            InformerRow(
                code, str(label), Share(informer_counts.get(code, 0), total_measurements), self_completed.get(code, 0)
            )
            for code, label in Informer.choices
        ],
        "follow_up": _follow_up(courses, instrument, period),
        "not_on_track": _not_on_track(courses, instrument, period, days),
        "not_on_track_days": days,
        "by_unit": _by_unit(trajs, units, method) if len(units) > 1 else [],
    }


def _counts(params: DashboardParams, source: str) -> dict:
    """Courses, citizens, plans and collaborations counted together: the courses and the collaborations."""
    counts = queries.course_counts(_scope(params), params.period)
    return {"counts": counts, "plan": Share(counts["plan_citizens"], counts["active_citizens"])}


def _measured(params: DashboardParams, source: str) -> dict:
    """Whether the units have measured at all: every instrument's measurements (a cheap count of its own, so that
    a measurement does not count the courses again)."""
    return {"measured_courses": queries.measured_courses(_scope(params))}


def _life(params: DashboardParams, source: str) -> dict:
    """The life-domain profile: the life-domain instrument's measurements."""
    items = queries.life_domain_items()
    life_instrument: Instrument | None = items[0].instrument if items else None
    trajs = rowfigures.life_inputs(_scope(params), params.period, life_instrument)
    return {"life_domains": _life_domains(trajs, items)}


def _goals(params: DashboardParams, source: str) -> dict:
    """The goals and their reviews."""
    scope, period = _scope(params), params.period
    goal_rows, domains = queries.goals(scope, period)
    by_domain = [
        GoalDomainRow(_localised(r, "life_domain__name"), r["set"], r["reviewed_n"], Share(r["met"], r["reviewed_n"]))
        for r in domains
    ]
    return {
        "goals_set": sum(r.set for r in by_domain),
        "goals_reviewed": sum(r.reviewed for r in by_domain),
        "goal_levels": _goal_levels(goal_rows),
        "gas": _gas(goal_rows),
        "goals_by_domain": by_domain,
    }


def _sectors(params: DashboardParams, source: str) -> dict:
    """The collaborations by sector."""
    return {
        "sectors": [
            SectorRow(
                _localised(r, "partner__sector__name"),
                r["n"],
                r["partners"],
                r["citizens"],
                r["participated"],
                r["rated"],
                r["usefulness"],
            )
            for r in queries.sectors(_scope(params), params.period)
        ]
    }


PARTS: dict[str, Callable[[DashboardParams, str], dict]] = {
    "effects": _effects,
    "counts": _counts,
    "measured": _measured,
    "life": _life,
    "goals": _goals,
    "sectors": _sectors,
}


def _assemble(params: DashboardParams, parts: dict[str, dict]) -> UnitDashboard:
    instrument_params = Params.of(params.instrument)
    threshold = _threshold(instrument_params)
    fields = {name: value for part in parts.values() for name, value in part.items()}
    fields["counts"] = {**fields["counts"], "measured_courses": fields.pop("measured_courses")}
    return UnitDashboard(
        params=params,
        units=sorted(params.units, key=lambda u: u.name),
        method=instrument_params.method,
        threshold=threshold[0] if threshold else None,
        **fields,
    )
