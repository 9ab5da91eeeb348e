"""Initiatives: the leader registers and edits them for the units they lead; leaders and directors read their
run and control charts, signals, fidelity checks and learning log; the director also sees the before/after
comparison of units with and without the initiative."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from improvement import analysis, charts, selectors, services
from improvement.forms import FidelityCheckForm, InitiativeForm, LearningEntryForm
from improvement.models import Indicator
from tracker.access import LeaderOrDirectorMixin, RoleRequiredMixin

Measure = Indicator.Measure
PERCENT = {Measure.IMPROVED_SHARE, Measure.MEASURED_SHARE, Measure.SELF_COMPLETED}
N_OF = {
    Measure.MEAN_CHANGE: "paired",
    Measure.IMPROVED_SHARE: "paired",
    Measure.MEASURED_SHARE: "active_courses",
    Measure.COLLABORATIONS: "active",
    Measure.SELF_COMPLETED: "measurements",
}


def _fmt(value, percent: bool) -> str:
    if value is None:
        return "–"
    return f"{value * 100:.0f} %" if percent else f"{value:.1f}".replace(".", ",")


def chart_blocks(figures: analysis.InitiativeFigures) -> list[dict]:
    blocks = []
    for signal in figures.signals:
        measure = signal.measure
        percent = measure in PERCENT
        rows = [
            {
                "label": p.label,
                "value": _fmt(getattr(p, measure), percent),
                "n": "–" if getattr(p, N_OF[measure]) is None else getattr(p, N_OF[measure]),
                "after": p.month >= figures.split,
            }
            for p in figures.months
        ]
        blocks.append(
            {
                "id": f"chart-{measure.replace('_', '-')}",
                "title": signal.label,
                "signal": signal,
                "spec": charts.control_chart(
                    title=signal.label, points=figures.months, measure=measure, split=figures.split, percent=percent
                ),
                "rows": rows,
                "p_chart": measure in analysis.P_CHART,
            }
        )
    return blocks


def unit_rows(figures: analysis.InitiativeFigures) -> tuple[list[str], list[dict]]:
    """Each unit's mean change at follow-up per month (n), for initiatives in more than one unit."""
    if len(figures.by_unit) < 2:
        return [], []
    units = sorted(figures.by_unit, key=lambda u: figures.unit_names.get(u, ""))
    names = [figures.unit_names.get(u, "") for u in units]
    rows = []
    for i, month in enumerate(figures.months):
        cells = []
        for u in units:
            p = figures.by_unit[u][i]
            cells.append("–" if p.mean_change is None else f"{_fmt(p.mean_change, False)} (n={p.paired})")
        rows.append({"label": month.label, "cells": cells})
    return names, rows


class InitiativeListView(LeaderOrDirectorMixin, View):
    def get(self, request):
        today = timezone.localdate()
        items = []
        for initiative in selectors.initiative_list(user=request.user):
            figures = analysis.initiative_figures(user=request.user, initiative=initiative, today=today)
            chosen = [s for s in figures.signals if s.expected]
            items.append({"initiative": initiative, "signals": chosen, "disclosed": figures.disclosed})
        return render(
            request,
            "improvement/initiative_list.html",
            {"items": items, "can_create": self.access.is_leader},
        )


class InitiativeCreateView(RoleRequiredMixin, View):
    role = "leader"
    template_name = "improvement/initiative_form.html"

    def get(self, request):
        return render(request, self.template_name, {"form": InitiativeForm(user=request.user)})

    def post(self, request):
        form = InitiativeForm(request.POST, user=request.user)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        data = form.cleaned_data
        initiative = services.initiative_create(
            user=request.user,
            name=data["name"],
            description=data["description"],
            method=data["method"],
            units=list(data["units"]),
            start=data["start"],
            end=data["end"],
            indicators=form.indicators,
        )
        messages.success(request, _("Forsøget er oprettet."))
        return redirect(initiative)


class InitiativeUpdateView(RoleRequiredMixin, View):
    role = "leader"
    template_name = "improvement/initiative_form.html"

    def _get(self, request, pk):
        initiative = selectors.initiative_get(user=request.user, pk=pk)
        if not selectors.can_edit(user=request.user, initiative=initiative):
            raise PermissionDenied
        return initiative

    def get(self, request, pk: int):
        initiative = self._get(request, pk)
        form = InitiativeForm(instance=initiative, user=request.user)
        return render(request, self.template_name, {"form": form, "initiative": initiative})

    def post(self, request, pk: int):
        initiative = self._get(request, pk)
        form = InitiativeForm(request.POST, instance=initiative, user=request.user)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form, "initiative": initiative}, status=400)
        data = form.cleaned_data
        services.initiative_update(
            user=request.user,
            initiative=selectors.initiative_get(user=request.user, pk=pk),
            name=data["name"],
            description=data["description"],
            method=data["method"],
            units=list(data["units"]),
            start=data["start"],
            end=data["end"],
            indicators=form.indicators,
        )
        messages.success(request, _("Forsøget er gemt."))
        return redirect(initiative)


class InitiativeDetailView(LeaderOrDirectorMixin, View):
    def get(self, request, pk: int):
        initiative = selectors.initiative_get(user=request.user, pk=pk)
        today = timezone.localdate()
        figures = analysis.initiative_figures(user=request.user, initiative=initiative, today=today)
        comparison = analysis.before_after(user=request.user, initiative=initiative, today=today)
        names, rows = unit_rows(figures)
        services.initiative_read(user=request.user, initiative=initiative, purpose="improvement:initiative_detail")
        return render(
            request,
            "improvement/initiative_detail.html",
            {
                "initiative": initiative,
                "figures": figures,
                "blocks": chart_blocks(figures),
                "unit_names": names,
                "unit_rows": rows,
                "comparison": comparison,
                "can_edit": selectors.can_edit(user=request.user, initiative=initiative),
                "fidelity_checks": selectors.fidelity_checks(initiative=initiative),
                "learning_entries": selectors.learning_entries(initiative=initiative),
            },
        )


class _ChildCreateView(RoleRequiredMixin, View):
    role = "leader"
    form_class = FidelityCheckForm
    template_name = "improvement/child_form.html"
    heading = ""

    def _initiative(self, request, pk):
        initiative = selectors.initiative_get(user=request.user, pk=pk)
        if not selectors.can_edit(user=request.user, initiative=initiative):
            raise PermissionDenied
        return initiative

    def _render(self, request, form, initiative, status=200):
        context = {"form": form, "initiative": initiative, "heading": self.get_heading()}
        return render(request, self.template_name, context, status=status)

    def get(self, request, pk: int):
        initiative = self._initiative(request, pk)
        return self._render(request, self.form_class(initial={"date": timezone.localdate()}), initiative)

    def post(self, request, pk: int):
        initiative = self._initiative(request, pk)
        form = self.form_class(request.POST)
        if not form.is_valid():
            return self._render(request, form, initiative, status=400)
        self.save(request, initiative, form.cleaned_data)
        return redirect(initiative)


class FidelityCheckCreateView(_ChildCreateView):
    form_class = FidelityCheckForm

    def get_heading(self) -> str:
        return _("Ny måling af metodetroskab")

    def save(self, request, initiative, data):
        services.fidelity_check_record(user=request.user, initiative=initiative, **data)
        messages.success(request, _("Målingen af metodetroskab er gemt."))


class LearningEntryCreateView(_ChildCreateView):
    form_class = LearningEntryForm

    def get_heading(self) -> str:
        return _("Nyt indlæg: Hvad lærte vi?")

    def save(self, request, initiative, data):
        services.learning_entry_record(user=request.user, initiative=initiative, **data)
        messages.success(request, _("Indlægget er gemt."))
