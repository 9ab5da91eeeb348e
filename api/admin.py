from django.contrib import admin

from api.models import ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Administrators can see who has a key and revoke it (delete); a key itself is never stored."""

    list_display = ("user", "prefix", "created_at", "expires_at", "last_used_at")
    readonly_fields = ("user", "prefix", "digest", "created_at", "expires_at", "last_used_at")
    search_fields = ("user__username",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
