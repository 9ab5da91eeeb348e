"""What every API view shares: the client's language, who may call it, pagination.

Language: the pages ignore the browser's Accept-Language on purpose (``tracker.middleware``: municipal PCs run
English browsers, the working language is Danish). An API client is a program that says which language it wants,
so API views honour Accept-Language — Danish by default, English when asked for — without changing the pages.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation.trans_real import parse_accept_lang_header
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

    message = _("Kun medarbejdere i en enhed har adgang til borgerdata.")

    def has_permission(self, request, view) -> bool:
        return access_for(request.user).is_caseworker


class IsLeader(BasePermission):
    """Unit leaders (and administrators, as on the dashboard page): the unit's aggregated figures."""

    message = _("Kun ledere har adgang til enhedens tal.")

    def has_permission(self, request, view) -> bool:
        access = access_for(request.user)
        return access.is_leader or access.is_admin


class IsDirector(BasePermission):
    """Directors: the comparison of the units in their scope, aggregates only (as the comparison page)."""

    message = _("Kun direktører har adgang til sammenligningen af enheder.")

    def has_permission(self, request, view) -> bool:
        return access_for(request.user).is_director


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
