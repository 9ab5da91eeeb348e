"""Checking a row's measurement: instrument, date within the course, informer, scoring, duplicates."""

from __future__ import annotations

from django.utils.translation import gettext as _

from imports import parsing
from imports.parsing import (
    COURSE_START,
    DATE,
    INFORMER,
    INSTRUMENT,
)
from imports.validation.core import lookup_key
from imports.validation.plan import CoursePlan, MeasurementPlan
from outcomes import scoring
from outcomes.models import Informer
from outcomes.services import scoring_messages

INFORMERS = {
    **{value: value for value in Informer.values},
    "borger": Informer.CITIZEN,
    "borger støttet af pårørende": Informer.CITIZEN_RELATIVE,
    "borger støttet af medarbejder": Informer.CITIZEN_STAFF,
    "pårørende alene": Informer.RELATIVE,
    "pårørende": Informer.RELATIVE,
    "medarbejder alene": Informer.STAFF,
    "medarbejder": Informer.STAFF,
}


class MeasurementChecks:
    """The measurement of a row (a mixin of ``Checker``; uses the state of ``CheckerCore``)."""

    def measurement(self, row: int, values: list[object], citizen, unit, course: CoursePlan | None) -> None:
        instrument_raw = parsing.text(self.cell(values, INSTRUMENT))
        answers = {}
        for index, link in self.answer_columns:
            if index < len(values) and values[index] is not None and (value := parsing.text(values[index])):
                answers[link] = value
        if not instrument_raw:
            if answers:
                self.error(row, INSTRUMENT, _("Angiv måleredskabet, som svarene hører til."))
            elif course is None and parsing.text(self.cell(values, COURSE_START)) == "":
                self.error(row, COURSE_START, _("Udfyld forløb_start eller en måling med dato."))
            return
        instrument = self.instruments.get(lookup_key(instrument_raw))
        if instrument is None:
            message = _("Ukendt måleredskab »%(value)s«. Skriv who5, life-domains, ors eller srs.") % {
                "value": instrument_raw
            }
            codes = {i.code for i in self.instruments.values()}
            self.error(row, INSTRUMENT, self.suggest(message, instrument_raw, codes))
            return
        ok, date = self.date_cell(row, values, DATE)
        if not ok:
            return
        if date is None:
            self.error(row, DATE, _("Angiv målingens dato."))
            return
        if course is None:
            if parsing.text(self.cell(values, COURSE_START)):
                return  # the course's own error has been reported
            course = self.course_on(citizen, unit.pk, date)
            if course is None:
                self.error(
                    row, COURSE_START, _("Borgeren har intet forløb i enheden på målingens dato. Udfyld forløb_start.")
                )
                return
        if date > self.today:
            self.error(row, DATE, _("Datoen må ikke ligge i fremtiden."))
            return
        if date < course.start:
            message = _("Datoen ligger før forløbets start (%(start)s).") % {"start": f"{course.start:%d.%m.%Y}"}
            self.error(row, DATE, message)
            return
        if course.end and date > course.end:
            self.error(row, DATE, _("Datoen ligger efter forløbets afslutning."))
            return
        informer_raw = parsing.text(self.cell(values, INFORMER)).lower()
        informer = INFORMERS.get(informer_raw) if informer_raw else Informer.CITIZEN
        if informer is None:
            message = _("Ukendt værdi »%(value)s«. Skriv fx borger eller medarbejder alene.") % {"value": informer_raw}
            self.error(row, INFORMER, self.suggest(message, informer_raw, [k for k in INFORMERS if " " in k]))
            return
        try:
            result = scoring.score_answers(self.definitions[instrument.pk], answers)
        except scoring.ScoringError as exc:
            for link, message in scoring_messages(exc.errors).items():
                if link == "__all__":
                    self.error(row, INSTRUMENT, message)
                    continue
                shown = answers.get(link, "")
                if shown:
                    message = f"{message} " + _("Fik »%(value)s«.") % {"value": shown}
                self.error(row, parsing.normalise_header(link), message, value=shown)
            return
        key = (id(citizen), unit.pk, instrument.pk, date)
        if key in self.measurement_rows:
            self.error(
                row,
                DATE,
                _("Samme måling (borger, måleredskab og dato) står også i række %(row)s.")
                % {"row": self.measurement_rows[key]},
            )
            return
        self.measurement_rows[key] = row
        existing = None
        if citizen.existing_id:
            existing = self.db_measurements.get((citizen.existing_id, unit.pk, instrument.pk, date))
        action = "create"
        if existing is not None:
            action = "skip" if existing[1] == informer and existing[2] == result.answers else "update"
        self.plan.measurements.append(
            MeasurementPlan(
                row=row,
                course=course,
                instrument_id=instrument.pk,
                date=date,
                informer=informer,
                raw_score=result.raw_score,
                score=result.score,
                answers=result.answers,
                action=action,
                existing_id=existing[0] if existing else None,
            )
        )
