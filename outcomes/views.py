"""Views for measurements: record one on one page and see the result at once."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.views import View

from dashboards import charts
from outcomes import selectors, services
from outcomes.forms import ITEM_PREFIX, MeasurementForm
from tracker import selectors as tracker_selectors
from tracker.models import AuditEntry
from tracker.services import audit_log
from tracker.views import RoleRequiredMixin


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
        course, instrument = self.setup_objects(course_pk, code)
        form = self.form(course, instrument)
        return render(request, self.template_name, {"form": form, "course": course, "instrument": instrument})

    def post(self, request, course_pk: int, code: str):
        course, instrument = self.setup_objects(course_pk, code)
        form = self.form(course, instrument, request.POST)
        if form.is_valid():
            try:
                measurement = services.measurement_record(
                    course=course,
                    instrument=instrument,
                    answers=form.cleaned_data["answers"],
                    date=form.cleaned_data["date"],
                    informer=form.cleaned_data["informer"],
                    recorded_by=request.user,
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    target = field if field in form.fields else ITEM_PREFIX + field
                    form.add_error(target if target in form.fields else None, errors)
            else:
                return redirect(measurement)
        return render(
            request, self.template_name, {"form": form, "course": course, "instrument": instrument}, status=400
        )


class MeasurementDetailView(RoleRequiredMixin, View):
    """The result page: score, change since baseline and last time, and the reliable-change category."""

    def get(self, request, pk: int):
        with transaction.atomic():
            measurement = selectors.measurement_get(user=request.user, pk=pk)
            context = selectors.measurement_context(measurement=measurement)
            audit_log(
                user=request.user,
                action=AuditEntry.Action.READ,
                citizen_id=measurement.course.citizen_id,
                obj=measurement,
                purpose="measurement_detail",
            )
        answers = list(measurement.answers.select_related("item").order_by("item__order"))
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
