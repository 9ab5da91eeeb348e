"""Self-completion views, one module per audience: the caseworker's hand-over (``staff``), the locked tablet mode
(``kiosk``) and the personal link (``link``); what they share is in ``common``."""

from selfservice import selectors
from selfservice.views.common import KIOSK_SESSION_KEY, TICKET_MAX_AGE, TICKET_SALT, kiosk_completion
from selfservice.views.kiosk import TabletExitView, TabletThanksView, TabletView
from selfservice.views.link import CodeAnswerView, CodeView, LinkView
from selfservice.views.staff import HandoverCloseView, HandoverStartView, LinkCreateView, TabletStartView

__all__ = [
    "KIOSK_SESSION_KEY",
    "TICKET_MAX_AGE",
    "TICKET_SALT",
    "CodeAnswerView",
    "CodeView",
    "HandoverCloseView",
    "HandoverStartView",
    "LinkCreateView",
    "LinkView",
    "TabletExitView",
    "TabletStartView",
    "TabletThanksView",
    "TabletView",
    "kiosk_completion",
    "selectors",
]
