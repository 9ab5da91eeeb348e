"""Template filters that write the dashboard's figures (see ``common.formatting``).

{% load effect_figures %} then ``{{ d.coverage|share }}``, ``{{ d.mean_change|mean_n }}``,
``{{ value|num:1 }}``, ``{{ value|signed:1 }}``, ``{{ share|share_ci }}``, ``{{ m|mean_ci }}``, ``{{ pair|ci_pair }}``,
``{{ day|local_date:"M Y" }}``.
"""

from __future__ import annotations

from django import template

from common import formatting

register = template.Library()


@register.filter
def num(value, digits=1):
    return formatting.num(value, int(digits))


@register.filter
def signed(value, digits=1):
    return formatting.num(value, int(digits), signed=True)


@register.filter
def pct(value, digits=0):
    return formatting.pct(value, int(digits))


@register.filter
def share(value):
    return formatting.share(value)


@register.filter
def share_ci(value):
    return formatting.share_interval(value)


@register.filter
def mean_n(value, digits=1):
    return formatting.mean(value, int(digits), signed=True)


@register.filter
def mean_ci(value, digits=1):
    """A Mean's t interval, or '–' with the reason when it is undefined (n < 2) or of zero width."""
    return formatting.mean_interval(value, int(digits))


@register.filter
def ci_pair(value, digits=1):
    """A (low, high) pair after a figure: '(6,7 til 21,2)', or '(–, reason)' when it is missing or of zero width."""
    low, high = value if value else (None, None)
    return formatting.interval(low, high, int(digits), parenthesised=True)


@register.filter
def local_date(value, fmt="SHORT_DATE_FORMAT"):
    """``{{ day|local_date:"M Y" }}``: what ``{{ day|date:"M Y" }}`` writes, memoised (``common.formatting``)."""
    return formatting.local_date(value, fmt) if value not in (None, "") else ""
