"""Chart specifications in plotly's JSON figure format, drawn in the browser by static/js/charts.js.

Why plain dicts rather than ``plotly.graph_objects.Figure``: building a validated Figure costs ~35 ms each on
this machine, which alone would break the citizen page's 60 ms budget. The dicts use only plotly's
documented figure schema; tests/dashboards/test_charts.py validates every builder's output with
``plotly.graph_objects.Figure`` so a typo fails a test, not a user's page.

Every chart also has its numbers in an accessible table in the template (WCAG: no information by chart
alone), and markers carry symbols as well as colours.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

FONT = {"family": "system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif", "size": 14, "color": "#1b1f24"}
BRAND, SECOND, GOOD, BAD, MUTED = "#00547a", "#b35900", "#1e6b34", "#a3222b", "#4a5360"


def _layout(**extra: Any) -> dict[str, Any]:
    layout = {
        "font": FONT,
        "margin": {"l": 56, "r": 16, "t": 16, "b": 48},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "hovermode": "closest",
        "showlegend": True,
        "legend": {"orientation": "h", "y": -0.2},
    }
    layout.update(extra)
    return layout


def timeline(
    *,
    name: str,
    points: Sequence[tuple[datetime.date, float]],
    score_min: float,
    score_max: float,
    cutoff: float | None = None,
    highlight: tuple[datetime.date, float] | None = None,
    highlight_label: str = "",
) -> dict[str, Any]:
    """One instrument's scores over time, with the baseline and the clinical cut-off marked."""
    dates = [d.isoformat() for d, _s in points]
    scores = [s for _d, s in points]
    data: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": name,
            "x": dates,
            "y": scores,
            "line": {"color": BRAND, "width": 3},
            "marker": {"size": 10, "symbol": "circle", "color": BRAND},
            "hovertemplate": "%{x|%d.%m.%Y}: %{y}<extra></extra>",
        }
    ]
    if points:
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": _("Første måling (udgangspunkt)"),
                "x": dates[:1],
                "y": scores[:1],
                "marker": {"size": 16, "symbol": "diamond-open", "color": MUTED, "line": {"width": 3}},
                "hovertemplate": "%{x|%d.%m.%Y}: %{y}<extra></extra>",
            }
        )
    if highlight is not None:
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": highlight_label or _("Denne måling"),
                "x": [highlight[0].isoformat()],
                "y": [highlight[1]],
                "marker": {"size": 18, "symbol": "star", "color": SECOND},
                "hovertemplate": "%{x|%d.%m.%Y}: %{y}<extra></extra>",
            }
        )
    shapes, annotations = [], []
    if cutoff is not None:
        shapes.append(
            {
                "type": "line",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "y0": cutoff,
                "y1": cutoff,
                "line": {"color": BAD, "width": 2, "dash": "dash"},
            }
        )
        annotations.append(
            {
                "xref": "paper",
                "x": 1,
                "y": cutoff,
                "xanchor": "right",
                "yanchor": "bottom",
                "showarrow": False,
                "text": _("Klinisk grænse %(c)s") % {"c": f"{cutoff:g}"},
                "font": {"color": BAD},
            }
        )
    pad = (score_max - score_min) * 0.04
    return {
        "data": data,
        "layout": _layout(
            height=300,
            xaxis={"type": "date", "tickformat": "%d.%m.%y", "title": {"text": _("Dato")}},
            yaxis={"range": [score_min - pad, score_max + pad], "title": {"text": name}, "zeroline": False},
            shapes=shapes,
            annotations=annotations,
        ),
    }


def radar(
    *,
    labels: Sequence[str],
    first: Sequence[float | None],
    latest: Sequence[float | None],
    first_label: str,
    latest_label: str,
    rmax: float = 10,
) -> dict[str, Any]:
    """Life-domain ratings, first against latest, as a radar (polar) chart."""
    closed = [*labels, labels[0]] if labels else []

    def ring(values: Sequence[float | None]) -> list[float | None]:
        return [*values, values[0]] if values else []

    return {
        "data": [
            {
                "type": "scatterpolar",
                "name": first_label,
                "r": ring(first),
                "theta": closed,
                "line": {"color": MUTED, "dash": "dash", "width": 2},
                "marker": {"symbol": "diamond", "size": 8},
                "connectgaps": True,
            },
            {
                "type": "scatterpolar",
                "name": latest_label,
                "r": ring(latest),
                "theta": closed,
                "fill": "toself",
                "fillcolor": "rgba(0, 84, 122, 0.18)",
                "line": {"color": BRAND, "width": 3},
                "marker": {"symbol": "circle", "size": 8},
                "connectgaps": True,
            },
        ],
        "layout": _layout(
            height=420,
            margin={"l": 80, "r": 80, "t": 30, "b": 60},
            polar={"radialaxis": {"range": [0, rmax], "dtick": 2}, "angularaxis": {"direction": "clockwise"}},
        ),
    }


def horizontal_bars(
    *,
    labels: Sequence[str],
    values: Sequence[float],
    name: str,
    hover: Sequence[str] | None = None,
    xmax: float | None = None,
) -> dict[str, Any]:
    """A simple horizontal bar chart (e.g. collaborations by sector)."""
    trace: dict[str, Any] = {
        "type": "bar",
        "orientation": "h",
        "name": name,
        "x": list(values),
        "y": list(labels),
        "marker": {"color": BRAND},
    }
    if hover is not None:
        trace["hovertext"] = list(hover)
        trace["hovertemplate"] = "%{y}: %{hovertext}<extra></extra>"
    xaxis: dict[str, Any] = {"title": {"text": name}, "rangemode": "tozero"}
    if values and max(values) <= 10 and all(float(v).is_integer() for v in values):
        xaxis["dtick"] = 1
    if xmax is not None:
        xaxis["range"] = [0, xmax]
    return {
        "data": [trace],
        "layout": _layout(
            height=max(200, 48 * len(labels) + 80),
            showlegend=False,
            xaxis=xaxis,
            yaxis={"automargin": True, "autorange": "reversed"},
            margin={"l": 16, "r": 16, "t": 16, "b": 48},
        ),
    }


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
