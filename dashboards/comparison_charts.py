"""Chart specifications for the director's comparison (plain plotly JSON, like common/charts.py).

Only unit-level numbers go into these specs: no citizen names, ids or free text ever reach the browser.
Suppressed rows are left out of every chart.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from common.charts import BAD, BRAND, MUTED, SECOND
from common.charts import base_layout as _layout
from figures.comparison import Comparison
from outcomes import statistics

LIMIT95 = {"color": MUTED, "width": 2, "dash": "dash"}
SYMBOLS = {"above": "triangle-up", "below": "triangle-down"}
LIMIT998 = {"color": BAD, "width": 2, "dash": "dot"}
# Above the plot, room for a one-row legend: the top margin plotly's automargin would otherwise widen to after
# drawing, and then draw the whole chart again (a legend on two rows, on a narrow screen, still gets its room).
LEGEND_TOP = 50


def _limit_traces(xs: list[float], lows95, highs95, lows998, highs998) -> list[dict[str, Any]]:
    return [
        {
            "type": "scatter",
            "mode": "lines",
            "x": xs,
            "y": highs95,
            "name": _("95%-grænser"),
            "line": LIMIT95,
            "hoverinfo": "skip",
            "legendgroup": "95",
        },
        {
            "type": "scatter",
            "mode": "lines",
            "x": xs,
            "y": lows95,
            "name": _("95%-grænser"),
            "line": LIMIT95,
            "hoverinfo": "skip",
            "legendgroup": "95",
            "showlegend": False,
        },
        {
            "type": "scatter",
            "mode": "lines",
            "x": xs,
            "y": highs998,
            "name": _("99,8%-grænser"),
            "line": LIMIT998,
            "hoverinfo": "skip",
            "legendgroup": "998",
        },
        {
            "type": "scatter",
            "mode": "lines",
            "x": xs,
            "y": lows998,
            "name": _("99,8%-grænser"),
            "line": LIMIT998,
            "hoverinfo": "skip",
            "legendgroup": "998",
            "showlegend": False,
        },
    ]


def _centre_line(xs: list[int], y: float, name: str) -> dict[str, Any]:
    """The funnel's target: a horizontal line across the whole range of n."""
    return {
        "type": "scatter",
        "mode": "lines",
        "x": [xs[0], xs[-1]],
        "y": [y, y],
        "name": name,
        "line": {"color": BRAND, "width": 2},
        "hoverinfo": "skip",
    }


def _position(value: float, limits: tuple[float, float] | None) -> str:
    if limits is None:
        return ""
    return "above" if value > limits[1] else "below" if value < limits[0] else "within"


def _unit_markers(shown, *, y: list[float], positions: list[str], hovertemplate: str) -> dict[str, Any]:
    """The units as markers, named in the hover text (and in the table under the chart). The marker's shape repeats
    the position (▲ above, ▼ below, ● within the 95% limits), so colour is never the only cue."""
    return {
        "type": "scatter",
        "mode": "markers",
        "name": _("Enheder"),
        "x": [f.paired for f in shown],
        "y": y,
        "customdata": [f.name for f in shown],
        "cliponaxis": False,
        "marker": {
            "size": 12,
            "color": SECOND,
            "symbol": [SYMBOLS.get(p, "circle") for p in positions],
            "line": {"color": "#ffffff", "width": 1},
        },
        "hovertemplate": hovertemplate,
    }


# Where a flagged unit's label may stand, in pixels above (or below) its point: the nearest that does not cover a
# label already placed. The plot's size in pixels is estimated (the chart is responsive), so the spacing is generous.
LABEL_OFFSETS = (22, 42, 62, 82, 102)
ASSUMED_PLOT = (560, 330)  # width, height in px of the plotting area on a laptop screen


def _unit_labels(
    shown, *, y: list[float], positions: list[str], x_range: tuple[float, float], y_range: tuple[float, float]
) -> list[dict[str, Any]]:
    """Text labels for the flagged units only (outside the 95% limits): above the point when above the funnel,
    below it when below, each at the nearest height where it does not cover another label. Units within the
    limits are not labelled — in the crowded middle their names overlapped; they are in the hover text and in the
    table under the chart."""
    width, height = ASSUMED_PLOT
    x_span = (x_range[1] - x_range[0]) or 1.0
    y_span = (y_range[1] - y_range[0]) or 1.0
    placed: list[tuple[float, float, float, float]] = []  # boxes in px: left, right, bottom, top (y upwards)
    labels = []
    flagged = sorted(
        (f.paired, value, f.name, p) for f, value, p in zip(shown, y, positions, strict=True) if p in ("above", "below")
    )
    for x, value, name, side in flagged:
        px = (x - x_range[0]) / x_span * width
        py = (value - y_range[0]) / y_span * height
        half = 3.8 * len(name) + 6
        sign = 1 if side == "above" else -1
        for offset in LABEL_OFFSETS:
            centre = py + sign * offset
            box = (px - half, px + half, centre - 9, centre + 9)
            if not any(b[0] < box[1] and box[0] < b[1] and b[2] < box[3] and box[2] < b[3] for b in placed):
                break
        placed.append(box)
        labels.append(
            {
                "x": x,
                "y": value,
                "xref": "x",
                "yref": "y",
                "text": name,
                "showarrow": True,
                "arrowhead": 0,
                "arrowwidth": 1,
                "arrowcolor": MUTED,
                "ax": 0,
                "ay": -sign * offset,  # plotly's ay counts downwards
                "font": {"size": 13},
                "bgcolor": "rgba(255,255,255,0.85)",
            }
        )
    return labels


def _n_grid(max_n: int) -> list[int]:
    top = max(10, int(max_n * 1.15))
    return sorted({max(2, int(round(v))) for v in np.geomspace(2, top, 60)})


def funnel_share(comparison: Comparison) -> dict[str, Any] | None:
    """Share improved against number of paired citizens, with exact binomial (or φ-adjusted) limits."""
    shown = [f for f in comparison.rows if f.improved_share is not None]
    overall = comparison.overall
    if not shown or overall.improved_share is None:
        return None
    target = overall.improved_share
    if not 0 < target < 1:
        return None
    xs = _n_grid(max(f.paired for f in shown))
    tau2 = comparison.tau2 if comparison.overdispersion == "additive" else None

    def lims(level):
        return [statistics.funnel_limits_proportion(target, n, level=level, tau2=tau2) for n in xs]

    l95, l998 = lims(0.95), lims(0.998)
    pct = [[round(v * 100, 2) for v in pair] for pair in zip(*l95, strict=True)]
    pct998 = [[round(v * 100, 2) for v in pair] for pair in zip(*l998, strict=True)]
    data = _limit_traces(xs, pct[0], pct[1], pct998[0], pct998[1])
    data.append(_centre_line(xs, round(target * 100, 1), _("Samlet andel")))
    y = [round(f.improved_share * 100, 1) for f in shown]
    positions = [f.position for f in shown]
    data.append(
        _unit_markers(shown, y=y, positions=positions, hovertemplate="%{customdata}: %{y:.0f}% (n=%{x})<extra></extra>")
    )
    return {
        "data": data,
        "layout": _layout(
            height=460,
            margin={"l": 56, "r": 16, "t": LEGEND_TOP, "b": 48},
            xaxis={"title": {"text": _("Borgere med første og opfølgende måling (n)")}, "rangemode": "tozero"},
            yaxis={"title": {"text": _("Andel forbedret (%)")}, "range": [0, 100]},
            annotations=_unit_labels(shown, y=y, positions=positions, x_range=(0, xs[-1]), y_range=(0, 100)),
        ),
    }


def funnel_mean(comparison: Comparison) -> dict[str, Any] | None:
    """Mean change against n, with limits θ0 ± z·σ/√n around the overall mean change."""
    shown = [f for f in comparison.rows if f.mean_change is not None and f.mean_funnel95 is not None]
    overall = comparison.overall
    sd, tau2 = comparison.pooled_sd, comparison.mean_tau2
    if not shown or sd is None:
        return None
    xs = _n_grid(max(f.paired for f in shown))
    l95 = [statistics.funnel_limits_mean(overall.mean_change, sd, n, level=0.95, tau2=tau2) for n in xs]
    l998 = [statistics.funnel_limits_mean(overall.mean_change, sd, n, level=0.998, tau2=tau2) for n in xs]
    data = _limit_traces(xs, [a for a, _b in l95], [b for _a, b in l95], [a for a, _b in l998], [b for _a, b in l998])
    data.append(_centre_line(xs, round(overall.mean_change, 1), _("Samlet gennemsnit")))
    y = [round(f.mean_change, 1) for f in shown]
    positions = [_position(f.mean_change, f.mean_funnel95) for f in shown]
    data.append(
        _unit_markers(shown, y=y, positions=positions, hovertemplate="%{customdata}: %{y:.1f} (n=%{x})<extra></extra>")
    )
    return {
        "data": data,
        "layout": _layout(
            height=420,
            margin={"l": 56, "r": 16, "t": LEGEND_TOP, "b": 48},
            xaxis={"title": {"text": _("Borgere med første og opfølgende måling (n)")}, "rangemode": "tozero"},
            yaxis={"title": {"text": _("Gennemsnitlig ændring")}},
            annotations=_unit_labels(
                shown,
                y=y,
                positions=positions,
                x_range=(0, xs[-1]),
                y_range=(min([a for a, _b in l998] + y), max([b for _a, b in l998] + y)),
            ),
        ),
    }


def forest(comparison: Comparison) -> dict[str, Any] | None:
    """Mean change with 95% CI per unit, unadjusted and case-mix adjusted (observed − expected)."""
    shown = [f for f in comparison.rows if f.change_ci is not None]
    if not shown:
        return None
    names = [f.name for f in shown]
    raw = {
        "type": "scatter",
        "mode": "markers",
        "name": _("Ændring (ujusteret)"),
        "y": names,
        "x": [round(f.mean_change, 2) for f in shown],
        "error_x": {
            "type": "data",
            "symmetric": False,
            "array": [round(f.change_ci[1] - f.mean_change, 2) for f in shown],
            "arrayminus": [round(f.mean_change - f.change_ci[0], 2) for f in shown],
            "color": BRAND,
        },
        "marker": {"symbol": "circle", "size": 11, "color": BRAND},
    }
    adj_rows = [f for f in shown if f.adjusted_ci is not None]
    adjusted = {
        "type": "scatter",
        "mode": "markers",
        "name": _("Observeret − forventet (justeret)"),
        "y": [f.name for f in adj_rows],
        "x": [round(f.adjusted_change, 2) for f in adj_rows],
        "error_x": {
            "type": "data",
            "symmetric": False,
            "array": [round(f.adjusted_ci[1] - f.adjusted_change, 2) for f in adj_rows],
            "arrayminus": [round(f.adjusted_change - f.adjusted_ci[0], 2) for f in adj_rows],
            "color": SECOND,
        },
        "marker": {"symbol": "diamond", "size": 11, "color": SECOND},
        "xaxis": "x2",
    }
    return {
        "data": [raw, adjusted],
        "layout": _layout(
            height=max(260, 42 * len(shown) + 120),
            grid={"rows": 1, "columns": 2, "pattern": "independent"},
            xaxis={"title": {"text": _("Gns. ændring (95% CI)")}, "zeroline": True, "domain": [0, 0.47]},
            xaxis2={"title": {"text": _("Justeret: observeret − forventet")}, "zeroline": True, "domain": [0.53, 1]},
            yaxis={"automargin": True, "autorange": "reversed"},
            margin={"l": 16, "r": 16, "t": LEGEND_TOP, "b": 60},
        ),
    }


def trends(comparison: Comparison) -> list[dict[str, Any]]:
    """Small multiples: one mini chart per row with the quarterly mean score (quarters with < k citizens left out)."""
    out = []
    inst = comparison.instrument
    shapes = []
    if inst.clinical_cutoff is not None:
        shapes = [
            {
                "type": "line",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "y0": inst.clinical_cutoff,
                "y1": inst.clinical_cutoff,
                "line": {"color": BAD, "width": 1, "dash": "dash"},
            }
        ]
    for f in comparison.rows:
        if f.suppressed:
            continue
        points = [(q, m, n) for q, m, n in comparison.trends.get(f.key, []) if n >= comparison.k and m is not None]
        if not points:
            continue
        out.append(
            {
                "row": f,
                "points": points,
                "spec": {
                    "data": [
                        {
                            "type": "scatter",
                            "mode": "lines+markers",
                            "name": f.name,
                            "x": [q.isoformat() for q, _m, _n in points],
                            "y": [round(m, 1) for _q, m, _n in points],
                            "line": {"color": BRAND},
                            "marker": {"size": 7},
                            "hovertemplate": "%{x|%b %Y}: %{y}<extra></extra>",
                        }
                    ],
                    "layout": _layout(
                        height=200,
                        showlegend=False,
                        margin={"l": 40, "r": 8, "t": 8, "b": 32},
                        xaxis={"type": "date", "tickformat": "%m/%y"},
                        yaxis={"range": [inst.score_min, inst.score_max]},
                        shapes=shapes,
                    ),
                },
            }
        )
    return out
