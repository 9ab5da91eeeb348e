"""An initiative's monthly series, its signals in plain Danish and the director's before/after comparison.

The series come from the figures engine (``figures.series``), split at the initiative's start: each part has
its own centre line; the months after the start are read against the centre before it (qicharts2's
``freeze``) with Anhøj's rules (``outcomes.spc``). A signal says the process has moved — the chart cannot say
why; the learning log and the fidelity checks are where the unit says what it did.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from figures import disclosure, engine, records, series
from figures.periods import Period
from improvement.models import Indicator, Initiative
from outcomes import spc
from outcomes.models import Instrument
from outcomes.summaries import Params
from tracker import dataversion
from tracker.models import OrganisationUnit
from tracker.selectors import access_for

Measure = Indicator.Measure
MONTHS_BEFORE = 12  # the months before the start that give the centre line to compare with
MIN_BEFORE = 6  # fewer useful months before the start: too few to say what "usual" is
# Which chart each indicator gets: an I chart for means and rates, a p chart for the share improved.
P_CHART = {Measure.IMPROVED_SHARE}


def _months_back(day: datetime.date, n: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 - n
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass
class IndicatorSignal:
    measure: str
    label: str
    expected: str  # "up", "down" or "" (shown, not chosen as an indicator)
    text: str
    signal: bool
    side: int  # +1 above the centre before the start, −1 below, 0 none
    as_expected: bool | None
    before: spc.Runs | None = None
    after: spc.Runs | None = None


@dataclass
class InitiativeFigures:
    months: list[series.MonthPoint]
    by_unit: dict[int, list[series.MonthPoint]]
    unit_names: dict[int, str]
    disclosed: bool
    signals: list[IndicatorSignal] = field(default_factory=list)
    split: datetime.date | None = None


def who5() -> Instrument:
    return Instrument.objects.get(code="who5")


def _scope_units(user, initiative: Initiative) -> tuple[set[int], bool]:
    """The initiative's units the user may see, and whether disclosure control applies (not for a leader of
    all of them: they see their own units' figures anyway)."""
    access = access_for(user)
    units = {u.pk for u in initiative.units.all()}
    if units <= access.leader_unit_ids:
        return units, False
    if units & access.director_unit_ids:
        return units & set(access.director_unit_ids), True
    # A leader of some of its units (another leader registered it for more): their own units, as on their page.
    return units & set(access.leader_unit_ids), False


def values_of(points: list[series.MonthPoint], measure: str) -> list[float | None]:
    return [getattr(p, measure) for p in points]


def signal_text(measure: str, runs: spc.Runs, split: datetime.date, expected: str, before_n: int) -> IndicatorSignal:
    label = str(Measure(measure).label)
    day = date_format(split, "j. F")
    if before_n < MIN_BEFORE:
        text = _("For få måneder med tal før start til at sige, om noget har ændret sig.")
        return IndicatorSignal(measure, label, expected, text, False, 0, None, after=runs)
    if runs.n_useful == 0:
        text = _("Ingen tegn på forandring endnu.")
        return IndicatorSignal(measure, label, expected, text, False, 0, None, after=runs)
    side = runs.runs_signal_side
    as_expected = None
    if expected:
        as_expected = (side > 0) == (expected == Indicator.Direction.UP)
    if runs.shift:
        where = _("over medianen") if side > 0 else _("under medianen")
        text = ngettext(
            "Efter %(day)s: %(n)d måned i træk %(where)s — et tegn på en reel forandring, ikke tilfældig variation.",
            "Efter %(day)s: %(n)d måneder i træk %(where)s — et tegn på en reel forandring, ikke tilfældig variation.",
            runs.longest_run,
        ) % {"day": day, "n": runs.longest_run, "where": where}
    elif runs.few_crossings:
        text = _(
            "Efter %(day)s: kun %(c)d krydsninger af medianen på %(n)d måneder — et tegn på en reel forandring, "
            "ikke tilfældig variation."
        ) % {"day": day, "c": runs.crossings, "n": runs.n_useful}
    else:
        return IndicatorSignal(
            measure,
            label,
            expected,
            ngettext(
                "Ingen tegn på forandring endnu (%(n)d måned efter start).",
                "Ingen tegn på forandring endnu (%(n)d måneder efter start).",
                runs.n_useful,
            )
            % {"n": runs.n_useful},
            False,
            0,
            None,
            after=runs,
        )
    if as_expected is True:
        text += " " + _("I den forventede retning.")
    elif as_expected is False:
        text += " " + _("Modsat den forventede retning.")
    return IndicatorSignal(measure, label, expected, text, True, side, as_expected, after=runs)


def analyse(points: list[series.MonthPoint], split: datetime.date, indicators: dict[str, str]) -> list[IndicatorSignal]:
    """For every measure (the chosen indicators first): the months after the start against the median before."""
    out = []
    order = list(indicators) + [m for m in Measure.values if m not in indicators]
    for measure in order:
        values = values_of(points, measure)
        before = [v for p, v in zip(points, values, strict=True) if p.month < split]
        after = [v for p, v in zip(points, values, strict=True) if p.month >= split]
        before_runs = spc.runs_analysis(before)
        runs = (
            spc.runs_analysis(after, centre=before_runs.centre)
            if before_runs.centre is not None
            else spc.Runs(None, 0, 0, 0, 0, 0, 0, 0)
        )
        sig = signal_text(measure, runs, split, indicators.get(measure, ""), before_runs.n_useful)
        sig.before = before_runs
        out.append(sig)
    return out


def split_month(initiative: Initiative) -> datetime.date:
    """The first month counted as "after": the month of the start if it starts on the 1st, else the next."""
    s = initiative.start
    return s if s.day == 1 else _months_back(s.replace(day=1), -1)


def _families(user, unit_ids: set[int]) -> list[frozenset[int]]:
    """The sibling units (same parent, in the director's scope) of the initiative's units: the families in which
    the director's comparison applies secondary suppression."""
    allowed = set(access_for(user).director_unit_ids)
    parents = set(OrganisationUnit.objects.filter(pk__in=unit_ids).values_list("parent_id", flat=True))
    units = OrganisationUnit.objects.filter(parent_id__in=parents, pk__in=allowed, kind=OrganisationUnit.Kind.UNIT)
    by_parent: dict[int, set[int]] = {}
    for pk, parent in units.values_list("pk", "parent_id"):
        by_parent.setdefault(parent, set()).add(pk)
    return [frozenset(v) for _p, v in sorted(by_parent.items())]


def initiative_figures(*, user, initiative: Initiative, today: datetime.date) -> InitiativeFigures:
    """The initiative's series (cached on the data version), its per-unit series and its signals."""
    unit_ids, disclose = _scope_units(user, initiative)
    instrument = who5()
    split = split_month(initiative)
    start = _months_back(split, MONTHS_BEFORE)
    key = {
        "units": sorted(unit_ids),
        "instrument": instrument.pk,
        "parameters": Params.of(instrument).key(),
        "start": start,
        "end": today,
        "disclose": disclose,
        "k": disclosure.Policy.current().k,
    }

    families = _families(user, unit_ids) if disclose else []
    key["families"] = [sorted(f) for f in families]

    def compute():
        return series.monthly_series(
            scope=records.Scope(frozenset(unit_ids)),
            instrument=instrument,
            start=start,
            end=today,
            disclose=disclose,
            by_unit=len(unit_ids) > 1,
            families=families,
        )

    data = dataversion.cached("initiative-series", key, compute) if unit_ids else {0: []}
    names = dict(OrganisationUnit.objects.filter(pk__in=unit_ids).values_list("pk", "name"))
    indicators = {i.measure: i.direction for i in initiative.indicators.all()}
    figures = InitiativeFigures(
        months=data[0],
        by_unit={u: pts for u, pts in data.items() if u},
        unit_names=names,
        disclosed=disclose,
        split=split,
    )
    figures.signals = analyse(figures.months, split, indicators)
    return figures


@dataclass
class BeforeAfter:
    """Units with and without the initiative, mean change at follow-up before and after its start."""

    before: Period
    after: Period
    with_units: list[str]
    without_units: list[str]
    cells: dict[str, tuple[int | None, float | None]]  # "with_before" … → (n, mean)
    difference: float | None = None
    ci: tuple[float, float] | None = None
    hidden: bool = False
    disclosed: bool = True


def _summary(trajs: list[engine.Trajectory]) -> tuple[list[int], list[float]]:
    ids = [t.record.course_id for t in trajs if t.paired]
    changes = [t.change for t in trajs if t.paired]
    return ids, changes


def before_after(*, user, initiative: Initiative, today: datetime.date) -> BeforeAfter | None:
    """The difference in change (with − without, after − before) and its 95 % CI — an association, not an
    effect: the units chose the initiative, and everything else that changed at the same time is in it too.

    For directors: disclosure control as the comparison's (no cell about fewer than k courses, means from the
    perturbed sums, the interval from the pooled SD rounded to a whole point)."""
    access = access_for(user)
    allowed = set(access.director_unit_ids)
    if not allowed:
        return None
    mine = {u.pk for u in initiative.units.all()} & allowed
    units = OrganisationUnit.objects.filter(pk__in=allowed, kind=OrganisationUnit.Kind.UNIT)
    others = set(units.values_list("pk", flat=True)) - mine
    if not mine or not others:
        return None
    instrument = who5()
    params = Params.of(instrument)
    k = disclosure.Policy.current().k
    start = initiative.start
    before = Period(_months_back(start.replace(day=1), MONTHS_BEFORE), start - datetime.timedelta(days=1), "", "")
    after_end = min(today, initiative.end or today, _months_back(start.replace(day=1), -MONTHS_BEFORE))
    if after_end <= start:
        return None
    after = Period(start, after_end, "", "")
    scope = records.Scope(frozenset(mine | others))
    names = dict(units.values_list("pk", "name"))
    cells: dict[str, tuple[int | None, float | None]] = {}
    raw: dict[str, list[float]] = {}
    step = float(instrument.score_multiplier or 1.0)
    hidden = False
    for label, period in (("before", before), ("after", after)):
        recs = records.course_records(scope, period, [instrument])
        trajs = engine.trajectories(recs, period, params, instrument.pk)
        for group, ids in (("with", mine), ("without", others)):
            course_ids, changes = _summary([t for t in trajs if t.record.unit_id in ids])
            name = f"{group}_{label}"
            raw[name] = changes
            n = len(changes)
            if n < k:
                hidden = True
                cells[name] = (None, None)
                continue
            key = disclosure.cell_key("course", course_ids)
            cells[name] = (
                disclosure.count(n, key, "paired"),
                disclosure.mean(math.fsum(changes), n, key, "change", step),
            )
    result = BeforeAfter(
        before=before,
        after=after,
        with_units=sorted(names[u] for u in mine if u in names),
        without_units=sorted(names[u] for u in others),
        cells=cells,
        hidden=hidden,
    )
    if hidden:
        return result
    means = {name: cells[name][1] for name in cells}
    result.difference = round(
        (means["with_after"] - means["with_before"]) - (means["without_after"] - means["without_before"]), 1
    )
    # The pooled SD of the four cells, rounded to a whole point (as the comparison's intervals for directors).
    dof = sum(len(v) - 1 for v in raw.values())
    ss = sum(sum((x - sum(v) / len(v)) ** 2 for x in v) for v in raw.values())
    sd = round(math.sqrt(ss / dof)) if dof > 0 else 0
    se = sd * math.sqrt(sum(1 / len(v) for v in raw.values()))
    result.ci = (round(result.difference - 1.96 * se, 1), round(result.difference + 1.96 * se, 1))
    return result
