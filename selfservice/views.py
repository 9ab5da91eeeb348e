"""Self-completion views: the caseworker's hand-over, the locked tablet mode, and the personal link.

Three kinds of page:

- **Staff** (``/selvbesvarelse/borger/<pk>/…``): choose an instrument and hand it over, on the tablet or as a
  personal link; scoped to the user like every staff page.
- **Locked tablet mode** (``/selvbesvarelse/tablet/…``): starting it logs the caseworker out and keeps only the
  hand-over's id in the (now anonymous) session, so no staff page can open — they all require a login. The citizen
  answers, sees a thank-you and their own development; only the caseworker's password ends the mode (counted by
  django-axes like a login), and it logs the caseworker back in.
- **Personal link** (``/b/…``): no login; found by the token in the QR code or by the short code read aloud,
  rate-limited, single use. The page never shows the citizen's name: a lost sheet reveals nothing.
"""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from outcomes import charts
from outcomes.forms import ITEM_PREFIX
from selfservice import qr, ratelimit, selectors, services, tokens
from selfservice.forms import AnswerForm, CodeForm, HandoverForm, LinkForm, PasswordForm
from selfservice.models import SelfCompletion
from tracker import selectors as tracker_selectors
from tracker.access import RoleRequiredMixin
from tracker.models import AuditEntry
from tracker.services import audit_log

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


# --- Staff: hand a questionnaire over --------------------------------------------------------------------------


@method_decorator(never_cache, name="dispatch")
class _StaffView(RoleRequiredMixin, View):
    def dispatch(self, request, *args, **kwargs):
        # Back-navigation from the locked mode lands here: straight back into the locked mode.
        if request.session.get(KIOSK_SESSION_KEY):
            return redirect("selfservice:tablet")
        return super().dispatch(request, *args, **kwargs)

    def forms(self, citizen, data=None, which: str = ""):
        courses = tracker_selectors.citizen_courses(user=self.request.user, citizen=citizen).filter(end__isnull=True)
        instruments = selectors.self_completable_instruments()
        tablet = HandoverForm(
            data if which == "tablet" else None, prefix="tablet", courses=courses, instruments=instruments
        )
        link = LinkForm(data if which == "link" else None, prefix="link", courses=courses, instruments=instruments)
        return tablet, link

    def page(self, citizen, tablet_form, link_form, status: int = 200):
        context = {
            "citizen": citizen,
            "tablet_form": tablet_form,
            "link_form": link_form,
            "has_open_course": tablet_form.fields["course"].queryset.exists(),
            "handovers": list(selectors.handover_list(user=self.request.user, citizen=citizen)[:20]),
        }
        return render(self.request, "selfservice/handover_start.html", context, status=status)


class HandoverStartView(_StaffView):
    """'Lad borgeren svare selv': choose the instrument, then the tablet now or a personal link."""

    def get(self, request, pk: int):
        with transaction.atomic():
            citizen = tracker_selectors.citizen_get(user=request.user, pk=pk)
            audit_log(
                user=request.user,
                action=AuditEntry.Action.READ,
                citizen_id=citizen.pk,
                obj=citizen,
                purpose="selfservice_start",
            )
        return self.page(citizen, *self.forms(citizen))


class TabletStartView(_StaffView):
    """Start the locked mode on this device: the caseworker is logged out, the citizen gets the questionnaire."""

    http_method_names = ["post"]

    def post(self, request, pk: int):
        citizen = tracker_selectors.citizen_get(user=request.user, pk=pk)
        tablet_form, link_form = self.forms(citizen, request.POST, which="tablet")
        if tablet_form.is_valid():
            try:
                completion = services.tablet_start(user=request.user, **tablet_form.cleaned_data)
            except ValidationError as exc:
                tablet_form.add_error(None, exc)
            else:
                # A fresh, anonymous session that knows only the hand-over: every staff page now needs a login.
                logout(request)
                request.session[KIOSK_SESSION_KEY] = completion.pk
                return redirect("selfservice:tablet")
        return self.page(citizen, tablet_form, link_form, status=400)


class LinkCreateView(_StaffView):
    """Create a personal link and show its sheet once: the token and code are not stored, only their hashes."""

    http_method_names = ["post"]

    def post(self, request, pk: int):
        citizen = tracker_selectors.citizen_get(user=request.user, pk=pk)
        tablet_form, link_form = self.forms(citizen, request.POST, which="link")
        if link_form.is_valid():
            try:
                new = services.link_create(user=request.user, **link_form.cleaned_data)
            except ValidationError as exc:
                link_form.add_error(None, exc)
            else:
                url = request.build_absolute_uri(reverse("selfservice:link", args=[new.token]))
                context = {
                    "citizen": citizen,
                    "completion": new.completion,
                    "url": url,
                    "code": tokens.format_code(new.code),
                    "code_url": request.build_absolute_uri(reverse("selfservice:code")),
                    "qr_data_uri": qr.qr_data_uri(url),
                }
                return render(request, "selfservice/link_sheet.html", context)
        return self.page(citizen, tablet_form, link_form, status=400)


class HandoverCloseView(_StaffView):
    """Close an unused link (lost sheet, wrong citizen): it stops working at once."""

    http_method_names = ["post"]

    def post(self, request, pk: int):
        completion = selectors.handover_get(user=request.user, pk=pk)
        if completion.is_open:
            services.handover_close(user=request.user, completion=completion)
            messages.success(request, _("Linket er lukket og virker ikke længere."))
        return redirect("selfservice:start", pk=completion.course.citizen_id)


# --- What the citizen answers, on the tablet or by link ------------------------------------------------------------


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
        return services.answers_submit(completion=completion, answers=form.cleaned_data["answers"]), None
    except services.Refused as refused:
        return None, refused.status
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            target = ITEM_PREFIX + field
            form.add_error(target if target in form.fields else None, errors)
        return None, None


# --- The locked tablet mode ---------------------------------------------------------------------------------------


@method_decorator(never_cache, name="dispatch")
class _KioskView(View):
    """Only for a session locked to a tablet hand-over; anything else goes to the login (or start) page."""

    def dispatch(self, request, *args, **kwargs):
        self.completion = kiosk_completion(request)
        if self.completion is None:
            # A session locked to a hand-over that no longer exists is unlocked (else the lock would loop).
            request.session.pop(KIOSK_SESSION_KEY, None)
            if request.user.is_authenticated:
                return redirect("home")
            return redirect_to_login(request.get_full_path())
        return super().dispatch(request, *args, **kwargs)

    def closed(self, request, status: str):
        return render(
            request, "selfservice/kiosk_closed.html", {"completion": self.completion, "status": status}, status=410
        )


class TabletView(_KioskView):
    """The questionnaire, and nothing else: no menu, no link out, large type and touch targets."""

    template = "selfservice/kiosk_answer.html"

    def get(self, request):
        status = self.completion.status()
        if status == Status.USED:
            return redirect("selfservice:tablet_thanks")
        if status != Status.OPEN:
            return self.closed(request, status)
        form = AnswerForm(instrument=self.completion.instrument)
        return _answer_page(request, self.completion, form, template=self.template, action=request.path)

    def post(self, request):
        form = AnswerForm(request.POST, instrument=self.completion.instrument)
        if form.is_valid():
            measurement, refused = _submit(self.completion, form)
            if measurement is not None:
                return redirect("selfservice:tablet_thanks")
            if refused == Status.USED:
                return redirect("selfservice:tablet_thanks")
            if refused:
                return self.closed(request, refused)
        return _answer_page(request, self.completion, form, template=self.template, action=request.path, status=400)


class TabletThanksView(_KioskView):
    """Thank you, and the citizen's own development: their timelines and goals, nothing else."""

    def get(self, request):
        if self.completion.status() != Status.USED:
            return redirect("selfservice:tablet")
        with transaction.atomic():
            development = selectors.own_development(completion=self.completion)
            audit_log(
                user=self.completion.created_by,
                action=AuditEntry.Action.READ,
                citizen_id=self.completion.course.citizen_id,
                obj=self.completion,
                purpose="selfservice_tablet_development",
            )
        timelines = charts.citizen_charts({"measurements_by_instrument": development["measurements_by_instrument"]})
        measurement = self.completion.measurement
        context = {
            "completion": self.completion,
            "measurement": measurement,  # None only if it has since been deleted by staff
            "answers": measurement.answers.select_related("item").order_by("item__order") if measurement else [],
            "goals": development["goals"],
            "timelines": timelines["timelines"],
        }
        return render(request, "selfservice/kiosk_thanks.html", context)


class TabletExitView(_KioskView):
    """Leave the locked mode: the caseworker who started it types their password, and is logged back in."""

    template = "selfservice/kiosk_exit.html"

    def page(self, request, form, status: int = 200, locked: bool = False):
        context = {"completion": self.completion, "form": form, "locked": locked, "staff": self.completion.created_by}
        return render(request, self.template, context, status=status)

    def get(self, request):
        return self.page(request, PasswordForm())

    def post(self, request):
        form = PasswordForm(request.POST)
        staff = self.completion.created_by
        credentials = {"username": staff.get_username()}
        if AxesProxyHandler.is_locked(request, credentials):
            return self.page(request, form, status=429, locked=True)
        if not form.is_valid():
            return self.page(request, form, status=400)
        # authenticate() goes through django-axes (tracker.security.LockoutBackend): a wrong password here counts
        # as a failed login for this user from this address, exactly as on the login page.
        user = authenticate(request, username=staff.get_username(), password=form.cleaned_data["password"])
        if user is None or user.pk != staff.pk:
            if getattr(request, "axes_locked_out", False) or AxesProxyHandler.is_locked(request, credentials):
                request.axes_locked_out = False  # our own page, still inside the locked mode
                return self.page(request, PasswordForm(), status=429, locked=True)
            form.add_error("password", _("Adgangskoden passer ikke."))
            return self.page(request, form, status=400)
        if self.completion.status() == Status.OPEN:
            services.handover_close(user=user, completion=self.completion)
        citizen_url = self.completion.course.citizen.get_absolute_url()
        del request.session[KIOSK_SESSION_KEY]
        login(request, user)
        return redirect(citizen_url)


# --- The personal link ------------------------------------------------------------------------------------------


def _refused(request, status: str, http_status: int):
    return render(request, "selfservice/link_refused.html", {"status": status}, status=http_status)


def _link_opened(completion) -> None:
    """Opening a link is a use of it: logged, with the member of staff who created it as the responsible user."""
    with transaction.atomic():
        audit_log(
            user=completion.created_by,
            action=AuditEntry.Action.READ,
            citizen_id=completion.course.citizen_id,
            obj=completion,
            purpose="selfservice_link_opened",
        )


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
        _link_opened(self.completion)
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
        _link_opened(completion)
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
