"""Who may open which unit's dashboard, and its filter read from a request: one function for the page and the API.

A unit's dashboard is for the leaders of that unit and for superusers (``access.allowed_unit_ids``): asking for
another unit is refused with 403, whatever the channel. The filter (unit or all, period, instrument, legal basis) is
parsed by ``dashboards.filters.UnitDashboardFilterSet`` for both.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from dashboards.filters import UnitDashboardFilterSet
from dashboards.selectors.access import dashboard_choices, dashboard_courses, leader_units
from tracker.models import OrganisationUnit


@dataclass
class DashboardFilter:
    units: list[OrganisationUnit]  # the units the user may open, by name
    filterset: UnitDashboardFilterSet

    @property
    def is_valid(self) -> bool:
        """A unit to show and a well-formed filter: the dashboard can be computed (``filterset.params()``)."""
        return bool(self.units) and self.filterset.form.is_valid()


def unit_dashboard_filter(*, user, data) -> DashboardFilter:
    """The dashboard's filter from the request's query (``data``); PermissionDenied for a unit the user does not lead
    (an id that is no number is left to the filter form, which says what is wrong with it)."""
    units = leader_units(user=user)
    raw = str(data.get("unit", ""))
    if raw.isascii() and raw.isdigit() and int(raw) not in {u.pk for u in units}:
        raise PermissionDenied
    instruments, legal_bases = dashboard_choices()
    filterset = UnitDashboardFilterSet(
        data,
        queryset=dashboard_courses(user=user),
        units=units,
        instruments=instruments,
        legal_bases=legal_bases,
        today=timezone.localdate(),
    )
    return DashboardFilter(units=units, filterset=filterset)
