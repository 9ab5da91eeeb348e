"""The unit dashboard's charts, assembled from the chart primitives in ``common.charts`` and
``common.aggregate_charts`` (plain plotly JSON, drawn by static/js/charts.js)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from common.aggregate_charts import category_shares, quarterly_trend
from common.charts import change_bars, horizontal_bars
from common.formatting import num as _num


def unit_dashboard_charts(dashboard: Any) -> dict[str, dict[str, Any] | None]:
    """The unit dashboard's charts, from a ``dashboards.selectors.UnitDashboard``; None where a section has
    no data (the template then shows its empty-state message instead of an empty chart)."""
    d = dashboard
    instrument = d.instrument
    specs: dict[str, dict[str, Any] | None] = dict.fromkeys(
        ("categories", "trend", "domains", "goal_levels", "sectors")
    )
    if d.categories and d.categories[0].share.n:
        specs["categories"] = category_shares(
            labels=[c.label for c in d.categories],
            codes=[c.code for c in d.categories],
            shares=[c.share.value for c in d.categories],
            lows=[c.share.low for c in d.categories],
            highs=[c.share.high for c in d.categories],
            counts=[c.share.k for c in d.categories],
            n=d.categories[0].share.n,
        )
    if any(q.n for q in d.trend):
        classified = d.method != "none"
        specs["trend"] = quarterly_trend(
            labels=[q.label for q in d.trend],
            means=[q.mean for q in d.trend],
            counts=[q.n for q in d.trend],
            improved=[q.improved.value if q.improved else None for q in d.trend],
            followed=[q.improved.n if q.improved else 0 for q in d.trend],
            score_name=instrument.short_name,
            score_min=instrument.score_min,
            score_max=instrument.score_max,
            cutoff=instrument.clinical_cutoff,
            improved_name=_("Andel forbedret siden første måling") if classified else "",
        )
    if d.life_domains and any(r.n for r in d.life_domains):
        rows = [r for r in d.life_domains if r.n]
        largest = max(abs(r.mean_change) for r in rows)
        specs["domains"] = change_bars(
            labels=[r.label for r in rows],
            values=[r.mean_change for r in rows],
            counts=[r.n for r in rows],
            name=_("Gennemsnitlig ændring (0–10-skala)"),
            limit=max(1.0, float(int(largest) + 1)),
        )
    if d.goals_reviewed:
        specs["goal_levels"] = horizontal_bars(
            labels=[f"{r.level:+d} {r.label}" if r.level else f"0 {r.label}" for r in d.goal_levels],
            values=[r.share.k for r in d.goal_levels],
            name=_("Antal mål"),
            hover=[f"{r.share.k} ({_num(100 * (r.share.value or 0), 0)} %)" for r in d.goal_levels],
        )
    if d.sectors:
        specs["sectors"] = horizontal_bars(
            labels=[r.label for r in d.sectors],
            values=[r.n for r in d.sectors],
            name=_("Antal samarbejder"),
            hover=[
                _("%(n)s gange, udbytte %(u)s") % {"n": r.n, "u": _num(r.usefulness) if r.rated else "–"}
                for r in d.sectors
            ],
        )
    return specs
