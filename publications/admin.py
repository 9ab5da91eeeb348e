"""Publications in the admin: read-only; directors review and publish them in the application."""

from django.contrib import admin

from publications.models import Publication, PublicationEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PublicationEventInline(admin.TabularInline):
    model = PublicationEvent
    extra = 0
    can_delete = False
    readonly_fields = ("action", "user", "at")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    list_display = ("title", "scope_unit", "period_start", "period_end", "status", "published_at")
    list_filter = ("status",)
    inlines = [PublicationEventInline]


@admin.register(PublicationEvent)
class PublicationEventAdmin(ReadOnlyAdmin):
    list_display = ("publication", "action", "user", "at")
    list_filter = ("action",)
