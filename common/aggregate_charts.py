"""Chart primitives for aggregate figures (shares per change category, a quarterly trend), in plotly's JSON
figure format like ``common.charts``. A library module: it imports no app."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from common.charts import BAD, BRAND, FONT, GOOD, MUTED, SECOND, base_layout
from common.formatting import num as _num


def _category_colour(code: str) -> str:
    if code in ("recovered", "improved"):
        return GOOD
    if code in ("deteriorated", "harmed"):
        return BAD
    return MUTED


def category_shares(
    *,
    labels: Sequence[str],
    codes: Sequence[str],
    shares: Sequence[float],
    lows: Sequence[float],
    highs: Sequence[float],
    counts: Sequence[int],
    n: int,
) -> dict[str, Any]:
    """Shares of courses per change category (percent) with their Wilson 95% intervals as error bars.

    Colour follows the direction (better, unchanged, worse) and every bar also carries its number as text,
    so the colour is never the only cue.
    """
    x = [100 * s for s in shares]
    text = [f"{_num(v, 0)} % ({k}/{n})" for v, k in zip(x, counts, strict=True)]
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "name": _("Andel af forløb"),
                "x": x,
                "y": list(labels),
                "text": text,
                "textposition": "outside",
                "cliponaxis": False,
                "marker": {"color": [_category_colour(c) for c in codes]},
                "error_x": {
                    "type": "data",
                    "symmetric": False,
                    "array": [100 * h - v for h, v in zip(highs, x, strict=True)],
                    "arrayminus": [v - 100 * lo for lo, v in zip(lows, x, strict=True)],
                    "color": "#1b1f24",
                    "thickness": 1.5,
                },
                "hovertemplate": "%{y}: %{text}<extra></extra>",
            }
        ],
        "layout": base_layout(
            height=max(220, 56 * len(labels) + 90),
            showlegend=False,
            xaxis={"range": [0, 100], "ticksuffix": " %", "title": {"text": _("Andel af forløb (95 %-interval)")}},
            yaxis={"automargin": True, "autorange": "reversed"},
            margin={"l": 16, "r": 90, "t": 16, "b": 48},
        ),
    }


def quarterly_trend(
    *,
    labels: Sequence[str],
    means: Sequence[float | None],
    counts: Sequence[int],
    improved: Sequence[float | None],
    followed: Sequence[int],
    score_name: str,
    score_min: float,
    score_max: float,
    cutoff: float | None = None,
    improved_name: str = "",
) -> dict[str, Any]:
    """The unit's mean score per quarter and, below it in a panel of its own, the share improved since
    baseline (%), with the clinical cut-off marked on the score axis. Quarters without data are gaps, not zeros.

    Two stacked panels sharing the quarters rather than a second y-axis on the right: overlaid, the two scales
    (score 0–100, share 0–100 %) read as one and their ticks and titles collided.
    """
    data: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": _("Gennemsnitlig %(name)s-score") % {"name": score_name},
            "x": list(labels),
            "y": list(means),
            "customdata": list(counts),
            "line": {"color": BRAND, "width": 3},
            "marker": {"size": 10, "symbol": "circle", "color": BRAND},
            "connectgaps": False,
            "hovertemplate": "%{x}: %{y:.1f} (n = %{customdata})<extra></extra>",
        }
    ]
    if improved_name:
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": improved_name,
                "x": list(labels),
                "y": [None if v is None else 100 * v for v in improved],
                "customdata": list(followed),
                "xaxis": "x2",
                "yaxis": "y2",
                "line": {"color": SECOND, "width": 2, "dash": "dot"},
                "marker": {"size": 10, "symbol": "triangle-up", "color": SECOND},
                "connectgaps": False,
                "hovertemplate": "%{x}: %{y:.0f} % (n = %{customdata})<extra></extra>",
            }
        )
    shapes, annotations = [], []
    if cutoff is not None:
        shapes.append(
            {
                "type": "line",
                "xref": "paper",
                "yref": "y",
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
                "yref": "y",
                "x": 0,
                "y": cutoff,
                "xanchor": "left",
                "yanchor": "bottom",
                "showarrow": False,
                "text": _("Klinisk grænse %(c)s") % {"c": f"{cutoff:g}"},
                "font": {"color": BAD},
            }
        )
    pad = (score_max - score_min) * 0.04
    quarters = {"type": "category", "categoryorder": "array", "categoryarray": list(labels)}
    score_axis = {"range": [score_min - pad, score_max + pad], "title": {"text": score_name}, "zeroline": False}
    if not improved_name:
        return {
            "data": data,
            "layout": base_layout(
                height=300,
                xaxis={**quarters, "title": {"text": _("Kvartal")}},
                yaxis=score_axis,
                shapes=shapes,
                annotations=annotations,
                margin={"l": 56, "r": 16, "t": 16, "b": 48},
            ),
        }
    # Panel titles above each panel (a long title along a short y-axis would be cut off).
    for text, y in ((data[0]["name"], 1.0), (improved_name, TREND_LOWER[1])):
        annotations.append(
            {
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": y,
                "xanchor": "left",
                "yanchor": "bottom",
                "showarrow": False,
                "text": text,
                "font": {"size": 14, "color": FONT["color"]},
            }
        )
    layout = base_layout(
        height=440,
        showlegend=False,  # each panel is titled; a legend would repeat the titles
        xaxis={**quarters, "anchor": "y", "showticklabels": False},  # the quarters are named under the lower panel
        xaxis2={**quarters, "anchor": "y2", "matches": "x", "title": {"text": _("Kvartal")}},
        yaxis={**score_axis, "domain": list(TREND_UPPER), "anchor": "x"},
        yaxis2={
            "domain": list(TREND_LOWER),
            "anchor": "x2",
            "range": [0, 100],
            "ticksuffix": " %",
            "title": {"text": "%"},
            "zeroline": False,
        },
        shapes=shapes,
        annotations=annotations,
        margin={"l": 56, "r": 16, "t": 32, "b": 48},
    )
    return {"data": data, "layout": layout}


# The quarterly trend's two panels (fractions of the plot height): the score above, the share improved below.
TREND_UPPER = (0.52, 0.93)
TREND_LOWER = (0.0, 0.38)
