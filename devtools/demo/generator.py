"""The demo municipality's generator — deterministic for a given seed (devtools/demo/__init__.py runs it).

Units differ on purpose, so that dashboards have something to show: some improve their citizens' well-being
markedly, some are flat, one deteriorates, some rarely measure a follow-up, one rates mostly on the staff's word
rather than the citizen's. Every random draw happens in a fixed order: reordering the calls changes the demo.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from devtools.demo.names import (
    DEMO_UNITS,
    DISTRICTS,
    FIRST_FEMALE,
    FIRST_MALE,
    GOALS,
    INITIATORS,
    LAST,
    LEVELS,
    MUNICIPALITY,
    PARTNERS,
    UNIT_KINDS,
)
from devtools.demo.rows import Rows, SeedResult, fake_cpr
from outcomes.models import Completion, Goal, GoalReview, Informer, Instrument, LifeDomain, Measurement
from tracker.models import (
    Citizen,
    Collaboration,
    CollaborationKind,
    Course,
    EndReason,
    LegalBasis,
    Membership,
    OrganisationUnit,
    Partner,
    Sector,
)


def _months_between(a: datetime.date, b: datetime.date) -> float:
    return (b - a).days / 30.44


@dataclass
class Lookups:
    """What every course draws from: the reference data's ids, the staff, the instruments' items."""

    caseworkers: dict[int, list[int]]
    partners: dict[str, list[int]]
    sectors: list[str]
    bases: dict[str, int]
    reasons: dict[str, int]
    kinds: dict[str, int]
    domains: dict[str, int]
    who5_id: int
    who5_items: list[int]
    ld_id: int
    ld_items: list[tuple[int, str]]
    stamp: datetime.datetime


@dataclass
class CourseSpec:
    citizen_id: int
    unit: OrganisationUnit
    kind: int
    start: datetime.date
    end: datetime.date | None
    reason: int | None
    basis: int


class Generator:
    def __init__(self, *, units: int, citizens: int, months: int, seed: int, today: datetime.date):
        self.n_units, self.n_citizens, self.months, self.today = units, citizens, months, today
        self.rng = random.Random(seed)
        # A stream of its own, so that adding self-completion left every other seeded value as it was.
        self.completion_rng = random.Random(f"{seed}-completion")

    # --- organisation and staff -------------------------------------------------------------------
    def organisation(self) -> list[tuple[OrganisationUnit, int]]:
        municipality, _ = OrganisationUnit.objects.get_or_create(
            code="egekaer", defaults={"name": MUNICIPALITY, "kind": OrganisationUnit.Kind.MUNICIPALITY}
        )
        department, _ = OrganisationUnit.objects.get_or_create(
            code="socialpsykiatri",
            defaults={
                "name": "Socialpsykiatri og Udsatte",
                "parent": municipality,
                "kind": OrganisationUnit.Kind.DEPARTMENT,
            },
        )
        specs = list(DEMO_UNITS[: self.n_units])
        i = 0
        while len(specs) < self.n_units:
            kind = i % len(UNIT_KINDS)
            district = DISTRICTS[(i // len(UNIT_KINDS)) % len(DISTRICTS)]
            suffix = "" if i < len(UNIT_KINDS) * len(DISTRICTS) else f" {i // (len(UNIT_KINDS) * len(DISTRICTS)) + 1}"
            name = f"{UNIT_KINDS[kind][0]} {district}{suffix}"
            if name not in {s[0] for s in specs}:
                specs.append((name, kind))
            i += 1
        bases = {b.code: b for b in LegalBasis.objects.all()}
        out = []
        for idx, (name, kind) in enumerate(specs):
            unit = OrganisationUnit.objects.create(
                name=name,
                code=f"enhed-{idx + 1:03d}",
                parent=department,
                kind=OrganisationUnit.Kind.UNIT,
                description=UNIT_KINDS[kind][0],
            )
            unit.legal_bases.set([bases[c] for c in UNIT_KINDS[kind][1]])
            out.append((unit, kind))
        return out

    def staff(self, units: list[tuple[OrganisationUnit, int]]) -> dict[int, list]:
        User = get_user_model()
        users, memberships, by_unit = [], [], {}
        for unit, _kind in units:
            for role, count in ((Membership.Role.LEADER, 1), (Membership.Role.CASEWORKER, 3)):
                for j in range(count):
                    first = self.rng.choice(FIRST_FEMALE + FIRST_MALE)
                    user = User(
                        username=f"{role}-{unit.code}-{j + 1}", first_name=first, last_name=self.rng.choice(LAST)
                    )
                    user.set_unusable_password()
                    users.append((user, unit, role))
        User.objects.bulk_create([u for u, _, _ in users])
        created = {u.username: u for u in User.objects.filter(username__in=[u.username for u, _, _ in users])}
        for user, unit, role in users:
            memberships.append(Membership(user=created[user.username], unit=unit, role=role))
            if role == Membership.Role.CASEWORKER:
                by_unit.setdefault(unit.pk, []).append(created[user.username].pk)
        Membership.objects.bulk_create(memberships)
        return by_unit

    def partners(self) -> dict[str, list[Partner]]:
        sectors = {s.code: s for s in Sector.objects.all()}
        for code, names in PARTNERS.items():
            for name in names:
                Partner.objects.get_or_create(name=name, sector=sectors[code])
        out: dict[str, list[Partner]] = {}
        for p in Partner.objects.select_related("sector"):
            out.setdefault(p.sector.code, []).append(p)
        return out

    # --- citizens and everything around them, as plain rows -----------------------------------------
    def run(self) -> SeedResult:
        """Generate everything in memory as tuples with pre-assigned ids, then bulk-insert them (rows.Rows)."""
        units = self.organisation()
        caseworkers = self.staff(units)
        partners = {code: [p.pk for p in ps] for code, ps in self.partners().items()}
        who5 = Instrument.objects.get(code="who5")
        ld = Instrument.objects.get(code="life-domains")
        self.lookups = Lookups(
            caseworkers=caseworkers,
            partners=partners,
            sectors=list(partners),
            bases={b.code: b.pk for b in LegalBasis.objects.all()},
            reasons={r.code: r.pk for r in EndReason.objects.all()},
            kinds={k.code: k.pk for k in CollaborationKind.objects.all()},
            domains={d.code: d.pk for d in LifeDomain.objects.all()},
            who5_id=who5.pk,
            who5_items=[it.pk for it in who5.items.all()],
            ld_id=ld.pk,
            ld_items=[(it.pk, it.link_id) for it in ld.items.all()],
            stamp=datetime.datetime.combine(self.today, datetime.time(12), tzinfo=datetime.UTC),
        )
        self.horizon = self.today - datetime.timedelta(days=int(self.months * 30.44))
        self.out = Rows()
        used_cpr: set[str] = set()
        for i in range(self.n_citizens):
            self._citizen(i, units, used_cpr)
        return self.out.write(len(units))

    def _citizen(self, i: int, units: list[tuple[OrganisationUnit, int]], used_cpr: set[str]) -> None:
        """One citizen with a course (and, now and then, an earlier closed course in another unit)."""
        rng, look, horizon = self.rng, self.lookups, self.horizon
        female = rng.random() < 0.47
        name = f"{rng.choice(FIRST_FEMALE if female else FIRST_MALE)} {rng.choice(LAST)}"
        age = int(min(80, max(18, rng.gauss(40, 13))))
        birth = self.today - datetime.timedelta(days=age * 365 + rng.randrange(0, 365))
        cpr = None
        if rng.random() < 0.9:
            cpr = fake_cpr(rng, birth, female)
            while cpr in used_cpr:
                cpr = fake_cpr(rng, birth, female)
            used_cpr.add(cpr)
        citizen_id = self.out.new_id(Citizen)
        self.out.add(
            Citizen,
            (citizen_id, name, cpr, birth.year, "female" if female else "male", f"demo-{i + 1:06d}", look.stamp),
        )

        unit, kind = units[rng.randrange(len(units))]
        start = horizon + datetime.timedelta(days=rng.randrange(0, max(1, (self.today - horizon).days - 20)))
        end = reason = None
        if rng.random() < 0.3:
            end = start + datetime.timedelta(days=rng.randrange(60, 540))
            if end >= self.today:
                end = None
            else:
                reason = look.reasons[rng.choices(list(look.reasons), weights=[35, 15, 15, 20, 2, 13])[0]]
        if end is None and rng.random() < 0.08:
            # Moved between units: an earlier, closed course elsewhere.
            prev_unit, prev_kind = units[rng.randrange(len(units))]
            if prev_unit.pk != unit.pk and (start - horizon).days > 120:
                prev_start = horizon + datetime.timedelta(days=rng.randrange(0, (start - horizon).days - 90))
                prev_basis = look.bases[UNIT_KINDS[prev_kind][1][0]]
                prev_end = start - datetime.timedelta(days=1)
                transferred = look.reasons["transferred"]
                self._course(
                    CourseSpec(citizen_id, prev_unit, prev_kind, prev_start, prev_end, transferred, prev_basis)
                )
        basis = look.bases[rng.choice(UNIT_KINDS[kind][1])]
        self._course(CourseSpec(citizen_id, unit, kind, start, end, reason, basis))

    def _course(self, spec: CourseSpec) -> None:
        """One course with its measurements, goals with reviews, and collaborations."""
        rng = self.rng
        course_id = self.out.new_id(Course)
        self.out.add(Course, (course_id, spec.citizen_id, spec.unit.pk, spec.basis, spec.start, spec.end, spec.reason))
        staff = self.lookups.caseworkers[spec.unit.pk]
        person_effect = UNIT_KINDS[spec.kind][2] + rng.gauss(0, 1.2)
        last_day = min(spec.end or self.today, self.today)
        self._measurements(spec, course_id, staff, person_effect, last_day)
        self._goals(spec, course_id, staff, person_effect, last_day)
        self._collaborations(spec, course_id, staff, last_day)

    def _measurements(
        self, spec: CourseSpec, course_id: int, staff: list[int], person_effect: float, last_day: datetime.date
    ) -> None:
        """WHO-5 at every visit and the life domains at most; a follow-up every one to three months, or none."""
        rng, look, out = self.rng, self.lookups, self.out
        _name, _bases, _effect, base_mean, follow_p, staff_share, focus = UNIT_KINDS[spec.kind]
        baseline = min(92, max(4, rng.gauss(base_mean, 14)))
        day = spec.start + datetime.timedelta(days=rng.randrange(0, 21))
        follow_up = rng.random() < follow_p
        ld_base = {link: min(10, max(0, rng.gauss(4.5, 2))) for _pk, link in look.ld_items}
        visit = 0
        while day <= last_day:
            months_in = _months_between(spec.start, day)
            score = min(100, max(0, baseline + person_effect * months_in + rng.gauss(0, 6)))
            informer = self._informer(staff_share)
            completion = self._completion(informer, day)
            recorder = staff[rng.randrange(len(staff))]
            raw = self._who5_answers(score)
            m_id = out.new_id(Measurement)
            row = (m_id, course_id, look.who5_id, day, informer, recorder, float(sum(raw)), float(sum(raw) * 4))
            out.add(Measurement, (*row, "", look.stamp, completion))
            out.answers.extend((m_id, item, value) for item, value in zip(look.who5_items, raw, strict=True))
            if visit == 0 or rng.random() < 0.6:
                m_id = out.new_id(Measurement)
                out.add(
                    Measurement,
                    (m_id, course_id, look.ld_id, day, informer, recorder, None, None, "", look.stamp, completion),
                )
                for item, link in look.ld_items:
                    if rng.random() < 0.05:
                        continue  # "ikke vurderet"
                    lift = (0.25 if link in focus else 0.05) * max(-1.0, person_effect) * months_in
                    value = int(round(min(10, max(0, ld_base[link] + lift + rng.gauss(0, 1)))))
                    out.answers.append((m_id, item, value))
            visit += 1
            if not follow_up:
                break
            day += datetime.timedelta(days=rng.randrange(30, 92))

    def _goals(
        self, spec: CourseSpec, course_id: int, staff: list[int], person_effect: float, last_day: datetime.date
    ) -> None:
        """Goals: 0–3 per course, in the citizen's words, reviewed every 2–4 months."""
        rng, out = self.rng, self.out
        for g in range(rng.choice([0, 1, 1, 2, 2, 3])):
            domain_code, text = GOALS[rng.randrange(len(GOALS))]
            created = spec.start + datetime.timedelta(days=rng.randrange(0, 45))
            if created > last_day:
                continue
            goal_id = out.new_id(Goal)
            level = -1 if g else rng.choice([-2, -1])
            importance, difficulty = rng.choice([None, 1, 2, 3]), rng.choice([None, 1, 2, 3])
            target = created + datetime.timedelta(days=180)
            domain = self.lookups.domains[domain_code]
            out.add(
                Goal, (goal_id, course_id, text, domain, *LEVELS, level, importance, difficulty, created, target, None)
            )
            day = created + datetime.timedelta(days=rng.randrange(60, 120))
            while day <= last_day:
                step = rng.random()
                if step < 0.25 + 0.12 * person_effect:
                    level = min(2, level + 1)
                elif step > 0.92:
                    level = max(-2, level - 1)
                out.add(GoalReview, (out.new_id(GoalReview), goal_id, day, level, "", staff[0]))
                day += datetime.timedelta(days=rng.randrange(60, 120))

    def _collaborations(self, spec: CourseSpec, course_id: int, staff: list[int], last_day: datetime.date) -> None:
        """Collaborations around the citizen, with partners of every sector."""
        rng, look = self.rng, self.lookups
        span = max(1, (last_day - spec.start).days)
        for _c in range(rng.choice([0, 1, 2, 2, 3, 4, 5, 7])):
            sector = rng.choice(look.sectors)
            kind_code = rng.choices(list(look.kinds), weights=[40, 12, 13, 15, 20])[0]
            usefulness = rng.choice([None, 2, 3, 3, 4, 4, 4, 5, 5]) if rng.random() < 0.8 else None
            partner = rng.choice(look.partners[sector])
            date = spec.start + datetime.timedelta(days=rng.randrange(0, span))
            participated = rng.random() < 0.75
            initiator = rng.choices(INITIATORS, weights=[60, 25, 15])[0]
            row = (course_id, partner, look.kinds[kind_code], date, participated, initiator, usefulness, "", staff[0])
            self.out.add(Collaboration, (self.out.new_id(Collaboration), *row))

    def _completion(self, informer: str, day: datetime.date) -> str:
        """Who typed the answers: in the last half year some citizens answered themselves, on the unit's tablet or
        by a personal link; before that, staff typed everything."""
        if informer != Informer.CITIZEN or (self.today - day).days > 182:
            return Completion.STAFF_ENTRY
        r = self.completion_rng.random()
        return Completion.TABLET if r < 0.22 else Completion.LINK if r < 0.32 else Completion.STAFF_ENTRY

    def _informer(self, staff_share: float) -> str:
        r = self.rng.random()
        if r < staff_share:
            return Informer.STAFF
        r = self.rng.random()
        if r < 0.62:
            return Informer.CITIZEN
        if r < 0.92:
            return Informer.CITIZEN_STAFF
        return Informer.CITIZEN_RELATIVE if r < 0.97 else Informer.RELATIVE

    def _who5_answers(self, score: float) -> list[int]:
        """Five item answers 0–5 whose sum ×4 is close to the target percentage score."""
        raw_target = score / 4
        per_item = raw_target / 5
        answers = [min(5, max(0, int(round(per_item + self.rng.gauss(0, 0.7))))) for _ in range(5)]
        return answers
