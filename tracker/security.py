"""Authentication and access hardening: admin site, login lockout, two-factor, single sign-on.

- **Admin**: only administrators (superusers) may use /admin/; staff who are not superusers are refused, and the
  admin's own login form is replaced by ours (which has the lockout and two-factor steps).
- **Lockout** (django-axes): after ``AXES_FAILURE_LIMIT`` failed logins from one username and IP address, further
  attempts are refused for ``AXES_COOLOFF_TIME``. Wrong two-factor tokens count as failed logins too.
- **Two-factor** (django-otp, TOTP): a user with a confirmed device must enter a token after the password before
  any page opens; an administrator without a device is sent to set one up before any page opens.
- **Single sign-on** (OpenID Connect, mozilla-django-oidc): on only when the six ``OIDC_*`` settings are given.
  The provider's user is matched to an existing account by username or e-mail; nobody is created and nobody gets
  a role from the provider.
"""

from __future__ import annotations

from urllib.parse import urlencode

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_client_username, get_cool_off
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django_otp import user_has_device
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

# --- Admin: administrators only ----------------------------------------------------------------------------------


class EffektsporAdminSite(admin.AdminSite):
    """Django's admin for administrators (superusers) only; staff without superuser status are refused."""

    def has_permission(self, request) -> bool:
        user = request.user
        return bool(user.is_active and user.is_superuser)

    def login(self, request, extra_context=None):
        # One login for the whole site (ours has the lockout page and the two-factor step).
        if not request.user.is_authenticated:
            return redirect_to_login(request.GET.get("next") or reverse("admin:index", current_app=self.name))
        if self.has_permission(request):
            return HttpResponseRedirect(reverse("admin:index", current_app=self.name))
        raise PermissionDenied


# --- Lockout -----------------------------------------------------------------------------------------------------


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check, which also lets authentication without a request through.

    Every login over the web passes the request (login form, admin, single sign-on). Only code calls
    ``authenticate()`` without one (the test client's ``login()``, management commands); axes would refuse those
    outright, and there is no client to lock out.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def not_a_password_login(request, credentials=None) -> bool:
    """Attempts without a username (single sign-on callbacks) are outside the lockout.

    The identity provider has its own lockout; counting them here would key every failure to "no username + the
    municipality's NAT address" and, after five unknown users, lock single sign-on for everyone behind it.
    """
    return not get_client_username(request, credentials)


def lockout_minutes() -> int:
    cool_off = get_cool_off()
    return int(cool_off.total_seconds() // 60) if cool_off else 0


def lockout_response(request, original_response=None, credentials=None):
    """The Danish lockout page (HTTP 429), saying how long the lockout lasts."""
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": lockout_minutes()}
    return render(request, "registration/lockout.html", context, status=429)


def client_ip(request) -> str | None:
    """The client's address for the lockout and rate limits, counting our own proxies (``EFFEKTSPOR_PROXY_HOPS``).

    Each of our n proxies appends the address it received the request from, so the client is the n-th entry from
    the right of X-Forwarded-For. Entries further left were sent by the client and may be anything; a header with
    fewer entries than proxies did not come through all of them, and then the peer address is used. With no proxy
    (0 hops) the header is ignored altogether.
    """
    hops = getattr(settings, "EFFEKTSPOR_PROXY_HOPS", 0)
    if hops > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR")


# --- Two-factor --------------------------------------------------------------------------------------------------


def needs_token(user) -> bool:
    """A logged-in user with a confirmed device who has not yet entered a token in this session."""
    return user.is_authenticated and not user.is_verified() and user_has_device(user, confirmed=True)


def needs_device(user) -> bool:
    """An administrator without a confirmed device: two-factor is mandatory for them."""
    return user.is_authenticated and user.is_superuser and not user_has_device(user, confirmed=True)


class TwoFactorMiddleware:
    """Hold a logged-in but unverified user at the token page, and an administrator without a device at the
    set-up page, until they are done. Logging out and changing language stay possible."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified():
            path = request.path_info
            always_open = {reverse("logout"), reverse("set_language"), reverse("security:otp_verify")}
            if path not in always_open:
                if needs_token(user):
                    return _redirect_with_next(reverse("security:otp_verify"), request)
                if needs_device(user) and path != reverse("security:otp_setup"):
                    return _redirect_with_next(reverse("security:otp_setup"), request)
        return self.get_response(request)


def _redirect_with_next(url: str, request) -> HttpResponseRedirect:
    next_url = request.get_full_path() if request.method == "GET" else ""
    return HttpResponseRedirect(f"{url}?{urlencode({'next': next_url})}" if next_url else url)


# --- Login page --------------------------------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    """Django's login form, plus the single sign-on button when it is configured."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["oidc_enabled"] = settings.EFFEKTSPOR_OIDC_ENABLED
        context["lockout_failures"] = settings.AXES_FAILURE_LIMIT
        context["lockout_minutes"] = lockout_minutes()
        return context


# --- Single sign-on (OpenID Connect) ------------------------------------------------------------------------------


class OIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's code flow, matched to existing users only, with the audience and issuer checked.

    Listed in AUTHENTICATION_BACKENDS always, silent unless ``settings.EFFEKTSPOR_OIDC_ENABLED``.
    """

    def __init__(self, *args, **kwargs):
        self.enabled = bool(getattr(settings, "EFFEKTSPOR_OIDC_ENABLED", False))
        if self.enabled:
            super().__init__(*args, **kwargs)

    def authenticate(self, request, **kwargs):
        if not self.enabled or request is None:
            return None
        return super().authenticate(request, **kwargs)

    def get_user(self, user_id):
        return super().get_user(user_id) if self.enabled else None

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        # mozilla-django-oidc leaves the audience unchecked: an ID token issued to another client is no login here.
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token audience mismatch")
        if settings.EFFEKTSPOR_OIDC_OP_ISSUER and payload.get("iss") != settings.EFFEKTSPOR_OIDC_OP_ISSUER:
            raise SuspiciousOperation("ID token issuer mismatch")
        return payload

    def verify_claims(self, claims) -> bool:
        return bool(claims.get(settings.EFFEKTSPOR_OIDC_USERNAME_CLAIM) or claims.get("email"))

    def filter_users_by_claims(self, claims):
        users = self.UserModel.objects.filter(is_active=True)
        username = claims.get(settings.EFFEKTSPOR_OIDC_USERNAME_CLAIM)
        if username:
            by_username = users.filter(**{f"{self.UserModel.USERNAME_FIELD}__iexact": username})
            if by_username.exists():
                return by_username
        email = claims.get("email")
        if email:
            return users.filter(email__iexact=email)
        return users.none()

    def create_user(self, claims):
        # Accounts and roles are given by the municipality's administrators, never by the identity provider.
        raise SuspiciousOperation("No Effektspor account for this single sign-on user")


class _OIDCEnabledMixin:
    def dispatch(self, request, *args, **kwargs):
        if not settings.EFFEKTSPOR_OIDC_ENABLED:
            raise Http404("Single sign-on is not configured")
        return super().dispatch(request, *args, **kwargs)


class OIDCLoginView(_OIDCEnabledMixin, OIDCAuthenticationRequestView):
    """Start single sign-on: redirect to the provider with state, nonce and PKCE."""

    def __init__(self, **kwargs):
        # Bypasses the parent's __init__: tests/test_library_patches.py checks it still fits mozilla-django-oidc.
        # The parent reads the settings here, which fails when single sign-on is not configured; read them later.
        View.__init__(self, **kwargs)

    def get(self, request):
        self.OIDC_OP_AUTH_ENDPOINT = settings.OIDC_OP_AUTHORIZATION_ENDPOINT
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class OIDCCallbackView(_OIDCEnabledMixin, OIDCAuthenticationCallbackView):
    """The provider sends the user back here with a code; a failure lands on our login page with a message."""

    @property
    def failure_url(self):
        return resolve_url(settings.LOGIN_URL)

    def login_failure(self):
        messages.error(
            self.request,
            _("Log ind med single sign-on mislykkedes. Du har måske ikke en bruger i Effektspor; kontakt din leder."),
        )
        return super().login_failure()
