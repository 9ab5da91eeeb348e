"""The tidy (long-format) analyst export of a unit's measurements, and its data dictionary.

Shape: **one row per item answer**. A measurement of WHO-5 gives five rows (one per item), a life-domain
self-rating twelve, an ORS or SRS total one (its single item ``total``). The measurement's raw score and score are
repeated on each of its rows, and ``measurement_key`` groups the rows of one measurement, so an analyst gets the
scores with ``drop_duplicates("measurement_key")`` and the items with a pivot — both without joins. We chose answers
over scores as the unit of a row because the answers are what was recorded: every score can be recomputed from
them, not the other way round.

Pseudonymisation: no names, CPR numbers, free text or database ids. Citizens, courses and measurements appear as
keys (``exchange.pseudonyms``, scope ``tidy:unit:<id>``): stable across repeated exports of the same unit, different
in every other unit's export. Gender and birth year are left out: with the unit and dates they would make
re-identification easy, and the dashboards already give the case-mix adjusted figures.

``COLUMNS`` is the single source of the header, the data dictionary page and the dictionary as CSV and JSON.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.utils.translation import gettext_lazy as _

from exchange import terminology
from exchange.pseudonyms import pseudonym, tidy_scope

TEXT, INTEGER, DECIMAL, DATE = _("tekst"), _("heltal"), _("decimaltal"), _("dato (ÅÅÅÅ-MM-DD)")

COLUMNS = (
    (
        "citizen_key",
        TEXT,
        _(
            "Pseudonym for borgeren (16 hex-tegn). Det samme for borgeren i alle udtræk fra enheden, "
            "forskelligt i andre enheders udtræk."
        ),
    ),
    ("course_key", TEXT, _("Pseudonym for forløbet (borger × enhed × lovgrundlag × start).")),
    ("measurement_key", TEXT, _("Pseudonym for målingen. Rækker med samme nøgle er svarene i én måling.")),
    ("unit", TEXT, _("Enhedens kode.")),
    ("legal_basis", TEXT, _("Forløbets lovgrundlag (kode, fx sel-85).")),
    ("instrument", TEXT, _("Måleredskabets kode (who5, life-domains, ors, srs …).")),
    ("date", DATE, _("Målingens dato.")),
    ("days_since_start", INTEGER, _("Dage fra forløbets start til målingen (0 = startdagen).")),
    (
        "informer",
        TEXT,
        _("Hvem svarede: citizen, citizen_relative, citizen_staff, relative eller staff (KL's fem kilder)."),
    ),
    (
        "completion",
        TEXT,
        _(
            "Hvem skrev svarene: staff_entry (medarbejderen), tablet (borgeren selv på enhedens tablet) eller "
            "link (borgeren selv via personligt link)."
        ),
    ),
    (
        "item",
        TEXT,
        _("Spørgsmålets id i måleredskabet (WHO-5: happy, calm, active, rested, interest; ORS/SRS: total)."),
    ),
    ("life_domain", TEXT, _("Livsområdets kode, når spørgsmålet hører til et livsområde (ellers tom).")),
    ("value", INTEGER, _("Svaret på spørgsmålet (WHO-5: 0–5, livsområder: 0–10, ORS/SRS: 0–40).")),
    ("raw_score", DECIMAL, _("Målingens råscore (WHO-5: summen 0–25); tom for profiler, der ikke summeres.")),
    (
        "score",
        DECIMAL,
        _("Målingens score (WHO-5: råscore × 4 = 0–100); tom for profiler. Gentaget på hver række i målingen."),
    ),
)

HEADER = tuple(name for name, _kind, _text in COLUMNS)


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


class _Keys:
    """Pseudonyms of one export, each computed once (a unit's file repeats a citizen's key on every row)."""

    def __init__(self, unit_id: int) -> None:
        self.scope = tidy_scope(unit_id)
        self.known: dict[tuple[str, int], str] = {}

    def __call__(self, kind: str, pk: int) -> str:
        key = self.known.get((kind, pk))
        if key is None:
            key = self.known[(kind, pk)] = pseudonym(scope=self.scope, kind=kind, pk=pk)
        return key


def tidy_row(values: tuple, *, keys: _Keys) -> tuple:
    """One CSV row from one item answer (the fields of ``exchange.selectors.TIDY_FIELDS``, in order)."""
    (
        citizen_id,
        course_id,
        measurement_id,
        unit_code,
        legal_basis,
        course_start,
        instrument,
        date,
        informer,
        completion,
        item,
        life_domain,
        value,
        raw_score,
        score,
    ) = values
    return (
        keys("citizen", citizen_id),
        keys("course", course_id),
        keys("measurement", measurement_id),
        unit_code,
        legal_basis,
        instrument,
        date.isoformat(),
        (date - course_start).days,
        informer,
        completion,
        item,
        life_domain or "",
        value,
        _number(raw_score),
        _number(score),
    )


def tidy_rows(values: Iterable[tuple], *, unit_id: int) -> Iterator[tuple]:
    """The header, then one row per item answer."""
    keys = _Keys(unit_id)
    yield HEADER
    for row in values:
        yield tidy_row(row, keys=keys)


def life_domain_rows(life_domains: Iterable) -> list[dict]:
    """Each life domain with its FFB code (KL's code system urn:oid:1.2.208.176.2.22, FFB's own name for it) and
    the FFB sub-theme its goals are exported with as a FHIR Condition (empty: none fits, see docs/exchange.md)."""
    rows = []
    for domain in life_domains:
        ffb_code = domain.ffb_code or ""
        condition = terminology.condition_code(domain.code) or ""
        rows.append(
            {
                "code": domain.code,
                "name": domain.name,
                "ffb_code": ffb_code,
                "ffb_name": terminology.ffb().displays.get(ffb_code, ""),
                "fhir_condition_code": condition,
                "fhir_condition_name": terminology.ffb().displays.get(condition, ""),
            }
        )
    return rows


MISSING_ROW = _(
    "En livsområde-vurdering giver én række pr. livsområde, borgeren har vurderet. Har borgeren sprunget et "
    "livsområde over, findes der ingen række for det: en manglende række betyder 'ikke vurderet', ikke 0."
)


def dictionary(*, instruments: Iterable, informers: Iterable[tuple[str, str]], life_domains: Iterable = ()) -> dict:
    """The data dictionary: the columns, and the codes that appear in them."""
    return {
        "missing_rows": str(MISSING_ROW),
        "life_domains": life_domain_rows(life_domains),
        "description": str(
            _(
                "Enhedens målinger i langt format til analyse: én række pr. svar på et spørgsmål. Ingen navne, "
                "CPR-numre, fritekst eller database-id'er; borgere, forløb og målinger har pseudonyme nøgler."
            )
        ),
        "columns": [{"name": name, "type": str(kind), "description": str(text)} for name, kind, text in COLUMNS],
        "informers": [{"code": code, "label": str(label)} for code, label in informers],
        "instruments": [
            {
                "code": instrument.code,
                "name": instrument.name,
                "score_min": instrument.score_min,
                "score_max": instrument.score_max,
                "higher_is_better": instrument.higher_is_better,
                "items": [
                    {
                        "item": item.link_id,
                        "text": item.text,
                        "min": item.min_value,
                        "max": item.max_value,
                        "life_domain": item.life_domain.code if item.life_domain else "",
                    }
                    for item in instrument.items.all()
                ],
            }
            for instrument in instruments
        ],
    }
