"""The per-course trajectory summary: first and latest score and the change category."""

from __future__ import annotations

from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from outcomes.models.instruments import Instrument
from outcomes.models.measurements import (
    Measurement,
)
from tracker.models import Course


class TrajectorySummary(models.Model):
    """Per (course, instrument): baseline, latest, change and its reliable-change category.

    Kept current by the measurement services in the same transaction as every write; rebuilt from scratch
    by ``manage.py rebuild_summaries``. Dashboards read these rows, never the raw measurements.
    """

    class Category(models.TextChoices):
        RECOVERED = "recovered", _("Forbedret og krydset den kliniske grænse")
        IMPROVED = "improved", _("Forbedret")
        UNCHANGED = "unchanged", _("Uændret")
        DETERIORATED = "deteriorated", _("Forværret")
        HARMED = "harmed", _("Forværret og krydset den kliniske grænse")

    class Method(models.TextChoices):
        RCI = "rci", _("Pålidelig ændring (RCI, Jacobson & Truax)")
        MID = "mid", _("Mindste vigtige ændring (MID)")
        NONE = "none", _("Ingen klassifikation")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="summaries")
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="summaries")
    unit = models.ForeignKey("tracker.OrganisationUnit", on_delete=models.CASCADE, related_name="+")
    n_measurements = models.PositiveIntegerField(default=0)
    baseline = models.ForeignKey(Measurement, null=True, on_delete=models.SET_NULL, related_name="+")
    latest = models.ForeignKey(Measurement, null=True, on_delete=models.SET_NULL, related_name="+")
    baseline_date = models.DateField(null=True)
    latest_date = models.DateField(null=True)
    baseline_score = models.FloatField(null=True)
    latest_score = models.FloatField(null=True)
    change = models.FloatField(null=True)
    rci = models.FloatField(null=True)
    category = models.CharField(max_length=15, choices=Category.choices, blank=True)
    method = models.CharField(max_length=5, choices=Method.choices, default=Method.NONE)

    class Meta:
        verbose_name = _("forløbsopsummering")
        verbose_name_plural = _("forløbsopsummeringer")
        constraints = [
            models.UniqueConstraint(fields=["course", "instrument"], name="summary_unique_course_instrument")
        ]
        indexes = [models.Index(fields=["unit", "instrument"], name="summary_unit_instr_idx")]

    def __str__(self) -> str:
        return f"{self.course} {self.instrument.short_name}"

    @property
    def category_label(self) -> str:
        """The category in words that say how it was judged: 'pålideligt' only where the RCI was used."""
        if not self.category:
            return ""
        if self.method == self.Method.RCI:
            return str(RCI_LABELS[self.category])
        return str(MID_LABELS.get(self.category, self.get_category_display()))

    @property
    def meaningful_change_label(self) -> str:
        """Where the RCI judged the category: whether the change reaches the MID, called "meaningful change".

        The MID is never called reliable; it is shown beside the RCI category as a second, separate reading.
        Empty when the RCI did not judge the category or the instrument has no MID.
        """
        mid = self.instrument.mid
        if self.method != self.Method.RCI or not mid or self.change is None:
            return ""
        better = self.change if self.instrument.higher_is_better else -self.change
        words = {"mid": number_format(mid, decimal_pos=0 if float(mid).is_integer() else 1)}
        if better >= mid:
            return str(_("Meningsfuld forbedring (mindst %(mid)s point)") % words)
        if -better >= mid:
            return str(_("Meningsfuld forværring (mindst %(mid)s point)") % words)
        return str(_("Under den meningsfulde ændring (%(mid)s point)") % words)


RCI_LABELS = {
    TrajectorySummary.Category.RECOVERED: _("Pålideligt forbedret og krydset den kliniske grænse"),
    TrajectorySummary.Category.IMPROVED: _("Pålideligt forbedret"),
    TrajectorySummary.Category.UNCHANGED: _("Ingen pålidelig ændring"),
    TrajectorySummary.Category.DETERIORATED: _("Pålideligt forværret"),
    TrajectorySummary.Category.HARMED: _("Pålideligt forværret og krydset den kliniske grænse"),
}
MID_LABELS = {
    TrajectorySummary.Category.IMPROVED: _("Forbedret (mindst den mindste vigtige ændring)"),
    TrajectorySummary.Category.UNCHANGED: _("Uændret (mindre end den mindste vigtige ændring)"),
    TrajectorySummary.Category.DETERIORATED: _("Forværret (mindst den mindste vigtige ændring)"),
}
