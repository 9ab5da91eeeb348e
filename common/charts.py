"""Chart primitives in plotly's JSON figure format, drawn in the browser by static/js/charts.js: the layout,
the colours and the generic figure builders every page's charts are made of.

Why plain dicts rather than ``plotly.graph_objects.Figure``: building a validated Figure costs ~35 ms each on
this machine, which alone would break the citizen page's 60 ms budget. The dicts use only plotly's
documented figure schema; tests/dashboards/test_charts.py validates every builder's output with
``plotly.graph_objects.Figure`` so a typo fails a test, not a user's page.

Every chart also has its numbers in an accessible table in the template (WCAG: no information by chart
alone), and markers carry symbols as well as colours. A library module: it imports no app.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

FONT = {"family": "system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif", "size": 14, "color": "#1b1f24"}
BRAND, SECOND, GOOD, BAD, MUTED = "#00547a", "#b35900", "#1e6b34", "#a3222b", "#4a5360"
# A timeline with a single measurement date shows this much on either side of it.
SINGLE_DATE_SPAN = datetime.timedelta(weeks=3)


LEGEND_ABOVE = {"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom"}


def base_layout(**extra: Any) -> dict[str, Any]:
    layout = {
        "font": FONT,
        "margin": {"l": 56, "r": 16, "t": 40, "b": 48},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "hovermode": "closest",
        "showlegend": True,
        # Above the plot: below it, the legend collided with the x-axis title on narrow screens.
        "legend": dict(LEGEND_ABOVE),
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
    xaxis: dict[str, Any] = {"type": "date", "tickformat": "%d.%m.%y", "title": {"text": _("Dato")}}
    if points and len(set(dates)) == 1:
        # One measurement date: plotly would stretch a zero-width range into hours. Show a few weeks around it.
        only = points[0][0]
        xaxis["range"] = [(only - SINGLE_DATE_SPAN).isoformat(), (only + SINGLE_DATE_SPAN).isoformat()]
    return {
        "data": data,
        "layout": base_layout(
            height=300,
            xaxis=xaxis,
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
        "layout": base_layout(
            height=460,
            margin={"l": 90, "r": 90, "t": 40, "b": 40},
            polar=_radar_polar(len(labels), rmax),
            # The legend above the plot would cover the label of the top domain: keep it clear of the polar area
            # (see the domain in _radar_polar) and see-through.
            legend={**LEGEND_ABOVE, "bgcolor": "rgba(255,255,255,0)"},
        ),
    }


def _radar_polar(count: int, rmax: float) -> dict[str, Any]:
    """The first domain at the top, clockwise; the radial scale (0, 2, … 10) drawn halfway between the first
    two domains, so its numbers never sit on a domain's spoke or label; domain labels a little smaller and
    outside the grid."""
    rotation = 90
    angle = rotation - 180 / count if count else rotation
    return {
        # Room above the polar area for the top domain's label, below the legend.
        "domain": {"x": [0, 1], "y": [0, 0.86]},
        "radialaxis": {
            "range": [0, rmax],
            "dtick": 2,
            "angle": angle,
            "tickangle": angle,
            "tickfont": {"size": 11, "color": MUTED},
            "showline": False,
        },
        "angularaxis": {
            "direction": "clockwise",
            "rotation": rotation,
            "tickfont": {"size": 13},
            "ticks": "outside",
            "ticklen": 4,
        },
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
        "layout": base_layout(
            height=max(200, 48 * len(labels) + 80),
            showlegend=False,
            xaxis=xaxis,
            yaxis={"automargin": True, "autorange": "reversed"},
            margin={"l": 16, "r": 16, "t": 16, "b": 48},
        ),
    }


def change_bars(
    *,
    labels: Sequence[str],
    values: Sequence[float | None],
    counts: Sequence[int],
    name: str,
    limit: float,
) -> dict[str, Any]:
    """Mean change per category (e.g. life domain), diverging from zero: better to the right."""
    colours = [MUTED if v is None or v == 0 else (GOOD if v > 0 else BAD) for v in values]
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "name": name,
                "x": list(values),
                "y": list(labels),
                "customdata": list(counts),
                "marker": {"color": colours},
                "hovertemplate": "%{y}: %{x:+.1f} (n = %{customdata})<extra></extra>",
            }
        ],
        "layout": base_layout(
            height=max(220, 34 * len(labels) + 90),
            showlegend=False,
            xaxis={"range": [-limit, limit], "zeroline": True, "zerolinewidth": 2, "title": {"text": name}},
            yaxis={"automargin": True, "autorange": "reversed"},
            margin={"l": 16, "r": 16, "t": 16, "b": 48},
        ),
    }
