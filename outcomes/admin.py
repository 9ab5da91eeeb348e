"""Django admin for instruments (definitions are data), life domains, measurements and goals.

Measurements, goals, reviews and summaries are citizen data: view-only and logged (tracker.admin.CitizenDataAdmin),
without their free text (notes, goal texts) in change lists, searches or forms.
"""

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
from outcomes.summaries import summaries_rebuild
from tracker.admin import CitizenDataAdmin


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

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A changed MID, reliability, reference SD, cut-off or minimum interval changes every stored
        # category of the instrument: refresh them in the same transaction (the admin's change view is atomic).
        summaries_rebuild(instrument=form.instance)


class ItemAnswerInline(admin.TabularInline):
    model = ItemAnswer
    extra = 0


@admin.register(Measurement)
class MeasurementAdmin(CitizenDataAdmin):
    citizen_path = "course.citizen_id"
    exclude = ("note",)
    list_display = ("id", "instrument", "date", "score", "informer")
    list_filter = ("instrument", "informer")
    raw_id_fields = ("course", "recorded_by")
    inlines = [ItemAnswerInline]


class GoalReviewInline(admin.TabularInline):
    model = GoalReview
    extra = 0
    exclude = ("note",)


@admin.register(Goal)
class GoalAdmin(CitizenDataAdmin):
    citizen_path = "course.citizen_id"
    exclude = ("text", "level_minus2", "level_minus1", "level_0", "level_plus1", "level_plus2")
    list_display = ("id", "life_domain", "created_on", "closed_on")
    list_filter = ("life_domain",)
    raw_id_fields = ("course",)
    inlines = [GoalReviewInline]


@admin.register(GoalReview)
class GoalReviewAdmin(CitizenDataAdmin):
    citizen_path = "goal.course.citizen_id"
    exclude = ("note",)
    # The goal's id, not the goal: a goal's name is its text, the citizen's own words.
    list_display = ("id", "goal_id", "date", "level")
    raw_id_fields = ("goal", "recorded_by")


@admin.register(TrajectorySummary)
class TrajectorySummaryAdmin(CitizenDataAdmin):
    citizen_path = "course.citizen_id"
    list_display = ("course_id", "instrument", "n_measurements", "baseline_score", "latest_score", "change", "category")
    list_filter = ("instrument", "category", "method")
    raw_id_fields = ("course", "baseline", "latest")
