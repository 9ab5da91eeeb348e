"""The unit dashboard's tables (django-tables2): every chart's numbers, the headline, and the follow-up lists.

Rows are the selector's dataclasses (or dicts for the headline); numbers are written by
``common.formatting`` in the active language, and CSV/Excel exports carry the same text. The two
citizen-level tables (``CITIZEN_LEVEL``) are the only ones with names; exporting them is logged.
"""

from __future__ import annotations

import django_tables2 as tables

from dashboards.selectors import UnitDashboard
from dashboards.tables.citizens import CITIZEN_LEVEL, CitizenTable, FollowUpTable, NotOnTrackTable
from dashboards.tables.figures import (
    CategoryTable,
    FigureTable,
    GoalDomainTable,
    GoalLevelTable,
    InformerTable,
    KindAssociationTable,
    LifeDomainTable,
    SectorTable,
    TrendTable,
    UnitBreakdownTable,
)
from dashboards.tables.headline import HeadlineTable, headline_rows

__all__ = [
    "CITIZEN_LEVEL",
    "CategoryTable",
    "CitizenTable",
    "FigureTable",
    "FollowUpTable",
    "GoalDomainTable",
    "GoalLevelTable",
    "HeadlineTable",
    "InformerTable",
    "KindAssociationTable",
    "LifeDomainTable",
    "NotOnTrackTable",
    "SectorTable",
    "TrendTable",
    "UnitBreakdownTable",
    "build_table",
    "dashboard_table_rows",
    "dashboard_tables",
    "headline_rows",
]


def dashboard_table_rows(d: UnitDashboard) -> dict[str, tuple[type[tables.Table], list, dict]]:
    """Every table of the dashboard as (its class, its rows, its arguments), by the name used in export links
    (``?_export=csv&table=<name>``): what a table shows, without building it (the page caches the tables' HTML by
    their rows, and builds only those it renders)."""
    out: dict[str, tuple[type[tables.Table], list, dict]] = {
        "headline": (HeadlineTable, headline_rows(d), {}),
        "categories": (CategoryTable, d.categories, {}),
        "trend": (TrendTable, d.trend, {}),
        "domains": (LifeDomainTable, d.life_domains or [], {}),
        "goal_levels": (GoalLevelTable, d.goal_levels, {}),
        "goal_domains": (GoalDomainTable, d.goals_by_domain, {}),
        "sectors": (SectorTable, d.sectors, {}),
        "kinds": (KindAssociationTable, d.kind_associations, {}),
        "informers": (InformerTable, d.informers, {}),
        "follow_up": (FollowUpTable, d.follow_up, {"prefix": "fu-"}),
        "not_on_track": (NotOnTrackTable, d.not_on_track, {"prefix": "nt-"}),
    }
    if d.by_unit:
        out["units"] = (UnitBreakdownTable, d.by_unit, {})
    return out


def build_table(table_class: type[tables.Table], rows: list, kwargs: dict, *, unit_link=None) -> tables.Table:
    """One table of ``dashboard_table_rows``; ``unit_link(pk)``: the URL a unit's name links to, if any."""
    return table_class(rows, **kwargs, **({"link": unit_link} if table_class is UnitBreakdownTable else {}))


def dashboard_tables(d: UnitDashboard, *, unit_link=None) -> dict[str, tables.Table]:
    """Every table of the dashboard, by the name used in export links (``?_export=csv&table=<name>``)."""
    return {name: build_table(*spec, unit_link=unit_link) for name, spec in dashboard_table_rows(d).items()}
