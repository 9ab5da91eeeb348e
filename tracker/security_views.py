"""The 'Sikkerhed' page and the two-factor steps: enter a token after the password, set up or remove a device.

Two-factor uses TOTP (RFC 6238) authenticator apps. The set-up secret lives in the session until the user has
proved, with one token, that their app holds it; only then is a confirmed device stored. The QR code is drawn
here as SVG (the ``qrcode`` package) and shown as a data: image, so nothing leaves the municipality's network.
"""

from __future__ import annotations

import base64
import binascii

import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from tracker.security import lockout_response
from tracker.services.security import otp_device_confirm, otp_devices_remove

PENDING_KEY = "effektspor_totp_pending_key"
DEVICE_NAME = "Effektspor"


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Kode fra din autentificerings-app"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*", "autofocus": True}
        ),
        help_text=gettext_lazy("Seks cifre. Koden skifter hvert 30. sekund."),
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError(_("Koden består kun af cifre."))
        return token


def _safe_next(request, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _confirmed_devices(user) -> list[TOTPDevice]:
    return [d for d in devices_for_user(user, confirmed=True) if isinstance(d, TOTPDevice)]


class SecurityView(LoginRequiredMixin, View):
    """'Sikkerhed': whether two-factor is on, with the way to turn it on or off."""

    def get(self, request):
        devices = _confirmed_devices(request.user)
        return render(
            request,
            "registration/security.html",
            {
                "devices": devices,
                "mandatory": request.user.is_superuser,
                "disable_form": TokenForm(),
                "oidc_enabled": settings.EFFEKTSPOR_OIDC_ENABLED,
            },
        )


class OTPVerifyView(LoginRequiredMixin, View):
    """Step two of the login: the token from the user's authenticator app."""

    template_name = "registration/otp_verify.html"

    def get(self, request):
        if request.user.is_verified() or not _confirmed_devices(request.user):
            return redirect(_safe_next(request, reverse("home")))
        return render(request, self.template_name, {"form": TokenForm(), "next": _safe_next(request, "")})

    def post(self, request):
        devices = _confirmed_devices(request.user)
        if request.user.is_verified() or not devices:
            return redirect(_safe_next(request, reverse("home")))
        form = TokenForm(request.POST)
        if form.is_valid():
            token = form.cleaned_data["token"]
            for device in devices:
                # verify_token throttles repeated failures itself (django-otp), and refuses a token used before.
                if device.verify_token(token):
                    otp_login(request, device)
                    request.session.cycle_key()
                    return redirect(_safe_next(request, reverse("home")))
            form.add_error("token", _("Koden passer ikke. Prøv med den kode, appen viser nu."))
            # A wrong token is a failed login: django-axes counts it, and at the limit the user is logged out.
            username = request.user.get_username()
            user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)
            if AxesProxyHandler.is_locked(request, {"username": username}):
                logout(request)
                return lockout_response(request)
        return render(request, self.template_name, {"form": form, "next": _safe_next(request, "")}, status=400)


def _qr_data_uri(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    svg = image.to_string(encoding="unicode")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


class OTPSetupView(LoginRequiredMixin, View):
    """Turn two-factor on: scan the QR code (or type the key), then prove it with one token."""

    template_name = "registration/otp_setup.html"

    def pending_device(self, request) -> TOTPDevice:
        key = request.session.get(PENDING_KEY)
        try:
            binascii.unhexlify(key or "")
        except (binascii.Error, TypeError):
            key = None
        if not key:
            key = default_key()
            request.session[PENDING_KEY] = key
        # Not saved: it only draws the configuration URL until the user confirms it.
        return TOTPDevice(user=request.user, name=DEVICE_NAME, key=key, confirmed=False)

    def context(self, request, device: TOTPDevice, form: TokenForm) -> dict:
        secret = base64.b32encode(device.bin_key).decode()
        return {
            "form": form,
            "qr_data_uri": _qr_data_uri(device.config_url),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "mandatory": request.user.is_superuser,
            "next": _safe_next(request, ""),
        }

    def get(self, request):
        if _confirmed_devices(request.user):
            return redirect("security:overview")
        device = self.pending_device(request)
        return render(request, self.template_name, self.context(request, device, TokenForm()))

    def post(self, request):
        if _confirmed_devices(request.user):
            return redirect("security:overview")
        device = self.pending_device(request)
        form = TokenForm(request.POST)
        if form.is_valid():
            totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
            if totp.verify(int(form.cleaned_data["token"]), tolerance=device.tolerance):
                otp_device_confirm(device=device, last_t=totp.t())
                del request.session[PENDING_KEY]
                otp_login(request, device)
                request.session.cycle_key()
                messages.success(request, _("Totrinsbekræftelse er slået til."))
                return redirect(_safe_next(request, reverse("security:overview")))
            form.add_error("token", _("Koden passer ikke. Tjek at telefonens ur går rigtigt, og prøv igen."))
        return render(request, self.template_name, self.context(request, device, form), status=400)


class OTPDisableView(LoginRequiredMixin, View):
    """Turn two-factor off, with a current token as proof. Administrators cannot: for them it is mandatory."""

    http_method_names = ["post"]

    def post(self, request):
        if request.user.is_superuser:
            raise PermissionDenied
        devices = _confirmed_devices(request.user)
        if not devices:
            return redirect("security:overview")
        form = TokenForm(request.POST)
        if form.is_valid() and any(device.verify_token(form.cleaned_data["token"]) for device in devices):
            otp_devices_remove(user=request.user)
            messages.success(request, _("Totrinsbekræftelse er slået fra."))
            return redirect("security:overview")
        if form.is_valid():
            form.add_error("token", _("Koden passer ikke. Prøv med den kode, appen viser nu."))
        return render(
            request,
            "registration/security.html",
            {
                "devices": devices,
                "mandatory": False,
                "disable_form": form,
                "oidc_enabled": settings.EFFEKTSPOR_OIDC_ENABLED,
            },
            status=400,
        )
