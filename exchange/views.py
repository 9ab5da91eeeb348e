"""The exports: a course as FHIR (caseworkers), a unit's measurements as tidy CSV (leaders), the data dictionary.

Thin views: one selector, the audit entry through ``exchange.services``, then the file. Both exports are logged
before the first byte is sent: a refused or failed export logs nothing, and no export goes unlogged.
"""

from __future__ import annotations

import json

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import View

from common import exports
from exchange import fhir, selectors, services, tidy
from exchange.pseudonyms import FHIR_SCOPE, pseudonym
from outcomes.models import Informer
from tracker.access import LeaderAccessMixin, RoleRequiredMixin, leader_units
from tracker.selectors import course_get

FHIR_CONTENT_TYPE = "application/fhir+json; charset=utf-8"
# What we produce; FHIR's ``_format`` parameter names the same formats in short.
JSON_TYPES = ("application/fhir+json", "application/json", "json")


def wants_only_other_formats(request) -> bool:
    """True when the client asks for a format we do not produce (e.g. application/fhir+xml): 406, not JSON anyway.

    ``_format`` wins over Accept (FHIR's rule). An absent Accept, ``*/*`` or ``application/*`` takes JSON."""
    requested = request.GET.get("_format")
    if requested:
        return requested.strip().lower() not in JSON_TYPES
    accept = request.headers.get("Accept", "")
    if not accept.strip():
        return False
    for part in accept.split(","):
        media, *params = (p.strip().lower() for p in part.split(";"))
        if any(p.replace(" ", "") in ("q=0", "q=0.0", "q=0.00", "q=0.000") for p in params):
            continue
        if media in (*JSON_TYPES[:2], "*/*", "application/*"):
            return False
    return True


class CourseFHIRView(RoleRequiredMixin, View):
    """A course's WHO-5 responses, life-domain ratings and goals as a FHIR R4 Bundle in KL's formats."""

    def get(self, request, pk: int):
        course = course_get(user=request.user, pk=pk)
        if wants_only_other_formats(request):
            message = _("Udtrækket findes kun som FHIR JSON (application/fhir+json).")
            return HttpResponse(message, status=406, content_type="text/plain; charset=utf-8")
        export = selectors.course_export(course=course)
        bundle = fhir.build_bundle(export)
        fhir.validate(bundle)  # never send a file that is not valid FHIR
        services.fhir_export_audit(
            user=request.user,
            course=course,
            detail={
                "format": "fhir-r4-bundle",
                "questionnaire_responses": len(export.who5),
                "life_domain_observations": len(export.ratings),
                "goals": len(export.goals),
            },
        )
        key = pseudonym(scope=FHIR_SCOPE, kind="course", pk=course.pk)
        response = HttpResponse(json.dumps(bundle, ensure_ascii=False, indent=2), content_type=FHIR_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="effektspor-forloeb-{key}.fhir.json"'
        return response


def _csv_chunks(rows, rows_per_chunk: int = 1000):
    """RFC 4180 CSV in chunks of rows (``common.exports``, text cells neutralised): streamed, so a large unit
    never sits in memory, but not one write per row."""
    chunk: list = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == rows_per_chunk:
            yield exports.write_csv(chunk, fmt=exports.CSV)
            chunk = []
    if chunk:
        yield exports.write_csv(chunk, fmt=exports.CSV)


class UnitTidyExportView(LeaderAccessMixin, View):
    """The unit's measurements as tidy long-format CSV for analysts (one row per item answer), streamed."""

    def get(self, request, pk: int):
        unit = selectors.export_unit(user=request.user, pk=pk)
        citizen_ids = selectors.tidy_citizen_ids(unit=unit)
        services.tidy_export_audit(
            user=request.user,
            unit=unit,
            citizen_ids=citizen_ids,
            detail={"format": "csv-long", "unit_id": unit.pk, "citizens": len(citizen_ids)},
        )
        rows = tidy.tidy_rows(selectors.tidy_answer_values(unit=unit), unit_id=unit.pk)
        response = StreamingHttpResponse(_csv_chunks(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="effektspor-{unit.code}-maalinger-langt-format.csv"'
        return response


def _dictionary() -> dict:
    return tidy.dictionary(
        instruments=selectors.dictionary_instruments(),
        informers=Informer.choices,
        life_domains=selectors.dictionary_life_domains(),
    )


class DataDictionaryView(LoginRequiredMixin, View):
    """The tidy export's data dictionary, for anyone logged in (it holds no data, only what the columns mean)."""

    def get(self, request):
        context = {"dictionary": _dictionary(), "units": leader_units(user=request.user)}
        return render(request, "exchange/data_dictionary.html", context)


class DataDictionaryJSONView(DataDictionaryView):
    def get(self, request):
        return JsonResponse(_dictionary(), json_dumps_params={"ensure_ascii": False, "indent": 2})


class DataDictionaryCSVView(DataDictionaryView):
    def get(self, request):
        rows = [("column", "type", "description")]
        rows += [(c["name"], c["type"], c["description"]) for c in _dictionary()["columns"]]
        return exports.export_response(rows, fmt=exports.CSV, filename="effektspor-dataordbog-maalinger")
