"""What the pages of every audience share: the session lock of the tablet mode and the questionnaire page."""

from __future__ import annotations

from django.shortcuts import render

from common.forms import apply_service
from outcomes.forms import ITEM_PREFIX
from selfservice import selectors, services
from selfservice.models import SelfCompletion

KIOSK_SESSION_KEY = "selfservice_tablet"
TICKET_SALT = "selfservice.ticket"
TICKET_MAX_AGE = 3 * 60 * 60  # seconds from entering the code to sending the answers

Status = SelfCompletion.Status


def kiosk_completion(request) -> SelfCompletion | None:
    """The tablet hand-over this browser session is locked to, if any."""
    pk = request.session.get(KIOSK_SESSION_KEY)
    if pk is None:
        return None
    completion = selectors.handover_by_pk(pk)
    if completion is None or completion.channel != SelfCompletion.Channel.TABLET:
        return None
    return completion


def _answer_page(request, completion, form, *, template: str, action: str, ticket: str = "", status: int = 200):
    context = {
        "completion": completion,
        "instrument": completion.instrument,
        "form": form,
        "action": action,
        "ticket": ticket,
        "first_error": next((f.html_name for f in form.item_fields() if f.errors), ""),
    }
    return render(request, template, context, status=status)


def _submit(completion, form) -> tuple[object | None, str | None]:
    """Record the answers; returns (measurement, None), or (None, refusal status) with nothing saved."""
    try:
        ok, measurement = apply_service(
            form,
            services.answers_submit,
            item_prefix=ITEM_PREFIX,
            completion=completion,
            answers=form.cleaned_data["answers"],
        )
    except services.Refused as refused:
        return None, refused.status
    return (measurement, None) if ok else (None, None)
