"""The unit leader's dashboard and effect report (docs/figures.md).

Every figure is checked against an independent computation on a small hand-built data set: the expected
values are worked out here from the raw numbers the test recorded (with numpy/scipy or by hand), never by
the dashboard's own code. Then: who may open it, the empty states, exports and their audit entries, and
that the number of queries does not grow with the data.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
import re
from types import SimpleNamespace

import numpy as np
import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from scipy import stats

from dashboards import selectors
from dashboards.filters import UnitDashboardFilterSet
from devtools import demo as demo_data
from figures.periods import CUSTOM, LAST_12_MONTHS, Period, quarters_between, resolve_period
from outcomes import services as outcome_services
from outcomes.models import Instrument, LifeDomain
from tests import factories
from tests.factories import MembershipFactory, PartnerFactory, TOTPDeviceFactory
from tracker.models import (
    AuditEntry,
    CollaborationKind,
    EndReason,
    LegalBasis,
    Membership,
    OrganisationUnit,
    Sector,
)
from tracker.services import collaboration_record

URLS = ("dashboards:leader_home", "dashboards:unit_dashboard", "dashboards:unit_report")
MAX_QUERIES = 25


@pytest.fixture(autouse=True)
def danish():
    with translation.override("da"):
        yield


def today() -> datetime.date:
    return timezone.localdate()


def ago(days: int) -> datetime.date:
    return today() - datetime.timedelta(days=days)


def who5_answers(score: int) -> dict[str, int]:
    """Five WHO-5 answers (0–5) whose raw sum × 4 is ``score``."""
    total = score // 4
    assert total * 4 == score and 0 <= total <= 25
    values = [min(5, max(0, total - 5 * i)) for i in range(5)]
    return dict(zip(("happy", "calm", "active", "rested", "interest"), values, strict=True))


def record(course, instrument, date, answers, informer="citizen", user=None):
    return outcome_services.measurement_record(
        course=course, instrument=instrument, answers=answers, date=date, informer=informer, recorded_by=user
    )


def login_verified(client, user) -> None:
    """Log in; a superuser also gets a confirmed two-factor device in the session (the site requires it)."""
    client.force_login(user)
    if not user.is_superuser:
        return
    device = TOTPDeviceFactory(user=user, name="test", confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()


def dashboard_for(user, **query) -> selectors.UnitDashboard:
    """The dashboard as the view builds it: through the filter set, from GET-style values."""
    units = selectors.leader_units(user=user)
    instruments, bases = selectors.dashboard_choices()
    filterset = UnitDashboardFilterSet(
        {k: str(v) for k, v in query.items()},
        queryset=selectors.dashboard_courses(user=user),
        units=units,
        instruments=instruments,
        legal_bases=bases,
        today=today(),
    )
    assert filterset.form.is_valid(), filterset.form.errors
    return selectors.unit_dashboard(user=user, params=filterset.params())


# --- The hand-built unit ---------------------------------------------------------------------------------
#
# Unit A (led by lena). T = today. Period: the last 12 months. WHO-5 scores (MID 10, cut-off 50). The scenario
# checks the MID path, so ``build_unit`` clears WHO-5's reliability and reference SD as an administrator may (an
# instrument without a published reliability is classified by its MID); with the published values in the fixture
# none of these changes is reliable (threshold 20.2 points), see test_published_who5_parameters_use_the_rci.
#   c1 Anna   start T-200           T-190: 40 → T-10: 60   (+20 improved)      life domains, 2 goals, 2 collabs
#   c2        start T-200           T-180: 48 → T-20: 52   (+4 unchanged)      life domains, 1 goal, 1 collab
#   c3        start T-200           T-170: 60 → T-30: 44   (−16 deteriorated)  staff-rated; 1 goal (no review)
#   c4        start T-200 (§82b)    T-160: 28 → T-40: 40   (+12 improved)
#   c5        start T-100           T-95: 32 only          (no follow-up; due)  staff-rated
#   c6        start T-500           T-480: 36 → T-400: 40  (follow-up before the period; overdue, not on track)
#   c7        start T-30            no measurement         (no baseline)
#   c8        start T-400, end T-300  T-390: 32 → T-310: 52 (+20 improved; ended in the period)
#   c9        start T-700, end T-400  T-690: 20 → T-450: 60 (not active in the period)
# Unit B: Bent, T-150: 20 → T-10: 80 — must never show up in A's figures.

WHO5 = {
    "c1": [(190, 40, "citizen"), (10, 60, "citizen")],
    "c2": [(180, 48, "citizen_staff"), (20, 52, "citizen")],
    "c3": [(170, 60, "staff"), (30, 44, "staff")],
    "c4": [(160, 28, "citizen"), (40, 40, "citizen")],
    "c5": [(95, 32, "staff")],
    "c6": [(480, 36, "citizen"), (400, 40, "citizen")],
    "c7": [],
    "c8": [(390, 32, "citizen"), (310, 52, "relative")],
    "c9": [(690, 20, "citizen"), (450, 60, "citizen")],
}
LIFE = {
    "c1": [(190, {"relationships": 3, "self-care": 2, "network": 5}), (10, {"relationships": 6, "self-care": 5})],
    "c2": [
        (180, {"relationships": 4, "self-care": 6, "network": 2}),
        (20, {"relationships": 4, "self-care": 4, "network": 7}),
    ],
    "c5": [(95, {"relationships": 1})],
    "c6": [(480, {"self-care": 3}), (400, {"self-care": 9})],
}


@pytest.fixture
def unit(world):
    """The hand-built unit A described above."""
    return build_unit(world)


def build_unit(world, *, published_who5: bool = False) -> SimpleNamespace:
    """Record the hand-built unit's data through the services; returns the world and the courses.

    Unless ``published_who5``, WHO-5 is stripped of its reliability and reference SD first, so the figures are
    classified by the MID (the scenario above).
    """
    if not published_who5:
        Instrument.objects.filter(code="who5").update(reliability=None, reference_sd=None)
    moved = EndReason.objects.get(code="moved")
    sel82b = LegalBasis.objects.get(code="sel-82b")
    courses = {"c1": world.course_a}
    starts = {"c2": 200, "c3": 200, "c4": 200, "c5": 100, "c6": 500, "c7": 30}
    for key, start in starts.items():
        extra = {"legal_basis": sel82b} if key == "c4" else {}
        courses[key] = factories.CourseFactory(
            unit=world.unit_a, start=ago(start), citizen=factories.CitizenFactory(name=f"Borger {key}"), **extra
        )
    courses["c1"].start = ago(200)
    courses["c1"].save()
    courses["c8"] = factories.CourseFactory(
        unit=world.unit_a, start=ago(400), end=ago(300), end_reason=moved, citizen=factories.CitizenFactory(name="C8")
    )
    courses["c9"] = factories.CourseFactory(
        unit=world.unit_a, start=ago(700), end=ago(400), end_reason=moved, citizen=factories.CitizenFactory(name="C9")
    )
    who5 = factories.who5()
    for key, points in WHO5.items():
        for days, score, informer in points:
            record(courses[key], who5, ago(days), who5_answers(score), informer, world.alice)
    record(world.course_b, who5, ago(150), who5_answers(20), "citizen", world.bob)
    record(world.course_b, who5, ago(10), who5_answers(80), "citizen", world.bob)
    life = Instrument.objects.get(code="life-domains")
    for key, points in LIFE.items():
        for days, answers in points:
            record(courses[key], life, ago(days), answers, "citizen", world.alice)

    domains = {d.code: d for d in LifeDomain.objects.all()}
    levels = {f"level_{s}": f"niveau {s}" for s in ("minus2", "minus1", "0", "plus1", "plus2")}

    def goal(course, domain, created, **extra):
        return outcome_services.goal_create(
            user=world.alice,
            course=course,
            text=f"Mål om {domain}",
            life_domain=domains[domain],
            baseline_level=-1,
            created_on=ago(created),
            **levels,
            **extra,
        )

    g1 = goal(courses["c1"], "self-care", 150, importance=2, difficulty=3)
    g2 = goal(courses["c1"], "practical-tasks", 150)
    g3 = goal(courses["c2"], "relationships", 190)
    goal(courses["c3"], "health", 20)
    g5 = goal(courses["c6"], "network", 450)
    for g, days, level in ((g1, 100, 0), (g1, 20, 1), (g2, 60, -1), (g3, 30, 2), (g5, 420, 0)):
        outcome_services.goal_review_record(user=world.alice, goal=g, date=ago(days), level=level)

    sectors = {s.code: s for s in Sector.objects.all()}
    kinds = {k.code: k for k in CollaborationKind.objects.all()}
    jobcenter = PartnerFactory(name="Jobcenter Test", sector=sectors["jobcenter"])
    psychiatry = PartnerFactory(name="Distriktspsykiatrien Test", sector=sectors["psychiatry"])
    volunteers = PartnerFactory(name="Frivillige Test", sector=sectors["civil-society"])
    for course, partner, kind, days, usefulness, participated in (
        (courses["c1"], jobcenter, "meeting", 100, 4, True),
        (courses["c1"], psychiatry, "coordinated-plan", 90, 5, True),
        (courses["c2"], jobcenter, "contact", 50, 2, False),
        (courses["c3"], volunteers, "meeting", 60, None, True),
        (courses["c6"], psychiatry, "coordinated-plan", 450, 3, True),
        (world.course_b, jobcenter, "meeting", 50, 1, True),
    ):
        collaboration_record(
            user=world.alice,
            course=course,
            partner=partner,
            kind=kinds[kind],
            date=ago(days),
            initiated_by="unit",
            citizen_participated=participated,
            usefulness=usefulness,
        )
    return SimpleNamespace(world=world, courses=courses, who5=who5, kinds=kinds)


def expected_pairs(period: Period, keys=None) -> dict[str, tuple[float, float]]:
    """Courses active in the period whose latest WHO-5 by its end is a follow-up dated in it: (pre, post)."""
    out = {}
    for key, points in WHO5.items():
        if keys is not None and key not in keys:
            continue
        dated = sorted((ago(days), score) for days, score, _informer in points)
        upto = [(d, s) for d, s in dated if d <= period.end]
        if len(upto) >= 2 and upto[-1][0] >= period.start and key != "c9":
            out[key] = (upto[0][1], upto[-1][1])
    return out


# --- Headline ------------------------------------------------------------------------------------------


def test_headline_counts_and_coverage(unit):
    d = dashboard_for(unit.world.lena)
    assert d.period.code == LAST_12_MONTHS
    # c1–c8 overlap the period; c9 ended before it began; unit B is not counted.
    assert d.counts["active_courses"] == 8
    assert d.counts["active_citizens"] == 8
    assert d.counts["started"] == 6  # c1–c5 and c7
    assert d.counts["ended"] == 1  # c8
    pairs = expected_pairs(d.period)
    assert sorted(pairs) == ["c1", "c2", "c3", "c4", "c8"]
    # Due a follow-up (baseline at least the minimum interval before the end): all but c7, which has none.
    assert (d.coverage.k, d.coverage.n) == (5, 7)
    # Open at the end of the period: c1–c7; without a baseline: c7.
    assert (d.no_baseline.k, d.no_baseline.n) == (1, 7)


def test_mean_change_with_t_interval(unit):
    d = dashboard_for(unit.world.lena)
    changes = np.array([post - pre for pre, post in expected_pairs(d.period).values()])
    assert sorted(changes) == [-16, 4, 12, 20, 20]
    ci = stats.ttest_1samp(changes, 0).confidence_interval(0.95)
    assert d.mean_change.n == 5
    assert d.mean_change.mean == pytest.approx(8.0)
    assert d.mean_change.low == pytest.approx(ci.low)
    assert d.mean_change.high == pytest.approx(ci.high)


def test_category_shares_with_wilson_intervals_and_mid_wording(unit):
    d = dashboard_for(unit.world.lena)
    assert d.method == "mid"
    # MID 10: +20, +12, +20 improved; +4 unchanged; −16 deteriorated.
    expected = {"improved": 3, "unchanged": 1, "deteriorated": 1}
    assert [c.code for c in d.categories] == ["improved", "unchanged", "deteriorated"]
    for c in d.categories:
        ci = stats.binomtest(expected[c.code], 5).proportion_ci(confidence_level=0.95, method="wilson")
        assert (c.share.k, c.share.n) == (expected[c.code], 5)
        assert c.share.low == pytest.approx(ci.low, abs=1e-9)
        assert c.share.high == pytest.approx(ci.high, abs=1e-9)
    assert d.categories[0].label == "Forbedret ≥ MID (10 point)"
    assert all("ålidelig" not in c.label for c in d.categories)


def test_effect_size_against_beckers_formula(unit):
    d = dashboard_for(unit.world.lena)
    pre, post = (np.array(x, dtype=float) for x in zip(*expected_pairs(d.period).values(), strict=True))
    n = len(pre)
    dd = (post - pre).mean() / pre.std(ddof=1)
    r = np.corrcoef(pre, post)[0, 1]
    half = 1.959964 * math.sqrt(2 * (1 - r) / n + dd * dd / (2 * n))
    assert d.effect_size["d"] == pytest.approx(dd)
    assert d.effect_size["g"] == pytest.approx((1 - 3 / (4 * (n - 1) - 1)) * dd)
    assert d.effect_size["low"] == pytest.approx(dd - half, rel=1e-5)
    assert d.effect_size["high"] == pytest.approx(dd + half, rel=1e-5)


def test_reliable_change_with_a_cut_off_gives_five_categories(unit):
    """With a reliability the RCI classifies, and recovered/harmed appear where there is a cut-off."""
    ors = Instrument.objects.get(code="ors")
    ors.reliability, ors.reference_sd = 0.8, 5.0  # S_diff = 3.162278, reliable beyond 6.198 points
    ors.save()
    totals = {"c1": (20, 30), "c2": (30, 38), "c3": (30, 20), "c4": (20, 14), "c5": (10, 2)}
    for key, (pre, post) in totals.items():
        course = unit.courses[key]
        record(course, ors, course.start + datetime.timedelta(days=5), {"total": pre}, user=unit.world.alice)
        record(course, ors, ago(3), {"total": post}, user=unit.world.alice)
    d = dashboard_for(unit.world.lena, instrument="ors")
    assert d.method == "rci"
    s_diff = math.sqrt(2) * 5.0 * math.sqrt(1 - 0.8)
    assert d.threshold == pytest.approx(1.96 * s_diff)
    # By hand: +10 crosses 25 upwards (recovered), +8 stays above (improved), −10 crosses downwards
    # (harmed), −6 is within 1.96 S_diff (unchanged), −8 stays below (deteriorated).
    got = {c.code: c.share.k for c in d.categories}
    assert got == {"recovered": 1, "improved": 1, "unchanged": 1, "deteriorated": 1, "harmed": 1}
    assert d.categories[0].label == "Pålideligt forbedret og krydset den kliniske grænse"


def test_published_who5_parameters_use_the_rci(client, world):
    """The fixture's WHO-5 (α 0.86, reference SD 19.5) is judged by the RCI; the MID is shown beside it as
    meaningful change. On the hand-built data no change exceeds 1.96·√2·19.5·√0.14 = 20.2 points."""
    build_unit(world, published_who5=True)
    who5 = Instrument.objects.get(code="who5")
    assert (who5.reliability, who5.reference_sd, who5.mid) == (0.86, 19.5, 10.0)
    d = dashboard_for(world.lena)
    assert d.method == "rci"
    assert d.threshold == pytest.approx(1.96 * math.sqrt(2) * 19.5 * math.sqrt(1 - 0.86))
    assert 20 < d.threshold < 20.3
    got = {c.code: c.share.k for c in d.categories}
    # +20, +4, −16, +12, +20: each within the threshold, so none is a reliable change.
    assert got == {"recovered": 0, "improved": 0, "unchanged": 5, "deteriorated": 0, "harmed": 0}
    client.force_login(world.lena)
    html = client.get(reverse("dashboards:unit_dashboard")).content.decode()
    assert "Reliable Change Index" in html
    assert "Den meningsfulde ændring (mindste vigtige ændring, MID) er 10 point" in html
    assert "Forbedret ≥ MID" not in html


def test_rci_wording_on_the_page(client, unit):
    ors = Instrument.objects.get(code="ors")
    ors.reliability, ors.reference_sd = 0.8, 5.0
    ors.save()
    for key, (pre, post) in {"c1": (20, 30), "c2": (30, 20)}.items():
        course = unit.courses[key]
        record(course, ors, course.start + datetime.timedelta(days=5), {"total": pre}, user=unit.world.alice)
        record(course, ors, ago(3), {"total": post}, user=unit.world.alice)
    client.force_login(unit.world.lena)
    html = client.get(reverse("dashboards:unit_dashboard"), {"instrument": "ors"}).content.decode()
    assert "Reliable Change Index" in html
    assert "Pålideligt forbedret og krydset den kliniske grænse" in html


def test_mid_wording_on_the_page(client, unit):
    client.force_login(unit.world.lena)
    html = client.get(reverse("dashboards:leader_home")).content.decode()
    table = html[html.index('id="categories-table"') :]
    table = table[: table.index("</table>")]
    assert "Forbedret ≥ MID (10 point)" in table
    assert "Pålideligt" not in table
    assert "mindste vigtige ændring (MID = 10 point)" in html


def test_legal_basis_filter(unit):
    d = dashboard_for(unit.world.lena, legal_basis=LegalBasis.objects.get(code="sel-85").pk)
    assert d.counts["active_courses"] == 7  # c4 is §82b
    assert d.mean_change.n == 4


def test_a_past_period_ignores_later_measurements(unit):
    """Up to T-15, c1's follow-up (T-10) has not happened: c1 is not paired, and nothing after counts."""
    d = dashboard_for(unit.world.lena, period=CUSTOM, start=ago(364).isoformat(), end=ago(15).isoformat())
    pairs = expected_pairs(d.period)
    assert sorted(pairs) == ["c2", "c3", "c4", "c8"]
    assert d.mean_change.n == 4
    assert d.mean_change.mean == pytest.approx(np.mean([post - pre for pre, post in pairs.values()]))
    c1 = next(c for c in d.courses if c.course_id == unit.courses["c1"].pk)
    assert (c1.end_score, c1.paired) == (40, False)


# --- Over time -----------------------------------------------------------------------------------------


def test_quarterly_mean_score_and_share_improved(unit):
    d = dashboard_for(unit.world.lena)
    baseline = {key: min((ago(days), score) for days, score, _ in pts)[1] for key, pts in WHO5.items() if pts}
    first_date = {key: min(ago(days) for days, _s, _i in pts) for key, pts in WHO5.items() if pts}
    expected = []
    for year, quarter in quarters_between(d.period.start, d.period.end):
        q_start = datetime.date(year, 3 * quarter - 2, 1)
        q_end = datetime.date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
        last = {}
        for key, pts in WHO5.items():
            for days, score, _informer in pts:
                day = ago(days)
                in_quarter = q_start <= day < q_end and d.period.start <= day <= d.period.end
                if in_quarter and (key not in last or day > last[key][0]):
                    last[key] = (day, score)
        follow = {k: v for k, v in last.items() if v[0] != first_date[k]}
        improved = sum(1 for k, (_day, score) in follow.items() if score - baseline[k] >= 10)
        mean = np.mean([s for _d, s in last.values()]) if last else None
        expected.append((len(last), mean, len(follow), improved))
    got = [(q.n, q.mean, q.improved.n, q.improved.k) for q in d.trend]
    assert [(n, f, k) for n, _m, f, k in got] == [(n, f, k) for n, _m, f, k in expected]
    for (_n, mean, *_), (_n2, exp, *_) in zip(got, expected, strict=True):
        assert mean == (pytest.approx(exp) if exp is not None else None)
    # c1–c4 were measured twice in the period, in different quarters; c5 and c8 once.
    assert sum(q.n for q in d.trend) == 10


# --- Life domains --------------------------------------------------------------------------------------


def test_life_domain_change_per_domain(unit):
    d = dashboard_for(unit.world.lena)
    by_code = {r.code: r for r in d.life_domains}
    assert len(d.life_domains) == 12
    # relationships: c1 3→6, c2 4→4; self-care: c1 2→5, c2 6→4; network: c1 has no latest, c2 2→7.
    # c5 has one rating only; c6's follow-up lies before the period.
    assert (by_code["relationships"].n, by_code["relationships"].mean_change) == (2, pytest.approx(1.5))
    assert by_code["relationships"].mean_first == pytest.approx(3.5)
    assert by_code["relationships"].mean_latest == pytest.approx(5.0)
    assert (by_code["self-care"].n, by_code["self-care"].mean_change) == (2, pytest.approx(0.5))
    assert (by_code["network"].n, by_code["network"].mean_change) == (1, pytest.approx(5.0))
    assert by_code["mobility"].n == 0 and by_code["mobility"].mean_change is None


# --- Goals ---------------------------------------------------------------------------------------------


def gas_by_hand(levels: list[int], weights: list[float]) -> float:
    num = sum(w * x for w, x in zip(weights, levels, strict=True))
    den = math.sqrt(0.7 * sum(w * w for w in weights) + 0.3 * sum(weights) ** 2)
    return 50 + 10 * num / den


def test_goals_set_reviewed_levels_and_gas(unit):
    d = dashboard_for(unit.world.lena)
    assert d.goals_set == 4  # g1–g4; g5 was set before the period
    assert d.goals_reviewed == 3  # g1, g2, g3; g5's review lies before the period
    assert {r.level: r.share.k for r in d.goal_levels} == {-2: 0, -1: 1, 0: 0, 1: 1, 2: 1}
    t_c1 = gas_by_hand([1, -1], [6, 1])  # g1 latest +1 (weight 2×3), g2 −1
    t_c2 = gas_by_hand([2], [1])
    assert t_c2 == pytest.approx(70)
    scores = np.array([t_c1, t_c2])
    ci = stats.t.interval(0.95, df=1, loc=scores.mean(), scale=stats.sem(scores))
    assert d.gas.n == 2
    assert d.gas.mean == pytest.approx(scores.mean())
    assert (d.gas.low, d.gas.high) == (pytest.approx(ci[0]), pytest.approx(ci[1]))
    by_domain = {r.label: (r.set, r.reviewed, r.met.k) for r in d.goals_by_domain}
    assert by_domain == {
        "Egenomsorg": (1, 1, 1),
        "Praktiske opgaver": (1, 1, 0),
        "Relationer": (1, 1, 1),
        "Sundhedsforhold": (1, 0, 0),
    }


# --- Collaboration -------------------------------------------------------------------------------------


def test_collaboration_by_sector_plan_share_and_association(unit):
    d = dashboard_for(unit.world.lena)
    sectors = {r.label: (r.n, r.partners, r.citizens, r.participated, r.rated, r.usefulness) for r in d.sectors}
    assert sectors == {
        "Jobcenter": (2, 1, 2, 1, 2, pytest.approx(3.0)),
        "Regionspsykiatri": (1, 1, 1, 1, 1, pytest.approx(5.0)),
        "Civilsamfund / frivillige": (1, 1, 1, 1, 0, None),
    }
    assert d.collaborations == 4
    assert (d.usefulness.n, d.usefulness.mean) == (3, pytest.approx((4 + 5 + 2) / 3))
    assert d.counts["collab_citizens"] == 3
    # A coordinated plan by the end of the period: c1 (in it) and c6 (before it), of 8 active citizens.
    assert (d.plan.k, d.plan.n) == (2, 8)
    assoc = {a.code: a for a in d.kind_associations}
    # Paired changes: c1 +20, c2 +4, c3 −16, c4 +12, c8 +20.
    assert (assoc["meeting"].with_kind.n, assoc["meeting"].with_kind.mean) == (2, pytest.approx(2.0))
    assert (assoc["meeting"].without_kind.n, assoc["meeting"].without_kind.mean) == (3, pytest.approx(12.0))
    assert assoc["meeting"].difference == pytest.approx(-10.0)
    assert (assoc["coordinated-plan"].with_kind.n, assoc["coordinated-plan"].with_kind.mean) == (1, 20.0)
    assert assoc["coordinated-plan"].without_kind.mean == pytest.approx(5.0)
    assert assoc["referral"].with_kind.n == 0 and assoc["referral"].difference is None


def test_association_is_labelled_as_not_cause(client, unit):
    client.force_login(unit.world.lena)
    html = client.get(reverse("dashboards:unit_dashboard")).content.decode()
    assert "Sammenhæng, ikke årsag" in html


# --- Data quality and follow-up ------------------------------------------------------------------------


def test_informers_and_staff_share(unit):
    d = dashboard_for(unit.world.lena)
    # In the period: c1 ×2, c2 ×2, c3 ×2 (staff), c4 ×2, c5 (staff), c8 (relative) = 10.
    assert d.measurements_in_period == 10
    assert (d.staff_share.k, d.staff_share.n) == (3, 10)
    assert d.citizen_share.k == 6
    assert {r.code: r.share.k for r in d.informers} == {
        "citizen": 5,
        "citizen_relative": 0,
        "citizen_staff": 1,
        "relative": 1,
        "staff": 3,
    }


def test_follow_up_list(unit):
    d = dashboard_for(unit.world.lena)
    rows = {r.citizen_name: (r.status, r.days_since) for r in d.follow_up}
    # Interval 90 days: c5 measured 95 days ago (due), c6 400 days ago (overdue), c7 never; c8 has ended.
    assert rows == {"Borger c6": ("overdue", 400), "Borger c5": ("due", 95), "Borger c7": ("missing", None)}


def test_not_on_track_list_and_setting(unit, settings):
    d = dashboard_for(unit.world.lena)
    names = {r.citizen_name: r.change for r in d.not_on_track}
    # c3 deteriorated; c6 is below 50 without improvement 480 days after its baseline. c5: only 95 days.
    assert names == {"Borger c3": -16, "Borger c6": 4}
    settings.EFFEKTSPOR_NOT_ON_TRACK_DAYS = 90
    d = dashboard_for(unit.world.lena)
    assert {r.citizen_name for r in d.not_on_track} == {"Borger c3", "Borger c5", "Borger c6"}


def test_lists_link_to_the_citizens_pages(client, unit):
    client.force_login(unit.world.lena)
    html = client.get(reverse("dashboards:unit_dashboard")).content.decode()
    for key in ("c3", "c6", "c7"):
        assert reverse("tracker:citizen_detail", args=[unit.courses[key].citizen_id]) in html


# --- The page and the report ---------------------------------------------------------------------------


def test_dashboard_page_shows_every_figure_with_its_n(client, unit):
    client.force_login(unit.world.lena)
    response = client.get(reverse("dashboards:leader_home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bostøtte A" in html
    assert "71 % (5 af 7)" in html  # coverage
    assert "+8,0" in html  # mean change
    assert "60 % (3 af 5)" in html  # improved ≥ MID
    for table_id in ("headline-table", "categories-table", "trend-table", "domains-table", "goal-levels-table"):
        assert f'id="{table_id}"' in html
        assert f'aria-describedby="{table_id}"' in html or table_id == "headline-table"
    for chart in ("chart-categories", "chart-trend", "chart-domains", "chart-goal-levels", "chart-sectors"):
        assert f'data-chart="{chart}"' in html
    assert "Bent Bentsen" not in html


def test_effect_report_summary(client, unit):
    client.force_login(unit.world.lena)
    response = client.get(reverse("dashboards:unit_report"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "har 8 borgere haft et aktivt forløb i Bostøtte A." in html
    assert "5 af 7 forløb, der var klar til en opfølgende WHO-5-måling (71 %)" in html
    assert "i gennemsnit ændret sig +8,0 point" in html
    assert "3 (60 %) forbedret, 1 (20 %) uændret og 1 (20 %) forværret" in html
    assert "De viser ikke, at indsatsen alene er årsagen." in html
    # The printable report carries no names.
    for name in ("Anna Andersen", "Borger c3", "Borger c6"):
        assert name not in html
    assert 'data-chart="chart-trend"' in html


def test_several_units_each_and_together(client, unit):
    MembershipFactory(user=unit.world.lena, unit=unit.world.unit_b, role=Membership.Role.LEADER)
    d = dashboard_for(unit.world.lena)
    assert {u.name for u in d.units} == {"Bostøtte A", "Værested B"}
    assert d.counts["active_citizens"] == 9
    assert d.mean_change.n == 6  # Bent's +60 joins A's five
    by_unit = {b.unit_name: b for b in d.by_unit}
    assert (by_unit["Bostøtte A"].mean_change.n, by_unit["Værested B"].mean_change.mean) == (5, 60.0)
    client.force_login(unit.world.lena)
    html = client.get(reverse("dashboards:leader_home")).content.decode()
    assert 'id="units-table"' in html
    assert f"unit={unit.world.unit_b.pk}" in html  # a link to each unit's own dashboard
    one = client.get(reverse("dashboards:unit_dashboard"), {"unit": unit.world.unit_b.pk})
    assert one.status_code == 200 and 'id="units-table"' not in one.content.decode()


def test_english_language_renders(client, unit):
    client.force_login(unit.world.lena)
    client.cookies["django_language"] = "en"
    for name in ("dashboards:unit_dashboard", "dashboards:unit_report"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert '<html lang="en">' in response.content.decode()


def test_all_units_for_a_leader_of_one_unit_is_that_unit(world):
    d = dashboard_for(world.lena, unit="all")
    assert [u.name for u in d.units] == ["Bostøtte A"] and not d.by_unit


def test_invalid_custom_period_is_a_400_with_a_danish_message(client, world):
    client.force_login(world.lena)
    response = client.get(
        reverse("dashboards:unit_dashboard"), {"period": CUSTOM, "start": "2026-03-01", "end": "2026-01-01"}
    )
    assert response.status_code == 400
    assert "Slutdatoen ligger før startdatoen." in response.content.decode()


# --- Exports -------------------------------------------------------------------------------------------


def test_citizen_list_export_is_logged_per_citizen(client, unit):
    client.force_login(unit.world.lena)
    before = AuditEntry.objects.filter(action="export").count()
    response = client.get(reverse("dashboards:unit_dashboard"), {"_export": "csv", "table": "follow_up"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "Borger"
    assert {r[0] for r in rows[1:]} == {"Borger c5", "Borger c6", "Borger c7"}
    entries = AuditEntry.objects.filter(action="export").order_by("citizen_id")
    assert entries.count() == before + 3
    expected_ids = sorted(unit.courses[k].citizen_id for k in ("c5", "c6", "c7"))
    assert [e.citizen_id for e in entries] == expected_ids
    assert {e.user_id for e in entries} == {unit.world.lena.pk}
    assert entries[0].purpose == "unit_dashboard:follow_up"
    assert entries[0].detail["unit_ids"] == [unit.world.unit_a.pk]


def test_excel_export_of_the_not_on_track_list(client, unit):
    client.force_login(unit.world.lena)
    response = client.get(reverse("dashboards:unit_dashboard"), {"_export": "xlsx", "table": "not_on_track"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "Borger"
    assert {row[0] for row in values[1:]} == {"Borger c3", "Borger c6"}
    assert AuditEntry.objects.filter(action="export", purpose="unit_dashboard:not_on_track").count() == 2


def test_aggregate_export_is_not_logged_and_unknown_table_is_404(client, unit):
    client.force_login(unit.world.lena)
    response = client.get(reverse("dashboards:unit_dashboard"), {"_export": "csv", "table": "sectors"})
    assert response.status_code == 200
    assert "Jobcenter" in response.content.decode()
    assert not AuditEntry.objects.filter(action="export").exists()
    assert client.get(reverse("dashboards:unit_dashboard"), {"_export": "csv", "table": "nope"}).status_code == 404
    assert client.get(reverse("dashboards:unit_dashboard"), {"_export": "pdf", "table": "trend"}).status_code == 404


# --- Who may open it -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", URLS)
def test_anonymous_is_sent_to_login(client, world, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("name", URLS)
@pytest.mark.parametrize("username", ["alice", "bob", "charlie"])
def test_caseworkers_and_directors_get_403(client, world, name, username):
    client.force_login(getattr(world, username))
    assert client.get(reverse(name)).status_code == 403
    assert client.get(reverse(name), {"unit": world.unit_a.pk}).status_code == 403


@pytest.mark.parametrize("name", URLS)
def test_leader_of_another_unit_gets_403(client, world, name):
    leo = factories.UserFactory(username="leo")
    MembershipFactory(user=leo, unit=world.unit_b, role=Membership.Role.LEADER)
    client.force_login(leo)
    assert client.get(reverse(name)).status_code == 200
    assert client.get(reverse(name), {"unit": world.unit_a.pk}).status_code == 403
    assert (
        client.get(reverse(name), {"unit": world.unit_a.pk, "_export": "csv", "table": "follow_up"}).status_code == 403
    )
    client.force_login(world.lena)
    assert client.get(reverse(name), {"unit": world.unit_b.pk}).status_code == 403
    assert client.get(reverse(name), {"unit": world.unit_a.pk}).status_code == 200


def test_caseworker_membership_is_not_enough(client, world):
    """Lena leads A; a caseworker membership in B does not open B's dashboard."""
    MembershipFactory(user=world.lena, unit=world.unit_b, role=Membership.Role.CASEWORKER)
    client.force_login(world.lena)
    assert client.get(reverse("dashboards:unit_dashboard"), {"unit": world.unit_b.pk}).status_code == 403


@pytest.mark.parametrize("name", URLS)
def test_superuser_may_open_any_unit(client, world, name):
    root = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    login_verified(client, root)
    for unit in (world.unit_a, world.unit_b):
        response = client.get(reverse(name), {"unit": unit.pk})
        assert response.status_code == 200, unit
    assert client.get(reverse(name), {"unit": "all"}).status_code == 200


def test_director_who_also_leads_a_unit_sees_that_unit_only(client, world):
    MembershipFactory(user=world.charlie, unit=world.unit_a, role=Membership.Role.LEADER)
    client.force_login(world.charlie)
    assert client.get(reverse("dashboards:unit_dashboard"), {"unit": world.unit_a.pk}).status_code == 200
    assert client.get(reverse("dashboards:unit_dashboard"), {"unit": world.unit_b.pk}).status_code == 403


def test_selector_refuses_units_outside_the_users_own(world):
    from django.core.exceptions import PermissionDenied

    params = selectors.DashboardParams(
        units=(world.unit_b,), period=resolve_period(LAST_12_MONTHS, today=today()), instrument=factories.who5()
    )
    with pytest.raises(PermissionDenied):
        selectors.unit_dashboard(user=world.lena, params=params)


# --- Empty states --------------------------------------------------------------------------------------


def assert_empty_page(html: str, message: str) -> None:
    assert message in html
    assert "data-chart=" not in html  # no empty chart anywhere


def test_unit_with_no_measurements(client, world):
    client.force_login(world.lena)
    response = client.get(reverse("dashboards:leader_home"))
    assert response.status_code == 200
    assert_empty_page(response.content.decode(), "Der er endnu ingen målinger i enheden.")
    report = client.get(reverse("dashboards:unit_report"))
    assert report.status_code == 200
    assert "Ingen har brugt WHO-5 i perioden" in report.content.decode()


def test_period_with_no_data(client, unit):
    client.force_login(unit.world.lena)
    query = {"period": CUSTOM, "start": "2001-01-01", "end": "2001-12-31"}
    for name in ("dashboards:unit_dashboard", "dashboards:unit_report"):
        response = client.get(reverse(name), query)
        assert response.status_code == 200
        html = response.content.decode()
        assert "data-chart=" not in html
        assert "ingen aktive forløb" in html.lower()
    html = client.get(reverse("dashboards:unit_dashboard"), query).content.decode()
    assert "Der er ingen data i den valgte periode" in html


def test_instrument_nobody_used(client, unit):
    client.force_login(unit.world.lena)
    response = client.get(reverse("dashboards:unit_dashboard"), {"instrument": "srs"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ingen har brugt SRS i den valgte periode." in html
    for chart in ("chart-categories", "chart-trend"):
        assert chart not in html
    d = dashboard_for(unit.world.lena, instrument="srs")
    assert d.mean_change.n == 0 and d.method == "none" and d.effect_size is None


# --- Periods -------------------------------------------------------------------------------------------


def test_periods():
    day = datetime.date(2026, 5, 15)
    p = resolve_period(LAST_12_MONTHS, today=day)
    # The rolling 12 months ending with the current month (a grid period), up to today.
    assert (p.start, p.end, p.days) == (datetime.date(2025, 6, 1), day, 349)
    assert resolve_period("r2026-04", today=day).start == datetime.date(2025, 5, 1)
    assert resolve_period("r2026-04", today=day).end == datetime.date(2026, 4, 30)
    assert resolve_period("m2026-02", today=day).end == datetime.date(2026, 2, 28)
    assert resolve_period("q2026-1", today=day).start == datetime.date(2026, 1, 1)
    assert resolve_period("q2026-1", today=day).end == datetime.date(2026, 3, 31)
    assert resolve_period("q2026-2", today=day).end == day  # the current quarter stops today
    assert resolve_period("h2025-2", today=day).start == datetime.date(2025, 7, 1)
    assert resolve_period("y2025", today=day).end == datetime.date(2025, 12, 31)
    leap = resolve_period(LAST_12_MONTHS, today=datetime.date(2028, 2, 29))
    assert leap.start == datetime.date(2027, 3, 1)
    for bad in ("q2026-5", "h2026-3", "y2026-1", "x", "q2027-1", "m2026-13", "r2026-00", "m2026-06"):
        with pytest.raises(ValueError):
            resolve_period(bad, today=day)
    assert quarters_between(datetime.date(2025, 11, 1), datetime.date(2026, 2, 1)) == [(2025, 4), (2026, 1)]


# --- Query count does not grow with the data -------------------------------------------------------------


def _count_queries(client, user, url, query) -> tuple[int, object]:
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, query)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_query_count_is_the_same_at_two_data_sizes(client, db):
    """Seeded municipality with 40 and then 240 citizens: the same number of queries, at most 25."""
    seen = []
    for citizens in (40, 240):
        if seen:
            demo_data.clear()
        demo_data.seed(units=2, citizens=citizens, months=18, seed=11, today=today())
        first, second = OrganisationUnit.objects.filter(kind=OrganisationUnit.Kind.UNIT).order_by("code")[:2]
        leader = Membership.objects.filter(unit=first, role=Membership.Role.LEADER).get().user
        both = factories.UserFactory(username=f"both-{citizens}")
        for u in (first, second):
            MembershipFactory(user=both, unit=u, role=Membership.Role.LEADER)
        counts = {}
        for label, user, name, query in (
            ("one unit", leader, "dashboards:leader_home", {}),
            ("one unit, this year", leader, "dashboards:unit_dashboard", {"period": f"y{today().year}"}),
            ("all units", both, "dashboards:unit_dashboard", {"unit": "all"}),
            ("report", leader, "dashboards:unit_report", {}),
        ):
            n, response = _count_queries(client, user, reverse(name), query)
            counts[label] = n
            assert n <= MAX_QUERIES, (label, n)
        d = dashboard_for(leader)
        seen.append((counts, d.counts["active_citizens"], d.mean_change.n))
    (small, small_citizens, small_paired), (large, large_citizens, large_paired) = seen
    assert large_citizens > 3 * small_citizens and large_paired > small_paired  # the data really grew
    assert small == large, (small, large)


@pytest.mark.django_db
def test_a_write_recomputes_only_the_parts_that_read_its_kind_of_data(world, monkeypatch):
    """After a WHO-5 in unit A, A's dashboard shows it at once, computing the WHO-5 effects again (and whether the
    unit has measured at all) while the counts, life domains, goals and sectors come from the cache; a goal review
    recomputes the goals only (and that one count); a write in unit B recomputes nothing of A's."""
    from dashboards.selectors import dashboard as assembly

    computed = []
    for name, part in list(assembly.PARTS.items()):
        monkeypatch.setitem(
            assembly.PARTS, name, lambda p, s, name=name, part=part, **kw: computed.append(name) or part(p, s, **kw)
        )
    from dashboards.selectors import queries

    kinds_read = []
    original_kinds = queries.kinds_with_courses
    monkeypatch.setattr(queries, "kinds_with_courses", lambda *a: kinds_read.append(1) or original_kinds(*a))
    who5 = Instrument.objects.get(code="who5")
    lena = world.lena
    first = dashboard_for(lena, unit=world.unit_a.pk)
    assert kinds_read == [1]
    assert first.instrument == who5  # the default
    assert sorted(computed) == sorted(assembly.PARTS)
    computed.clear()
    answers = dict.fromkeys(["happy", "calm", "active", "rested", "interest"], 3)
    outcome_services.measurement_record(
        course=world.course_a, instrument=who5, answers=answers, date=today(), informer="citizen",
        recorded_by=world.alice,
    )  # fmt: skip
    after = dashboard_for(lena, unit=world.unit_a.pk)
    assert sorted(computed) == ["effects", "measured"]
    assert kinds_read == [1]  # the collaborations behind the effects come from the cache
    assert sum(r.share.k for r in after.informers) == sum(r.share.k for r in first.informers) + 1  # fresh
    assert after.goals_by_domain == first.goals_by_domain and after.life_domains == first.life_domains
    computed.clear()
    goal = factories.GoalFactory(course=world.course_a)
    outcome_services.goal_review_record(user=world.alice, goal=goal, date=today(), level=1)
    later = dashboard_for(lena, unit=world.unit_a.pk)
    assert sorted(computed) == ["goals", "measured"]
    assert later.goals_reviewed == after.goals_reviewed + 1
    computed.clear()
    outcome_services.measurement_record(
        course=world.course_b, instrument=who5, answers=answers, date=today(), informer="citizen",
        recorded_by=world.bob,
    )  # fmt: skip
    dashboard_for(lena, unit=world.unit_a.pk)
    assert computed == []


@pytest.mark.django_db
def test_a_first_measurement_of_another_instrument_shows_that_the_unit_has_measured(world, monkeypatch):
    """Whether the unit has measured at all reads every instrument: a first life-domain rating in a unit with no
    measurements ends the "no measurements yet" state of the WHO-5 dashboard at once, though the WHO-5 effects
    and the counts come from the cache; a collaboration recomputes the counts, the effects and the sectors."""
    from dashboards.selectors import dashboard as assembly
    from dashboards.selectors import queries

    computed = []
    for name, part in list(assembly.PARTS.items()):
        monkeypatch.setitem(
            assembly.PARTS, name, lambda p, s, name=name, part=part, **kw: computed.append(name) or part(p, s, **kw)
        )
    assert not world.course_a.measurements.exists()
    before = dashboard_for(world.lena, unit=world.unit_a.pk)
    assert not before.has_measurements and before.counts["measured_courses"] == 0
    computed.clear()
    life = Instrument.objects.prefetch_related("items").get(code=queries.LIFE_DOMAINS)
    record(world.course_a, life, today(), {item.link_id: 6 for item in life.items.all()}, user=world.alice)
    after = dashboard_for(world.lena, unit=world.unit_a.pk)
    assert sorted(computed) == ["life", "measured"]
    assert after.has_measurements and after.counts["measured_courses"] == 1
    assert {k: v for k, v in after.counts.items() if k != "measured_courses"} == {
        k: v for k, v in before.counts.items() if k != "measured_courses"
    }
    computed.clear()
    collaboration_record(
        course=world.course_a,
        kind=CollaborationKind.objects.order_by("pk").first(),
        partner=PartnerFactory(),
        date=today(),
        initiated_by="unit",
        user=world.alice,
    )
    later = dashboard_for(world.lena, unit=world.unit_a.pk)
    assert sorted(computed) == ["counts", "effects", "measured", "sectors"]
    assert later.collaborations == after.collaborations + 1
    assert later.counts["collab_citizens"] == 1


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


@pytest.mark.django_db
def test_the_dashboards_tables_come_from_the_cache_as_a_fresh_rendering_gives_them(client, unit, monkeypatch):
    """The tables are cached by what they show (``pagecache.table_piece``): after a WHO-5, only the tables whose
    rows changed are rendered again, and the page is the one an empty cache gives — for every sorting and page of
    the lists, and in either language. Each table is what ``{% render_table %}`` writes."""
    import django_tables2
    from django.template import Template
    from django.template import context as template_context
    from django.test import RequestFactory

    from dashboards.tables import CITIZEN_LEVEL, dashboard_tables
    from tracker import dataversion

    world = unit.world
    rendered = []
    original = django_tables2.Table.as_html
    monkeypatch.setattr(
        django_tables2.Table,
        "as_html",
        lambda self, request: rendered.append(type(self).__name__) or original(self, request),
    )
    login_verified(client, world.lena)
    base = reverse("dashboards:unit_dashboard") + f"?unit={world.unit_a.pk}"
    queries = [base, base + "&nt-sort=-change", base + "&fu-sort=citizen_name&fu-page=1"]

    def pages():
        return [_without_tokens(client.get(q).content.decode()) for q in queries]

    first = pages()
    assert "DomainTable" in " ".join(rendered) and "HeadlineTable" in rendered
    rendered.clear()
    assert pages() == first and rendered == []  # the page itself is cached
    record(world.course_a, unit.who5, today(), who5_answers(76), user=world.alice)
    after = pages()
    assert "HeadlineTable" in rendered and "InformerTable" in rendered
    assert not {"LifeDomainTable", "GoalDomainTable", "GoalLevelTable", "SectorTable"} & set(rendered)
    dataversion.clear()
    assert pages() == after  # what a fresh rendering gives
    client.post(reverse("set_language"), {"language": "en", "next": base})
    english = pages()
    assert english != after and "Active citizens" in english[0]
    client.post(reverse("set_language"), {"language": "da", "next": base})

    # Each table as {% render_table %} writes it, with the request's sorting and paging.
    request = RequestFactory().get(queries[1])
    request.user = world.lena
    page = client.get(queries[1]).content.decode()
    translation.activate("da")
    d = dashboard_for(world.lena, unit=world.unit_a.pk)
    template = Template("{% load django_tables2 %}{% render_table table %}")
    for name, table in dashboard_tables(d).items():
        if name in CITIZEN_LEVEL:
            django_tables2.RequestConfig(request, paginate={"per_page": 25}).configure(table)
        html = template.render(template_context.RequestContext(request, {"table": table}))
        assert html in page, name
