"""Aggregated reads for leaders and directors (a module past ~300 lines becomes a package).

- ``access``, ``rows``, ``queries``, ``unit``, ``dashboard``: the unit leader's dashboard for one or several units
  and a period — who may open it, its figures as values, its queries, the figures built from them, and their
  assembly from parts cached under the data each reads.
"""

from dashboards.selectors.access import (
    allowed_unit_ids,
    dashboard_choices,
    dashboard_courses,
    instrument_methods,
    leader_units,
)
from dashboards.selectors.dashboard import unit_dashboard
from dashboards.selectors.rows import (
    CategoryShare,
    CourseRow,
    DashboardParams,
    DomainChange,
    FollowUpRow,
    GoalLevelRow,
    InformerRow,
    KindAssociation,
    Mean,
    NotOnTrackRow,
    QuarterRow,
    SectorRow,
    Share,
    UnitBreakdown,
    UnitDashboard,
)
from dashboards.selectors.unit import not_on_track_days

__all__ = [
    "CategoryShare",
    "CourseRow",
    "DashboardParams",
    "DomainChange",
    "FollowUpRow",
    "GoalLevelRow",
    "InformerRow",
    "KindAssociation",
    "Mean",
    "NotOnTrackRow",
    "QuarterRow",
    "SectorRow",
    "Share",
    "UnitBreakdown",
    "UnitDashboard",
    "allowed_unit_ids",
    "dashboard_choices",
    "dashboard_courses",
    "instrument_methods",
    "leader_units",
    "not_on_track_days",
    "unit_dashboard",
]
