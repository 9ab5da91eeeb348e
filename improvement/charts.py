"""Run and control charts of an initiative's monthly series, as plain plotly figure dicts (the house style of
common/charts.py), drawn by static/js/charts.js. Each chart's numbers are in the table beside it."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _

from common.charts import BAD, BRAND, MUTED, SECOND
from common.charts import base_layout as _layout
from figures.series import MonthPoint
from improvement.analysis import P_CHART
from outcomes import spc


def _line(x0: str, x1: str, y: float, name: str, color: str, dash: str = "solid") -> dict[str, Any]:
    return {
        "type": "scatter",
        "mode": "lines",
        "name": name,
        "x": [x0, x1],
        "y": [y, y],
        "line": {"color": color, "width": 2, "dash": dash},
        "hoverinfo": "skip",
    }


def control_chart(
    *, title: str, points: list[MonthPoint], measure: str, split: datetime.date, percent: bool = False
) -> dict[str, Any]:
    """The series split at ``split``: each part with its own centre (median) and 3-sigma limits (I chart, or
    p chart for a share of courses)."""
    scale = 100.0 if percent else 1.0
    xs = [p.month.isoformat() for p in points]
    ys = [getattr(p, measure) for p in points]
    data: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": title,
            "x": xs,
            "y": [None if v is None else round(v * scale, 1) for v in ys],
            "line": {"color": BRAND, "width": 2},
            "marker": {"size": 9, "symbol": "circle", "color": BRAND},
            "connectgaps": False,
            "hovertemplate": "%{x|%b %Y}: %{y}<extra></extra>",
        }
    ]
    for n, part in enumerate(spc.parts([p.month for p in points], ys, split)):
        present = [v for v in part.values if v is not None]
        if not present:
            continue
        x0, x1 = part.dates[0].isoformat(), part.dates[-1].isoformat()
        label = _("Median før start") if n == 0 and part.dates[0] < split else _("Median efter start")
        data.append(_line(x0, x1, round(part.runs.centre * scale, 2), label, SECOND if n else MUTED))
        idx = [i for i, p in enumerate(points) if p.month in set(part.dates)]
        if measure in P_CHART:
            events = [points[i].improved or 0 for i in idx if points[i].improved_share is not None]
            totals = [points[i].paired or 0 for i in idx if points[i].improved_share is not None]
            dates = [points[i].month.isoformat() for i in idx if points[i].improved_share is not None]
            if totals and sum(totals):
                lim = spc.p_chart(events, totals)
                for limits, name in ((lim.lcl, _("Nedre kontrolgrænse")), (lim.ucl, _("Øvre kontrolgrænse"))):
                    data.append(
                        {
                            "type": "scatter",
                            "mode": "lines",
                            "name": name,
                            "x": dates,
                            "y": [None if v is None else round(v * scale, 1) for v in limits],
                            "line": {"color": BAD, "width": 1, "dash": "dot", "shape": "hv"},
                            "showlegend": n == 0,
                            "hoverinfo": "skip",
                        }
                    )
        else:
            lim = spc.i_chart(present)
            if lim.lcl is not None:
                for y, name in ((lim.lcl, _("Nedre kontrolgrænse")), (lim.ucl, _("Øvre kontrolgrænse"))):
                    line = _line(x0, x1, round(y * scale, 2), name, BAD, "dot")
                    line["showlegend"] = n == 0
                    data.append(line)
    shapes = [
        {
            "type": "line",
            "xref": "x",
            "yref": "paper",
            "x0": split.isoformat(),
            "x1": split.isoformat(),
            "y0": 0,
            "y1": 1,
            "line": {"color": MUTED, "width": 2, "dash": "dash"},
        }
    ]
    annotations = [
        {
            "xref": "x",
            "yref": "paper",
            "x": split.isoformat(),
            "y": 1,
            "xanchor": "left",
            "yanchor": "top",
            "showarrow": False,
            "text": _("Start"),
            "font": {"color": MUTED},
        }
    ]
    return {
        "data": data,
        "layout": _layout(
            height=320,
            xaxis={"type": "date", "tickformat": "%b %y", "title": {"text": _("Måned")}},
            yaxis={"title": {"text": title + (" (%)" if percent else "")}, "zeroline": True},
            shapes=shapes,
            annotations=annotations,
        ),
    }
