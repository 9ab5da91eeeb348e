"""Django admin for instruments (definitions are data), life domains, measurements and goals."""

from django.contrib import admin

from outcomes.models import (
    Goal,
    GoalReview,
    Instrument,
    InstrumentItem,
    ItemAnswer,
    LifeDomain,
    Measurement,
    TrajectorySummary,
)


@admin.register(LifeDomain)
class LifeDomainAdmin(admin.ModelAdmin):
    list_display = ("order", "code", "name_da", "name_en", "group", "ffb_code")
    list_display_links = ("code",)


class InstrumentItemInline(admin.StackedInline):
    model = InstrumentItem
    extra = 0


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = ("code", "name_da", "scoring", "score_min", "score_max", "clinical_cutoff", "mid", "active")
    list_filter = ("scoring", "active")
    inlines = [InstrumentItemInline]


class ItemAnswerInline(admin.TabularInline):
    model = ItemAnswer
    extra = 0


@admin.register(Measurement)
class MeasurementAdmin(admin.ModelAdmin):
    list_display = ("id", "instrument", "date", "score", "informer")
    list_filter = ("instrument", "informer")
    raw_id_fields = ("course", "recorded_by")
    inlines = [ItemAnswerInline]


class GoalReviewInline(admin.TabularInline):
    model = GoalReview
    extra = 0
    exclude = ("note",)


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ("id", "life_domain", "created_on", "closed_on")
    list_filter = ("life_domain",)
    raw_id_fields = ("course",)
    inlines = [GoalReviewInline]


@admin.register(GoalReview)
class GoalReviewAdmin(admin.ModelAdmin):
    list_display = ("id", "goal", "date", "level")
    raw_id_fields = ("goal", "recorded_by")


@admin.register(TrajectorySummary)
class TrajectorySummaryAdmin(admin.ModelAdmin):
    list_display = ("course", "instrument", "n_measurements", "baseline_score", "latest_score", "change", "category")
    list_filter = ("instrument", "category", "method")
    raw_id_fields = ("course", "baseline", "latest")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
