"""Serializers for the aggregated figures: the unit dashboard (leaders) and the comparison of units (directors).

They only describe values computed by the dashboards' own selectors (``dashboards.selectors.unit_dashboard`` and
``figures.comparison.unit_comparison`` / ``count_table``), after the same disclosure control the pages show; nothing
here computes or suppresses a figure. The unit figures leave out the dashboard's citizen-level lists (follow-up and
not on track): those name citizens and belong to the page, where showing them is logged.
"""

from __future__ import annotations

import math

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class NumberField(serializers.FloatField):
    """A float that may be missing; a value that is not a finite number (no spread, 0/0) is given as null."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        if value is None:
            return None
        value = float(value)
        return value if math.isfinite(value) else None


def _interval(**kwargs) -> serializers.ListField:
    return serializers.ListField(
        child=NumberField(), min_length=2, max_length=2, read_only=True, allow_null=True, **kwargs
    )


def _no_width(low, high) -> bool:
    """A confidence interval of zero width (all values equal, SD 0) claims a certainty it does not have."""
    return low is not None and high is not None and math.isclose(float(low), float(high), rel_tol=0, abs_tol=1e-12)


class ConfidenceIntervalField(serializers.ListField):
    """[low, high] of a confidence interval; null when it is undefined or of zero width (as the pages show '–')."""

    def __init__(self, **kwargs):
        super().__init__(child=NumberField(), min_length=2, max_length=2, read_only=True, allow_null=True, **kwargs)

    def to_representation(self, data):
        if data is None or _no_width(*data):
            return None
        return super().to_representation(data)


class ShareSerializer(serializers.Serializer):
    k = serializers.IntegerField(read_only=True)
    n = serializers.IntegerField(read_only=True)
    value = NumberField(help_text=_("k ÷ n"))
    low = NumberField(help_text=_("Wilson 95%-interval, nedre"))
    high = NumberField(help_text=_("Wilson 95%-interval, øvre"))


class MeanSerializer(serializers.Serializer):
    n = serializers.IntegerField(read_only=True)
    mean = NumberField()
    low = NumberField(help_text=_("t-baseret 95%-interval, nedre"))
    high = NumberField(help_text=_("t-baseret 95%-interval, øvre"))

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if _no_width(data.get("low"), data.get("high")):  # undefined for n < 2 (null already) or of zero width
            data["low"] = data["high"] = None
        return data


class LabelledShareSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)
    share = ShareSerializer(read_only=True)


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField(read_only=True)
    end = serializers.DateField(read_only=True)
    code = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)


class UnitRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk", read_only=True)
    name = serializers.CharField(read_only=True)
    code = serializers.CharField(read_only=True)


class EffectSizeSerializer(serializers.Serializer):
    d = NumberField()
    g = NumberField()
    low = NumberField()
    high = NumberField()
    r = NumberField()
    n = NumberField()


class QuarterSerializer(serializers.Serializer):
    label = serializers.CharField(read_only=True)
    start = serializers.DateField(read_only=True)
    n = serializers.IntegerField(read_only=True)
    mean = NumberField()
    improved = ShareSerializer(read_only=True, allow_null=True)


class DomainChangeSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)
    n = serializers.IntegerField(read_only=True)
    mean_first = NumberField()
    mean_latest = NumberField()
    mean_change = NumberField()


class GoalLevelSerializer(serializers.Serializer):
    level = serializers.IntegerField(read_only=True)
    label = serializers.CharField(read_only=True)
    share = ShareSerializer(read_only=True)


class GoalDomainSerializer(serializers.Serializer):
    label = serializers.CharField(read_only=True)
    set = serializers.IntegerField(read_only=True)
    reviewed = serializers.IntegerField(read_only=True)
    met = ShareSerializer(read_only=True)


class SectorSerializer(serializers.Serializer):
    label = serializers.CharField(read_only=True)
    n = serializers.IntegerField(read_only=True)
    partners = serializers.IntegerField(read_only=True)
    citizens = serializers.IntegerField(read_only=True)
    participated = serializers.IntegerField(read_only=True)
    rated = serializers.IntegerField(read_only=True)
    usefulness = NumberField()


class KindAssociationSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)
    with_kind = MeanSerializer(read_only=True)
    without_kind = MeanSerializer(read_only=True)
    difference = NumberField()


class UnitBreakdownSerializer(serializers.Serializer):
    unit_id = serializers.IntegerField(read_only=True)
    unit_name = serializers.CharField(read_only=True)
    active_citizens = serializers.IntegerField(read_only=True)
    active_courses = serializers.IntegerField(read_only=True)
    coverage = ShareSerializer(read_only=True)
    mean_change = MeanSerializer(read_only=True)
    improved = ShareSerializer(read_only=True, allow_null=True)


class UnitFiguresSerializer(serializers.Serializer):
    """The unit dashboard's figures (``dashboards.selectors.UnitDashboard``) without its lists of citizens."""

    units = UnitRefSerializer(many=True, read_only=True)
    period = PeriodSerializer(read_only=True)
    instrument = serializers.CharField(source="instrument.code", read_only=True)
    legal_basis = serializers.SerializerMethodField()
    method = serializers.CharField(read_only=True, help_text=_("rci, mid eller none"))
    threshold = NumberField(help_text=_("Den ændring, der tæller som forbedring (RCI-grænse eller MID)."))
    counts = serializers.DictField(child=serializers.IntegerField(), read_only=True)
    coverage = ShareSerializer(read_only=True)
    no_baseline = ShareSerializer(read_only=True)
    mean_change = MeanSerializer(read_only=True)
    improved = ShareSerializer(read_only=True, allow_null=True)
    deteriorated = ShareSerializer(read_only=True, allow_null=True)
    categories = LabelledShareSerializer(many=True, read_only=True)
    effect_size = EffectSizeSerializer(read_only=True, allow_null=True)
    trend = QuarterSerializer(many=True, read_only=True)
    life_domains = DomainChangeSerializer(many=True, read_only=True, allow_null=True)
    goals_set = serializers.IntegerField(read_only=True)
    goals_reviewed = serializers.IntegerField(read_only=True)
    goal_levels = GoalLevelSerializer(many=True, read_only=True)
    gas = MeanSerializer(read_only=True)
    goals_by_domain = GoalDomainSerializer(many=True, read_only=True)
    sectors = SectorSerializer(many=True, read_only=True)
    plan = ShareSerializer(read_only=True)
    kind_associations = KindAssociationSerializer(many=True, read_only=True)
    informers = LabelledShareSerializer(many=True, read_only=True)
    follow_up_due = serializers.SerializerMethodField(help_text=_("Antal borgere med forfalden opfølgning."))
    follow_up_missing = serializers.SerializerMethodField(help_text=_("Antal borgere uden første måling."))
    not_on_track = serializers.SerializerMethodField(help_text=_("Antal borgere, der ikke er på rette vej."))
    by_unit = UnitBreakdownSerializer(many=True, read_only=True)

    def get_legal_basis(self, dashboard) -> str | None:
        basis = dashboard.params.legal_basis
        return basis.code if basis else None

    def get_follow_up_due(self, dashboard) -> int:
        return len(dashboard.due)

    def get_follow_up_missing(self, dashboard) -> int:
        return len(dashboard.follow_up) - len(dashboard.due)

    def get_not_on_track(self, dashboard) -> int:
        return len(dashboard.not_on_track)


# --- The director's comparison ------------------------------------------------------------------------------------


class ComparisonRowSerializer(serializers.Serializer):
    """One row of the comparison as the page shows it: a hidden figure (fewer than k citizens) is null.

    The figures engine's disclosure control (``figures.disclosure``) has already hidden what must be hidden and
    perturbed the rest; these fields render its rows and compute nothing.
    """

    key = serializers.IntegerField(read_only=True, help_text=_("Enhedens id (eller afdelingens)."))
    name = serializers.CharField(read_only=True)
    is_leaf = serializers.BooleanField(read_only=True)
    suppressed = serializers.BooleanField(read_only=True, help_text=_("Færre end k aktive borgere: intet vises."))
    effect_suppressed = serializers.BooleanField(
        read_only=True, help_text=_("Færre end k borgere med første og opfølgende måling: effekttal vises ikke.")
    )
    active = serializers.SerializerMethodField()
    paired = serializers.SerializerMethodField()
    coverage = serializers.SerializerMethodField()
    low_coverage = serializers.SerializerMethodField()
    improved = serializers.IntegerField(read_only=True, allow_null=True)
    unchanged = serializers.IntegerField(read_only=True, allow_null=True)
    deteriorated = serializers.IntegerField(read_only=True, allow_null=True)
    improved_share = NumberField()
    improved_ci = ConfidenceIntervalField()
    mean_change = NumberField()
    change_ci = ConfidenceIntervalField()
    expected_change = NumberField()
    adjusted_change = NumberField()
    adjusted_ci = ConfidenceIntervalField()
    oe_ratio = NumberField()
    funnel95 = _interval()
    funnel998 = _interval()
    position = serializers.CharField(read_only=True, help_text=_("above, below, within, mixed eller tom"))
    gas_mean = NumberField()
    gas_courses = serializers.SerializerMethodField()
    collaborations = serializers.IntegerField(read_only=True, allow_null=True)
    collab_citizens = serializers.IntegerField(read_only=True, allow_null=True)
    mean_funnel95 = _interval()
    mean_funnel998 = _interval()

    def get_active(self, f) -> int | None:
        return None if f.suppressed else f.active

    def get_paired(self, f) -> int | None:
        return None if f.effect_suppressed or f.total_hidden else f.paired

    def get_coverage(self, f) -> float | None:
        return None if f.effect_suppressed or f.total_hidden else f.coverage

    def get_low_coverage(self, f) -> bool | None:
        return None if f.effect_suppressed else f.low_coverage

    def get_gas_courses(self, f) -> int | None:
        return f.gas_courses if f.gas_mean is not None else None


class OverallSerializer(serializers.Serializer):
    """The centre lines: derived from the shown rows only."""

    improved_share = NumberField()
    mean_change = NumberField()


class CountRowSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    improved = serializers.IntegerField(read_only=True, allow_null=True)
    unchanged = serializers.IntegerField(read_only=True, allow_null=True)
    deteriorated = serializers.IntegerField(read_only=True, allow_null=True)
    total = serializers.IntegerField(read_only=True, allow_null=True)


class CountTableSerializer(serializers.Serializer):
    """``figures.comparison.count_table``: the counts with secondary suppression (null = hidden)."""

    rows = CountRowSerializer(many=True, read_only=True)
    totals = CountRowSerializer(read_only=True)


class ComparisonSerializer(serializers.Serializer):
    k = serializers.IntegerField(read_only=True, help_text=_("Tal om færre end k borgere vises ikke."))
    instrument = serializers.CharField(source="instrument.code", read_only=True)
    method = serializers.CharField(read_only=True)
    period = serializers.CharField(read_only=True)
    start = serializers.DateField(read_only=True)
    end = serializers.DateField(read_only=True)
    root = UnitRefSerializer(read_only=True, allow_null=True)
    overdispersion = serializers.CharField(read_only=True, help_text=_("none eller additive (τ², DerSimonian–Laird)"))
    overall = OverallSerializer(read_only=True)
    rows = ComparisonRowSerializer(many=True, read_only=True)
    counts = CountTableSerializer(read_only=True)


def count_table_data(table: dict) -> dict:
    """``count_table``'s tuples as named fields."""
    rows = [
        {"name": name, "improved": cells[0], "unchanged": cells[1], "deteriorated": cells[2], "total": total}
        for name, cells, total in table["rows"]
    ]
    t = table["totals"]
    totals = {"name": "", "improved": t[0], "unchanged": t[1], "deteriorated": t[2], "total": table["grand"]}
    return {"rows": rows, "totals": totals}
