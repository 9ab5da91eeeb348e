"""The row-by-row check of an import file (see the package's docstring for the rules and the natural keys)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from imports import parsing
from imports.parsing import (
    COURSE_START,
    UNIT,
)
from imports.validation.citizens import CitizenChecks
from imports.validation.core import PROGRESS_STEPS, CheckerCore, chunks, lookup_key, max_rows
from imports.validation.courses import CourseChecks
from imports.validation.measurements import MeasurementChecks
from imports.validation.plan import Plan

__all__ = ["Checker", "check_file", "chunks", "max_rows"]


class Checker(CitizenChecks, CourseChecks, MeasurementChecks, CheckerCore):
    """One pass over the rows. ``progress(done, total)`` is called about PROGRESS_STEPS times."""

    def check_row(self, row: int, values: list[object]) -> None:
        self.current = values
        before = len(self.plan.errors)
        unit_raw = parsing.text(self.cell(values, UNIT))
        unit = self.units.get(lookup_key(unit_raw)) if unit_raw else None
        if unit is None:
            if not unit_raw:
                self.error(row, UNIT, _("Angiv enheden."))
            else:
                message = _("Ukendt enhed »%(value)s«, eller en enhed du ikke arbejder i.") % {"value": unit_raw}
                self.error(row, UNIT, self.suggest(message, unit_raw, {u.code for u in self.units.values()}))
        citizen = self.citizen(row, values)
        if citizen is None or unit is None or len(self.plan.errors) > before:
            return
        course = None
        if parsing.text(self.cell(values, COURSE_START)):
            course = self.course(row, values, citizen, unit)
            if course is None:
                return
        self.measurement(row, values, citizen, unit, course)

    def run(self) -> Plan:
        if not self.read_header():
            return self.plan
        rows = []
        cap = max_rows()
        try:
            for row in self.table.rows:
                rows.append(row)
                if len(rows) > cap:
                    message = _(
                        "Filen har flere end %(cap)s rækker, som er det højeste antal i én import. Del filen op."
                    )
                    self.file_error(message % {"cap": f"{cap:,}".replace(",", ".")}, value=len(rows))
                    return self.plan
        except parsing.FileError as exc:
            self.file_error(str(exc))
            return self.plan
        self.plan.total_rows = len(rows)
        self.load_existing(rows)
        step = max(100, len(rows) // PROGRESS_STEPS)
        for done, (number, values) in enumerate(rows, start=1):
            self.check_row(number, values)
            if done % step == 0:
                self.progress(done, len(rows))
        self.progress(len(rows), len(rows))
        if not rows:
            message = _("Filen har ingen rækker under overskriften.")
            self.plan.errors.append({"row": 2, "column": "", "value": "", "message": message})
        return self.plan


def check_file(*, user, content: bytes, file_format: str, progress=None) -> Plan:
    """Read and check a file; the plan holds either errors or everything applying it would do."""
    try:
        table = parsing.read_table(content, file_format)
    except parsing.FileError as exc:
        plan = Plan()
        plan.errors.append({"row": 1, "column": "", "value": "", "message": str(exc)})
        return plan
    return Checker(user=user, table=table, progress=progress).run()
