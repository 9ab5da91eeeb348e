"""The locked tablet mode (``/selvbesvarelse/tablet/…``).

Starting it logs the caseworker out and keeps only the hand-over's id in the (now anonymous) session, so no staff page
can open — they all require a login. The citizen answers, sees a thank-you and their own development; only the
caseworker's password ends the mode (counted by django-axes like a login), and it logs the caseworker back in.
"""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import authenticate, login
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from outcomes import charts
from selfservice import reads, services
from selfservice.forms import AnswerForm, PasswordForm
from selfservice.views.common import KIOSK_SESSION_KEY, Status, _answer_page, _submit, kiosk_completion


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
        development = reads.development_logged(completion=self.completion)
        timelines = charts.citizen_charts({"measurements_by_instrument": development["measurements_by_instrument"]})
        measurement = self.completion.measurement
        context = {
            "completion": self.completion,
            "measurement": measurement,  # None only if it has since been deleted by staff
            "answers": development["answers"],
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
