"""Reads for self-completion.

Staff pages read through the requesting user, as everywhere (a hand-over is visible through its course). The
citizen's pages have no user: they read through the hand-over itself, found by a secret (link) or by the id kept
in the locked session (tablet), and every read below is bounded by that one hand-over's course and citizen.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from outcomes import selectors as outcome_selectors
from outcomes.models import Instrument
from selfservice import tokens
from selfservice.models import SelfCompletion
from selfservice.services import SELF_COMPLETABLE_SCORING
from tracker import selectors as tracker_selectors
from tracker.models import Citizen


def _base() -> QuerySet[SelfCompletion]:
    return SelfCompletion.objects.select_related("course__citizen", "course__unit", "instrument", "created_by")


# --- Staff ------------------------------------------------------------------------------------------------------


def self_completable_instruments() -> QuerySet[Instrument]:
    """Active instruments the citizen can answer item by item (see ``services.self_completable``)."""
    return outcome_selectors.instrument_list().filter(scoring__in=SELF_COMPLETABLE_SCORING)


def handover_list(*, user, citizen: Citizen) -> QuerySet[SelfCompletion]:
    """The citizen's hand-overs in the user's units, newest first."""
    courses = tracker_selectors.citizen_courses(user=user, citizen=citizen)
    return _base().filter(course__in=courses.values("pk"))


def handover_get(*, user, pk: int) -> SelfCompletion:
    try:
        units = tracker_selectors.access_for(user).member_unit_ids
        return _base().filter(course__unit_id__in=units).get(pk=pk)
    except SelfCompletion.DoesNotExist:
        raise Http404("No such hand-over") from None


# --- The citizen (no user) --------------------------------------------------------------------------------------


def link_by_token(token: str) -> SelfCompletion | None:
    if not token or len(token) > 100:
        return None
    return _base().filter(channel=SelfCompletion.Channel.LINK, token_hash=tokens.token_hash(token)).first()


def link_by_code(code: str) -> SelfCompletion | None:
    if not tokens.looks_like_code(code):
        return None
    return _base().filter(channel=SelfCompletion.Channel.LINK, code_hash=tokens.code_hash(code)).first()


def handover_by_pk(pk) -> SelfCompletion | None:
    """The hand-over a locked session or a signed ticket points at (the pk came from us, not the citizen)."""
    try:
        return _base().get(pk=int(pk))
    except (SelfCompletion.DoesNotExist, TypeError, ValueError):
        return None


def own_development(*, completion: SelfCompletion) -> dict:
    """What the citizen sees after answering on the tablet: their own timelines and goals, nothing else.

    Read as the member of staff who handed the tablet over (their units, as on the citizen page), and limited to
    the hand-over's citizen.
    """
    overview = outcome_selectors.citizen_overview(user=completion.created_by, citizen=completion.course.citizen)
    return {
        "measurements_by_instrument": overview["measurements_by_instrument"],
        "goals": overview["goals"],
        "life_domain_profile": overview["life_domain_profile"],
    }
