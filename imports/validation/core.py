"""The shared part of the row-by-row check: reference data, headers, bulk-loaded existing records, errors."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from imports import parsing
from imports.parsing import (
    CPR,
    EXTERNAL_ID,
    UNIT,
)
from imports.validation.plan import CitizenPlan, CoursePlan, Plan
from outcomes.models import Instrument, ItemAnswer, Measurement
from tracker.models import Course, EndReason, LegalBasis, OrganisationUnit
from tracker.selectors import access_for, citizen_matches

CHUNK = 2000
# The most rows one import may have (settings.EFFEKTSPOR_IMPORT_MAX_ROWS): a larger file is refused unchecked.
DEFAULT_MAX_ROWS = 200_000


def max_rows() -> int:
    return int(getattr(settings, "EFFEKTSPOR_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


# Progress is reported about every 2 % of the rows (and at least every 100 rows are checked between reports).
PROGRESS_STEPS = 50


def chunks(values: list, size: int = CHUNK):
    for i in range(0, len(values), size):
        yield values[i : i + size]


def _lookup(objects, *attrs: str) -> dict[str, Any]:
    """Reference objects by each of the given attributes, compared in lower case without spaces."""
    found = {}
    for obj in objects:
        for attr in attrs:
            value = getattr(obj, attr, "")
            if value:
                found[str(value).lower().replace(" ", "")] = obj
    return found


def lookup_key(value: str) -> str:
    return value.lower().replace(" ", "")


class CheckerCore:
    """State and helpers the per-entity checks share (see ``imports.validation.checker.Checker``)."""

    def __init__(self, *, user, table: parsing.Table, progress: Callable[[int, int], None] | None = None):
        self.user = user
        self.table = table
        self.progress = progress or (lambda done, total: None)
        self.plan = Plan(total_rows=table.total_rows or 0)
        self.today = timezone.localdate()
        units = OrganisationUnit.objects.filter(pk__in=access_for(user).member_unit_ids).prefetch_related("legal_bases")
        self.units = _lookup(units, "code", "name")
        self.offered = {u.pk: {lb.pk for lb in u.legal_bases.all()} for u in units}
        self.legal_bases = _lookup(LegalBasis.objects.all(), "code", "paragraph", "name_da", "name_en")
        self.end_reasons = _lookup(EndReason.objects.all(), "code", "name_da", "name_en")
        instruments = [i for i in Instrument.objects.filter(active=True).prefetch_related("items") if i.is_recordable]
        self.instruments = _lookup(instruments, "code", "short_name", "name_da", "name_en")
        self.definitions = {i.pk: i.definition() for i in instruments}
        self.item_keys = {
            parsing.normalise_header(item.link_id): item.link_id for i in instruments for item in i.items.all()
        }
        # In-file registers, so that many rows share one citizen and one course.
        self.by_cpr: dict[str, CitizenPlan] = {}
        self.by_external: dict[str, CitizenPlan] = {}
        self.courses: dict[tuple[int, int, datetime.date], CoursePlan] = {}
        self.courses_by_citizen_unit: dict[tuple[int, int], list[CoursePlan]] = {}
        self.measurement_rows: dict[tuple[int, int, int, datetime.date], int] = {}
        self.current: list[object] = []

    # --- errors ---------------------------------------------------------------------------------------------
    def error(self, row: int, column: str, message: str, value: object = None) -> None:
        """A row error: the row, the column as headed in the file, the value found there, and what is wrong."""
        if value is None:
            value = self.cell(self.current, column) if column in getattr(self, "columns", {}) else None
        shown = "" if value is None else parsing.text(value)
        self.plan.errors.append(
            {"row": row, "column": self.header_of.get(column, column), "value": shown[:100], "message": str(message)}
        )

    def file_error(self, message: str, column: str = "", value: object = "") -> None:
        self.plan.errors.append({"row": 1, "column": column, "value": parsing.text(value)[:100], "message": message})

    def suggest(self, message: str, value: str, choices) -> str:
        """The message, plus the closest known code or header ('Mente du »who5«?') when one is close."""
        match = parsing.closest(value, [str(c) for c in choices if c])
        if match is None:
            return message
        return f"{message} " + _("Mente du »%(match)s«?") % {"match": match}

    # --- columns --------------------------------------------------------------------------------------------
    def read_header(self) -> bool:
        known = set(parsing.FIXED_KEYS) | set(self.item_keys)
        self.columns: dict[str, int] = {}
        self.header_of: dict[str, str] = {}
        ok = True
        for index, header in enumerate(self.table.headers):
            key = parsing.canonical_header(header)
            if not key:
                continue
            if key not in known:
                message = _("Ukendt kolonne »%(header)s«. Brug kolonnerne fra skabelonen.") % {"header": header}
                if "\t" in header or ";" in header or "," in header:
                    message += " " + _("Overskriften indeholder skilletegn: er filen gemt med et andet skilletegn?")
                match = parsing.closest_header(header, sorted(self.item_keys.values()))
                if match:
                    message += " " + _("Mente du »%(match)s«?") % {"match": match}
                self.file_error(message, header, header)
                ok = False
            elif key in self.columns:
                self.file_error(_("Kolonnen »%(header)s« står to gange.") % {"header": header}, header, header)
                ok = False
            else:
                self.columns[key] = index
                self.header_of[key] = header
        for key in self.item_keys:
            self.header_of.setdefault(key, self.item_keys[key])
        for key, (name, _help) in zip(parsing.FIXED_KEYS, parsing.FIXED_COLUMNS, strict=True):
            self.header_of.setdefault(key, name)
        self.answer_columns = [
            (index, self.item_keys[key]) for key, index in self.columns.items() if key in self.item_keys
        ]
        if CPR not in self.columns and EXTERNAL_ID not in self.columns:
            self.file_error(_("Filen skal have kolonnen cpr eller eksternt_id."), "cpr")
            ok = False
        if UNIT not in self.columns:
            self.file_error(_("Filen skal have kolonnen enhed."), "enhed")
            ok = False
        return ok

    # --- existing data --------------------------------------------------------------------------------------
    def load_existing(self, rows: list[tuple[int, list[object]]]) -> None:
        cprs, externals = set(), set()
        cpr_index, ext_index = self.columns.get(CPR), self.columns.get(EXTERNAL_ID)
        for _number, values in rows:
            if cpr_index is not None and cpr_index < len(values):
                raw = parsing.cpr_text(values[cpr_index]).replace("-", "").replace(" ", "")
                if raw:
                    cprs.add(raw)
            if ext_index is not None and ext_index < len(values):
                raw = parsing.text(values[ext_index])
                if raw:
                    externals.add(raw)
        # The same look-up as the page and the API (tracker.selectors.citizen_matches): a CPR number known anywhere
        # is the same person; an external id matches only within the importer's own units.
        matches = citizen_matches(unit_ids=set(self.offered), cprs=cprs, external_ids=externals)
        self.db_by_cpr = {k: (m.pk, m.cpr, m.external_id) for k, m in matches.by_cpr.items()}
        self.db_by_external = {k: (m.pk, m.cpr, m.external_id) for k, m in matches.by_external.items()}
        self.known_elsewhere = {m.pk for m in matches.by_cpr.values() if not m.in_own_units}
        self.external_taken = matches.external_taken
        citizen_ids = sorted({r[0] for r in self.db_by_cpr.values()} | {r[0] for r in self.db_by_external.values()})
        self.plan.matched_citizen_ids = set(citizen_ids)
        # Courses of those citizens in the user's units, and their measurements with answers.
        self.db_courses: dict[tuple[int, int], list[tuple]] = {}
        course_citizen: dict[int, tuple[int, int]] = {}
        units = list(self.offered)
        for chunk in chunks(citizen_ids):
            for pk, citizen_id, unit_id, start, end in Course.objects.filter(
                citizen_id__in=chunk, unit_id__in=units
            ).values_list("pk", "citizen_id", "unit_id", "start", "end"):
                self.db_courses.setdefault((citizen_id, unit_id), []).append((pk, start, end))
                course_citizen[pk] = (citizen_id, unit_id)
        self.db_measurements: dict[tuple[int, int, int, datetime.date], list] = {}
        by_id: dict[int, list] = {}
        for chunk in chunks(sorted(course_citizen)):
            for pk, course_id, instrument_id, date, informer in Measurement.objects.filter(
                course_id__in=chunk, instrument_id__in=list(self.definitions)
            ).values_list("pk", "course_id", "instrument_id", "date", "informer"):
                citizen_id, unit_id = course_citizen[course_id]
                record = [pk, informer, {}]
                self.db_measurements[(citizen_id, unit_id, instrument_id, date)] = record
                by_id[pk] = record
            answers = ItemAnswer.objects.filter(measurement__course_id__in=chunk)
            for measurement_id, link_id, value in answers.values_list("measurement_id", "item__link_id", "value"):
                if measurement_id in by_id:
                    by_id[measurement_id][2][link_id] = value

    # --- one row --------------------------------------------------------------------------------------------
    def cell(self, values: list[object], key: str) -> object:
        index = self.columns.get(key)
        if index is None or index >= len(values):
            return None
        return values[index]

    def date_cell(self, row: int, values: list[object], key: str) -> tuple[bool, datetime.date | None]:
        try:
            return True, parsing.parse_date(self.cell(values, key))
        except ValueError as exc:
            self.error(row, key, str(exc))
            return False, None
