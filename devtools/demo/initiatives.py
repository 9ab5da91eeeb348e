"""Two initiatives for the demo municipality: one that works and one that does not.

The working one (FIT in Bostøtteteam Nord, seven months ago): from its start date the unit's citizens get a
better trajectory — each WHO-5 answer after the start moves up by a step per two months since the later of the
initiative's and the course's start (capped), so the course's baseline is untouched and its change at follow-up
grows. The other (peer support in Bofællesskabet Lærkevej, eight months ago, a unit whose citizens neither
improve nor worsen on average) changes nothing. Development tooling: called by the ``demo`` command after the
seed; it refuses to run twice.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from improvement.models import FidelityCheck, Indicator, Initiative, LearningEntry
from outcomes.models import Instrument, ItemAnswer, Measurement
from outcomes.summaries import summaries_rebuild
from tracker import dataversion
from tracker.models import OrganisationUnit

WORKING_UNIT = "Bostøtteteam Nord"
NOT_WORKING_UNIT = "Bofællesskabet Lærkevej"
MONTHS_WORKING, MONTHS_NOT_WORKING = 7, 8
MAX_STEPS = 5  # at most one step up on each of the five WHO-5 items: +20 points at most


def _months_ago(today: datetime.date, n: int) -> datetime.date:
    index = today.year * 12 + today.month - 1 - n
    return datetime.date(index // 12, index % 12 + 1, 1)


def _months(a: datetime.date, b: datetime.date) -> float:
    return (b - a).days / 30.44


def improve_after(*, unit: OrganisationUnit, start: datetime.date) -> int:
    """Raise the unit's WHO-5 answers after ``start``: one item one step up per six weeks since the later of
    ``start`` and the course's start (at most MAX_STEPS items); returns the number of measurements changed."""
    who5 = Instrument.objects.get(code="who5")
    multiplier = float(who5.score_multiplier or 1.0)
    changed = []
    rows = Measurement.objects.filter(course__unit=unit, instrument=who5, date__gte=start).values_list(
        "pk", "date", "course__start"
    )
    steps_of = {}
    for pk, day, course_start in rows:
        since = max(start, course_start)
        steps = min(MAX_STEPS, int(_months(since, day) / 1.5))
        if steps > 0:
            steps_of[pk] = steps
    answers = ItemAnswer.objects.filter(measurement_id__in=list(steps_of)).only("pk", "measurement_id", "value")
    by_measurement: dict[int, list[ItemAnswer]] = {}
    for a in answers:
        by_measurement.setdefault(a.measurement_id, []).append(a)
    for pk, items in by_measurement.items():
        # The lowest answers first: the steps go where there is room.
        for a in sorted(items, key=lambda a: (a.value, a.pk))[: steps_of[pk]]:
            a.value = min(5, a.value + 1)
    ItemAnswer.objects.bulk_update([a for items in by_measurement.values() for a in items], ["value"], batch_size=2000)
    measurements = Measurement.objects.filter(pk__in=list(by_measurement)).only("pk", "raw_score", "score")
    for m in measurements:
        raw = float(sum(a.value for a in by_measurement[m.pk]))
        m.raw_score, m.score = raw, raw * multiplier
        changed.append(m)
    Measurement.objects.bulk_update(changed, ["raw_score", "score"], batch_size=2000)
    return len(changed)


@transaction.atomic
def seed_initiatives(*, today: datetime.date | None = None) -> list[Initiative]:
    """Create the two demo initiatives (once) and give the working one's unit its better trajectory."""
    if Initiative.objects.exists():
        return []
    today = today or datetime.date.today()
    units = {u.name: u for u in OrganisationUnit.objects.filter(name__in=[WORKING_UNIT, NOT_WORKING_UNIT])}
    if len(units) < 2:
        return []
    User = get_user_model()
    author = User.objects.filter(username="leder.nord").first() or User.objects.order_by("pk").first()
    if author is None:
        return []
    working = Initiative.objects.create(
        name="Feedback i hver samtale (FIT)",
        description=(
            "Vi spørger borgeren ved hver samtale, hvordan det går, og hvordan samtalen var, og bruger svarene "
            "til at justere støtten."
        ),
        method=Initiative.Method.FIT,
        start=_months_ago(today, MONTHS_WORKING),
        created_by=author,
    )
    working.units.set([units[WORKING_UNIT]])
    Indicator.objects.create(initiative=working, measure=Indicator.Measure.MEAN_CHANGE, direction="up")
    Indicator.objects.create(initiative=working, measure=Indicator.Measure.IMPROVED_SHARE, direction="up")
    other = Initiative.objects.create(
        name="Peer-medarbejder i bofællesskabet",
        description="En peer-medarbejder er i huset to dage om ugen og tager med til aktiviteter i byen.",
        method=Initiative.Method.PEER,
        start=_months_ago(today, MONTHS_NOT_WORKING),
        created_by=author,
    )
    other.units.set([units[NOT_WORKING_UNIT]])
    Indicator.objects.create(initiative=other, measure=Indicator.Measure.MEAN_CHANGE, direction="up")
    Indicator.objects.create(initiative=other, measure=Indicator.Measure.COLLABORATIONS, direction="up")
    for months, score in ((7, "3.1"), (4, "3.8"), (1, "4.2")):
        FidelityCheck.objects.create(
            initiative=working,
            date=_months_ago(today, months),
            scale="FIT-fidelitetsskala (1–5)",
            score=Decimal(score),
            note="Selvevaluering i teamet med ekstern sparring.",
            recorded_by=author,
        )
    FidelityCheck.objects.create(
        initiative=other,
        date=_months_ago(today, 4),
        scale="Peerstøtte-fidelitet (1–5)",
        score=Decimal("2.4"),
        note="Peer-medarbejderen var syg i seks uger; aktiviteterne blev aflyst.",
        recorded_by=author,
    )
    LearningEntry.objects.create(
        initiative=working,
        date=_months_ago(today, 6),
        tried="Vi brugte ORS og SRS i alle samtaler i tre måneder.",
        saw="Flere borgere sagde fra, når samtalen ikke hjalp, og vi ændrede planen tidligere.",
        change_next="Vi gennemgår skalaerne på teammødet hver anden uge.",
        publishable=True,
        written_by=author,
    )
    LearningEntry.objects.create(
        initiative=other,
        date=_months_ago(today, 3),
        tried="Fælles aktiviteter i byen med peer-medarbejderen.",
        saw="Få deltog, og det var de samme hver gang. Det virkede ikke som tænkt.",
        change_next="Vi spørger beboerne, hvad de selv vil, før vi planlægger næste runde.",
        publishable=False,
        written_by=author,
    )
    improve_after(unit=units[WORKING_UNIT], start=working.start)
    summaries_rebuild(instrument=Instrument.objects.get(code="who5"))
    dataversion.bump()
    return [working, other]
