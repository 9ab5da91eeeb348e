"""The frozen figures of a publication: built from the director's comparison, small numbers suppressed again.

``build_snapshot`` reuses ``dashboards.comparison.unit_comparison`` (per-unit figures and its ``overall``) and
re-applies the small-number rule on what is published, stricter than the comparison where a public table could
give a hidden figure away:

- a row about fewer than k active citizens shows nothing; one with fewer than k paired citizens no effect figures
  (and no coverage, which would reveal the paired count);
- secondary suppression against the whole-department row: while the hidden rows together hold between 1 and k − 1
  citizens (active, or paired), the smallest shown row is hidden too — otherwise the department's total minus the
  shown rows would give the hidden figure away;
- the improved / unchanged / deteriorated counts go through ``count_table`` (secondary suppression within the
  table); the share improved is shown only where its count is;
- goal attainment only over at least k courses; collaboration only where at least k citizens collaborated; by
  sector only sectors with at least k citizens.

Nothing citizen-level enters the snapshot: only unit and sector names, the period's start and end, and
aggregates.
"""

from __future__ import annotations

import copy
import datetime
from collections import defaultdict
from typing import Any

from django.utils.translation import gettext_lazy as _

from dashboards.comparison import EFFECT_FIELDS, Comparison, GroupFigures, count_table, scope_units, unit_comparison
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
    ("daekning_pct", "coverage", "procent", _("Borgere med før- og eftermåling i procent af de aktive borgere.")),
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


def _hide(f: GroupFigures, *, fully: bool) -> None:
    f.effect_suppressed = True
    for name in EFFECT_FIELDS:
        setattr(f, name, None if name != "position" else "")
    if fully:
        f.suppressed = True
        f.gas_mean = f.collaborations = f.collab_citizens = f.plan_citizens = None


def _secondary(rows: list[GroupFigures], k: int) -> None:
    """Hide the smallest shown rows until the hidden rows hold none or at least k citizens (active, paired)."""
    while True:
        hidden = sum(f.active for f in rows if f.suppressed)
        shown = [f for f in rows if not f.suppressed]
        if not (0 < hidden < k) or not shown:
            break
        _hide(min(shown, key=lambda f: (f.active, f.name)), fully=True)
    while True:
        hidden = sum(f.paired for f in rows if f.effect_suppressed)
        shown = [f for f in rows if not f.effect_suppressed]
        if not (0 < hidden < k) or not shown:
            break
        _hide(min(shown, key=lambda f: (f.paired, f.name)), fully=False)


def _row(
    f: GroupFigures, *, level: str, name: str, k: int, counts: tuple | None, total_hidden: bool = False
) -> dict[str, Any]:
    hidden = f.suppressed or f.active < k
    # A row total the count table had to hide is the paired count: then no effect figures for the row.
    effect_hidden = hidden or f.effect_suppressed or f.paired < k or total_hidden
    improved, unchanged, deteriorated = counts or (None, None, None)
    share_shown = not effect_hidden and improved is not None and improved >= k
    gas_shown = not hidden and f.gas_mean is not None and f.gas_courses >= k
    collab_shown = not hidden and f.collab_citizens is not None and f.collab_citizens >= k
    return {
        "niveau": level,
        "enhed": name,
        "skjult": hidden,
        "aktive_borgere": None if hidden else f.active,
        "borgere_med_foer_og_efter": None if effect_hidden else f.paired,
        "daekning_pct": None if effect_hidden else _pct(f.paired / f.active),
        "antal_forbedret": None if effect_hidden else improved,
        "antal_uaendret": None if effect_hidden else unchanged,
        "antal_forvaerret": None if effect_hidden else deteriorated,
        "andel_forbedret_pct": _pct(f.improved_share) if share_shown else None,
        "andel_forbedret_ci_nedre_pct": _pct(f.improved_ci[0]) if share_shown and f.improved_ci else None,
        "andel_forbedret_ci_oevre_pct": _pct(f.improved_ci[1]) if share_shown and f.improved_ci else None,
        "gns_aendring": None if effect_hidden else _r(f.mean_change, 2),
        "gns_aendring_ci_nedre": None if effect_hidden or not f.change_ci else _r(f.change_ci[0], 2),
        "gns_aendring_ci_oevre": None if effect_hidden or not f.change_ci else _r(f.change_ci[1], 2),
        "gas_t_score": _r(f.gas_mean, 1) if gas_shown else None,
        "gas_forloeb": f.gas_courses if gas_shown else None,
        "borgere_med_samarbejde": f.collab_citizens if collab_shown else None,
        "samarbejder": f.collaborations if collab_shown else None,
    }


def instrument_rows(comparison: Comparison, *, scope_name: str) -> list[dict[str, Any]]:
    """The published rows of one instrument: the whole area first, then each unit (or department)."""
    c = copy.deepcopy(comparison)  # the comparison is cached: never change the shared object
    k = c.k
    _secondary(c.rows, k)
    table = count_table(c)
    counts_by_name = {name: (tuple(cells), total) for name, cells, total in table["rows"]}
    rows = []
    for f in c.rows:
        if not f.active:
            continue
        cells, total = counts_by_name.get(f.name, (None, None))
        rows.append(
            _row(f, level="enhed", name=f.name, k=k, counts=cells, total_hidden=cells is not None and total is None)
        )
    overall = c.overall
    # The area's improved count minus the counts shown per unit must not reveal fewer than k hidden citizens.
    shown_improved = sum(r["antal_forbedret"] or 0 for r in rows)
    hidden_improved = overall.improved - shown_improved
    overall_counts = None
    if overall.improved >= k and not (0 < hidden_improved < k):
        overall_counts = (overall.improved, None, None)
    top = _row(overall, level="samlet", name=scope_name, k=k, counts=overall_counts)
    top["gas_t_score"] = top["gas_forloeb"] = None  # not computed for the whole area by the comparison
    top["borgere_med_samarbejde"] = top["samarbejder"] = None
    top["antal_forbedret"] = None  # shown per unit in the count table; the area shows the share
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
    return [{"sektor": s.name_da, "borgere": len(citizens[s.pk])} for s in sectors if len(citizens[s.pk]) >= k]


def build_snapshot(
    *,
    user,
    scope_unit: OrganisationUnit,
    instruments: list[Instrument],
    start: datetime.date,
    end: datetime.date,
    figures: list[str],
) -> dict[str, Any]:
    """Compute the figures once; the result is stored on the publication and never recomputed."""
    figures = [key for key in FIGURE_KEYS if key in figures]
    columns = columns_for(figures)
    rows: list[dict[str, Any]] = []
    k = None
    for instrument in instruments:
        comparison = unit_comparison(user=user, instrument=instrument, start=start, end=end, root_id=scope_unit.pk)
        k = comparison.k
        for row in instrument_rows(comparison, scope_name=scope_unit.name):
            row["instrument"] = instrument.code
            rows.append({name: row.get(name) for name in columns})
    unit_ids, _root = scope_units(user=user, root_id=scope_unit.pk)
    if k is None:
        from dashboards.comparison import small_number_k

        k = small_number_k()
    sectors = sector_rows(unit_ids=unit_ids, start=start, end=end, k=k) if "collaboration" in figures else []
    return {
        "version": SNAPSHOT_VERSION,
        "area": scope_unit.name,
        "period": {"start": start.isoformat(), "end": end.isoformat()},
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
