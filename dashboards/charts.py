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
# A timeline with a single measurement date shows this much on either side of it.
SINGLE_DATE_SPAN = datetime.timedelta(weeks=3)


LEGEND_ABOVE = {"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom"}


def _layout(**extra: Any) -> dict[str, Any]:
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
        "layout": _layout(
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
        "layout": _layout(
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


# --------------------------------------------------------------------------- the unit leader's dashboard
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
        "layout": _layout(
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
            "layout": _layout(
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
    layout = _layout(
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
        "layout": _layout(
            height=max(220, 34 * len(labels) + 90),
            showlegend=False,
            xaxis={"range": [-limit, limit], "zeroline": True, "zerolinewidth": 2, "title": {"text": name}},
            yaxis={"automargin": True, "autorange": "reversed"},
            margin={"l": 16, "r": 16, "t": 16, "b": 48},
        ),
    }


def _num(value: float | None, digits: int = 1) -> str:
    # Imported here so that this section stays an addition at the end of the module.
    from dashboards.formatting import num

    return num(value, digits)


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
