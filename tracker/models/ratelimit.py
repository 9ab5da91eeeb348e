"""Rate-limit counters kept in the database."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RateCounter(models.Model):
    """A fixed-window counter for rate limits when the shared cache is the database (selfservice.ratelimit).

    Django's database cache increments by reading and writing the value back, so parallel requests lose
    increments; a row here is incremented by one ``UPDATE … SET count = count + 1``, which the database serialises.
    """

    key = models.CharField(max_length=100, primary_key=True)
    count = models.IntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("tæller (hastighedsgrænse)")
        verbose_name_plural = _("tællere (hastighedsgrænser)")

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
