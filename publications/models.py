"""A reviewed, frozen, anonymous publication of a department's effect figures."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tracker.models import OrganisationUnit


class Publication(models.Model):
    """A frozen snapshot of aggregate figures for a period, reviewed by a director before it goes public.

    ``snapshot`` is computed once, at creation, and never recomputed: new data after approval do not change what
    was approved and published. It holds aggregates only (unit names, the period's start and end, counts of at
    least k citizens), never citizen-level data.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Kladde")
        APPROVED = "approved", _("Godkendt")
        PUBLISHED = "published", _("Offentliggjort")
        WITHDRAWN = "withdrawn", _("Trukket tilbage")

    slug = models.SlugField(_("webadresse"), max_length=120, unique=True)
    title = models.CharField(_("titel"), max_length=200)
    scope_unit = models.ForeignKey(
        OrganisationUnit, verbose_name=_("område"), on_delete=models.PROTECT, related_name="publications"
    )
    period_start = models.DateField(_("periodens start"))
    period_end = models.DateField(_("periodens slutning"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    snapshot = models.JSONField(_("tal (fastfrosset)"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("oprettet af"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    published_at = models.DateTimeField(_("offentliggjort"), null=True, blank=True)

    class Meta:
        verbose_name = _("offentliggørelse")
        verbose_name_plural = _("offentliggørelser")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="publication_period_in_order",
                violation_error_message=_("Periodens slutning ligger før dens start."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("publications:publication_detail", kwargs={"pk": self.pk})

    def get_public_url(self) -> str:
        return reverse("publications:public_detail", kwargs={"slug": self.slug})

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED


class PublicationEvent(models.Model):
    """One step of the review: who did what, when. Append-only (read-only in the admin)."""

    class Action(models.TextChoices):
        CREATED = "created", _("Oprettet")
        APPROVED = "approved", _("Godkendt")
        PUBLISHED = "published", _("Offentliggjort")
        UNPUBLISHED = "unpublished", _("Trukket tilbage")

    publication = models.ForeignKey(
        Publication, verbose_name=_("offentliggørelse"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("handling"), max_length=12, choices=Action.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("bruger"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("tidspunkt"), auto_now_add=True)

    class Meta:
        verbose_name = _("hændelse")
        verbose_name_plural = _("hændelser")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.publication} · {self.get_action_display()} · {self.at:%Y-%m-%d %H:%M}"
