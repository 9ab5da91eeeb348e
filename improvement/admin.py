from django.contrib import admin

from improvement.models import FidelityCheck, Indicator, Initiative, LearningEntry


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0


@admin.register(Initiative)
class InitiativeAdmin(admin.ModelAdmin):
    list_display = ("name", "method", "start", "end")
    list_filter = ("method",)
    search_fields = ("name",)
    filter_horizontal = ("units",)
    inlines = [IndicatorInline]
    raw_id_fields = ("created_by",)


@admin.register(FidelityCheck)
class FidelityCheckAdmin(admin.ModelAdmin):
    list_display = ("initiative", "date", "scale", "score")
    raw_id_fields = ("recorded_by",)


@admin.register(LearningEntry)
class LearningEntryAdmin(admin.ModelAdmin):
    list_display = ("initiative", "date", "publishable")
    raw_id_fields = ("written_by",)
