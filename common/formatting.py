"""Numbers as the unit dashboard writes them: locale-aware (Danish decimal comma), with n and intervals.

One place, so the page, its tables, the exports, the chart hover texts and the report's summary say the
same thing in the same way.
"""

from __future__ import annotations

import datetime
import functools
import math
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import date_format, number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

DASH = "–"


def short_date(value: datetime.date) -> str:
    """The date in the active language's short format."""
    return local_date(value, "SHORT_DATE_FORMAT")


def local_date(value: datetime.date, fmt: str) -> str:
    """Django's ``date_format(value, fmt)`` (as the template filter ``date`` gives it), memoised per date, format
    and language: it parses the format anew on every call, and a table of dates spent a tenth of its rendering
    there."""
    return _local_date(value, fmt, get_language())


@functools.lru_cache(maxsize=8192)
def _local_date(value: datetime.date, fmt: str, language: str | None) -> str:
    # A pure function of its arguments (the formats are the settings' and the language's): every process agrees.
    return date_format(value, fmt)


def num(value: float | None, digits: int = 1, *, signed: bool = False) -> str:
    """A number with ``digits`` decimals in the active language's format; '–' for None."""
    if value is None:
        return DASH
    # Half up, as people round by hand (62.5 % → 63 %), not Python's half to even; and no "−0,0".
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    rounded = rounded if rounded else abs(rounded)
    text = number_format(rounded, decimal_pos=digits)
    if signed and rounded > 0:
        text = "+" + text
    return text.replace("-", "−") if text.startswith("-") else text


def pct(value: float | None, digits: int = 0) -> str:
    """A proportion (0–1) as a percentage: 0.425 → '43 %'."""
    return DASH if value is None else f"{num(value * 100, digits)} %"


def share(s) -> str:
    """A Share as '43 % (18 af 42)'; '–' when its n is 0."""
    if s is None or not s.n:
        return DASH
    return _("%(pct)s (%(k)s af %(n)s)") % {"pct": pct(s.value), "k": s.k, "n": s.n}


def interval_gap(low: float | None, high: float | None, *, n: int | None = None) -> str:
    """Why there is no interval to show, or '' when there is one.

    An interval needs at least 2 values (n < 2: undefined), and one of zero width (all values equal, SD 0) would
    claim a certainty a few identical values cannot give; both are shown as '–' with this reason.
    """
    if n is not None and n < 2:
        return _("kræver mindst 2 målinger")
    if low is not None and high is not None and math.isclose(float(low), float(high), rel_tol=0, abs_tol=1e-12):
        return _("ingen spredning: alle værdier er ens")
    return ""


def interval(
    low: float | None,
    high: float | None,
    digits: int = 1,
    *,
    percent: bool = False,
    n: int | None = None,
    parenthesised: bool = False,
) -> str:
    """'6,7 til 21,2' (or '38 % til 71 %'); '–' when there is no interval, with the reason where it is known:
    '– (ingen spredning: alle værdier er ens)'. ``parenthesised`` wraps the result for use after a figure:
    '(6,7 til 21,2)' or '(–, ingen spredning: alle værdier er ens)'.
    """
    gap = interval_gap(low, high, n=n)
    if gap:
        return f"({DASH}, {gap})" if parenthesised else f"{DASH} ({gap})"
    if low is None or high is None:
        return f"({DASH})" if parenthesised else DASH
    if percent:
        text = _("%(low)s til %(high)s") % {"low": pct(low), "high": pct(high)}
    else:
        text = _("%(low)s til %(high)s") % {"low": num(low, digits), "high": num(high, digits)}
    return f"({text})" if parenthesised else text


def mean_interval(m, digits: int = 1) -> str:
    """The t interval of a Mean: '6,7 til 21,2', or '–' with the reason (fewer than 2 values, no spread)."""
    if m is None or not m.n:
        return DASH
    return interval(m.low, m.high, digits, n=m.n)


def share_interval(s) -> str:
    return DASH if s is None or not s.n else interval(s.low, s.high, percent=True)


def mean(m, digits: int = 1, *, signed: bool = False) -> str:
    """A Mean as '+13,9 (n = 33)'."""
    if m is None or not m.n:
        return DASH
    return _("%(mean)s (n = %(n)s)") % {"mean": num(m.mean, digits, signed=signed), "n": m.n}
