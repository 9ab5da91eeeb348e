"""Views for citizens and courses: thin — parse input, call one selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from dashboards import charts
from outcomes import selectors as outcome_selectors
from tracker import selectors, services
from tracker.filters import CitizenCourseFilterSet
from tracker.forms import CitizenForm, CourseEndForm, CourseStartForm
from tracker.models import AuditEntry
from tracker.tables import CitizenCourseTable

Action = AuditEntry.Action


class RoleRequiredMixin(LoginRequiredMixin):
    """Anonymous users go to the login page; logged-in users without the role get 403."""

    role = "caseworker"  # one of: caseworker, leader, director

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        access = selectors.access_for(request.user)
        if not getattr(access, f"is_{self.role}"):
            raise PermissionDenied
        self.access = access
        return super().dispatch(request, *args, **kwargs)


def home(request):
    """Send each user to their role's start page."""
    if not request.user.is_authenticated:
        return redirect("login")
    return redirect(selectors.access_for(request.user).start_page)


class NoRoleView(LoginRequiredMixin, TemplateView):
    template_name = "tracker/no_role.html"


class CitizenListView(RoleRequiredMixin, SingleTableMixin, FilterView):
    """'Mine borgere': open courses in the caseworker's units."""

    table_class = CitizenCourseTable
    filterset_class = CitizenCourseFilterSet
    template_name = "tracker/citizen_list.html"

    def get_queryset(self):
        return selectors.course_list(user=self.request.user)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["units"] = selectors.unit_list(user=self.request.user)
        return kwargs

    def get(self, request, *args, **kwargs):
        with transaction.atomic():
            response = super().get(request, *args, **kwargs)
            criteria = {k: v for k, v in request.GET.items() if k in ("q", "unit", "legal_basis") and v}
            if criteria:
                services.audit_log(
                    user=request.user, action=Action.SEARCH, purpose="citizen_list", detail={"criteria": criteria}
                )
            return response


class CitizenDetailView(RoleRequiredMixin, View):
    """'Borgerens overblik': the citizen's courses, measurements, goals and collaborations."""

    def get(self, request, pk: int):
        with transaction.atomic():
            citizen = selectors.citizen_get(user=request.user, pk=pk)
            context = outcome_selectors.citizen_overview(user=request.user, citizen=citizen)
            services.audit_log(
                user=request.user, action=Action.READ, citizen_id=citizen.pk, obj=citizen, purpose="citizen_detail"
            )
        context.update(charts.citizen_charts(context))
        return render(request, "tracker/citizen_detail.html", {"citizen": citizen, **context})


class CitizenCreateView(RoleRequiredMixin, View):
    """Register a citizen and start their first course in one step."""

    template_name = "tracker/citizen_form.html"

    def forms(self, data=None):
        units = selectors.unit_list(user=self.request.user)
        return CitizenForm(data, prefix="citizen"), CourseStartForm(data, prefix="course", units=units)

    def get(self, request):
        citizen_form, course_form = self.forms()
        return render(request, self.template_name, {"form": citizen_form, "course_form": course_form})

    def post(self, request):
        citizen_form, course_form = self.forms(request.POST)
        if citizen_form.is_valid() and course_form.is_valid():
            try:
                with transaction.atomic():
                    citizen = services.citizen_create(user=request.user, **citizen_form.cleaned_data)
                    services.course_start(user=request.user, citizen=citizen, **course_form.cleaned_data)
            except ValidationError as exc:
                citizen_form.add_error(None, exc)
            else:
                messages.success(request, _("Borgeren er oprettet."))
                return redirect(citizen)
        return render(request, self.template_name, {"form": citizen_form, "course_form": course_form}, status=400)


class CitizenUpdateView(RoleRequiredMixin, View):
    template_name = "tracker/citizen_form.html"

    def get(self, request, pk: int):
        citizen = selectors.citizen_get(user=request.user, pk=pk)
        return render(request, self.template_name, {"form": CitizenForm(instance=citizen), "citizen": citizen})

    def post(self, request, pk: int):
        citizen = selectors.citizen_get(user=request.user, pk=pk)
        form = CitizenForm(request.POST, instance=citizen)
        if form.is_valid():
            try:
                services.citizen_update(user=request.user, citizen=citizen, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Oplysningerne er gemt."))
                return redirect(citizen)
        return render(request, self.template_name, {"form": form, "citizen": citizen}, status=400)


class CprRevealView(RoleRequiredMixin, View):
    """Show the full CPR number once, as a deliberate and logged action (POST only)."""

    def post(self, request, pk: int):
        with transaction.atomic():
            citizen = selectors.citizen_get(user=request.user, pk=pk)
            services.audit_log(
                user=request.user, action=Action.REVEAL, citizen_id=citizen.pk, obj=citizen, purpose="cpr_reveal"
            )
        return render(request, "tracker/cpr_reveal.html", {"citizen": citizen})


class CourseStartView(RoleRequiredMixin, View):
    template_name = "tracker/course_form.html"

    def form(self, citizen, data=None):
        return CourseStartForm(data, units=selectors.unit_list(user=self.request.user), citizen=citizen)

    def get(self, request, pk: int):
        citizen = selectors.citizen_get(user=request.user, pk=pk)
        return render(request, self.template_name, {"form": self.form(citizen), "citizen": citizen})

    def post(self, request, pk: int):
        citizen = selectors.citizen_get(user=request.user, pk=pk)
        form = self.form(citizen, request.POST)
        if form.is_valid():
            try:
                services.course_start(user=request.user, citizen=citizen, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Forløbet er startet."))
                return redirect(citizen)
        return render(request, self.template_name, {"form": form, "citizen": citizen}, status=400)


class CourseEndView(RoleRequiredMixin, View):
    template_name = "tracker/course_end.html"

    def get(self, request, pk: int):
        course = selectors.course_get(user=request.user, pk=pk)
        return render(request, self.template_name, {"form": CourseEndForm(instance=course), "course": course})

    def post(self, request, pk: int):
        course = selectors.course_get(user=request.user, pk=pk)
        form = CourseEndForm(request.POST, instance=course)
        if form.is_valid():
            try:
                services.course_end(
                    user=request.user,
                    course=course,
                    end=form.cleaned_data["end"],
                    end_reason=form.cleaned_data["end_reason"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Forløbet er afsluttet."))
                return redirect(course.citizen)
        return render(request, self.template_name, {"form": form, "course": course}, status=400)
