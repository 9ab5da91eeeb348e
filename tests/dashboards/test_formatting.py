"""An interval that is undefined (n < 2) or of zero width (SD 0) is written '–' with the reason, never as
'+20,0 (20,0 til 20,0)'."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation

from common import formatting
from dashboards.selectors.rows import Mean, Share


@pytest.fixture(autouse=True)
def danish():
    with translation.override("da"):
        yield


def test_an_ordinary_interval_is_written_low_til_high():
    assert formatting.interval(6.66, 21.24) == "6,7 til 21,2"
    assert formatting.interval(0.375, 0.714, percent=True) == "38 % til 71 %"
    assert formatting.interval(6.66, 21.24, parenthesised=True) == "(6,7 til 21,2)"


def test_a_zero_width_interval_is_a_dash_with_the_reason():
    m = Mean.of([20.0, 20.0, 20.0])
    assert (m.n, m.mean, m.low, m.high) == (3, 20.0, 20.0, 20.0)  # what the t interval gives when SD is 0
    assert formatting.mean_interval(m) == "– (ingen spredning: alle værdier er ens)"
    assert formatting.interval(m.low, m.high) == "– (ingen spredning: alle værdier er ens)"
    assert formatting.interval(20, 20, parenthesised=True) == "(–, ingen spredning: alle værdier er ens)"
    assert "20,0 til 20,0" not in formatting.interval(m.low, m.high)


def test_an_undefined_interval_says_it_needs_two_values():
    assert formatting.mean_interval(Mean.of([12.0])) == "– (kræver mindst 2 målinger)"
    assert formatting.mean_interval(Mean.of([])) == "–"
    assert formatting.interval(None, None) == "–"
    assert formatting.interval(None, None, parenthesised=True) == "(–)"


def test_a_narrow_but_real_interval_is_kept():
    # Rounded to one decimal both ends may print alike, but the interval exists: it is not replaced.
    assert formatting.interval(20.0, 20.04) == "20,0 til 20,0"
    assert formatting.interval_gap(20.0, 20.04) == ""


def test_wilson_intervals_never_have_zero_width():
    for k, n in ((0, 1), (1, 1), (0, 7), (7, 7)):
        s = Share(k, n)
        assert formatting.interval_gap(s.low, s.high) == ""


def test_template_filters():
    template = Template(
        "{% load effect_figures %}{{ m|mean_ci }}|{{ one|mean_ci }}|{{ pair|ci_pair }}|{{ ok|ci_pair }}"
    )
    html = template.render(
        Context({"m": Mean.of([4.0, 4.0]), "one": Mean.of([4.0]), "pair": (3.0, 3.0), "ok": (1.0, 2.5)})
    )
    assert html == (
        "– (ingen spredning: alle værdier er ens)|– (kræver mindst 2 målinger)|"
        "(–, ingen spredning: alle værdier er ens)|(1,0 til 2,5)"
    )


def test_reasons_in_english():
    with translation.override("en"):
        assert formatting.mean_interval(Mean.of([4.0, 4.0])) == "– (no spread: all values are equal)"
        assert formatting.mean_interval(Mean.of([4.0])) == "– (needs at least 2 measurements)"


def test_memoised_dates_are_djangos_dates_in_each_language():
    import datetime

    from django.utils import translation
    from django.utils.formats import date_format

    from common.formatting import local_date, short_date

    day = datetime.date(2026, 3, 7)
    for language in ("da", "en", "da"):
        with translation.override(language):
            assert short_date(day) == date_format(day, "SHORT_DATE_FORMAT")
            assert local_date(day, "M Y") == date_format(day, "M Y")  # "mar 2026", "Mar 2026"
