"""Dashboards: the unit leader's dashboard and effect report, the director's start page.

Thin views: parse the filter, call one selector, build tables and charts, render. Access: a unit's
dashboard is for the leaders of that unit and for superusers; everyone else gets 403 (anonymous users go
to the login page).
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django_tables2 import RequestConfig

from common import exports
from dashboards import charts, pagecache, report, selectors, services
from dashboards.filters import ALL_UNITS
from dashboards.selectors.request import unit_dashboard_filter
from dashboards.tables import CITIZEN_LEVEL, build_table, dashboard_table_rows, dashboard_tables
from figures import disclosure
from tracker.access import LeaderAccessMixin
from tracker.models import AuditEntry
from tracker.services import audit_log

EXPORT_FORMATS = exports.FORMATS


class UnitDashboardBase(LeaderAccessMixin, View):
    template_name = ""

    def load(self, request) -> dict:
        """The filter and, when it is valid, the dashboard. 403 for a unit the user does not lead."""
        dashboard_filter = unit_dashboard_filter(user=request.user, data=request.GET)
        filterset = dashboard_filter.filterset
        context = {
            "filter": filterset,
            "units": dashboard_filter.units,
            "dashboard": None,
            "all_units": ALL_UNITS,
        }
        if dashboard_filter.is_valid:
            params = filterset.params()
            context["params"] = params
            # Loaded only when used: the page's body usually comes from the page cache.
            context["dashboard"] = pagecache.Lazy(lambda: selectors.unit_dashboard(user=request.user, params=params))
            context["query"] = filterset.query_string()
        return context

    def render_invalid(self, request, context):
        return render(request, self.template_name, context, status=400 if context["units"] else 200)


class UnitDashboardView(UnitDashboardBase):
    """The unit leader's dashboard: is the work helping, and what is missing? (``leader_home`` too)."""

    template_name = "dashboards/unit_dashboard.html"

    def get(self, request):
        context = self.load(request)
        dashboard = context["dashboard"]
        if dashboard is None:
            return self.render_invalid(request, context)
        filterset = context["filter"]
        base = reverse("dashboards:unit_dashboard")

        def unit_link(pk):
            return f"{base}?{filterset.query_string(unit=pk)}"

        export = request.GET.get("_export")
        if export:
            return self.export(request, export, dashboard, dashboard_tables(dashboard, unit_link=unit_link))
        params = context["params"]

        def body_context() -> dict:
            def make(name, table_class, rows, kwargs):
                def build():
                    table = build_table(table_class, rows, kwargs, unit_link=unit_link)
                    if name in CITIZEN_LEVEL:
                        RequestConfig(request, paginate={"per_page": 25}).configure(table)
                    return table

                return pagecache.table_piece(request, table_class, rows, build, key=context["query"])

            # Rendered by content, in one read: after a write, only the tables whose rows changed are built and
            # rendered again; the filter form (its many period options) changes with the query and the day.
            pieces = {name: make(name, *spec) for name, spec in dashboard_table_rows(dashboard).items()}
            pieces["filter"] = pagecache.template_piece(
                request,
                "dashboards/_dashboard_filter.html",
                {"filter": filterset, "action": base},
                [base, filterset.content_key()],
            )
            html = pagecache.rendered(pieces)
            return {
                **context,
                "filter_html": html.pop("filter"),
                "tables": html,
                "charts": charts.unit_dashboard_charts(dashboard),
            }

        def named_citizens() -> dict:
            rows = [*dashboard.follow_up, *dashboard.not_on_track]
            return {"citizen_ids": sorted({r.citizen_id for r in rows})}

        body = pagecache.cached_body(
            request,
            name="unit-dashboard",
            template_name=self.template_name,
            scope=[u.pk for u in context["units"]],
            context=body_context,
            extra=named_citizens,
        )
        # The follow-up and not-on-track lists name citizens: showing them is a read of citizen data.
        if body["citizen_ids"]:
            audit_log(
                user=request.user,
                action=AuditEntry.Action.READ,
                purpose="unit_dashboard_lists",
                detail={"citizen_ids": body["citizen_ids"], "unit_ids": sorted(params.unit_ids)},
            )
        return pagecache.render_body(request, body, title=_("Enhedens effekter"))

    def export(self, request, export_format: str, dashboard, tables):
        """CSV or Excel of one table; exports of citizen-level lists are written to the audit log."""
        name = request.GET.get("table", "")
        if name not in tables or export_format not in EXPORT_FORMATS:
            raise Http404("No such export")
        period = dashboard.period
        if name in CITIZEN_LEVEL:
            rows = dashboard.follow_up if name == "follow_up" else dashboard.not_on_track
            services.export_audit(
                user=request.user,
                table=name,
                citizen_ids=[r.citizen_id for r in rows],
                detail={
                    "format": export_format,
                    "unit_ids": sorted(dashboard.params.unit_ids),
                    "period": [period.start.isoformat(), period.end.isoformat()],
                    "instrument": dashboard.instrument.code,
                    "legal_basis": dashboard.params.legal_basis.pk if dashboard.params.legal_basis else None,
                    "rows": len(rows),
                },
            )
        units = dashboard.units
        slug = units[0].code if len(units) == 1 else "alle-enheder"
        return exports.export_response(
            exports.table_rows(tables[name]),
            fmt=export_format,
            filename=f"effektspor-{slug}-{name}-{period.start}-{period.end}",
            title=name,
        )


class UnitReportView(UnitDashboardBase):
    """The printable effect report for the period: headline, charts and a written summary; no names."""

    template_name = "dashboards/unit_report.html"

    def get(self, request):
        context = self.load(request)
        dashboard = context["dashboard"]
        if dashboard is None:
            return self.render_invalid(request, context)
        tables = dashboard_tables(dashboard)
        context.update(
            tables={name: table for name, table in tables.items() if name not in CITIZEN_LEVEL},
            charts=charts.unit_dashboard_charts(dashboard),
            summary=report.effect_summary(dashboard),
            unit_label=report.unit_names([u.name for u in dashboard.units]),
            generated=timezone.localtime(),
        )
        return render(request, self.template_name, context)


class MethodsView(View):
    """How every figure is defined ("Sådan er tallene opgjort"): public, no data, the instruments' parameters."""

    def get(self, request):
        return render(
            request,
            "dashboards/methods.html",
            {"instruments": selectors.instrument_methods(), "policy": disclosure.Policy.current()},
        )
