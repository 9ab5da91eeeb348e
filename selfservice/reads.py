"""Reads of self-completion pages, each audit-logged in the transaction of the read (the views hold none)."""

from __future__ import annotations

from django.db import transaction

from selfservice import selectors
from selfservice.models import SelfCompletion
from tracker.services import audit_read


@transaction.atomic
def development_logged(*, completion: SelfCompletion) -> dict:
    """The citizen's own development after a tablet hand-over, and the answers just given (in item order); logged
    with the member of staff who started the hand-over as the responsible user."""
    development = selectors.own_development(completion=completion)
    audit_read(
        user=completion.created_by,
        obj=completion,
        purpose="selfservice_tablet_development",
        citizen_id=completion.course.citizen_id,
    )
    measurement = completion.measurement
    answers = list(measurement.answers.select_related("item").order_by("item__order")) if measurement else []
    return {**development, "answers": answers}


@transaction.atomic
def link_opened(completion: SelfCompletion) -> None:
    """Opening a link is a use of it: logged, with the member of staff who created it as the responsible user."""
    audit_read(
        user=completion.created_by,
        obj=completion,
        purpose="selfservice_link_opened",
        citizen_id=completion.course.citizen_id,
    )
