"""Staff (``/selvbesvarelse/borger/<pk>/…``): choose an instrument and hand it over, on the tablet or as a personal
link; scoped to the user like every staff page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from common.forms import apply_service
from selfservice import qr, selectors, services, tokens
from selfservice.forms import HandoverForm, LinkForm
from selfservice.views.common import KIOSK_SESSION_KEY
from tracker import selectors as tracker_selectors
from tracker.access import RoleRequiredMixin
from tracker.services import read_logged


@method_decorator(never_cache, name="dispatch")
class _StaffView(RoleRequiredMixin, View):
    def dispatch(self, request, *args, **kwargs):
        # Back-navigation from the locked mode lands here: straight back into the locked mode.
        if request.session.get(KIOSK_SESSION_KEY):
            return redirect("selfservice:tablet")
        return super().dispatch(request, *args, **kwargs)

    def forms(self, citizen, data=None, which: str = ""):
        courses = tracker_selectors.citizen_courses(user=self.request.user, citizen=citizen, open_only=True)
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
            "has_open_course": bool(tablet_form.fields["course"].queryset),
            "handovers": list(selectors.handover_list(user=self.request.user, citizen=citizen)[:20]),
        }
        return render(self.request, "selfservice/handover_start.html", context, status=status)


class HandoverStartView(_StaffView):
    """'Lad borgeren svare selv': choose the instrument, then the tablet now or a personal link."""

    def get(self, request, pk: int):
        citizen = read_logged(tracker_selectors.citizen_get, user=request.user, pk=pk, purpose="selfservice_start")
        return self.page(citizen, *self.forms(citizen))


class TabletStartView(_StaffView):
    """Start the locked mode on this device: the caseworker is logged out, the citizen gets the questionnaire."""

    http_method_names = ["post"]

    def post(self, request, pk: int):
        citizen = tracker_selectors.citizen_get(user=request.user, pk=pk)
        tablet_form, link_form = self.forms(citizen, request.POST, which="tablet")
        if tablet_form.is_valid():
            ok, completion = apply_service(
                tablet_form, services.tablet_start, user=request.user, **tablet_form.cleaned_data
            )
            if ok:
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
            ok, new = apply_service(link_form, services.link_create, user=request.user, **link_form.cleaned_data)
            if ok:
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
