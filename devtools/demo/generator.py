"""Synthetic data that looks like a Danish municipality's socialpsykiatri — deterministic for a given seed.

Used by ``manage.py seed`` (any size, bulk inserts) and ``manage.py demo``. Nothing here is real: names are
drawn from common Danish names, and CPR numbers are built so that they FAIL the old modulus-11 check, which
every CPR number issued before 2007 passes, so they are unlikely to be any real person's.

Units differ on purpose, so that dashboards have something to show: some improve their citizens'
well-being markedly, some are flat, one deteriorates, some rarely measure a follow-up, one rates mostly
on the staff's word rather than the citizen's.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max

from outcomes.models import Completion, Goal, GoalReview, Informer, Instrument, ItemAnswer, LifeDomain, Measurement
from outcomes.summaries import summaries_rebuild
from tracker import dataversion
from tracker.models import (
    Citizen,
    Collaboration,
    CollaborationKind,
    Course,
    DirectorScope,
    EndReason,
    LegalBasis,
    Membership,
    OrganisationUnit,
    Partner,
    Sector,
)

MUNICIPALITY = "Egekær Kommune"

FIRST_FEMALE = [
    "Anne",
    "Mette",
    "Kirsten",
    "Hanne",
    "Helle",
    "Susanne",
    "Lene",
    "Maria",
    "Louise",
    "Camilla",
    "Julie",
    "Sofie",
    "Emma",
    "Ida",
    "Laura",
    "Sara",
    "Cecilie",
    "Line",
    "Pia",
    "Tina",
    "Nanna",
    "Amalie",
    "Freja",
    "Signe",
    "Rikke",
    "Dorthe",
    "Bente",
    "Jette",
    "Maja",
    "Fatima",
    "Aisha",
]
FIRST_MALE = [
    "Peter",
    "Jens",
    "Lars",
    "Michael",
    "Henrik",
    "Thomas",
    "Søren",
    "Jan",
    "Niels",
    "Anders",
    "Martin",
    "Rasmus",
    "Jesper",
    "Mads",
    "Mikkel",
    "Christian",
    "Kasper",
    "Frederik",
    "Emil",
    "Jonas",
    "Mathias",
    "Oliver",
    "Lucas",
    "Kim",
    "Bo",
    "Ole",
    "Torben",
    "Ali",
    "Mohammed",
    "Ahmad",
]
LAST = [
    "Jensen",
    "Nielsen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Petersen",
    "Madsen",
    "Kristensen",
    "Olsen",
    "Thomsen",
    "Christiansen",
    "Poulsen",
    "Johansen",
    "Møller",
    "Mortensen",
    "Knudsen",
    "Jakobsen",
    "Mikkelsen",
    "Frederiksen",
    "Holm",
    "Lund",
    "Schmidt",
    "Eriksen",
    "Østergaard",
    "Kjær",
    "Bach",
    "Dam",
    "Friis",
    "Yilmaz",
    "Hussein",
]

DISTRICTS = [
    "Nord",
    "Syd",
    "Øst",
    "Vest",
    "Centrum",
    "Havnen",
    "Engen",
    "Skovbrynet",
    "Åbyen",
    "Bakken",
    "Strandby",
    "Møllevej",
    "Kildedal",
    "Søhøj",
    "Fjordsiden",
    "Lyngby",
    "Toften",
    "Granly",
]

# (kind name, legal bases, effect on WHO-5 per month, baseline WHO-5 mean, follow-up probability,
#  share of staff-only ratings, life domains the unit works with)
UNIT_KINDS = [
    ("Bostøtteteam", ("sel-85", "sel-82b"), 1.4, 34, 0.9, 0.10, ("practical-tasks", "self-care", "community-life")),
    ("Botilbuddet", ("sel-107",), 0.8, 26, 0.85, 0.30, ("self-care", "health", "mental-functions")),
    ("Værestedet", ("sel-104",), 0.5, 38, 0.55, 0.05, ("relationships", "network", "neighbourhood")),
    ("Bofællesskabet", ("sel-108",), 0.0, 30, 0.9, 0.45, ("practical-tasks", "health")),
    ("Gruppeforløbet", ("sel-82a", "sel-82b"), 1.8, 40, 0.7, 0.05, ("mental-functions", "relationships")),
    ("Udgående Team", ("sel-85",), -0.4, 32, 0.6, 0.15, ("community-life", "mental-functions")),
]

# The demo's units: names of the kind a municipality really has.
DEMO_UNITS = [
    ("Bostøtteteam Nord", 0),
    ("Bostøtteteam Syd", 0),
    ("Botilbuddet Solsikken", 1),
    ("Værestedet Havnen", 2),
    ("Bofællesskabet Lærkevej", 3),
    ("Gruppeforløbet Åben Dør", 4),
    ("Udgående Team Ung", 5),
]

PARTNERS = {
    "jobcenter": ["Jobcenter Egekær", "Jobcenter Egekær – Ressourceforløb"],
    "psychiatry": ["Distriktspsykiatrien Egekær", "Psykiatrisk Akutmodtagelse", "OPUS Egekær"],
    "gp": ["Lægehuset Torvet", "Lægerne i Kildedal", "Lægehuset ved Stationen"],
    "hospital": ["Regionshospitalet Egekær"],
    "housing": ["Boligselskabet Egebo", "Boligforeningen Fjordparken", "Kommunens boliganvisning"],
    "education": ["VUC Egekær", "FGU Egekær", "Specialpædagogisk støtte (SPS)"],
    "addiction": ["Rusmiddelcenter Egekær"],
    "municipal": ["Borgerservice", "Ydelseskontoret", "Sundhedscentret"],
    "civil-society": ["Sind Egekær", "Røde Kors besøgsven", "Idrætsforeningen Egekær IF", "Kirkens Korshær Café"],
    "relatives": ["Pårørende (familie)", "Netværksmøde med venner"],
    "peer": ["Recovery-mentor Egekær", "Peer-medarbejder, Værestedet"],
    "other": ["Advokatvagten", "Gældsrådgivningen"],
}

GOALS = [
    ("practical-tasks", "Jeg vil selv kunne handle ind og lave mad tre dage om ugen"),
    ("practical-tasks", "Jeg vil have styr på vasketøjet uden hjælp"),
    ("self-care", "Jeg vil sove bedre og stå op før kl. 9"),
    ("self-care", "Jeg vil huske at tage min medicin hver dag"),
    ("community-life", "Jeg vil have styr på mine regninger og ikke få rykkere"),
    ("community-life", "Jeg vil i praktik et par timer om ugen"),
    ("community-life", "Jeg vil i gang med et kursus på VUC"),
    ("relationships", "Jeg vil se min søster en gang om måneden"),
    ("relationships", "Jeg vil turde tale med de andre på værestedet"),
    ("mobility", "Jeg vil kunne tage bussen alene til byen"),
    ("mental-functions", "Jeg vil kunne mærke, når angsten kommer, og bruge mine strategier"),
    ("mental-functions", "Jeg vil have færre dage, hvor jeg bliver i sengen"),
    ("health", "Jeg vil gå en tur tre gange om ugen"),
    ("health", "Jeg vil gå til lægen, når jeg skal, uden at aflyse"),
    ("network", "Jeg vil være med i en forening"),
    ("neighbourhood", "Jeg vil føle mig tryg i min opgang"),
    ("social-circumstances", "Jeg vil finde ud af, hvad jeg har ret til af hjælp"),
    ("communication", "Jeg vil selv kunne ringe til kommunen"),
]
LEVELS = [
    "Jeg gør det slet ikke",
    "Jeg gør det af og til med hjælp",
    "Jeg gør det som aftalt",
    "Jeg gør det oftere end aftalt",
    "Jeg gør det helt af mig selv",
]


INITIATORS = ["unit", "partner", "citizen"]


def _next_id(model) -> int:
    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def _insert(model, columns: tuple[str, ...], rows: list[tuple], chunk: int = 20000) -> None:
    """Bulk insert of raw rows: PostgreSQL's COPY (far faster than INSERTs there), else executemany."""
    qn = connection.ops.quote_name
    if connection.vendor == "postgresql":
        copy_sql = f"COPY {qn(model._meta.db_table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy:
            for row in rows:
                copy.write_row(row)
        return
    sql = (
        f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        for i in range(0, len(rows), chunk):
            cursor.executemany(sql, rows[i : i + chunk])


def _reset_sequences(models: list) -> None:
    """After inserting explicit ids, move PostgreSQL's sequences past them (a no-op on SQLite)."""
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


@dataclass
class SeedResult:
    units: int
    citizens: int
    courses: int
    measurements: int
    answers: int
    goals: int
    collaborations: int
    summaries: int


def fake_cpr(rng: random.Random, birth: datetime.date, female: bool) -> str:
    """A CPR number with the right date, century digit and sex digit that fails the old modulus-11 check."""
    yy = birth.year % 100
    # 7th digit (CPR-kontoret): 0–3 always mean the 1900s; 4 with YY ≤ 36 means the 2000s.
    if not 1937 <= birth.year <= 2036:
        raise ValueError("Synthetic CPR numbers cover birth years 1937–2036.")
    seventh = rng.choice([0, 1, 2, 3]) if birth.year < 2000 else 4
    weights = [4, 3, 2, 7, 6, 5, 4, 3, 2, 1]
    while True:
        middle = f"{rng.randrange(0, 100):02d}"
        last = rng.randrange(0, 10)
        if (last % 2 == 0) != female:
            continue
        cpr = f"{birth:%d%m}{yy:02d}{seventh}{middle}{last}"
        if sum(int(d) * w for d, w in zip(cpr, weights, strict=True)) % 11 != 0:
            return cpr


def _months_between(a: datetime.date, b: datetime.date) -> float:
    return (b - a).days / 30.44


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
        """Generate everything in memory as tuples with pre-assigned ids, then insert with executemany.

        Building 700,000 model objects and compiling their INSERTs was most of the time; plain rows make
        10,000 citizens take well under the 90 s budget on a 2-core machine.
        """
        rng = self.rng
        units = self.organisation()
        caseworkers = self.staff(units)
        partners = {code: [p.pk for p in ps] for code, ps in self.partners().items()}
        sectors = list(partners)
        bases = {b.code: b.pk for b in LegalBasis.objects.all()}
        reasons = {r.code: r.pk for r in EndReason.objects.all()}
        kinds = {k.code: k.pk for k in CollaborationKind.objects.all()}
        domains = {d.code: d.pk for d in LifeDomain.objects.all()}
        who5 = Instrument.objects.get(code="who5")
        who5_items = [it.pk for it in who5.items.all()]
        ld = Instrument.objects.get(code="life-domains")
        ld_items = [(it.pk, it.link_id) for it in ld.items.all()]
        horizon = self.today - datetime.timedelta(days=int(self.months * 30.44))
        stamp = datetime.datetime.combine(self.today, datetime.time(12), tzinfo=datetime.UTC)
        ids = {m: _next_id(m) for m in (Citizen, Course, Measurement, Goal, GoalReview, Collaboration)}

        rows: dict[type, list[tuple]] = {m: [] for m in ids}
        answers: list[tuple] = []
        used_cpr: set[str] = set()

        def new_id(model) -> int:
            ids[model] += 1
            return ids[model] - 1

        for i in range(self.n_citizens):
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
            citizen_id = new_id(Citizen)
            rows[Citizen].append(
                (citizen_id, name, cpr, birth.year, "female" if female else "male", f"demo-{i + 1:06d}", stamp)
            )

            unit, kind = units[rng.randrange(len(units))]
            start = horizon + datetime.timedelta(days=rng.randrange(0, max(1, (self.today - horizon).days - 20)))
            end = reason = None
            if rng.random() < 0.3:
                end = start + datetime.timedelta(days=rng.randrange(60, 540))
                if end >= self.today:
                    end = None
                else:
                    reason = reasons[rng.choices(list(reasons), weights=[35, 15, 15, 20, 2, 13])[0]]
            if end is None and rng.random() < 0.08:
                # Moved between units: an earlier, closed course elsewhere.
                prev_unit, prev_kind = units[rng.randrange(len(units))]
                if prev_unit.pk != unit.pk and (start - horizon).days > 120:
                    prev_start = horizon + datetime.timedelta(days=rng.randrange(0, (start - horizon).days - 90))
                    self._course(
                        rows,
                        answers,
                        new_id,
                        citizen_id,
                        prev_unit,
                        prev_kind,
                        prev_start,
                        start - datetime.timedelta(days=1),
                        reasons["transferred"],
                        bases[UNIT_KINDS[prev_kind][1][0]],
                        caseworkers,
                        partners,
                        sectors,
                        kinds,
                        domains,
                        who5.pk,
                        who5_items,
                        ld.pk,
                        ld_items,
                        stamp,
                    )
            self._course(
                rows,
                answers,
                new_id,
                citizen_id,
                unit,
                kind,
                start,
                end,
                reason,
                bases[rng.choice(UNIT_KINDS[kind][1])],
                caseworkers,
                partners,
                sectors,
                kinds,
                domains,
                who5.pk,
                who5_items,
                ld.pk,
                ld_items,
                stamp,
            )

        with transaction.atomic():
            _insert(Citizen, ("id", "name", "cpr", "birth_year", "gender", "external_id", "created_at"), rows[Citizen])
            _insert(
                Course, ("id", "citizen_id", "unit_id", "legal_basis_id", "start", "end", "end_reason_id"), rows[Course]
            )
            _insert(
                Measurement,
                (
                    "id",
                    "course_id",
                    "instrument_id",
                    "date",
                    "informer",
                    "recorded_by_id",
                    "raw_score",
                    "score",
                    "note",
                    "created_at",
                    "completion",
                ),
                rows[Measurement],
            )
            _insert(ItemAnswer, ("measurement_id", "item_id", "value"), answers)
            _insert(
                Goal,
                (
                    "id",
                    "course_id",
                    "text",
                    "life_domain_id",
                    "level_minus2",
                    "level_minus1",
                    "level_0",
                    "level_plus1",
                    "level_plus2",
                    "baseline_level",
                    "importance",
                    "difficulty",
                    "created_on",
                    "target_date",
                    "closed_on",
                ),
                rows[Goal],
            )
            _insert(GoalReview, ("id", "goal_id", "date", "level", "note", "recorded_by_id"), rows[GoalReview])
            _insert(
                Collaboration,
                (
                    "id",
                    "course_id",
                    "partner_id",
                    "kind_id",
                    "date",
                    "citizen_participated",
                    "initiated_by",
                    "usefulness",
                    "note",
                    "recorded_by_id",
                ),
                rows[Collaboration],
            )
            _reset_sequences(list(ids))
            n_summaries = summaries_rebuild()
        if connection.vendor == "postgresql":
            # Fresh statistics for the planner: right after a bulk load its estimates are off by orders of
            # magnitude (a cold national dashboard took 7 s instead of 1 s until autovacuum got to it).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        return SeedResult(
            units=len(units),
            citizens=len(rows[Citizen]),
            courses=len(rows[Course]),
            measurements=len(rows[Measurement]),
            answers=len(answers),
            goals=len(rows[Goal]),
            collaborations=len(rows[Collaboration]),
            summaries=n_summaries,
        )

    def _course(
        self,
        rows,
        answers,
        new_id,
        citizen_id,
        unit,
        kind,
        start,
        end,
        reason,
        basis,
        caseworkers,
        partners,
        sectors,
        kinds,
        domains,
        who5_id,
        who5_items,
        ld_id,
        ld_items,
        stamp,
    ) -> None:
        """One course with its measurements, goals with reviews, and collaborations."""
        rng = self.rng
        course_id = new_id(Course)
        rows[Course].append((course_id, citizen_id, unit.pk, basis, start, end, reason))
        _name, _bases, effect, base_mean, follow_p, staff_share, focus = UNIT_KINDS[kind]
        staff = caseworkers[unit.pk]
        person_effect = effect + rng.gauss(0, 1.2)
        baseline = min(92, max(4, rng.gauss(base_mean, 14)))
        last_day = min(end or self.today, self.today)
        day = start + datetime.timedelta(days=rng.randrange(0, 21))
        follow_up = rng.random() < follow_p
        ld_base = {link: min(10, max(0, rng.gauss(4.5, 2))) for _pk, link in ld_items}
        visit = 0
        while day <= last_day:
            months_in = _months_between(start, day)
            score = min(100, max(0, baseline + person_effect * months_in + rng.gauss(0, 6)))
            informer = self._informer(staff_share)
            completion = self._completion(informer, day)
            recorder = staff[rng.randrange(len(staff))]
            raw = self._who5_answers(score)
            m_id = new_id(Measurement)
            rows[Measurement].append(
                (
                    m_id,
                    course_id,
                    who5_id,
                    day,
                    informer,
                    recorder,
                    float(sum(raw)),
                    float(sum(raw) * 4),
                    "",
                    stamp,
                    completion,
                )
            )
            answers.extend((m_id, item, value) for item, value in zip(who5_items, raw, strict=True))
            if visit == 0 or rng.random() < 0.6:
                m_id = new_id(Measurement)
                rows[Measurement].append(
                    (m_id, course_id, ld_id, day, informer, recorder, None, None, "", stamp, completion)
                )
                for item, link in ld_items:
                    if rng.random() < 0.05:
                        continue  # "ikke vurderet"
                    lift = (0.25 if link in focus else 0.05) * max(-1.0, person_effect) * months_in
                    answers.append((m_id, item, int(round(min(10, max(0, ld_base[link] + lift + rng.gauss(0, 1)))))))
            visit += 1
            if not follow_up:
                break
            day += datetime.timedelta(days=rng.randrange(30, 92))
        # Goals: 0–3 per course, in the citizen's words, reviewed every 2–4 months.
        for g in range(rng.choice([0, 1, 1, 2, 2, 3])):
            domain_code, text = GOALS[rng.randrange(len(GOALS))]
            created = start + datetime.timedelta(days=rng.randrange(0, 45))
            if created > last_day:
                continue
            goal_id = new_id(Goal)
            level = -1 if g else rng.choice([-2, -1])
            rows[Goal].append(
                (
                    goal_id,
                    course_id,
                    text,
                    domains[domain_code],
                    *LEVELS,
                    level,
                    rng.choice([None, 1, 2, 3]),
                    rng.choice([None, 1, 2, 3]),
                    created,
                    created + datetime.timedelta(days=180),
                    None,
                )
            )
            day = created + datetime.timedelta(days=rng.randrange(60, 120))
            while day <= last_day:
                step = rng.random()
                if step < 0.25 + 0.12 * person_effect:
                    level = min(2, level + 1)
                elif step > 0.92:
                    level = max(-2, level - 1)
                rows[GoalReview].append((new_id(GoalReview), goal_id, day, level, "", staff[0]))
                day += datetime.timedelta(days=rng.randrange(60, 120))
        # Collaborations around the citizen.
        span = max(1, (last_day - start).days)
        for _c in range(rng.choice([0, 1, 2, 2, 3, 4, 5, 7])):
            sector = rng.choice(sectors)
            kind_code = rng.choices(list(kinds), weights=[40, 12, 13, 15, 20])[0]
            usefulness = rng.choice([None, 2, 3, 3, 4, 4, 4, 5, 5]) if rng.random() < 0.8 else None
            rows[Collaboration].append(
                (
                    new_id(Collaboration),
                    course_id,
                    rng.choice(partners[sector]),
                    kinds[kind_code],
                    start + datetime.timedelta(days=rng.randrange(0, span)),
                    rng.random() < 0.75,
                    rng.choices(INITIATORS, weights=[60, 25, 15])[0],
                    usefulness,
                    "",
                    staff[0],
                )
            )

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


def seed(*, units: int, citizens: int, months: int, seed: int, today: datetime.date | None = None) -> SeedResult:
    """Fill an empty database with a synthetic municipality. Refuses to run where citizens already exist."""
    if Citizen.objects.exists():
        raise ValueError("The database already holds citizens; seed only into an empty database (or use --replace).")
    return Generator(
        units=units, citizens=citizens, months=months, seed=seed, today=today or datetime.date.today()
    ).run()


def clear() -> None:
    """Remove every citizen record and the seeded organisation (reference data and instruments stay)."""
    from outcomes.models import TrajectorySummary
    from tracker import audit

    with transaction.atomic():
        TrajectorySummary.objects.all().delete()
        GoalReview.objects.all().delete()
        Goal.objects.all().delete()
        ItemAnswer.objects.all().delete()
        Measurement.objects.all().delete()
        Collaboration.objects.all().delete()
        Course.objects.all().delete()
        Citizen.objects.all().delete()
        Partner.objects.all().delete()
        # The audit log is append-only in the database; wiping it goes through the sanctioned purge (logged).
        audit.purge_all(reason="seed --replace")
        Membership.objects.all().delete()
        DirectorScope.objects.all().delete()
        get_user_model().objects.filter(is_superuser=False).delete()
        for kind in (OrganisationUnit.Kind.UNIT, OrganisationUnit.Kind.DEPARTMENT, OrganisationUnit.Kind.MUNICIPALITY):
            OrganisationUnit.objects.filter(kind=kind).delete()
        dataversion.bump()
