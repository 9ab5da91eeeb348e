"""The citizen page's charts (the caseworker's overview, the printable 'Min udvikling', the citizen's own
development on the tablet), assembled from the chart primitives in ``common.charts``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from common.charts import horizontal_bars, radar, timeline


def citizen_charts(overview: dict[str, Any]) -> dict[str, Any]:
    """The citizen page's charts, from the rows of ``outcomes.selectors.citizen_overview``."""
    timelines = []
    for instrument, rows in overview["measurements_by_instrument"].items():
        if not instrument.has_score:
            continue
        timelines.append(
            {
                "instrument": instrument,
                "id": f"timeline-{instrument.code}",
                "rows": rows,
                "spec": timeline(
                    name=instrument.short_name,
                    points=[(m.date, m.score) for m in rows],
                    score_min=instrument.score_min,
                    score_max=instrument.score_max,
                    cutoff=instrument.clinical_cutoff,
                ),
            }
        )
    profile = overview.get("life_domain_profile")
    radar_spec = None
    if profile and profile["rows"]:
        rows = profile["rows"]
        radar_spec = radar(
            labels=[r["label"] for r in rows],
            first=[r["first"] for r in rows],
            latest=[r["latest"] for r in rows],
            first_label=_("Første (%(d)s)") % {"d": profile["first"].date.strftime("%d.%m.%Y")},
            latest_label=_("Seneste (%(d)s)") % {"d": profile["latest"].date.strftime("%d.%m.%Y")},
        )
    sector_rows = overview.get("sector_rows") or []
    sector_spec = None
    if sector_rows:
        sector_spec = horizontal_bars(
            labels=[r["sector"].name for r in sector_rows],
            values=[r["count"] for r in sector_rows],
            name=_("Antal samarbejder"),
            hover=[
                _("%(n)s gange, udbytte %(u)s")
                % {
                    "n": r["count"],
                    "u": f"{r['mean_usefulness']:.1f}".replace(".", ",") if r["mean_usefulness"] is not None else "–",
                }
                for r in sector_rows
            ],
        )
    return {"timelines": timelines, "radar_spec": radar_spec, "sector_spec": sector_spec}
