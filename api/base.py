"""What every API view shares: the client's language, who may call it, pagination.

Language: the pages ignore the browser's Accept-Language on purpose (``tracker.middleware``: municipal PCs run
English browsers, the working language is Danish). An API client is a program that says which language it wants,
so API views honour Accept-Language — Danish by default, English when asked for — without changing the pages.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation.trans_real import parse_accept_lang_header
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission

from tracker.selectors import access_for


def client_language(request) -> str:
    """The first supported language in the request's Accept-Language, else the default (Danish)."""
    supported = {code for code, _name in settings.LANGUAGES}
    for tag, _quality in parse_accept_lang_header(request.META.get("HTTP_ACCEPT_LANGUAGE", "")):
        if tag == "*":
            break
        base = tag.split("-")[0].lower()
        if base in supported:
            return base
    return settings.LANGUAGE_CODE


class ApiMixin:
    """Mixed into every API view: activates the client's language before authentication, so every answer
    (errors included) is in it."""

    def initial(self, request, *args, **kwargs):
        language = client_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        super().initial(request, *args, **kwargs)

    def handle_exception(self, exc):
        # Errors raised before initial() (content negotiation) still answer in the client's language.
        language = client_language(self.request)
        translation.activate(language)
        return super().handle_exception(exc)


class IsCaseworker(BasePermission):
    """Members of a unit (caseworkers and leaders): citizen-level data, scoped further by the selectors."""

    message = gettext_lazy("Kun medarbejdere i en enhed har adgang til borgerdata.")

    def has_permission(self, request, view) -> bool:
        return access_for(request.user).is_caseworker


class IsLeader(BasePermission):
    """Unit leaders (and administrators, as on the dashboard page): the unit's aggregated figures."""

    message = gettext_lazy("Kun ledere har adgang til enhedens tal.")

    def has_permission(self, request, view) -> bool:
        access = access_for(request.user)
        return access.is_leader or access.is_admin


class IsDirector(BasePermission):
    """Directors: the comparison of the units in their scope, aggregates only (as the comparison page)."""

    message = gettext_lazy("Kun direktører har adgang til sammenligningen af enheder.")

    def has_permission(self, request, view) -> bool:
        return access_for(request.user).is_director


# Dates in request bodies and in query parameters: the same formats, whatever the language, day before month.
DATE_INPUT_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y")


def invalid_date_message(value) -> str:
    return _("Ugyldig dato: »%(value)s«. Skriv datoen som ÅÅÅÅ-MM-DD, DD-MM-ÅÅÅÅ, DD.MM.ÅÅÅÅ eller DD/MM/ÅÅÅÅ.") % {
        "value": str(value)[:40]
    }


def parse_date(value) -> datetime.date:
    """A date in one of DATE_INPUT_FORMATS; ValueError (with the value in its message) otherwise."""
    if isinstance(value, datetime.datetime):
        raise ValueError(invalid_date_message(value))
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    for fmt in DATE_INPUT_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(invalid_date_message(value))


class Pagination(PageNumberPagination):
    """``page`` from 1, ``page_size`` from 1 to 500 (default 50). A value outside is a 400 that says so, not a
    silent cap: a client asking for 1,000 rows must not believe it got them all."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size or not raw.strip().isdigit():
            message = _("page_size skal være et helt tal fra 1 til %(max)s; fik »%(value)s«.") % {
                "max": self.max_page_size,
                "value": raw[:40],
            }
            raise exceptions.ValidationError({self.page_size_query_param: [message]})
        return size

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and (not raw.strip().isdigit() or int(raw) < 1):
            message = _("page skal være et helt tal fra 1; fik »%(value)s«.") % {"value": raw[:40]}
            raise exceptions.ValidationError({self.page_query_param: [message]})
        try:
            return super().paginate_queryset(queryset, request, view)
        except exceptions.NotFound:
            raise exceptions.NotFound(_("Siden %(page)s findes ikke.") % {"page": raw}) from None
