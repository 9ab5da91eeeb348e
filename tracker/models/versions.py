"""Data versions: the counters cached aggregates are keyed on."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from tracker.models.organisation import OrganisationUnit


def new_epoch() -> str:
    return secrets.token_hex(8)


class DataVersion(models.Model):
    """One counter, bumped in the same transaction as every write of citizen data.

    Cached aggregates (dashboards, comparisons) are keyed on it, so a cache entry can never outlive the data
    it was computed from: after a write commits, every reader sees the new version and recomputes. One row
    in the shared database means several app servers agree on it without any per-process state.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    value = models.BigIntegerField(default=0)
    # Made with the row: part of every cache entry's version, so a database created anew (its counter back at 0)
    # never meets the cached entries of an earlier one in a shared Redis (tracker/dataversion.py).
    epoch = models.CharField(max_length=32, default=new_epoch, editable=False)

    class Meta:
        verbose_name = _("dataversion")
        verbose_name_plural = _("dataversion")

    def __str__(self) -> str:
        return str(self.value)


class UnitDataVersion(models.Model):
    """A unit's own counter, bumped with every write of citizen data in the unit.

    A cached figure set for some units is valid while the global counter (``DataVersion``) and these units'
    counters are unchanged, so a write in one unit leaves every other unit's dashboards warm, and writers in
    different units do not queue on one row's lock.
    """

    unit = models.OneToOneField(OrganisationUnit, on_delete=models.CASCADE, primary_key=True, related_name="+")
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("dataversion for en enhed")
        verbose_name_plural = _("dataversioner for enheder")

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.value}"


class UnitTopicVersion(models.Model):
    """A unit's counter for one kind of data (a *topic*: the measurements of one instrument, the goals, the
    collaborations), bumped instead of the unit's own counter by a write known to touch that kind only.

    A figure that reads only some kinds of data (the life-domain profile reads one instrument's measurements) is
    cached under the stamp of those topics, so a WHO-5 recorded in the unit leaves it warm (tracker/dataversion.py).
    """

    unit = models.ForeignKey(OrganisationUnit, on_delete=models.CASCADE, related_name="+")
    topic = models.CharField(max_length=60)
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("dataversion for en enhed og en slags data")
        verbose_name_plural = _("dataversioner for enheder og slags data")
        constraints = [models.UniqueConstraint(fields=["unit", "topic"], name="unit_topic_version_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.topic}: {self.value}"
