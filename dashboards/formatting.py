"""Numbers as the unit dashboard writes them: locale-aware (Danish decimal comma), with n and intervals.

One place, so the page, its tables, the exports, the chart hover texts and the report's summary say the
same thing in the same way.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

DASH = "–"


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


def interval(low: float | None, high: float | None, digits: int = 1, *, percent: bool = False) -> str:
    """'6,7 til 21,2' (or '38 % til 71 %'); '–' when there is no interval."""
    if low is None or high is None:
        return DASH
    if percent:
        return _("%(low)s til %(high)s") % {"low": pct(low), "high": pct(high)}
    return _("%(low)s til %(high)s") % {"low": num(low, digits), "high": num(high, digits)}


def share_interval(s) -> str:
    return DASH if s is None or not s.n else interval(s.low, s.high, percent=True)


def mean(m, digits: int = 1, *, signed: bool = False) -> str:
    """A Mean as '+13,9 (n = 33)'."""
    if m is None or not m.n:
        return DASH
    return _("%(mean)s (n = %(n)s)") % {"mean": num(m.mean, digits, signed=signed), "n": m.n}
