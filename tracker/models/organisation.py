"""Organisation units, staff memberships and directors' scopes."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tracker.models.reference import LegalBasis


class OrganisationUnit(models.Model):
    """A node in the organisation tree: municipality → department → unit."""

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Kommune")
        DEPARTMENT = "department", _("Afdeling")
        UNIT = "unit", _("Enhed")

    name = models.CharField(_("navn"), max_length=200)
    code = models.SlugField(_("kode"), max_length=60, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.UNIT)
    parent = models.ForeignKey(
        "self", verbose_name=_("overordnet"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    legal_bases = models.ManyToManyField(LegalBasis, verbose_name=_("lovgrundlag"), blank=True)
    description = models.CharField(_("beskrivelse"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("organisationsenhed")
        verbose_name_plural = _("organisationsenheder")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=F("id")),
                name="unit_not_own_parent",
                violation_error_message=_("En enhed kan ikke være sin egen overordnede."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # Walk up the tree: a unit may not become a descendant of itself.
        node, seen = self.parent, set()
        while node is not None and self.pk is not None:
            if node.pk == self.pk or node.pk in seen:
                raise ValidationError({"parent": _("Enhedstræet må ikke indeholde en løkke.")})
            seen.add(node.pk)
            node = node.parent


class Membership(models.Model):
    """A member of staff's role in a unit (caseworker or leader)."""

    class Role(models.TextChoices):
        CASEWORKER = "caseworker", _("Medarbejder")
        LEADER = "leader", _("Leder")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("bruger"), on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(
        OrganisationUnit, verbose_name=_("enhed"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("rolle"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("medlemskab")
        verbose_name_plural = _("medlemskaber")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit"],
                name="membership_unique_user_unit",
                violation_error_message=_("Brugeren har allerede en rolle i denne enhed."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.unit}"


class DirectorScope(models.Model):
    """A director's scope: an organisation subtree whose aggregated figures they may see."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("bruger"), on_delete=models.CASCADE, related_name="director_scopes"
    )
    unit = models.ForeignKey(
        OrganisationUnit, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="director_scopes"
    )

    class Meta:
        verbose_name = _("direktørområde")
        verbose_name_plural = _("direktørområder")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit"],
                name="directorscope_unique_user_unit",
                violation_error_message=_("Brugeren har allerede dette område."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.unit}"
