"""Checking a row's citizen: matched by CPR number or external id, in the file or in the database, or new."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from imports import parsing
from imports.parsing import (
    BIRTH_YEAR,
    CPR,
    EXTERNAL_ID,
    GENDER,
    NAME,
)
from imports.validation.plan import CitizenPlan
from tracker.models import Citizen, normalise_cpr

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


class CitizenChecks:
    """The citizen of a row (a mixin of ``Checker``; uses the state of ``CheckerCore``)."""

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
