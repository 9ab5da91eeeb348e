"""The headline figures as rows of a table: figure, value, 95% interval and n."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common import formatting as fmt
from dashboards.selectors import UnitDashboard
from dashboards.tables.figures import FigureTable


class HeadlineTable(FigureTable):
    figure = tables.Column(verbose_name=gettext_lazy("Nøgletal"))
    value = tables.Column(verbose_name=gettext_lazy("Værdi"))
    interval = tables.Column(verbose_name=gettext_lazy("95 %-konfidensinterval"))
    n = tables.Column(verbose_name=gettext_lazy("n (grundlag)"))

    class Meta(FigureTable.Meta):
        attrs = {"class": "table headline-table", "id": "headline-table"}


def headline_rows(d: UnitDashboard) -> list[dict[str, Any]]:
    """The headline figures as rows: figure, value, 95% interval, n. Every figure with its n."""
    name = d.instrument.short_name
    counts = d.counts
    rows: list[dict[str, Any]] = [
        {
            "figure": _("Aktive borgere i perioden"),
            "value": counts["active_citizens"],
            "interval": fmt.DASH,
            "n": fmt.DASH,
        },
        {
            "figure": _("Aktive forløb i perioden"),
            "value": counts["active_courses"],
            "interval": fmt.DASH,
            "n": fmt.DASH,
        },
        {"figure": _("Forløb startet i perioden"), "value": counts["started"], "interval": fmt.DASH, "n": fmt.DASH},
        {"figure": _("Forløb afsluttet i perioden"), "value": counts["ended"], "interval": fmt.DASH, "n": fmt.DASH},
        {
            "figure": _("Dækning: aktive forløb med første og opfølgende %(name)s-måling") % {"name": name},
            "value": fmt.share(d.coverage),
            "interval": fmt.share_interval(d.coverage),
            "n": d.coverage.n,
        },
        {
            "figure": _("Gennemsnitlig ændring i %(name)s (point)") % {"name": name},
            "value": fmt.num(d.mean_change.mean, signed=True),
            "interval": fmt.interval(d.mean_change.low, d.mean_change.high),
            "n": d.mean_change.n,
        },
    ]
    for c in d.categories:
        rows.append(
            {
                "figure": c.label,
                "value": fmt.share(c.share),
                "interval": fmt.share_interval(c.share),
                "n": c.share.n,
            }
        )
    es = d.effect_size
    rows.append(
        {
            "figure": _("Effektstørrelse (d, ændring ÷ SD ved start)"),
            "value": fmt.num(es["d"], 2, signed=True) if es else fmt.DASH,
            "interval": fmt.interval(es["low"], es["high"], 2) if es else fmt.DASH,
            "n": int(es["n"]) if es else len(d.paired),
        }
    )
    rows += [
        {
            "figure": _("Målopfyldelse: gns. GAS T-score pr. forløb (50 = som forventet)"),
            "value": fmt.num(d.gas.mean),
            "interval": fmt.interval(d.gas.low, d.gas.high),
            "n": d.gas.n,
        },
        {
            "figure": _("Borgere med koordinerende indsatsplan"),
            "value": fmt.share(d.plan),
            "interval": fmt.share_interval(d.plan),
            "n": d.plan.n,
        },
        {
            "figure": _("Målinger udfyldt af medarbejder alene"),
            "value": fmt.share(d.staff_share),
            "interval": fmt.share_interval(d.staff_share),
            "n": d.staff_share.n,
        },
        {
            "figure": _("Åbne forløb uden første %(name)s-måling") % {"name": name},
            "value": fmt.share(d.no_baseline),
            "interval": fmt.share_interval(d.no_baseline),
            "n": d.no_baseline.n,
        },
    ]
    return rows
