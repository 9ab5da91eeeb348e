"""Goals of a course (goal attainment scaling) and their reviews."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from outcomes.models.instruments import LifeDomain
from tracker.models import Course


class Goal(models.Model):
    """The citizen's own goal, in their own words, scored with Goal Attainment Scaling (−2…+2)."""

    course = models.ForeignKey(Course, verbose_name=_("forløb"), on_delete=models.CASCADE, related_name="goals")
    text = models.TextField(_("målet med borgerens egne ord"))
    life_domain = models.ForeignKey(LifeDomain, verbose_name=_("livsområde"), on_delete=models.PROTECT)
    level_minus2 = models.CharField(_("−2: meget mindre end forventet"), max_length=300)
    level_minus1 = models.CharField(_("−1: mindre end forventet"), max_length=300)
    level_0 = models.CharField(_("0: forventet niveau"), max_length=300)
    level_plus1 = models.CharField(_("+1: mere end forventet"), max_length=300)
    level_plus2 = models.CharField(_("+2: meget mere end forventet"), max_length=300)
    baseline_level = models.SmallIntegerField(
        _("niveau ved start"), default=-1, validators=[MinValueValidator(-2), MaxValueValidator(2)]
    )
    importance = models.PositiveSmallIntegerField(
        _("vigtighed (1–3)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    difficulty = models.PositiveSmallIntegerField(
        _("sværhed (1–3)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    created_on = models.DateField(_("oprettet"))
    target_date = models.DateField(_("forventet opfyldt"), null=True, blank=True)
    closed_on = models.DateField(_("afsluttet"), null=True, blank=True)

    class Meta:
        verbose_name = _("mål")
        verbose_name_plural = _("mål")
        ordering = ["created_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(baseline_level__gte=-2, baseline_level__lte=2),
                name="goal_baseline_level_range",
                violation_error_message=_("Niveauet skal ligge mellem −2 og +2."),
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("created_on")),
                name="goal_closed_after_created",
                violation_error_message=_("Et mål kan ikke afsluttes før det er oprettet."),
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def weight(self) -> float:
        """Kiresuk & Sherman's weight: importance × difficulty when both are given, otherwise 1."""
        if self.importance and self.difficulty:
            return float(self.importance * self.difficulty)
        return 1.0

    def level_texts(self) -> list[tuple[int, str]]:
        return [
            (2, self.level_plus2),
            (1, self.level_plus1),
            (0, self.level_0),
            (-1, self.level_minus1),
            (-2, self.level_minus2),
        ]


class GoalReview(models.Model):
    """A dated review of a goal recording the level reached."""

    goal = models.ForeignKey(Goal, verbose_name=_("mål"), on_delete=models.CASCADE, related_name="reviews")
    date = models.DateField(_("dato"))
    level = models.SmallIntegerField(_("opnået niveau"), validators=[MinValueValidator(-2), MaxValueValidator(2)])
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registreret af"), null=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("opfølgning på mål")
        verbose_name_plural = _("opfølgninger på mål")
        ordering = ["date", "id"]
        # "The goal's latest review by a date" (dashboards, comparison): one index step instead of a sort per goal.
        indexes = [models.Index(fields=["goal", "date", "id"], name="goalreview_goal_date_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__gte=-2, level__lte=2),
                name="goalreview_level_range",
                violation_error_message=_("Niveauet skal ligge mellem −2 og +2."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.goal} {self.date:%d.%m.%Y}: {self.level:+d}"
