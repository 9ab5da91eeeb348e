"""Checking a row's course: an existing course by citizen + unit + start date, or a new one and its rules."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from imports import parsing
from imports.parsing import (
    COURSE_END,
    COURSE_START,
    END_REASON,
    LEGAL_BASIS,
)
from imports.validation.core import lookup_key
from imports.validation.plan import CitizenPlan, CoursePlan
from tracker.models import OrganisationUnit


class CourseChecks:
    """The course of a row (a mixin of ``Checker``; uses the state of ``CheckerCore``)."""

    def open_courses(self, citizen: CitizenPlan, unit_id: int) -> list:
        in_file = [c for c in self.courses_by_citizen_unit.get((id(citizen), unit_id), []) if c.end is None]
        in_db = []
        if citizen.existing_id:
            in_db = [c for c in self.db_courses.get((citizen.existing_id, unit_id), []) if c[2] is None]
        return in_file + in_db

    def course(self, row: int, values: list[object], citizen: CitizenPlan, unit: OrganisationUnit) -> CoursePlan | None:
        ok, start = self.date_cell(row, values, COURSE_START)
        if not ok or start is None:
            return None
        key = (id(citizen), unit.pk, start)
        if key in self.courses:
            return self.courses[key]
        if citizen.existing_id:
            for pk, db_start, db_end in self.db_courses.get((citizen.existing_id, unit.pk), []):
                if db_start == start:
                    plan = CoursePlan(
                        row=row, citizen=citizen, unit_id=unit.pk, start=start, existing_id=pk, end=db_end
                    )
                    return self.register_course(key, plan)
        basis_raw = parsing.text(self.cell(values, LEGAL_BASIS))
        if not basis_raw:
            self.error(row, LEGAL_BASIS, _("Angiv lovgrundlag for det nye forløb, fx § 85."))
            return None
        basis = self.legal_bases.get(lookup_key(basis_raw))
        if basis is None:
            message = _("Ukendt lovgrundlag »%(value)s«. Skriv fx § 85 eller sel-85.") % {"value": basis_raw}
            self.error(row, LEGAL_BASIS, self.suggest(message, basis_raw, self.legal_bases))
            return None
        if self.offered[unit.pk] and basis.pk not in self.offered[unit.pk]:
            self.error(row, LEGAL_BASIS, _("Enheden tilbyder ikke dette lovgrundlag."))
            return None
        ok, end = self.date_cell(row, values, COURSE_END)
        if not ok:
            return None
        reason_raw = parsing.text(self.cell(values, END_REASON))
        reason = self.end_reasons.get(lookup_key(reason_raw)) if reason_raw else None
        if reason_raw and reason is None:
            message = _("Ukendt afslutningsårsag »%(value)s«.") % {"value": reason_raw}
            self.error(row, END_REASON, self.suggest(message, reason_raw, {r.code for r in self.end_reasons.values()}))
            return None
        if (end is None) != (reason is None):
            self.error(row, COURSE_END if end is None else END_REASON, _("Angiv både slutdato og afslutningsårsag."))
            return None
        if end is not None and end < start:
            self.error(row, COURSE_END, _("Et forløb kan ikke slutte før det begynder."))
            return None
        if start > self.today:
            self.error(row, COURSE_START, _("Datoen må ikke ligge i fremtiden."))
            return None
        if end is None and self.open_courses(citizen, unit.pk):
            self.error(row, COURSE_START, _("Borgeren har allerede et åbent forløb i denne enhed."))
            return None
        plan = CoursePlan(
            row=row,
            citizen=citizen,
            unit_id=unit.pk,
            start=start,
            legal_basis_id=basis.pk,
            end=end,
            end_reason_id=reason.pk if reason else None,
        )
        self.plan.courses.append(plan)
        return self.register_course(key, plan)

    def register_course(self, key, plan: CoursePlan) -> CoursePlan:
        if plan.existing_id is not None:
            self.plan.courses.append(plan)
        self.courses[key] = plan
        self.courses_by_citizen_unit.setdefault((id(plan.citizen), plan.unit_id), []).append(plan)
        return plan

    def course_on(self, citizen: CitizenPlan, unit_id: int, date: datetime.date) -> CoursePlan | None:
        """The citizen's course in the unit that the date falls in (the latest started, if several)."""
        candidates = [
            c
            for c in self.courses_by_citizen_unit.get((id(citizen), unit_id), [])
            if c.start <= date and (c.end is None or date <= c.end)
        ]
        if citizen.existing_id:
            for pk, start, end in self.db_courses.get((citizen.existing_id, unit_id), []):
                if start <= date and (end is None or date <= end) and all(c.existing_id != pk for c in candidates):
                    plan = CoursePlan(row=0, citizen=citizen, unit_id=unit_id, start=start, existing_id=pk, end=end)
                    candidates.append(self.register_course((id(citizen), unit_id, start), plan))
        return max(candidates, key=lambda c: c.start) if candidates else None
