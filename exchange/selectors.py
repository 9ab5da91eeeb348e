"""Reads for the exports, scoped to the requesting user.

- The FHIR export of a course is for the caseworkers of the course's unit (``tracker.selectors.course_get``: other
  units get 404, as on the citizen page).
- The tidy analyst export of a unit is for the unit's leaders, exactly as the unit dashboard
  (``tracker.access.leader_units``: superusers may open every unit).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Prefetch
from django.utils import timezone, translation

from exchange import fhir, terminology
from exchange.kl import kl
from exchange.pseudonyms import FHIR_SCOPE, pseudonym
from outcomes.models import (
    KL_INFORMER_CODES,
    Goal,
    GoalReview,
    Informer,
    Instrument,
    InstrumentItem,
    ItemAnswer,
    LifeDomain,
    Measurement,
)
from tracker.access import leader_units
from tracker.models import Course, OrganisationUnit


def export_unit(*, user, pk: int) -> OrganisationUnit:
    """A unit whose tidy export the user may fetch (one they lead), or PermissionDenied (as the dashboard)."""
    for unit in leader_units(user=user):
        if unit.pk == pk:
            return unit
    raise PermissionDenied


def who5_items() -> tuple[fhir.Who5Item, ...]:
    """Our WHO-5 items with their KL answer codes; refuses to run if our linkIds are not KL's."""
    instrument = Instrument.objects.get(code=kl().who5_instrument)
    items = tuple(
        fhir.Who5Item(
            link_id=item.link_id,
            text=item.text_da,
            options=tuple(fhir.AnswerOption(o["value"], o["code"], o["label_da"]) for o in item.options),
        )
        for item in instrument.items.order_by("order")
    )
    if tuple(i.link_id for i in items) != kl().who5_link_ids:
        raise ImproperlyConfigured("The WHO-5 items' linkIds differ from KL's (exchange/data/kl_ffinst.json).")
    return items


def _informer(code: str) -> tuple[str, str]:
    """KL's code and Danish display text (the code system's own) whatever the language of the request."""
    informer = Informer(code)
    with translation.override("da"):
        return KL_INFORMER_CODES[informer], str(informer.label)


def course_export(*, course: Course) -> fhir.CourseExport:
    """The course's WHO-5 measurements, life-domain ratings and goals as plain data for ``fhir.build_bundle``."""
    measurements = list(
        Measurement.objects.filter(course=course)
        .select_related("instrument")
        .prefetch_related(
            Prefetch("answers", queryset=ItemAnswer.objects.select_related("item__life_domain").order_by("item__order"))
        )
        .order_by("date", "pk")
    )
    who5, ratings = [], []
    for m in measurements:
        code, label = _informer(m.informer)
        key = pseudonym(scope=FHIR_SCOPE, kind="measurement", pk=m.pk)
        if m.instrument.code == kl().who5_instrument:
            answers = {a.item.link_id: a.value for a in m.answers.all()}
            who5.append(fhir.Who5Response(key, m.date, code, label, answers, m.note, score=m.score))
            continue
        for a in m.answers.all():
            domain = a.item.life_domain
            if domain is None or not domain.ffb_code:
                continue  # only ratings of FFB life domains
            ratings.append(
                fhir.DomainRating(
                    key=pseudonym(scope=FHIR_SCOPE, kind="answer", pk=a.pk),
                    date=m.date,
                    informer_code=code,
                    informer_label=label,
                    ffb_code=domain.ffb_code,
                    domain_name=domain.name_da,
                    text=a.item.text_da,
                    value=a.value,
                    low=a.item.min_value,
                    high=a.item.max_value,
                )
            )
    goals = []
    reviews = Prefetch("reviews", queryset=GoalReview.objects.order_by("date", "pk"))
    for goal in Goal.objects.filter(course=course).select_related("life_domain").prefetch_related(reviews):
        key = pseudonym(scope=FHIR_SCOPE, kind="goal", pk=goal.pk)
        levels = [fhir.GoalLevel(f"{key}:start", goal.created_on, goal.baseline_level, baseline=True)]
        levels += [
            fhir.GoalLevel(pseudonym(scope=FHIR_SCOPE, kind="review", pk=r.pk), r.date, r.level)
            for r in goal.reviews.all()
        ]
        goals.append(
            fhir.GoalData(
                key=key,
                text=goal.text,
                ffb_code=goal.life_domain.ffb_code,
                domain_key=goal.life_domain.code,
                domain_name=goal.life_domain.name_da,
                created_on=goal.created_on,
                target_date=goal.target_date,
                closed_on=goal.closed_on,
                level_texts=tuple(sorted(goal.level_texts())),
                levels=tuple(levels),
                condition_code=terminology.condition_code(goal.life_domain.code),
            )
        )
    return fhir.CourseExport(
        citizen_key=pseudonym(scope=FHIR_SCOPE, kind="citizen", pk=course.citizen_id),
        who5_items=who5_items(),
        who5=tuple(who5),
        ratings=tuple(ratings),
        goals=tuple(goals),
        timestamp=timezone.now().replace(microsecond=0),
    )


# --- The tidy analyst export -----------------------------------------------------------------------------------

TIDY_FIELDS = (
    "measurement__course__citizen_id",
    "measurement__course_id",
    "measurement_id",
    "measurement__course__unit__code",
    "measurement__course__legal_basis__code",
    "measurement__course__start",
    "measurement__instrument__code",
    "measurement__date",
    "measurement__informer",
    "measurement__completion",
    "item__link_id",
    "item__life_domain__code",
    "value",
    "measurement__raw_score",
    "measurement__score",
)


def tidy_answer_values(*, unit: OrganisationUnit) -> Iterator[tuple]:
    """Every item answer of every measurement in the unit, in one query read in chunks (a big unit streams)."""
    return (
        ItemAnswer.objects.filter(measurement__course__unit=unit)
        .order_by("measurement__course_id", "measurement__date", "measurement_id", "item__order")
        .values_list(*TIDY_FIELDS)
        .iterator(chunk_size=2000)
    )


def tidy_citizen_ids(*, unit: OrganisationUnit) -> list[int]:
    """The citizens whose measurements the unit's tidy export holds (each gets an audit entry)."""
    return sorted(
        set(Measurement.objects.filter(course__unit=unit).values_list("course__citizen_id", flat=True).distinct())
    )


def dictionary_instruments() -> list[Instrument]:
    """The instruments whose measurements the tidy export can hold (GAS goals are not measurements)."""
    items = Prefetch("items", queryset=InstrumentItem.objects.select_related("life_domain").order_by("order"))
    return list(Instrument.objects.filter(active=True).exclude(scoring=Instrument.Scoring.GAS).prefetch_related(items))


def dictionary_life_domains() -> list[LifeDomain]:
    """Every life domain, in their order (the data dictionary maps each to its FFB code)."""
    return list(LifeDomain.objects.order_by("order"))
