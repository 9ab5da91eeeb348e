"""The effect report's automatically written summary: the dashboard's figures in plain Danish sentences.

Every sentence is one gettext message with named placeholders, so the English catalogue can reorder them;
the numbers are written by ``common.formatting`` in the active language.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common import formatting as fmt
from dashboards.selectors import UnitDashboard
from figures.periods import CUSTOM, LAST_12_MONTHS


def unit_names(names: Sequence[str]) -> str:
    """'A', 'A og B', 'A, B og C'."""
    names = list(names)
    if len(names) <= 1:
        return names[0] if names else ""
    return _("%(first)s og %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


def _count_share(s) -> str:
    """'18 (55 %)'."""
    return _("%(k)s (%(pct)s)") % {"k": s.k, "pct": fmt.pct(s.value)}


def _period_text(d: UnitDashboard) -> str:
    """'01.10.2025–31.12.2025 (4. kvt. 2025)'; the dates alone for the last 12 months and custom periods."""
    p = d.period
    dates = f"{date_format(p.start, 'SHORT_DATE_FORMAT')}–{date_format(p.end, 'SHORT_DATE_FORMAT')}"
    return dates if p.code in (LAST_12_MONTHS, CUSTOM) else f"{dates} ({p.label})"


def effect_summary(d: UnitDashboard) -> list[str]:
    """A few paragraphs saying what the figures say, including what is missing."""
    unit = unit_names([u.name for u in d.units])
    name = d.instrument.short_name
    period = _period_text(d)
    counts = d.counts
    if not d.has_data_in_period:
        return [
            _("I perioden %(period)s havde %(unit)s ingen aktive forløb, så der er intet at gøre op.")
            % {"period": period, "unit": unit}
        ]
    out = [
        ngettext(
            "I perioden %(period)s har %(citizens)s borger haft et aktivt forløb i %(unit)s.",
            "I perioden %(period)s har %(citizens)s borgere haft et aktivt forløb i %(unit)s.",
            counts["active_citizens"],
        )
        % {"period": period, "citizens": counts["active_citizens"], "unit": unit}
        + " "
        + _("%(started)s forløb er begyndt og %(ended)s afsluttet i perioden.")
        % {"started": counts["started"], "ended": counts["ended"]}
    ]

    paired = d.mean_change.n
    if not paired:
        if not d.instrument_used:
            out.append(
                _("Ingen har brugt %(name)s i perioden, så der kan ikke siges noget om ændring med dette redskab.")
                % {"name": name}
            )
        else:
            out.append(
                _("Ingen forløb har både en første og en opfølgende %(name)s-måling i perioden endnu.") % {"name": name}
            )
    else:
        text = _(
            "%(paired)s af %(courses)s forløb, der var klar til en opfølgende %(name)s-måling (%(coverage)s), "
            "har fået den i perioden."
        ) % {"paired": paired, "courses": d.coverage.n, "coverage": fmt.pct(d.coverage.value), "name": name}
        if d.coverage.value is not None and d.coverage.value < 0.5:
            text += " " + _(
                "Dækningen er lav: tallene om ændring gælder kun de borgere, der er fulgt op, og kan derfor give "
                "et skævt billede."
            )
        out.append(text)
        if paired >= 2 and fmt.interval_gap(d.mean_change.low, d.mean_change.high):
            text = _(
                "Deres %(name)s-score har alle ændret sig %(mean)s point fra første til seneste måling; uden "
                "spredning giver et konfidensinterval ingen mening."
            ) % {"name": name, "mean": fmt.num(d.mean_change.mean, signed=True)}
        elif paired >= 2:
            text = _(
                "Deres %(name)s-score har i gennemsnit ændret sig %(mean)s point fra første til seneste måling "
                "(95-procents konfidensinterval %(low)s til %(high)s)."
            ) % {
                "name": name,
                "mean": fmt.num(d.mean_change.mean, signed=True),
                "low": fmt.num(d.mean_change.low),
                "high": fmt.num(d.mean_change.high),
            }
        else:
            text = _("Den ene borger, der er fulgt op, har ændret sig %(mean)s point.") % {
                "mean": fmt.num(d.mean_change.mean, signed=True)
            }
        if d.effect_size:
            text += " " + _("Effektstørrelsen er d = %(d)s (%(low)s til %(high)s).") % {
                "d": fmt.num(d.effect_size["d"], 2, signed=True),
                "low": fmt.num(d.effect_size["low"], 2),
                "high": fmt.num(d.effect_size["high"], 2),
            }
        out.append(text)
        out.append(_categories_sentence(d))

    if d.gas.n:
        out.append(
            ngettext(
                "%(n)s forløb har fået fulgt op på sine mål i perioden; målopfyldelsen (GAS T-score) er %(t)s, "
                "hvor 50 betyder, at målet er nået som forventet.",
                "%(n)s forløb har fået fulgt op på deres mål i perioden; den gennemsnitlige målopfyldelse "
                "(GAS T-score) er %(t)s, hvor 50 betyder, at målene er nået som forventet.",
                d.gas.n,
            )
            % {"n": d.gas.n, "t": fmt.num(d.gas.mean)}
        )
    domains = [r for r in (d.life_domains or []) if r.n and r.mean_change is not None]
    if domains:
        best = max(domains, key=lambda r: r.mean_change)
        out.append(
            _(
                "I borgernes egen vurdering af livsområderne er den største gennemsnitlige ændring i "
                "%(domain)s: %(change)s på en skala fra 0 til 10 (n = %(n)s)."
            )
            % {"domain": best.label.lower(), "change": fmt.num(best.mean_change, signed=True), "n": best.n}
        )
    if d.collaborations:
        text = _(
            "Der er registreret %(n)s samarbejder med andre aktører i perioden, oftest med %(sector)s. "
            "%(plan)s af de aktive borgere har en koordinerende indsatsplan."
        ) % {"n": d.collaborations, "sector": d.sectors[0].label.lower(), "plan": fmt.pct(d.plan.value)}
        if d.usefulness.n:
            text += " " + _("Borgerne vurderer udbyttet til %(mean)s på en skala fra 1 til 5 (n = %(n)s).") % {
                "mean": fmt.num(d.usefulness.mean),
                "n": d.usefulness.n,
            }
        out.append(text)
    else:
        out.append(_("Der er ikke registreret samarbejde med andre aktører i perioden."))
    out.append(_data_quality_sentence(d))
    out.append(
        _(
            "Tallene viser udviklingen hos enhedens borgere og sammenhænge i enhedens egne data. De viser ikke, "
            "at indsatsen alene er årsagen."
        )
    )
    return out


def _categories_sentence(d: UnitDashboard) -> str:
    if d.method == "none":
        return _(
            "%(name)s har hverken en publiceret reliabilitet eller en mindste vigtige ændring, så ændringen "
            "klassificeres ikke."
        ) % {"name": d.instrument.short_name}
    by_code = {c.code: c.share for c in d.categories}
    if d.method == "rci":
        text = _(
            "Med Reliable Change Index er %(improved)s pålideligt forbedret, %(unchanged)s uden pålidelig ændring "
            "og %(deteriorated)s pålideligt forværret."
        ) % {
            "improved": _count_share(d.improved),
            "unchanged": _count_share(by_code["unchanged"]),
            "deteriorated": _count_share(d.deteriorated),
        }
        if "recovered" in by_code:
            text += " " + _(
                "%(recovered)s er krydset over den kliniske grænse til den raske side, %(harmed)s den anden vej."
            ) % {"recovered": _count_share(by_code["recovered"]), "harmed": _count_share(by_code["harmed"])}
        return text
    return _(
        "Målt med den mindste vigtige ændring (MID, %(mid)s point) er %(improved)s forbedret, %(unchanged)s "
        "uændret og %(deteriorated)s forværret."
    ) % {
        "mid": fmt.num(d.instrument.mid, 0),
        "improved": _count_share(d.improved),
        "unchanged": _count_share(by_code["unchanged"]),
        "deteriorated": _count_share(d.deteriorated),
    }


def _data_quality_sentence(d: UnitDashboard) -> str:
    parts = []
    if d.measurements_in_period:
        parts.append(
            _("%(staff)s af periodens %(name)s-målinger er udfyldt af en medarbejder alene.")
            % {"staff": fmt.pct(d.staff_share.value), "name": d.instrument.short_name}
        )
    due, missing = len(d.due), d.no_baseline.k
    if d.instrument.interval_days:
        parts.append(
            ngettext(
                "%(due)s borger mangler en opfølgende måling inden for det anbefalede interval på %(days)s dage, "
                "og %(missing)s åbne forløb har ingen første måling.",
                "%(due)s borgere mangler en opfølgende måling inden for det anbefalede interval på %(days)s dage, "
                "og %(missing)s åbne forløb har ingen første måling.",
                due,
            )
            % {"due": due, "days": d.instrument.interval_days, "missing": missing}
        )
    parts.append(
        ngettext(
            "%(n)s borger er ikke på sporet (forværret, eller under den kliniske grænse uden forbedring efter "
            "%(days)s dage).",
            "%(n)s borgere er ikke på sporet (forværret, eller under den kliniske grænse uden forbedring efter "
            "%(days)s dage).",
            len(d.not_on_track),
        )
        % {"n": len(d.not_on_track), "days": d.not_on_track_days}
    )
    return " ".join(parts)
