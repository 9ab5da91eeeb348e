"""Views for measurements: record one on one page and see the result at once."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from common.forms import apply_service
from outcomes import charts, reads, selectors, services
from outcomes.forms import (
    ITEM_PREFIX,
    GoalEditForm,
    GoalForm,
    GoalReviewEditForm,
    GoalReviewForm,
    MeasurementEditForm,
    MeasurementForm,
)
from tracker import selectors as tracker_selectors
from tracker.access import RoleRequiredMixin
from tracker.correction_views import CorrectionDeleteView
from tracker.services import audit_read, read_logged


class MeasurementCreateView(RoleRequiredMixin, View):
    """All items of an instrument on one page; on save, straight to the result."""

    template_name = "outcomes/measurement_form.html"

    def setup_objects(self, course_pk: int, code: str):
        course = tracker_selectors.course_get(user=self.request.user, pk=course_pk)
        instrument = selectors.instrument_get(code=code)
        if not instrument.is_recordable or not course.is_open:
            raise Http404("Not recordable")
        return course, instrument

    def form(self, course, instrument, data=None):
        return MeasurementForm(
            data,
            instrument=instrument,
            existing_dates=selectors.course_measurement_dates(course=course, instrument=instrument),
        )

    def get(self, request, course_pk: int, code: str):
        course, instrument = self.setup_objects(course_pk, code)  # a 404 first, with nothing logged
        audit_read(user=request.user, obj=course, purpose="measurement_form")
        form = self.form(course, instrument)
        return render(request, self.template_name, {"form": form, "course": course, "instrument": instrument})

    def post(self, request, course_pk: int, code: str):
        course, instrument = self.setup_objects(course_pk, code)
        form = self.form(course, instrument, request.POST)
        if form.is_valid():
            ok, measurement = apply_service(
                form,
                services.measurement_record,
                item_prefix=ITEM_PREFIX,
                course=course,
                instrument=instrument,
                answers=form.cleaned_data["answers"],
                date=form.cleaned_data["date"],
                informer=form.cleaned_data["informer"],
                recorded_by=request.user,
                note=form.cleaned_data["note"],
            )
            if ok:
                return redirect(measurement)
        return render(
            request, self.template_name, {"form": form, "course": course, "instrument": instrument}, status=400
        )


class MeasurementDetailView(RoleRequiredMixin, View):
    """The result page: score, change since baseline and last time, and the reliable-change category."""

    def get(self, request, pk: int):
        measurement, context, answers = reads.measurement_logged(user=request.user, pk=pk)
        instrument = measurement.instrument
        if instrument.has_score:
            context["timeline_spec"] = charts.timeline(
                name=instrument.short_name,
                points=[(date, score) for _pk, date, score in context["series"]],
                score_min=instrument.score_min,
                score_max=instrument.score_max,
                cutoff=instrument.clinical_cutoff,
                highlight=(measurement.date, measurement.score),
            )
        return render(
            request, "outcomes/measurement_detail.html", {"measurement": measurement, "answers": answers, **context}
        )


class GoalCreateView(RoleRequiredMixin, View):
    """Set a goal with the citizen, in the citizen's own words, with five described levels."""

    template_name = "outcomes/goal_form.html"

    def get(self, request, course_pk: int):
        course = read_logged(tracker_selectors.course_get, user=request.user, pk=course_pk, purpose="goal_form")
        return render(request, self.template_name, {"form": GoalForm(), "course": course})

    def post(self, request, course_pk: int):
        course = tracker_selectors.course_get(user=request.user, pk=course_pk)
        form = GoalForm(request.POST)
        if form.is_valid():
            ok, _goal = apply_service(form, services.goal_create, user=request.user, course=course, **form.cleaned_data)
            if ok:
                messages.success(request, _("Målet er gemt."))
                return redirect(f"{course.citizen.get_absolute_url()}#goals-h")
        return render(request, self.template_name, {"form": form, "course": course}, status=400)


class GoalReviewCreateView(RoleRequiredMixin, View):
    """Review a goal: the level reached, chosen among the goal's own described levels."""

    template_name = "outcomes/goal_review_form.html"

    def form(self, goal, data=None):
        form = GoalReviewForm(data)
        form.fields["level"].widget.choices = [(v, f"{v:+d}: {text}") for v, text in goal.level_texts()]
        return form

    def get(self, request, pk: int):
        goal = read_logged(selectors.goal_get, user=request.user, pk=pk, purpose="goal_review_form")
        return render(request, self.template_name, {"form": self.form(goal), "goal": goal})

    def post(self, request, pk: int):
        goal = selectors.goal_get(user=request.user, pk=pk)
        form = self.form(goal, request.POST)
        if form.is_valid():
            ok, _review = apply_service(
                form, services.goal_review_record, user=request.user, goal=goal, **form.cleaned_data
            )
            if ok:
                messages.success(request, _("Opfølgningen er gemt."))
                return redirect(f"{goal.course.citizen.get_absolute_url()}#goals-h")
        return render(request, self.template_name, {"form": form, "goal": goal}, status=400)


class CitizenSummaryView(RoleRequiredMixin, View):
    """'Min udvikling': a one-page summary for the citizen to take home — plain Danish, no staff notes."""

    def get(self, request, pk: int):
        citizen, overview = reads.citizen_summary_logged(user=request.user, pk=pk)
        context = {"citizen": citizen, **overview, **charts.citizen_charts(overview), "today": timezone.localdate()}
        return render(request, "outcomes/citizen_summary.html", context)


# --- Corrections: edit and delete, each with a reason ------------------------------------------------------------


class MeasurementUpdateView(RoleRequiredMixin, View):
    """Correct a measurement: its answers and details in the same form as when it was recorded, and a reason.
    Rescored, and the summary refreshed, in the same transaction."""

    template_name = "outcomes/measurement_form.html"

    def form(self, measurement, data=None):
        answers = measurement.answer_map()
        dates = selectors.course_measurement_dates(course=measurement.course, instrument=measurement.instrument)
        return MeasurementEditForm(
            data,
            instrument=measurement.instrument,
            existing_dates=dates - {(measurement.date, selectors.perspective(measurement.informer))},
            initial={
                "date": measurement.date,
                "informer": measurement.informer,
                "note": measurement.note,
                **{ITEM_PREFIX + link: value for link, value in answers.items()},
            },
        )

    def context(self, measurement, form) -> dict:
        return {
            "form": form,
            "course": measurement.course,
            "instrument": measurement.instrument,
            "measurement": measurement,
        }

    def get(self, request, pk: int):
        measurement = read_logged(selectors.measurement_get, user=request.user, pk=pk, purpose="correction_form")
        form = self.form(measurement)
        return render(request, self.template_name, self.context(measurement, form))

    def post(self, request, pk: int):
        measurement = selectors.measurement_get(user=request.user, pk=pk)
        form = self.form(measurement, request.POST)
        if form.is_valid():
            ok, _measurement = apply_service(
                form,
                services.measurement_update,
                item_prefix=ITEM_PREFIX,
                measurement=measurement,
                user=request.user,
                answers=form.cleaned_data["answers"],
                date=form.cleaned_data["date"],
                informer=form.cleaned_data["informer"],
                note=form.cleaned_data["note"],
                reason=form.cleaned_data["reason"],
            )
            if ok:
                messages.success(request, _("Målingen er rettet."))
                return redirect(measurement)
        return render(request, self.template_name, self.context(measurement, form), status=400)


class MeasurementDeleteView(CorrectionDeleteView):
    kind = gettext_lazy("målingen")

    def get_record(self, pk: int):
        return selectors.measurement_get(user=self.request.user, pk=pk)

    def describe(self, record) -> str:
        return f"{record.instrument.short_name}, {record.date:%d.%m.%Y}"

    def delete(self, record, reason: str) -> None:
        services.measurement_delete(measurement=record, user=self.request.user, reason=reason)


GOAL_FIELDS = (
    "text",
    "life_domain",
    "level_minus2",
    "level_minus1",
    "level_0",
    "level_plus1",
    "level_plus2",
    "baseline_level",
    "importance",
    "difficulty",
    "created_on",
    "target_date",
)


class GoalUpdateView(RoleRequiredMixin, View):
    """Correct a goal: its words, levels, weights and dates, and a reason."""

    template_name = "outcomes/goal_form.html"

    def get(self, request, pk: int):
        goal = read_logged(selectors.goal_get, user=request.user, pk=pk, purpose="correction_form")
        form = GoalEditForm(
            initial={f: getattr(goal, f) for f in GOAL_FIELDS if f != "life_domain"}
            | {"life_domain": goal.life_domain_id}
        )
        return render(request, self.template_name, {"form": form, "course": goal.course, "goal": goal})

    def post(self, request, pk: int):
        goal = selectors.goal_get(user=request.user, pk=pk)
        form = GoalEditForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            reason = data.pop("reason")
            ok, _goal = apply_service(form, services.goal_update, user=request.user, goal=goal, reason=reason, **data)
            if ok:
                messages.success(request, _("Målet er rettet."))
                return redirect(f"{goal.course.citizen.get_absolute_url()}#goals-h")
        return render(request, self.template_name, {"form": form, "course": goal.course, "goal": goal}, status=400)


class GoalDeleteView(CorrectionDeleteView):
    kind = gettext_lazy("målet og dets opfølgninger")

    def get_record(self, pk: int):
        return selectors.goal_get(user=self.request.user, pk=pk)

    def describe(self, record) -> str:
        return record.text

    def delete(self, record, reason: str) -> None:
        services.goal_delete(user=self.request.user, goal=record, reason=reason)


class GoalReviewUpdateView(RoleRequiredMixin, View):
    """Correct a review of a goal: the level, date and note, and a reason."""

    template_name = "outcomes/goal_review_form.html"

    def form(self, review, data=None):
        form = GoalReviewEditForm(data, initial={"date": review.date, "level": review.level, "note": review.note})
        form.fields["level"].widget.choices = [(v, f"{v:+d}: {text}") for v, text in review.goal.level_texts()]
        return form

    def get(self, request, pk: int):
        review = read_logged(selectors.review_get, user=request.user, pk=pk, purpose="correction_form")
        return render(request, self.template_name, {"form": self.form(review), "goal": review.goal, "review": review})

    def post(self, request, pk: int):
        review = selectors.review_get(user=request.user, pk=pk)
        form = self.form(review, request.POST)
        if form.is_valid():
            ok, _review = apply_service(
                form, services.goal_review_update, user=request.user, review=review, **form.cleaned_data
            )
            if ok:
                messages.success(request, _("Opfølgningen er rettet."))
                return redirect(f"{review.goal.course.citizen.get_absolute_url()}#goals-h")
        return render(request, self.template_name, {"form": form, "goal": review.goal, "review": review}, status=400)


class GoalReviewDeleteView(CorrectionDeleteView):
    kind = gettext_lazy("opfølgningen")

    def get_record(self, pk: int):
        return selectors.review_get(user=self.request.user, pk=pk)

    def citizen_of(self, record):
        return record.goal.course.citizen

    def describe(self, record) -> str:
        return f"{record.goal.text}: {record.level:+d} ({record.date:%d.%m.%Y})"

    def delete(self, record, reason: str) -> None:
        services.goal_review_delete(user=self.request.user, review=record, reason=reason)
