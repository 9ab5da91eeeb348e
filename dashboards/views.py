"""Start pages for unit leaders and directors: aggregates only."""

from __future__ import annotations

from django.shortcuts import render
from django.views import View

from dashboards import selectors
from outcomes.selectors import instrument_get
from tracker.views import RoleRequiredMixin


class LeaderHomeView(RoleRequiredMixin, View):
    """The unit leader's start page: headline figures for each unit they lead."""

    role = "leader"

    def get(self, request):
        instrument = instrument_get(code="who5")
        rows = selectors.unit_figures(unit_ids=self.access.leader_unit_ids, instrument=instrument)
        return render(request, "dashboards/leader_home.html", {"rows": rows, "instrument": instrument})


class DirectorHomeView(RoleRequiredMixin, View):
    """The director's start page: units in their subtree, figures about fewer than k citizens suppressed."""

    role = "director"

    def get(self, request):
        instrument = instrument_get(code="who5")
        k = selectors.small_number_k()
        rows = selectors.unit_figures(unit_ids=self.access.director_unit_ids, instrument=instrument)
        return render(request, "dashboards/director_home.html", {"rows": rows, "instrument": instrument, "k": k})
