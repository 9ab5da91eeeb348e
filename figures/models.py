"""Pre-aggregated figure inputs: per unit × instrument × period, the compact per-course columns the figures
engine needs (docs/figures.md, "Pre-aggregates"). Kept current in every write's own transaction
(``figures.hooks``), built lazily on first read (``figures.aggregates``); no citizen names are stored."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitFigureInputs(models.Model):
    unit = models.ForeignKey("tracker.OrganisationUnit", on_delete=models.CASCADE, related_name="+")
    instrument = models.ForeignKey("outcomes.Instrument", on_delete=models.CASCADE, related_name="+")
    start = models.DateField()
    end = models.DateField()
    # The follow-up rule depends on the minimum interval: a row built under another one is rebuilt on read.
    min_interval_days = models.PositiveIntegerField()
    # The columns, pickled (``figures.aggregates``: several times faster to read than JSON); written only here.
    data = models.BinaryField()
    built_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("forberegnede tal")
        verbose_name_plural = _("forberegnede tal")
        constraints = [
            models.UniqueConstraint(fields=["unit", "instrument", "start", "end"], name="unit_figure_inputs_unique")
        ]
        indexes = [models.Index(fields=["unit", "instrument", "end"], name="unit_figure_inputs_end_idx")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.instrument_id} {self.start}–{self.end}"
