"""Django admin for configuration: units, users' roles, reference data, partners.

Citizen free text (notes) is never listed in change lists; the audit log is read-only.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tracker.models import (
    AuditEntry,
    Citizen,
    Collaboration,
    CollaborationKind,
    Course,
    DirectorScope,
    EndReason,
    LegalBasis,
    Membership,
    OrganisationUnit,
    Partner,
    Sector,
)

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


@admin.register(Citizen)
class CitizenAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "birth_year", "gender")
    search_fields = ("name",)
    exclude = ("cpr",)
    readonly_fields = ("created_at",)


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ("id", "citizen", "unit", "legal_basis", "start", "end", "end_reason")
    list_filter = ("unit", "legal_basis", "end_reason")
    raw_id_fields = ("citizen",)
    date_hierarchy = "start"


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ("name", "sector", "contact")
    list_filter = ("sector",)
    search_fields = ("name",)


@admin.register(Collaboration)
class CollaborationAdmin(admin.ModelAdmin):
    list_display = ("id", "date", "partner", "kind", "citizen_participated", "usefulness")
    list_filter = ("kind", "partner__sector")
    raw_id_fields = ("course", "partner", "recorded_by")


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the log cannot be changed or deleted through the application."""

    list_display = ("time", "user", "action", "citizen_id", "object_type", "object_id", "purpose")
    list_filter = ("action", "object_type")
    date_hierarchy = "time"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
