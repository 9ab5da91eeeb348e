"""The shared cache of computed aggregates."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AggregateCache(models.Model):
    """Cached aggregates (dashboards, comparisons), each stored with the data version it was computed at.

    A read asks for the entry whose version equals the current one in a single query, so a stale entry is
    simply never returned. Kept in the shared database: every app server sees the same entries.
    """

    key = models.CharField(max_length=100, primary_key=True)
    version = models.BigIntegerField()
    value = models.BinaryField()
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("beregnede tal (cache)")
        verbose_name_plural = _("beregnede tal (cache)")

    def __str__(self) -> str:
        return self.key
