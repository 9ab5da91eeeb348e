"""Initiatives over the API (read only), under /api/v1/initiatives/: the list with each indicator's signal, and
one initiative's monthly series with its signals — the same figures as the pages (``improvement.analysis``), with
the same disclosure control for directors. Leaders and directors, scoped as the pages."""

from __future__ import annotations

from django.urls import path, re_path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.base import ApiMixin
from improvement import analysis, selectors, services
from tracker.selectors import access_for


class IsLeaderOrDirector(BasePermission):
    message = _("Kun ledere og direktører har adgang til forsøg.")

    def has_permission(self, request, view) -> bool:
        access = access_for(request.user)
        return access.is_leader or access.is_director


def _signal(s: analysis.IndicatorSignal) -> dict:
    return {
        "indicator": s.measure,
        "expected_direction": s.expected or None,
        "signal": s.signal,
        "as_expected": s.as_expected,
        "text": s.text,
        "longest_run": s.after.longest_run if s.after else None,
        "longest_run_max": s.after.longest_run_max if s.after else None,
        "crossings": s.after.crossings if s.after else None,
        "crossings_min": s.after.crossings_min if s.after else None,
        "centre_before": s.before.centre if s.before else None,
    }


def _initiative(i) -> dict:
    return {
        "id": i.pk,
        "name": i.name,
        "method": i.method,
        "units": [u.pk for u in i.units.all()],
        "start": i.start,
        "end": i.end,
        "indicators": [{"indicator": x.measure, "expected_direction": x.direction} for x in i.indicators.all()],
    }


SIGNAL = inline_serializer(
    "InitiativeSignal",
    {
        "indicator": serializers.CharField(),
        "expected_direction": serializers.CharField(allow_null=True),
        "signal": serializers.BooleanField(),
        "as_expected": serializers.BooleanField(allow_null=True),
        "text": serializers.CharField(),
        "longest_run": serializers.IntegerField(allow_null=True),
        "longest_run_max": serializers.IntegerField(allow_null=True),
        "crossings": serializers.IntegerField(allow_null=True),
        "crossings_min": serializers.IntegerField(allow_null=True),
        "centre_before": serializers.FloatField(allow_null=True),
    },
)


INDICATOR = inline_serializer(
    "InitiativeIndicator", {"indicator": serializers.CharField(), "expected_direction": serializers.CharField()}
)
INITIATIVE_FIELDS = {
    "id": serializers.IntegerField(),
    "name": serializers.CharField(),
    "method": serializers.CharField(),
    "units": serializers.ListField(child=serializers.IntegerField()),
    "start": serializers.DateField(),
    "end": serializers.DateField(allow_null=True),
    "indicators": INDICATOR.__class__(many=True),
}
MONTH = inline_serializer(
    "InitiativeMonth",
    {
        "month": serializers.DateField(),
        "hidden": serializers.BooleanField(),
        "active": serializers.IntegerField(allow_null=True),
        "paired": serializers.IntegerField(allow_null=True),
        "improved": serializers.IntegerField(allow_null=True),
        "mean_change": serializers.FloatField(allow_null=True),
        "improved_share": serializers.FloatField(allow_null=True),
        "measured_share": serializers.FloatField(allow_null=True),
        "collaborations_per_citizen": serializers.FloatField(allow_null=True),
        "self_completed_share": serializers.FloatField(allow_null=True),
    },
)
LIST_ITEM = inline_serializer("InitiativeListItem", {**INITIATIVE_FIELDS, "signals": SIGNAL.__class__(many=True)})
SERIES = inline_serializer(
    "InitiativeSeries",
    {
        **INITIATIVE_FIELDS,
        "split": serializers.DateField(),
        "disclosed": serializers.BooleanField(),
        "months": MONTH.__class__(many=True),
        "signals": SIGNAL.__class__(many=True),
    },
)


class InitiativeListAPIView(ApiMixin, APIView):
    permission_classes = [IsAuthenticated, IsLeaderOrDirector]

    @extend_schema(
        summary=_("Forsøg"),
        description=_("Forsøgene i dine enheder med signalet for hver af deres indikatorer."),
        responses={200: LIST_ITEM.__class__(many=True)},
    )
    def get(self, request):
        today = timezone.localdate()
        out = []
        for i in selectors.initiative_list(user=request.user):
            figures = analysis.initiative_figures(user=request.user, initiative=i, today=today)
            out.append({**_initiative(i), "signals": [_signal(s) for s in figures.signals if s.expected]})
        return Response(out)


class InitiativeSeriesAPIView(ApiMixin, APIView):
    permission_classes = [IsAuthenticated, IsLeaderOrDirector]

    @extend_schema(
        summary=_("Et forsøgs månedlige tal"),
        description=_(
            "Månedstallene fra figurmotoren for forsøgets enheder, delt ved startdatoen, med signalerne. For "
            "direktører med samme diskretionskontrol som siden (skjulte måneder er null)."
        ),
        responses={200: SERIES},
    )
    def get(self, request, pk: int):
        initiative = selectors.initiative_get(user=request.user, pk=pk)
        figures = analysis.initiative_figures(user=request.user, initiative=initiative, today=timezone.localdate())
        services.initiative_read(user=request.user, initiative=initiative, purpose="api:initiative_series")
        months = [
            {
                "month": p.month,
                "hidden": p.hidden,
                "active": p.active,
                "paired": p.paired,
                "improved": p.improved,
                "mean_change": p.mean_change,
                "improved_share": p.improved_share,
                "measured_share": p.measured_share,
                "collaborations_per_citizen": p.collaborations_per_citizen,
                "self_completed_share": p.self_completed_share,
            }
            for p in figures.months
        ]
        return Response(
            {
                **_initiative(initiative),
                "split": figures.split,
                "disclosed": figures.disclosed,
                "months": months,
                "signals": [_signal(s) for s in figures.signals],
            }
        )


urlpatterns = [
    path("", InitiativeListAPIView.as_view(), name="initiative_list"),
    # A regex route, as the router's: the schema and its test read the id the same way.
    re_path(r"^(?P<pk>[0-9]{1,19})/series/$", InitiativeSeriesAPIView.as_view(), name="initiative_series"),
]
