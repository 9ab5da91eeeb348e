"""The listing of the user's imports (django-tables2)."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from imports.models import ImportJob
from tracker.tables import BaseTable


class ImportJobTable(BaseTable):
    file_name = tables.Column(verbose_name=_("Fil"), linkify=True)
    created_at = tables.DateTimeColumn(verbose_name=_("Uploadet"), format="d.m.Y H:i")
    status = tables.Column(verbose_name=_("Status"))
    total_rows = tables.Column(verbose_name=_("Rækker"))
    error_count = tables.Column(verbose_name=_("Fejl"))

    class Meta(BaseTable.Meta):
        model = ImportJob
        fields = ("file_name", "created_at", "status", "total_rows", "error_count")
        order_by = ("-created_at",)
        per_page = 10
        empty_text = _("Du har ikke importeret noget endnu.")
