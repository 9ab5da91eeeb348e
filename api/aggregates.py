"""Aggregated figures and reference data over the API.

- ``unit-figures``: the unit leader's dashboard figures, through the very filter set and selector the page uses
  (``dashboards.selectors.request.unit_dashboard_filter``, ``dashboards.selectors.unit_dashboard``); leaders of the unit
  and administrators, as the page. No list of citizens, so nothing to log.
- ``comparison``: the director's comparison (``figures.comparison.unit_comparison`` and ``count_table``): the
  engine's rows after its disclosure control, exactly as the page shows them; directors only, as the page.
- ``instruments``, ``partners``, ``units``: what a client needs to fill in the records (no citizen data).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers as drf_serializers
from rest_framework import viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api import figures
from api import serializers as s
from api.base import ApiMixin, IsCaseworker, IsDirector, IsLeader
from dashboards import selectors as dashboard_selectors
from dashboards.forms import ComparisonForm, comparison_for
from dashboards.selectors.request import unit_dashboard_filter
from figures.comparison import count_table
from outcomes import selectors as outcome_selectors
from tracker import selectors as tracker_selectors


def _form_errors(form) -> drf_serializers.ValidationError:
    return drf_serializers.ValidationError({field: list(messages) for field, messages in form.errors.items()})


def _param(name: str, description: str, type_=OpenApiTypes.STR, enum=None) -> OpenApiParameter:
    return OpenApiParameter(name, type_, OpenApiParameter.QUERY, required=False, description=description, enum=enum)


class UnitFiguresView(ApiMixin, APIView):
    permission_classes = [IsAuthenticated, IsLeader]

    @extend_schema(
        summary=_("Enhedens tal"),
        description=_(
            "Tallene fra enhedens effekt-side for en eller flere af dine enheder og en periode. "
            "Parametrene er de samme som sidens filter."
        ),
        parameters=[
            _param("unit", _("Enhedens id, eller 'all' for alle dine enheder.")),
            _param("period", _("Periodens kode: 12m (seneste 12 måneder, standard), q2026-1, h2026-1, y2026, custom.")),
            _param("start", _("Fra (ved period=custom)."), OpenApiTypes.DATE),
            _param("end", _("Til (ved period=custom)."), OpenApiTypes.DATE),
            _param("legal_basis", _("Lovgrundlagets id.")),
            _param("instrument", _("Måleredskabets kode (standard who5).")),
        ],
        responses={200: figures.UnitFiguresSerializer},
    )
    def get(self, request):
        user = request.user
        # The page's function: a unit the user does not lead is 403, the filter parsed alike.
        dashboard_filter = unit_dashboard_filter(user=user, data=request.query_params)
        filterset = dashboard_filter.filterset
        if not dashboard_filter.units:
            raise drf_serializers.ValidationError({"unit": [_("Du er ikke leder af nogen enhed.")]})
        if not filterset.form.is_valid():
            raise _form_errors(filterset.form)
        dashboard = dashboard_selectors.unit_dashboard(user=user, params=filterset.params())
        return Response(figures.UnitFiguresSerializer(dashboard).data)


class ComparisonView(ApiMixin, APIView):
    permission_classes = [IsAuthenticated, IsDirector]

    @extend_schema(
        summary=_("Sammenligning af enheder"),
        description=_(
            "Direktørens sammenligning af enhederne i sit område: kun samlede tal, og tal om færre end k borgere "
            "vises ikke (null), præcis som på siden."
        ),
        parameters=[
            _param(
                "period",
                _(
                    "En periode fra gitteret: 12m (standard), r2026-03 (12 måneder til og med marts 2026), "
                    "m2026-03, q2026-1, h2026-1, y2026. Ingen selvvalgte datoer."
                ),
            ),
            _param("instrument", _("Måleredskabets kode (standard who5).")),
            _param("legal_basis", _("Lovgrundlagets kode (forløbenes).")),
            _param("kind", _("Sammenlign kun enheder, der tilbyder dette lovgrundlag (kode).")),
            _param("overdispersion", _("auto (standard) eller off."), enum=["auto", "off"]),
            _param("root", _("Vis enhederne under denne afdeling (id)."), OpenApiTypes.INT),
        ],
        responses={200: figures.ComparisonSerializer},
    )
    def get(self, request):
        form = ComparisonForm(request.query_params)
        if not form.is_valid():
            raise _form_errors(form)
        comparison = comparison_for(user=request.user, data=form.cleaned_data)
        payload = {
            "k": comparison.k,
            "instrument": comparison.instrument,
            "method": comparison.method,
            "period": comparison.period.code,
            "start": comparison.period.start,
            "end": comparison.period.end,
            "root": comparison.root,
            "overdispersion": comparison.overdispersion,
            "overall": comparison.overall,
            "rows": comparison.rows,
            "counts": figures.count_table_data(count_table(comparison)),
        }
        return Response(figures.ComparisonSerializer(payload).data)


@extend_schema_view(
    list=extend_schema(
        summary=_("Måleredskaber"), description=_("De aktive måleredskaber med items (linkId og svarområde).")
    ),
    retrieve=extend_schema(summary=_("Måleredskab")),
)
class InstrumentViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    """The active instruments with their items (linkIds and answer ranges): what a measurement is made of."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.InstrumentSerializer
    lookup_field = "code"
    lookup_value_regex = r"[-a-zA-Z0-9_]{1,40}"
    pagination_class = None

    def get_queryset(self):
        return outcome_selectors.instrument_list().prefetch_related("items__life_domain").order_by("order", "code")


@extend_schema_view(
    list=extend_schema(summary=_("Samarbejdspartnere"), description=_("Registeret over samarbejdspartnere.")),
    retrieve=extend_schema(summary=_("Samarbejdspartner")),
)
class PartnerViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    """The partner register (organisation-wide, no citizen data)."""

    permission_classes = [IsAuthenticated, IsCaseworker]
    serializer_class = s.PartnerSerializer
    lookup_value_regex = r"[0-9]{1,19}"

    def get_queryset(self):
        return tracker_selectors.partner_list().order_by("name", "pk")


@extend_schema_view(
    list=extend_schema(summary=_("Dine enheder"), description=_("De enheder, hvis borgere du arbejder med.")),
    retrieve=extend_schema(summary=_("Enhed")),
)
class UnitViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    """The units whose citizens the user works with."""

    permission_classes = [IsAuthenticated, IsCaseworker]
    serializer_class = s.UnitSerializer
    lookup_value_regex = r"[0-9]{1,19}"
    pagination_class = None

    def get_queryset(self):
        return tracker_selectors.unit_list(user=self.request.user)
