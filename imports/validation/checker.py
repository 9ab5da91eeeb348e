"""The row-by-row check of an import file (see the package's docstring for the rules and the natural keys)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from imports import parsing
from imports.parsing import (
    BIRTH_YEAR,
    COURSE_END,
    COURSE_START,
    CPR,
    DATE,
    END_REASON,
    EXTERNAL_ID,
    GENDER,
    INFORMER,
    INSTRUMENT,
    LEGAL_BASIS,
    NAME,
    UNIT,
)
from imports.validation.plan import CitizenPlan, CoursePlan, MeasurementPlan, Plan
from outcomes import scoring
from outcomes.models import Informer, Instrument, ItemAnswer, Measurement
from outcomes.services import scoring_messages
from tracker.models import Citizen, Course, EndReason, LegalBasis, OrganisationUnit, normalise_cpr
from tracker.selectors import access_for, citizen_matches

CHUNK = 2000
# The most rows one import may have (settings.EFFEKTSPOR_IMPORT_MAX_ROWS): a larger file is refused unchecked.
DEFAULT_MAX_ROWS = 200_000


def max_rows() -> int:
    return int(getattr(settings, "EFFEKTSPOR_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


# Progress is reported about every 2 % of the rows (and at least every 100 rows are checked between reports).
PROGRESS_STEPS = 50


GENDERS = {
    **{value: value for value in Citizen.Gender.values},
    "kvinde": Citizen.Gender.FEMALE,
    "k": Citizen.Gender.FEMALE,
    "mand": Citizen.Gender.MALE,
    "m": Citizen.Gender.MALE,
    "andet": Citizen.Gender.OTHER,
    "ikke oplyst": Citizen.Gender.UNKNOWN,
    "ukendt": Citizen.Gender.UNKNOWN,
}
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


def _key(value: str) -> str:
    return value.lower().replace(" ", "")


class Checker:
    """One pass over the rows. ``progress(done, total)`` is called about PROGRESS_STEPS times."""

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

    def citizen(self, row: int, values: list[object]) -> CitizenPlan | None:
        errors_before = len(self.plan.errors)
        cpr_raw = parsing.cpr_text(self.cell(values, CPR))
        external = parsing.text(self.cell(values, EXTERNAL_ID)) or None
        cpr = None
        if cpr_raw:
            try:
                cpr = normalise_cpr(cpr_raw)
            except ValidationError as exc:
                self.error(row, CPR, exc.messages[0], value=cpr_raw)
                return None
        if not cpr and not external:
            self.error(row, CPR, _("Udfyld cpr eller eksternt_id, så borgeren kan genkendes."))
            return None
        if external and len(external) > 60:
            self.error(row, EXTERNAL_ID, _("Et eksternt id har højst 60 tegn."))
            return None
        in_file_cpr = self.by_cpr.get(cpr) if cpr else None
        in_file_ext = self.by_external.get(external) if external else None
        if in_file_cpr and in_file_ext and in_file_cpr is not in_file_ext:
            self.error(row, EXTERNAL_ID, _("CPR-nummer og eksternt id hører til to forskellige borgere i filen."))
            return None
        plan = in_file_cpr or in_file_ext
        if plan is not None:
            other_cpr = cpr and plan.cpr and plan.cpr != cpr
            if other_cpr or (external and plan.external_id and plan.external_id != external):
                self.error(row, EXTERNAL_ID, _("CPR-nummer og eksternt id passer ikke med borgerens andre rækker."))
                return None
            return plan
        db_cpr = self.db_by_cpr.get(cpr) if cpr else None
        db_ext = self.db_by_external.get(external) if external else None
        if db_cpr and db_ext and db_cpr[0] != db_ext[0]:
            self.error(row, EXTERNAL_ID, _("CPR-nummer og eksternt id hører til to forskellige borgere."))
            return None
        db = db_cpr or db_ext
        if db is not None and db[0] in self.known_elsewhere:
            # Known only in another unit: checked exactly as a new citizen (the preview must not tell the
            # difference), then joined to the same person; the match is logged when the file is applied.
            plan = self.new_citizen(row, values, cpr, None)
            if plan is None or len(self.plan.errors) > errors_before:
                return None
            plan = CitizenPlan(
                row=row, existing_id=db[0], cpr=db[1], external_id=plan.external_id, known_elsewhere=True
            )
        elif db is not None:
            if (cpr and db[1] and db[1] != cpr) or (external and db[2] and db[2] != external):
                self.error(row, EXTERNAL_ID, _("CPR-nummer og eksternt id passer ikke med den registrerede borger."))
                return None
            plan = CitizenPlan(row=row, existing_id=db[0], cpr=db[1], external_id=db[2])
        else:
            plan = self.new_citizen(row, values, cpr, external)
            if plan is None or len(self.plan.errors) > errors_before:
                return None
        if plan.cpr:
            self.by_cpr[plan.cpr] = plan
        if plan.external_id:
            self.by_external[plan.external_id] = plan
        self.plan.citizens.append(plan)
        return plan

    def new_citizen(self, row: int, values: list[object], cpr: str | None, external: str | None) -> CitizenPlan | None:
        name = parsing.text(self.cell(values, NAME))
        if not name:
            self.error(row, NAME, _("Skriv navn eller initialer — borgeren findes ikke i forvejen."))
            return None
        gender_raw = parsing.text(self.cell(values, GENDER)).lower()
        gender = GENDERS.get(gender_raw) if gender_raw else Citizen.Gender.UNKNOWN
        if gender is None:
            message = _("Ukendt køn »%(value)s«. Skriv kvinde, mand, andet eller ikke oplyst.") % {"value": gender_raw}
            self.error(row, GENDER, self.suggest(message, gender_raw, ["kvinde", "mand", "andet", "ikke oplyst"]))
            return None
        birth_year = None
        birth_raw = parsing.text(self.cell(values, BIRTH_YEAR))
        if birth_raw:
            if not (birth_raw.isascii() and birth_raw.isdigit()):
                message = _("Fødselsåret skal være et årstal, fx 1984; fik »%(value)s«.") % {"value": birth_raw}
                self.error(row, BIRTH_YEAR, message)
                return None
            birth_year = int(birth_raw)
        if external and external in self.external_taken:
            external = None  # another system's id for someone elsewhere: not stored, not matched
        citizen = Citizen(name=name, cpr=cpr, external_id=external, gender=gender, birth_year=birth_year)
        try:
            # Uniqueness was checked against the bulk-loaded citizens above (one query per 2,000 rows, not per row).
            citizen.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                column = {"name": NAME, "birth_year": BIRTH_YEAR, "gender": GENDER, "external_id": EXTERNAL_ID}
                self.error(row, column.get(key, CPR), messages[0])
            return None
        return CitizenPlan(
            row=row,
            existing_id=None,
            cpr=citizen.cpr,
            external_id=citizen.external_id,
            name=citizen.name,
            gender=citizen.gender,
            birth_year=citizen.birth_year,
        )

    def date_cell(self, row: int, values: list[object], key: str) -> tuple[bool, datetime.date | None]:
        try:
            return True, parsing.parse_date(self.cell(values, key))
        except ValueError as exc:
            self.error(row, key, str(exc))
            return False, None

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
        basis = self.legal_bases.get(_key(basis_raw))
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
        reason = self.end_reasons.get(_key(reason_raw)) if reason_raw else None
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
        instrument = self.instruments.get(_key(instrument_raw))
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

    def check_row(self, row: int, values: list[object]) -> None:
        self.current = values
        before = len(self.plan.errors)
        unit_raw = parsing.text(self.cell(values, UNIT))
        unit = self.units.get(_key(unit_raw)) if unit_raw else None
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
