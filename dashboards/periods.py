"""Report periods for the leader's dashboard: the last 12 months, calendar quarters, half-years, years, custom.

Plain date arithmetic, no Django models. A period is inclusive at both ends and never reaches past today,
so "this quarter" means "from the first day of the quarter up to and including today".
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

LAST_12_MONTHS = "12m"
CUSTOM = "custom"
_CODE = re.compile(r"^(?P<kind>[qhy])(?P<year>\d{4})(?:-(?P<part>\d))?$")
N_QUARTERS, N_HALVES, N_YEARS = 8, 4, 3


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date  # inclusive, never after the day the period was resolved
    code: str
    label: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __str__(self) -> str:
        return self.label


def _one_year_before(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def quarter_of(day: datetime.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(year, 3 * quarter - 2, 1)
    nxt = datetime.date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
    return start, nxt - datetime.timedelta(days=1)


def quarter_label(year: int, quarter: int) -> str:
    return _("%(q)s. kvt. %(year)s") % {"q": quarter, "year": year}


def quarters_between(start: datetime.date, end: datetime.date) -> list[tuple[int, int]]:
    """The calendar quarters that overlap [start, end], oldest first."""
    year, quarter = quarter_of(start)
    last = quarter_of(end)
    out = []
    while (year, quarter) <= last:
        out.append((year, quarter))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return out


def _bounds(kind: str, year: int, part: int | None) -> tuple[datetime.date, datetime.date]:
    if kind == "q":
        return quarter_bounds(year, part)
    if kind == "h":
        return (
            (datetime.date(year, 1, 1), datetime.date(year, 6, 30))
            if part == 1
            else (
                datetime.date(year, 7, 1),
                datetime.date(year, 12, 31),
            )
        )
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def _label(kind: str, year: int, part: int | None) -> str:
    if kind == "q":
        return quarter_label(year, part)
    if kind == "h":
        return _("%(h)s. halvår %(year)s") % {"h": part, "year": year}
    return str(year)


def period_choices(today: datetime.date) -> list:
    """Choices for a <select> with option groups; the codes are what ``resolve_period`` understands."""
    quarters, halves, years = [], [], []
    year, quarter = quarter_of(today)
    for _i in range(N_QUARTERS):
        quarters.append((f"q{year}-{quarter}", quarter_label(year, quarter)))
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    year, half = today.year, 1 if today.month <= 6 else 2
    for _i in range(N_HALVES):
        halves.append((f"h{year}-{half}", _label("h", year, half)))
        year, half = (year - 1, 2) if half == 1 else (year, 1)
    years = [(f"y{y}", str(y)) for y in range(today.year, today.year - N_YEARS, -1)]
    return [
        (LAST_12_MONTHS, gettext_lazy("Seneste 12 måneder")),
        (gettext_lazy("Kvartal"), quarters),
        (gettext_lazy("Halvår"), halves),
        (gettext_lazy("År"), years),
        (CUSTOM, gettext_lazy("Selvvalgt periode (fra–til)")),
    ]


def resolve_period(
    code: str,
    *,
    today: datetime.date,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> Period:
    """The period a choice code stands for, clipped to today. Raises ValueError on an unknown code."""
    if code == LAST_12_MONTHS:
        first = _one_year_before(today) + datetime.timedelta(days=1)
        return Period(first, today, code, _("Seneste 12 måneder"))
    if code == CUSTOM:
        if start is None or end is None:
            raise ValueError("a custom period needs both dates")
        last = min(end, today)
        label = _("%(start)s–%(end)s") % {
            "start": date_format(start, "SHORT_DATE_FORMAT"),
            "end": date_format(last, "SHORT_DATE_FORMAT"),
        }
        return Period(start, last, code, label)
    match = _CODE.match(code or "")
    if not match:
        raise ValueError(f"unknown period {code!r}")
    kind, year = match["kind"], int(match["year"])
    part = int(match["part"]) if match["part"] else None
    if (kind == "q" and part not in (1, 2, 3, 4)) or (kind == "h" and part not in (1, 2)) or (kind == "y" and part):
        raise ValueError(f"unknown period {code!r}")
    first, last = _bounds(kind, year, part)
    if first > today:
        raise ValueError("the period has not begun")
    return Period(first, min(last, today), code, _label(kind, year, part))
