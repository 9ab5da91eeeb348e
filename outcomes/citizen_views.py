"""The caseworker's pages over citizens with their measurements and goals: 'Mine borgere' and 'Borgerens overblik'.

They show outcomes (scores, goals, summaries) next to the core records, so they live here, above tracker; their URL
names stay in the ``tracker`` namespace (``tracker:citizen_list``, ``tracker:citizen_detail``, see
outcomes/citizen_urls.py).
"""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from common import exports
from outcomes import caseload, charts, reads
from tracker import selectors, services
from tracker.access import RoleRequiredMixin
from tracker.filters import CitizenCourseFilterSet
from tracker.tables import CitizenCourseTable


class CitizenListView(RoleRequiredMixin, SingleTableMixin, FilterView):
    """'Mine borgere': open courses in the caseworker's units, sortable, filterable, exportable."""

    table_class = CitizenCourseTable
    filterset_class = CitizenCourseFilterSet
    template_name = "tracker/citizen_list.html"
    export_trigger_param = "_export"

    def get_queryset(self):
        return caseload.my_citizens(user=self.request.user)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["units"] = selectors.unit_list(user=self.request.user)
        return kwargs

    def render_to_response(self, context, **response_kwargs):
        export = self.request.GET.get(self.export_trigger_param)
        if export in exports.FORMATS:
            table = context["table"]
            return exports.export_response(
                exports.table_rows(table),
                fmt=export,
                filename=f"mine-borgere-{timezone.localdate():%Y-%m-%d}",
                title=_("Mine borgere"),
            )
        return super().render_to_response(context, **response_kwargs)

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        criteria = services.search_criteria(request.GET, ("q", "unit", "legal_basis", "due"))
        export = request.GET.get(self.export_trigger_param)
        if export in exports.FORMATS:
            citizen_ids = [c.citizen_id for c in self.object_list]
        elif criteria:
            citizen_ids = []
        else:
            # Plain listing: a read of the citizens on the page shown.
            table = response.context_data["table"]
            rows = table.page.object_list if getattr(table, "page", None) else table.rows
            citizen_ids = [row.record.citizen_id for row in rows]
        services.audit_list(
            user=request.user,
            purpose="citizen_list",
            citizen_ids=citizen_ids,
            criteria=criteria,
            export_format=export if export in exports.FORMATS else None,
            search_found=False,
        )
        return response


class CitizenDetailView(RoleRequiredMixin, View):
    """'Borgerens overblik': the citizen's courses, measurements, goals and collaborations in the user's units, and —
    with the citizen's consent — what other units recorded ('the whole citizen'), each look logged."""

    def get(self, request, pk: int):
        page = reads.citizen_overview_logged(user=request.user, pk=pk, unit_ids=self.access.member_unit_ids)
        citizen, context, shared = page["citizen"], page["context"], page["shared"]
        context.update(charts.citizen_charts(context))
        context["shared"] = shared
        # The complete record (GDPR art. 15) is produced, for a registered request, by a leader of a unit where the
        # citizen has a course.
        context["can_export_record"] = bool(self.access.leader_unit_ids & {c.unit_id for c in context["courses"]})
        return render(request, "tracker/citizen_detail.html", {"citizen": citizen, **context})
