"""The frozen figures of a publication: the director's comparison rows as the figures engine publishes them.

``build_snapshot`` renders ``figures.comparison.unit_comparison`` for a completed grid period and computes
nothing itself: the engine has already applied disclosure control once (``figures.disclosure`` — the threshold
k with secondary suppression across units and within the improved / unchanged / deteriorated table, the
cell-key perturbation, centre lines and totals from the shown rows only), so the public page, the open data
and the director's page show the same figure. The sector table over the whole area follows the same rules:
sectors with fewer than k citizens are left out and the citizen counts carry the cell-key perturbation.

Nothing citizen-level enters the snapshot: only unit and sector names, the period's start and end, and
aggregates.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.utils.translation import gettext_lazy as _

from figures import disclosure
from figures.comparison import Comparison, ComparisonRow, scope_units, small_number_k, unit_comparison
from figures.periods import Period
from outcomes.models import Instrument
from tracker.models import Collaboration, OrganisationUnit, Sector

SNAPSHOT_VERSION = 1

FIGURES = [
    ("counts", _("Antal borgere")),
    ("coverage", _("Dækning")),
    ("improved", _("Andel forbedret")),
    ("mean_change", _("Gennemsnitlig ændring med 95%-konfidensinterval")),
    ("gas", _("Målopfyldelse (GAS)")),
    ("collaboration", _("Samarbejde på tværs af sektorer")),
]
FIGURE_KEYS = [key for key, _label in FIGURES]

# Every column of the open data, in order: (name, figure it belongs to, type, Danish description).
COLUMNS: list[tuple[str, str, str, Any]] = [
    ("instrument", "", "tekst", _("Måleredskabets kode (fx who5 for WHO-5 Trivselsindeks).")),
    ("niveau", "", "tekst", _("'samlet' for hele området, 'enhed' for en enhed eller afdeling.")),
    ("enhed", "", "tekst", _("Enhedens (eller områdets) navn.")),
    ("skjult", "", "ja/nej", _("'ja' når rækken har færre end k aktive borgere: så vises ingen tal for den.")),
    ("aktive_borgere", "counts", "heltal", _("Borgere med et forløb i enheden, der overlapper perioden.")),
    (
        "borgere_med_foer_og_efter",
        "counts",
        "heltal",
        _("Aktive borgere med en første og en opfølgende måling med redskabet (parret måling)."),
    ),
    (
        "daekning_pct",
        "coverage",
        "procent",
        _("Forløb med opfølgning i perioden i procent af forløbene, der var klar til opfølgning."),
    ),
    ("antal_forbedret", "improved", "heltal", _("Borgere, der er pålideligt forbedret (eller kommet sig).")),
    ("antal_uaendret", "improved", "heltal", _("Borgere uden pålidelig ændring.")),
    ("antal_forvaerret", "improved", "heltal", _("Borgere, der er pålideligt forværret.")),
    ("andel_forbedret_pct", "improved", "procent", _("Andel pålideligt forbedrede af borgerne med før og efter.")),
    ("andel_forbedret_ci_nedre_pct", "improved", "procent", _("Nedre grænse af 95%-konfidensintervallet (Wilson).")),
    ("andel_forbedret_ci_oevre_pct", "improved", "procent", _("Øvre grænse af 95%-konfidensintervallet (Wilson).")),
    (
        "gns_aendring",
        "mean_change",
        "decimaltal",
        _("Gennemsnitlig ændring i score fra første til seneste måling (redskabets skala)."),
    ),
    (
        "gns_aendring_ci_nedre",
        "mean_change",
        "decimaltal",
        _("Nedre grænse af 95%-konfidensintervallet (t-fordeling)."),
    ),
    ("gns_aendring_ci_oevre", "mean_change", "decimaltal", _("Øvre grænse af 95%-konfidensintervallet (t-fordeling).")),
    (
        "gas_t_score",
        "gas",
        "decimaltal",
        _(
            "Gennemsnitlig GAS T-score for borgernes egne mål (50 = som forventet); kun pr. enhed, samme værdi på "
            "hvert måleredskabs række."
        ),
    ),
    ("gas_forloeb", "gas", "heltal", _("Antal forløb med vurderede mål bag GAS T-scoren.")),
    (
        "borgere_med_samarbejde",
        "collaboration",
        "heltal",
        _("Borgere med mindst ét samarbejde i perioden (pr. enhed)."),
    ),
    ("samarbejder", "collaboration", "heltal", _("Antal registrerede samarbejder i perioden.")),
]
SECTOR_COLUMNS: list[tuple[str, str, Any]] = [
    ("sektor", "tekst", _("Samarbejdspartnerens sektor.")),
    ("borgere", "heltal", _("Borgere i hele området med mindst ét samarbejde med sektoren i perioden.")),
]


def columns_for(figures: list[str]) -> list[str]:
    """The open-data columns of a publication with these figures."""
    return [name for name, figure, _t, _d in COLUMNS if not figure or figure in figures]


def _r(value: float | None, digits: int) -> float | None:
    return None if value is None else round(float(value), digits)


def _pct(value: float | None) -> float | None:
    return None if value is None else round(float(value) * 100, 1)


def _row(f: ComparisonRow, *, level: str, name: str) -> dict[str, Any]:
    ci = f.change_ci if f.change_ci and f.change_ci[0] != f.change_ci[1] else None
    return {
        "niveau": level,
        "enhed": name,
        "skjult": f.suppressed,
        "aktive_borgere": None if f.suppressed else f.active,
        "borgere_med_foer_og_efter": None if f.effect_suppressed or f.total_hidden else f.paired,
        "daekning_pct": None if f.total_hidden else _pct(f.coverage),
        "antal_forbedret": f.improved,
        "antal_uaendret": f.unchanged,
        "antal_forvaerret": f.deteriorated,
        "andel_forbedret_pct": _pct(f.improved_share),
        "andel_forbedret_ci_nedre_pct": _pct(f.improved_ci[0]) if f.improved_ci else None,
        "andel_forbedret_ci_oevre_pct": _pct(f.improved_ci[1]) if f.improved_ci else None,
        "gns_aendring": _r(f.mean_change, 1),
        "gns_aendring_ci_nedre": _r(ci[0], 1) if ci else None,
        "gns_aendring_ci_oevre": _r(ci[1], 1) if ci else None,
        "gas_t_score": _r(f.gas_mean, 1),
        "gas_forloeb": f.gas_courses if f.gas_mean is not None else None,
        "borgere_med_samarbejde": f.collab_citizens,
        "samarbejder": f.collaborations,
    }


def instrument_rows(comparison: Comparison, *, scope_name: str) -> list[dict[str, Any]]:
    """The published rows of one instrument: the whole area first (from the shown rows), then each row."""
    rows = [_row(f, level="enhed", name=f.name) for f in comparison.rows if f.active or f.suppressed]
    o = comparison.overall
    top = _row(o, level="samlet", name=scope_name)
    # The area is the sum of the shown rows: its counts add nothing, and its share and mean are the centre lines.
    for name in ("antal_forbedret", "antal_uaendret", "antal_forvaerret", "gas_t_score", "gas_forloeb"):
        top[name] = None
    top["borgere_med_samarbejde"] = top["samarbejder"] = None
    top["andel_forbedret_ci_nedre_pct"] = top["andel_forbedret_ci_oevre_pct"] = None
    top["gns_aendring_ci_nedre"] = top["gns_aendring_ci_oevre"] = None
    top["gns_aendring"] = _r(o.mean_change, 1)
    top["daekning_pct"] = _pct(o.paired / o.due) if o.due else None
    return [top, *rows]


def sector_rows(*, unit_ids: set[int], start: datetime.date, end: datetime.date, k: int) -> list[dict[str, Any]]:
    """Distinct citizens per partner sector over the whole area; sectors with fewer than k citizens left out."""
    citizens: dict[int, set[int]] = defaultdict(set)
    pairs = (
        Collaboration.objects.filter(
            course__unit_id__in=unit_ids,
            course__start__lte=end,
            date__gte=start,
            date__lte=end,
        )
        .values_list("partner__sector_id", "course__citizen_id")
        .distinct()
    )
    for sector_id, citizen_id in pairs:
        citizens[sector_id].add(citizen_id)
    sectors = Sector.objects.filter(pk__in=citizens).order_by("order", "code")
    out = []
    for s in sectors:
        ids = citizens[s.pk]
        published = disclosure.count(len(ids), disclosure.cell_key("citizen", ids), "collab_citizens")
        if min(len(ids), published) >= k:
            out.append({"sektor": s.name_da, "borgere": published})
    return out


def build_snapshot(
    *,
    user,
    scope_unit: OrganisationUnit,
    instruments: list[Instrument],
    period: Period,
    figures: list[str],
) -> dict[str, Any]:
    """Compute the figures once; the result is stored on the publication and never recomputed."""
    start, end = period.start, period.end
    figures = [key for key in FIGURE_KEYS if key in figures]
    columns = columns_for(figures)
    rows: list[dict[str, Any]] = []
    k = None
    for instrument in instruments:
        comparison = unit_comparison(user=user, instrument=instrument, period=period, root_id=scope_unit.pk)
        k = comparison.k
        for row in instrument_rows(comparison, scope_name=scope_unit.name):
            row["instrument"] = instrument.code
            rows.append({name: row.get(name) for name in columns})
    unit_ids, _root = scope_units(user=user, root_id=scope_unit.pk)
    if k is None:
        k = small_number_k()
    sectors = sector_rows(unit_ids=unit_ids, start=start, end=end, k=k) if "collaboration" in figures else []
    return {
        "version": SNAPSHOT_VERSION,
        "area": scope_unit.name,
        "period": {"start": start.isoformat(), "end": end.isoformat(), "code": period.code, "label": str(period)},
        "k": k,
        "figures": figures,
        "instruments": [
            {
                "code": i.code,
                "name": i.name_da,
                "short_name": i.short_name,
                "method": "rci" if i.reliability and i.reference_sd else "mid",
                "higher_is_better": i.higher_is_better,
                "scale": [i.score_min, i.score_max],
                "mid": i.mid,
            }
            for i in instruments
        ],
        "columns": columns,
        "rows": rows,
        "sectors": sectors,
    }
