"""Who may open a page: the role mixins every app's views use.

What a user may reach is computed once per request by ``tracker.selectors.access_for`` (memberships, leader roles,
director scopes, administrator); these mixins turn it into the page's answer: anonymous users go to the login page,
logged-in users without the role get 403. Which records a user may then see is the selectors' business.
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.views import View

from tracker.selectors import access_for


class RoleRequiredMixin(LoginRequiredMixin):
    """Anonymous users go to the login page; logged-in users without the role get 403."""

    role = "caseworker"  # one of: caseworker, leader, director

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        access = access_for(request.user)
        if not getattr(access, f"is_{self.role}"):
            raise PermissionDenied
        self.access = access
        return super().dispatch(request, *args, **kwargs)


class LeaderAccessMixin(RoleRequiredMixin):
    """Leaders (of some unit) and superusers pass; which units they may open is checked per request."""

    role = "leader"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and user.is_active and user.is_superuser:
            self.access = access_for(user)
            return super(RoleRequiredMixin, self).dispatch(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)


class LeaderOrDirectorMixin(RoleRequiredMixin):
    """Leaders and directors; caseworkers get 403, anonymous users the login page."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        access = access_for(request.user)
        if not (access.is_leader or access.is_director):
            raise PermissionDenied
        self.access = access
        return View.dispatch(self, request, *args, **kwargs)
