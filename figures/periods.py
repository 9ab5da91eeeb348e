"""The period grid every role and channel shares: calendar months, quarters, half-years, years, and rolling
12 months ending at a month end; leaders may also choose custom dates for their own units.

Plain date arithmetic, no Django models. A period is inclusive at both ends and never reaches past today,
so "this quarter" means "from the first day of the quarter up to and including today". Aggregate-only
audiences (directors, the public, open data) get grid periods only: day-level windows would let two
periods one day apart be differenced (docs/figures.md, "Periods and follow-up").
"""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

LAST_12_MONTHS = "12m"  # the rolling 12 months ending with the current month (up to today)
CUSTOM = "custom"
_CODE = re.compile(r"^(?P<kind>[mrqhy])(?P<year>\d{4})(?:-(?P<part>\d{1,2}))?$")
N_MONTHS, N_ROLLING, N_QUARTERS, N_HALVES, N_YEARS = 24, 12, 8, 4, 3


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


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(year, month, 1)
    nxt = datetime.date(year + (month == 12), 1 if month == 12 else month + 1, 1)
    return start, nxt - datetime.timedelta(days=1)


def _months_back(year: int, month: int, n: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) - n
    return index // 12, index % 12 + 1


def _bounds(kind: str, year: int, part: int | None) -> tuple[datetime.date, datetime.date]:
    if kind == "m":
        return month_bounds(year, part)
    if kind == "r":  # the 12 months ending with month ``part``
        first_year, first_month = _months_back(year, part, 11)
        return datetime.date(first_year, first_month, 1), month_bounds(year, part)[1]
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


def month_label(year: int, month: int) -> str:
    return date_format(datetime.date(year, month, 1), "F Y")


def _label(kind: str, year: int, part: int | None) -> str:
    if kind == "m":
        return month_label(year, part)
    if kind == "r":
        first_year, first_month = _months_back(year, part, 11)
        return _("12 måneder: %(first)s–%(last)s") % {
            "first": month_label(first_year, first_month),
            "last": month_label(year, part),
        }
    if kind == "q":
        return quarter_label(year, part)
    if kind == "h":
        return _("%(h)s. halvår %(year)s") % {"h": part, "year": year}
    return str(year)


def period_choices(today: datetime.date, *, custom: bool = True) -> list:
    """Choices for a <select> with option groups; the codes are what ``resolve_period`` understands.

    ``custom``: offer the custom period (leaders, for their own units); aggregate-only audiences get the grid.
    A function of the day, the language and ``custom`` alone, so remembered per process (every dashboard request
    asks for it; its ~90 dates and labels cost a millisecond): a fresh list each call, the labels shared.
    """
    return [
        (code, list(label) if isinstance(label, tuple) else label)
        for code, label in _period_choices(today, custom, get_language())
    ]


@functools.lru_cache(maxsize=64)
def _period_choices(today: datetime.date, custom: bool, language: str | None) -> tuple:
    months, rolling = [], []
    for i in range(N_MONTHS):
        y, m = _months_back(today.year, today.month, i)
        months.append((f"m{y}-{m:02d}", month_label(y, m)))
        if i < N_ROLLING:
            rolling.append((f"r{y}-{m:02d}", _label("r", y, m)))
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
    choices = [
        (LAST_12_MONTHS, gettext_lazy("Seneste 12 måneder")),
        (gettext_lazy("Løbende 12 måneder"), rolling[1:]),
        (gettext_lazy("Kvartal"), quarters),
        (gettext_lazy("Halvår"), halves),
        (gettext_lazy("År"), years),
        (gettext_lazy("Måned"), months),
    ]
    if custom:
        choices.append((CUSTOM, gettext_lazy("Selvvalgt periode (fra–til)")))
    return tuple(
        (str(code), tuple(label)) if isinstance(label, list) else (code, str(label)) for code, label in choices
    )


def grid_codes(today: datetime.date) -> list[str]:
    """Every grid period an aggregate-only user may choose today (the attacker test enumerates these)."""
    out = []
    for code, label in period_choices(today, custom=False):
        out.extend(c for c, _label in label) if isinstance(label, list) else out.append(code)
    return out


def resolve_period(
    code: str,
    *,
    today: datetime.date,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> Period:
    """The period a choice code stands for, clipped to today. Raises ValueError on an unknown code."""
    if code == LAST_12_MONTHS:
        first, _last = _bounds("r", today.year, today.month)
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
    if (
        (kind in "mr" and part not in range(1, 13))
        or (kind == "q" and part not in (1, 2, 3, 4))
        or (kind == "h" and part not in (1, 2))
        or (kind == "y" and part)
    ):
        raise ValueError(f"unknown period {code!r}")
    first, last = _bounds(kind, year, part)
    if first > today:
        raise ValueError("the period has not begun")
    return Period(first, min(last, today), code, _label(kind, year, part))
