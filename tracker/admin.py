"""Django admin for configuration: units, users' roles, reference data, partners.

Only administrators (superusers, with two-factor) reach the admin at all (tracker.security.EffektsporAdminSite).
Citizen data are view-only here and every view of them is logged (:class:`CitizenDataAdmin`): records are created
and corrected through the application's own pages, which validate and log before/after. Citizen free text (notes,
goal texts) is never listed in change lists or searched; the audit log is read-only.
"""

from __future__ import annotations

from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from tracker.models import (
    AccessRequest,
    AuditEntry,
    Citizen,
    Collaboration,
    CollaborationKind,
    Consent,
    Course,
    DataVersion,
    DirectorScope,
    EndReason,
    LegalBasis,
    Membership,
    OrganisationUnit,
    Partner,
    RateCounter,
    Sector,
    UnitDataVersion,
    UnitTopicVersion,
)
from tracker.services import audit_log

admin.site.site_header = _("Effektspor – administration")
admin.site.site_title = _("Effektspor")
admin.site.index_title = _("Opsætning")


@admin.register(LegalBasis, EndReason, Sector, CollaborationKind)
class ReferenceDataAdmin(admin.ModelAdmin):
    list_display = ("code", "name_da", "name_en", "order")
    search_fields = ("code", "name_da", "name_en")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(OrganisationUnit)
class OrganisationUnitAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "parent")
    list_filter = ("kind",)
    search_fields = ("name", "code")
    filter_horizontal = ("legal_bases",)
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "unit", "role")
    list_filter = ("role", "unit")
    autocomplete_fields = ("user", "unit")


@admin.register(DirectorScope)
class DirectorScopeAdmin(admin.ModelAdmin):
    list_display = ("user", "unit")
    autocomplete_fields = ("user", "unit")


class CitizenDataAdmin(admin.ModelAdmin):
    """View-only admin for citizen data, with every change list and every record view logged (Datatilsynet).

    ``citizen_path`` names the attribute path from the object to the citizen's id.
    """

    citizen_path = "citizen_id"

    def citizen_id_of(self, obj) -> int | None:
        value = obj
        for part in self.citizen_path.split("."):
            value = getattr(value, part, None)
        return value

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        with transaction.atomic():
            response = super().changelist_view(request, extra_context)
            changelist = getattr(response, "context_data", {}).get("cl")
            if changelist is not None:
                criteria = {k: v for k, v in request.GET.items() if k not in ("p", "o") and v}
                audit_log(
                    user=request.user,
                    action=AuditEntry.Action.SEARCH if criteria else AuditEntry.Action.READ,
                    purpose="admin",
                    detail={
                        "model": self.model._meta.label_lower,
                        "criteria": criteria,
                        "citizen_ids": sorted({self.citizen_id_of(obj) for obj in changelist.result_list}),
                    },
                )
        return response

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        with transaction.atomic():
            response = super().changeform_view(request, object_id, form_url, extra_context)
            original = getattr(response, "context_data", {}).get("original")
            if original is not None:
                audit_log(
                    user=request.user,
                    action=AuditEntry.Action.READ,
                    citizen_id=self.citizen_id_of(original),
                    obj=original,
                    purpose="admin",
                )
        return response


@admin.register(Citizen)
class CitizenAdmin(CitizenDataAdmin):
    citizen_path = "pk"
    list_display = ("id", "name", "birth_year", "gender")
    search_fields = ("name",)
    exclude = ("cpr",)
    readonly_fields = ("created_at",)


@admin.register(Course)
class CourseAdmin(CitizenDataAdmin):
    list_display = ("id", "citizen_id", "unit", "legal_basis", "start", "end", "end_reason")
    list_filter = ("unit", "legal_basis", "end_reason")
    raw_id_fields = ("citizen",)
    date_hierarchy = "start"


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ("name", "sector", "contact")
    list_filter = ("sector",)
    search_fields = ("name",)


@admin.register(Collaboration)
class CollaborationAdmin(CitizenDataAdmin):
    citizen_path = "course.citizen_id"
    exclude = ("note",)
    list_display = ("id", "date", "partner", "kind", "citizen_participated", "usefulness")
    list_filter = ("kind", "partner__sector")
    raw_id_fields = ("course", "partner", "recorded_by")


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the log cannot be changed or deleted through the application."""

    list_display = ("time", "user", "action", "citizen_id", "object_type", "object_id", "purpose")
    list_filter = ("action", "object_type")
    date_hierarchy = "time"

    # Reading the log is itself a use of personal data (it says who looked at whom): logged like any other read.
    def changelist_view(self, request, extra_context=None):
        with transaction.atomic():
            response = super().changelist_view(request, extra_context)
            changelist = getattr(response, "context_data", {}).get("cl")
            if changelist is not None:
                criteria = {k: v for k, v in request.GET.items() if k not in ("p", "o") and v}
                audit_log(
                    user=request.user,
                    action=AuditEntry.Action.SEARCH if criteria else AuditEntry.Action.READ,
                    purpose="admin_audit_log",
                    detail={
                        "criteria": criteria,
                        "citizen_ids": sorted({e.citizen_id for e in changelist.result_list if e.citizen_id}),
                    },
                )
        return response

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        with transaction.atomic():
            response = super().changeform_view(request, object_id, form_url, extra_context)
            original = getattr(response, "context_data", {}).get("original")
            if original is not None:
                audit_log(
                    user=request.user,
                    action=AuditEntry.Action.READ,
                    citizen_id=original.citizen_id,
                    obj=original,
                    purpose="admin_audit_log",
                )
        return response

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DataVersion)
class DataVersionAdmin(admin.ModelAdmin):
    """Read-only: the counter behind the aggregate cache (tracker/dataversion.py)."""

    list_display = ("id", "value")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(UnitDataVersion)
class UnitDataVersionAdmin(DataVersionAdmin):
    """Read-only: each unit's counter behind the aggregate cache (tracker/dataversion.py)."""

    list_display = ("unit", "value")


@admin.register(UnitTopicVersion)
class UnitTopicVersionAdmin(DataVersionAdmin):
    """Read-only: each unit's counter per kind of data (topic) behind the aggregate cache (tracker/dataversion.py)."""

    list_display = ("unit", "topic", "value")
    list_filter = ("topic",)


@admin.register(Consent)
class ConsentAdmin(CitizenDataAdmin):
    """Consents to sharing between units: view-only here (recorded and withdrawn on the citizen's page), logged."""

    list_display = ("id", "citizen_id", "to_unit", "given_on", "valid_until", "withdrawn_on")
    list_filter = ("to_unit",)
    raw_id_fields = ("citizen", "given_to", "withdrawn_by")


@admin.register(AccessRequest)
class AccessRequestAdmin(CitizenDataAdmin):
    """Requests for access (GDPR art. 15): view-only here (registered on the citizen's page), logged."""

    list_display = ("id", "citizen_id", "unit", "received_on", "delivery", "registered_at")
    list_filter = ("unit", "delivery")
    raw_id_fields = ("citizen", "registered_by")


@admin.register(RateCounter)
class RateCounterAdmin(admin.ModelAdmin):
    """The rate-limit counters (hashed keys, no personal data): read-only; an administrator may delete one to lift
    a block early."""

    list_display = ("key", "count", "expires_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
