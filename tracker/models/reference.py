"""Reference data: legal bases, end reasons, sectors and kinds of collaboration."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class ReferenceData(models.Model):
    """A small code list loaded from fixtures, named in Danish and English."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name_da = models.CharField(_("navn (dansk)"), max_length=200)
    name_en = models.CharField(_("navn (engelsk)"), max_length=200)
    order = models.PositiveSmallIntegerField(_("rækkefølge"), default=0)

    class Meta:
        abstract = True
        ordering = ["order", "code"]

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "da").startswith("en") else self.name_da

    def __str__(self) -> str:
        return self.name


class LegalBasis(ReferenceData):
    """A legal basis for support, e.g. Serviceloven §85 (bostøtte)."""

    paragraph = models.CharField(_("paragraf"), max_length=40)

    class Meta(ReferenceData.Meta):
        verbose_name = _("lovgrundlag")
        verbose_name_plural = _("lovgrundlag")


class EndReason(ReferenceData):
    """Why a course of support ended."""

    class Meta(ReferenceData.Meta):
        verbose_name = _("afslutningsårsag")
        verbose_name_plural = _("afslutningsårsager")


class Sector(ReferenceData):
    """The sector a partner belongs to (jobcenter, regional psychiatry, civil society, …)."""

    class Meta(ReferenceData.Meta):
        verbose_name = _("sektor")
        verbose_name_plural = _("sektorer")


class CollaborationKind(ReferenceData):
    """The kind of a collaboration event (meeting, coordinated plan, referral, …)."""

    class Meta(ReferenceData.Meta):
        verbose_name = _("samarbejdsform")
        verbose_name_plural = _("samarbejdsformer")
