"""The courses of the unit dashboards a user may open, and the choices of the dashboard's filter form.

A unit's dashboard is for the leaders of that unit (Membership role "leader") and for superusers. Directors
have their own comparison (``dashboards:director_home``) and get no citizen-level data here.
"""

from __future__ import annotations

from django.db.models import QuerySet

from outcomes import statistics
from outcomes.models import Instrument
from outcomes.summaries import Params
from tracker.access import allowed_unit_ids, leader_units
from tracker.models import Course, LegalBasis

# Who may open which unit is decided in tracker/access.py; the dashboard's modules keep importing it from here.
__all__ = ["allowed_unit_ids", "dashboard_choices", "dashboard_courses", "instrument_methods", "leader_units"]


def dashboard_courses(*, user) -> QuerySet[Course]:
    """The courses of every unit the user may open a dashboard for (the filter set's base queryset)."""
    allowed = allowed_unit_ids(user=user)
    return Course.objects.all() if allowed is None else Course.objects.filter(unit_id__in=allowed)


def dashboard_choices() -> tuple[list[Instrument], list[LegalBasis]]:
    """The instruments that yield a score (WHO-5, ORS, SRS, …) and the legal bases, for the filter form."""
    instruments = [
        i
        for i in Instrument.objects.filter(active=True).order_by("order", "code")
        if i.has_score  # a property over the scoring kind; two or three rows
    ]
    return instruments, list(LegalBasis.objects.order_by("order", "code"))


def instrument_methods() -> list[dict]:
    """The scored instruments with how their change is judged, for the methods page (reference data only)."""
    out = []
    for instrument in Instrument.objects.filter(active=True).order_by("order", "code"):
        if not instrument.has_score:
            continue
        params = Params.of(instrument)
        threshold = None
        if params.method == "rci":
            threshold = statistics.reliable_change_threshold(sd=params.reference_sd, reliability=params.reliability)
        out.append({"instrument": instrument, "method": params.method, "threshold": threshold})
    return out
