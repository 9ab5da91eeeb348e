"""The personal link (``/b/…``): no login; found by the token in the QR code or by the short code read aloud,
rate-limited, single use. The page never shows the citizen's name: a lost sheet reveals nothing."""

from __future__ import annotations

from django.core import signing
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from selfservice import ratelimit, reads, selectors, tokens
from selfservice.forms import AnswerForm, CodeForm
from selfservice.models import SelfCompletion
from selfservice.views.common import TICKET_MAX_AGE, TICKET_SALT, Status, _answer_page, _submit


def _refused(request, status: str, http_status: int):
    return render(request, "selfservice/link_refused.html", {"status": status}, status=http_status)


def _link_answers(request, completion, *, action: str, ticket: str = ""):
    """The POST of the questionnaire, by token or by ticket: record once, then thank the citizen."""
    if completion.status() != Status.OPEN:
        return _refused(request, completion.status(), 410)
    form = AnswerForm(request.POST, instrument=completion.instrument)
    if form.is_valid():
        measurement, refused = _submit(completion, form)
        if measurement is not None:
            return render(request, "selfservice/link_thanks.html", {"measurement": measurement})
        if refused:
            return _refused(request, refused, 410)
    return _answer_page(
        request, completion, form, template="selfservice/link_answer.html", action=action, ticket=ticket, status=400
    )


@method_decorator(never_cache, name="dispatch")
class LinkView(View):
    """/b/<token>/: the link in the QR code. Unknown tokens count against the address; each token has a budget."""

    def dispatch(self, request, token: str):
        # Places are reserved atomically before the look-up, so parallel requests cannot all pass one check.
        if not ratelimit.reserve_lookup(request):
            return _refused(request, "blocked", 429)
        secret_hash = tokens.token_hash(token[:100])
        if not ratelimit.reserve_attempt(secret_hash):
            ratelimit.release_lookup(request)
            return _refused(request, "blocked", 429)
        self.completion = selectors.link_by_token(token)
        if self.completion is None:
            ratelimit.record_failure(request)
            return _refused(request, "unknown", 404)
        ratelimit.release_lookup(request)
        return super().dispatch(request, token)

    def get(self, request, token: str):
        if self.completion.status() != Status.OPEN:
            return _refused(request, self.completion.status(), 410)
        reads.link_opened(self.completion)
        form = AnswerForm(instrument=self.completion.instrument)
        return _answer_page(
            request, self.completion, form, template="selfservice/link_answer.html", action=request.path
        )

    def post(self, request, token: str):
        return _link_answers(request, self.completion, action=request.path)


@method_decorator(never_cache, name="dispatch")
class CodeView(View):
    """/b/: type the short code read aloud or printed on the sheet; a right code opens the questionnaire."""

    def get(self, request):
        return render(request, "selfservice/link_code.html", {"form": CodeForm()})

    def post(self, request):
        if ratelimit.address_blocked(request):
            return _refused(request, "blocked", 429)
        form = CodeForm(request.POST)
        if not form.is_valid():
            return render(request, "selfservice/link_code.html", {"form": form}, status=400)
        code = form.cleaned_data["code"]
        secret_hash = tokens.code_hash(code)
        # Places are reserved atomically before the look-up, so parallel requests cannot all pass one check.
        if not ratelimit.reserve_lookup(request):
            return _refused(request, "blocked", 429)
        if not ratelimit.reserve_attempt(secret_hash):
            ratelimit.release_lookup(request)
            return _refused(request, "blocked", 429)
        completion = selectors.link_by_code(code)
        if completion is not None:
            ratelimit.release_lookup(request)
        if completion is None:
            ratelimit.record_failure(request)
            form.add_error(
                "code", _("Vi kan ikke finde den kode. Tjek at den er skrevet rigtigt, eller spørg din medarbejder.")
            )
            return render(request, "selfservice/link_code.html", {"form": form}, status=404)
        if completion.status() != Status.OPEN:
            return _refused(request, completion.status(), 410)
        reads.link_opened(completion)
        ticket = signing.dumps(completion.pk, salt=TICKET_SALT)
        return _answer_page(
            request,
            completion,
            AnswerForm(instrument=completion.instrument),
            template="selfservice/link_answer.html",
            action=reverse("selfservice:code_answer"),
            ticket=ticket,
        )


@method_decorator(never_cache, name="dispatch")
class CodeAnswerView(View):
    """/b/svar/: the answers to a questionnaire opened with the short code, carried by a signed ticket."""

    http_method_names = ["post"]

    def post(self, request):
        ticket = request.POST.get("ticket", "")
        try:
            pk = signing.loads(ticket, salt=TICKET_SALT, max_age=TICKET_MAX_AGE)
        except signing.BadSignature:
            return _refused(request, "ticket", 400)
        completion = selectors.handover_by_pk(pk)
        if completion is None or completion.channel != SelfCompletion.Channel.LINK:
            return _refused(request, "ticket", 400)
        return _link_answers(request, completion, action=request.path, ticket=ticket)
