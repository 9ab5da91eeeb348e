"""Views for citizens and courses: thin — parse input, call one selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from common.forms import apply_service
from tracker import selectors, services
from tracker.access import RoleRequiredMixin
from tracker.filters import PartnerFilterSet
from tracker.forms import (
    CitizenForm,
    CollaborationForm,
    CourseEndForm,
    CourseStartForm,
    PartnerForm,
)
from tracker.tables import PartnerTable


def home(request):
    """Send each user to their role's start page."""
    if not request.user.is_authenticated:
        return redirect("login")
    return redirect(selectors.access_for(request.user).start_page)


class NoRoleView(LoginRequiredMixin, TemplateView):
    template_name = "tracker/no_role.html"


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
            # A CPR number known in another unit is the same person: the answer is the same either way.
            ok, registered = apply_service(
                [citizen_form, course_form],
                services.register_citizen_with_course,
                user=request.user,
                unit_ids=self.access.member_unit_ids,
                channel="page",
                citizen=citizen_form.cleaned_data,
                **course_form.cleaned_data,
            )
            if ok:
                messages.success(request, _("Borgeren er oprettet."))
                return redirect(registered[0])
        return render(request, self.template_name, {"form": citizen_form, "course_form": course_form}, status=400)


class CitizenUpdateView(RoleRequiredMixin, View):
    template_name = "tracker/citizen_form.html"

    def get(self, request, pk: int):
        citizen = services.read_logged(selectors.citizen_get, user=request.user, pk=pk, purpose="citizen_update_form")
        return render(request, self.template_name, {"form": CitizenForm(instance=citizen), "citizen": citizen})

    def post(self, request, pk: int):
        citizen = selectors.citizen_get(user=request.user, pk=pk)
        form = CitizenForm(request.POST, instance=citizen)
        if form.is_valid():
            ok, _citizen = apply_service(
                form, services.citizen_change, user=request.user, citizen=citizen, **form.cleaned_data
            )
            if ok:
                messages.success(request, _("Oplysningerne er gemt."))
                return redirect(citizen)
        return render(request, self.template_name, {"form": form, "citizen": citizen}, status=400)


class CprRevealView(RoleRequiredMixin, View):
    """Show the full CPR number once, as a deliberate and logged action (POST only)."""

    def post(self, request, pk: int):
        citizen = services.citizen_reveal(user=request.user, pk=pk)
        return render(request, "tracker/cpr_reveal.html", {"citizen": citizen})


class CourseStartView(RoleRequiredMixin, View):
    template_name = "tracker/course_form.html"

    def form(self, citizen, data=None):
        return CourseStartForm(data, units=selectors.unit_list(user=self.request.user), citizen=citizen)

    def get(self, request, pk: int):
        citizen = services.read_logged(selectors.citizen_get, user=request.user, pk=pk, purpose="course_start_form")
        return render(request, self.template_name, {"form": self.form(citizen), "citizen": citizen})

    def post(self, request, pk: int):
        citizen = selectors.citizen_get(user=request.user, pk=pk)
        form = self.form(citizen, request.POST)
        if form.is_valid():
            ok, _course = apply_service(
                form, services.course_start, user=request.user, citizen=citizen, **form.cleaned_data
            )
            if ok:
                messages.success(request, _("Forløbet er startet."))
                return redirect(citizen)
        return render(request, self.template_name, {"form": form, "citizen": citizen}, status=400)


class CourseEndView(RoleRequiredMixin, View):
    template_name = "tracker/course_end.html"

    def get(self, request, pk: int):
        course = services.read_logged(selectors.course_get, user=request.user, pk=pk, purpose="course_end_form")
        return render(request, self.template_name, {"form": CourseEndForm(instance=course), "course": course})

    def post(self, request, pk: int):
        course = selectors.course_get(user=request.user, pk=pk)
        form = CourseEndForm(request.POST, instance=course)
        if form.is_valid():
            ok, _course = apply_service(
                form,
                services.course_end,
                user=request.user,
                course=course,
                end=form.cleaned_data["end"],
                end_reason=form.cleaned_data["end_reason"],
            )
            if ok:
                messages.success(request, _("Forløbet er afsluttet."))
                return redirect(course.citizen)
        return render(request, self.template_name, {"form": form, "course": course}, status=400)


class CollaborationCreateView(RoleRequiredMixin, View):
    """Log one collaboration around a course; a new partner can be created in the same form."""

    template_name = "tracker/collaboration_form.html"

    def context(self, course, form):
        return {"course": course, "form": form, "partners": selectors.partner_list()}

    def get(self, request, pk: int):
        course = services.read_logged(selectors.course_get, user=request.user, pk=pk, purpose="collaboration_form")
        return render(request, self.template_name, self.context(course, CollaborationForm()))

    def post(self, request, pk: int):
        course = selectors.course_get(user=request.user, pk=pk)
        form = CollaborationForm(request.POST)
        if form.is_valid():
            ok, _collaboration = apply_service(
                form,
                services.collaboration_log,
                user=request.user,
                course=course,
                **form.service_kwargs(),
            )
            if ok:
                messages.success(request, _("Samarbejdet er registreret."))
                return redirect(f"{course.citizen.get_absolute_url()}#collab-h")
        return render(request, self.template_name, self.context(course, form), status=400)


class PartnerListView(RoleRequiredMixin, SingleTableMixin, FilterView):
    """The partner register: organisations and people the units work with (no citizen data)."""

    table_class = PartnerTable
    filterset_class = PartnerFilterSet
    template_name = "tracker/partner_list.html"

    def get_queryset(self):
        return selectors.partner_list_with_use(user=self.request.user)


class PartnerCreateView(RoleRequiredMixin, View):
    template_name = "tracker/partner_form.html"

    def get(self, request):
        return render(request, self.template_name, {"form": PartnerForm()})

    def post(self, request):
        form = PartnerForm(request.POST)
        if form.is_valid():
            ok, _partner = apply_service(form, services.partner_create, user=request.user, **form.cleaned_data)
            if ok:
                messages.success(request, _("Samarbejdspartneren er oprettet."))
                return redirect("tracker:partner_list")
        return render(request, self.template_name, {"form": form}, status=400)
