"""Who may open a page: the role mixins every app's views use.

What a user may reach is computed once per request by ``tracker.selectors.access_for`` (memberships, leader roles,
director scopes, administrator); these mixins turn it into the page's answer: anonymous users go to the login page,
logged-in users without the role get 403. Which records a user may then see is the selectors' business.
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.views import View

from tracker.models import OrganisationUnit
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


# --- Whose unit dashboards (and unit-level exports) a leader may open --------------------------------------------
# A unit's dashboard is for the leaders of that unit (Membership role "leader") and for superusers. Directors have
# their own comparison (``dashboards:director_home``) and get no citizen-level data there.


def allowed_unit_ids(*, user) -> frozenset[int] | None:
    """The units whose dashboard the user may open: the units they lead; None (= any unit) for superusers."""
    access = access_for(user)
    return None if access.is_admin else access.leader_unit_ids


def leader_units(*, user) -> list[OrganisationUnit]:
    """The units the user may pick on the dashboard, by name (superusers: every unit of kind 'unit')."""
    allowed = allowed_unit_ids(user=user)
    qs = OrganisationUnit.objects.all()
    qs = qs.filter(kind=OrganisationUnit.Kind.UNIT) if allowed is None else qs.filter(pk__in=allowed)
    return list(qs.order_by("name"))
