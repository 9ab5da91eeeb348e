"""The citizen's rights: the complete record (GDPR art. 15) and anonymisation after the retention period.

- :func:`citizen_record` gathers everything we hold about one citizen — the citizen, every course in every unit,
  measurements with their answers, goals with their levels and reviews, collaborations with the partners' names,
  trajectory summaries — and the dates and purposes of the look-ups on them (from the audit log, without the staff
  identities). It is produced only for a registered request (``tracker.models.AccessRequest``, found through
  ``tracker.selectors.access_request_get``: a leader of the unit that received it), and holds the courses of that
  unit and of the units whose records the citizen has consented to share with it (docs/privacy.md).
- :func:`anonymisation_candidates` and :func:`citizen_anonymise` implement the retention rule (docs/privacy.md):
  once all of a citizen's courses are closed and the latest ended more than ``EFFEKTSPOR_RETENTION_YEARS`` ago,
  the name becomes "Anonymiseret", CPR number and external id are removed, and every free text (measurement notes,
  goal texts and level descriptions, review notes, collaboration notes) is emptied. Numbers stay, for statistics.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outcomes.models import Goal, GoalReview, ItemAnswer, Measurement, TrajectorySummary
from tracker import selectors
from tracker.models import AuditEntry, Citizen, Collaboration, Course, Membership
from tracker.services import audit_log

ANONYMISED_NAME = "Anonymiseret"
GOAL_TEXT_FIELDS = ("text", "level_minus2", "level_minus1", "level_0", "level_plus1", "level_plus2")

# What each logged use was for, in words a citizen understands. Codes not listed are shown by their action alone.
PURPOSES = {
    "citizen_detail": _("Borgerens overblik blev vist"),
    "citizen_list": _("Borgeren blev vist i en liste over borgere"),
    "citizen_update_form": _("Borgerens oplysninger blev åbnet til rettelse"),
    "cpr_reveal": _("Det fulde CPR-nummer blev vist"),
    "course_start_form": _("Et nyt forløb blev forberedt"),
    "course_end_form": _("Afslutning af et forløb blev forberedt"),
    "collaboration_form": _("Registrering af et samarbejde blev forberedt"),
    "measurement_form": _("Registrering af en måling blev forberedt"),
    "measurement_detail": _("En måling blev vist"),
    "goal_form": _("Et nyt mål blev forberedt"),
    "goal_review_form": _("Opfølgning på et mål blev forberedt"),
    "citizen_summary_print": _("'Min udvikling' blev vist til udskrift"),
    "citizen_record": _("Indsigt: hele journalen blev udleveret"),
    "citizen_record_json": _("Indsigt: hele journalen blev udleveret som datafil"),
    "anonymisation": _("Oplysningerne blev anonymiseret efter opbevaringsperioden"),
    "admin": _("Oplysningerne blev vist i administrationen"),
    "admin_audit_log": _("Loggen over brug af oplysningerne blev læst i administrationen"),
    "citizen_match": _("Borgeren blev genkendt på CPR-nummeret ved registrering i en enhed"),
    "external_id_withheld": _("Et eksternt id fra et andet system blev ikke gemt"),
    "cpr_probe": _("Et CPR-nummer, der tilhører en anden registrering, blev forsøgt gemt"),
    "consent": _("Borgerens samtykke til deling mellem enheder blev registreret"),
    "consent_withdrawn": _("Borgerens samtykke blev trukket tilbage"),
    "consent_shared_view": _("Oplysninger fra andre enheder blev vist med borgerens samtykke"),
    "access_request": _("Borgerens anmodning om indsigt blev registreret"),
    "correction": _("En registrering blev rettet"),
    "correction_form": _("Rettelse af en registrering blev forberedt"),
    "consent_form": _("Borgerens samtykker til deling blev vist"),
    "access_request_form": _("Registrering af en anmodning om indsigt blev forberedt"),
    # Import and export
    "import": _("Oplysninger blev indlæst fra en fil"),
    "import_preview": _("En fil til indlæsning blev kontrolleret mod borgerens oplysninger"),
    "fhir_course_export": _("Et forløbs målinger og mål blev udleveret som FHIR-fil"),
    "tidy_unit_export": _("Borgerens målinger indgik pseudonymiseret i et dataudtræk til analyse"),
    # The citizen's own answers
    "selfservice_start": _("Borgerens egen besvarelse blev forberedt"),
    "selfservice_tablet": _("Tabletten blev givet til borgeren til egen besvarelse"),
    "selfservice_link": _("Et personligt link til egen besvarelse blev lavet"),
    "selfservice_link_opened": _("Borgeren åbnede sit personlige link"),
    "selfservice_tablet_used": _("Borgeren besvarede selv på tabletten"),
    "selfservice_link_used": _("Borgeren besvarede selv via sit personlige link"),
    "selfservice_tablet_closed": _("Tablet-besvarelsen blev afsluttet"),
    "selfservice_link_closed": _("Et personligt link blev lukket"),
    "selfservice_tablet_development": _("Borgeren så sin egen udvikling på tabletten"),
}


def _purpose_label(purpose: str) -> str:
    if purpose.startswith("unit_dashboard:"):
        return _("Borgeren indgik i en liste fra enhedens overblik, som blev eksporteret")
    if purpose.startswith("api_"):
        return _("Oplysningerne blev læst eller ændret gennem API'et af et andet system")
    return PURPOSES.get(purpose, "")


def _date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def _answer_label(item, value: int) -> str:
    for option in item.options or []:
        if option.get("value") == value:
            return option.get("label_da", "")
    return ""


def lookups(citizen: Citizen, *, unit_ids: set[int] | None = None) -> list[dict[str, Any]]:
    """The logged uses of the citizen's data: time, kind and purpose — never who (art. 15 and Datatilsynet).

    ``unit_ids`` limits them to uses by staff of those units (and by the system itself): a unit's record does not
    tell what another unit did, any more than it shows what that unit recorded."""
    scope = Q()
    if unit_ids is not None:
        members = Membership.objects.filter(unit_id__in=unit_ids).values("user_id")
        scope = Q(user__isnull=True) | Q(user_id__in=members)
    entries = list(AuditEntry.objects.filter(scope, citizen_id=citizen.pk).only("time", "action", "purpose"))
    # A listing or export of many citizens names them in detail["citizen_ids"] (the JSON lookup for that differs
    # between databases; these entries are few enough to filter here).
    for entry in AuditEntry.objects.filter(scope, citizen_id__isnull=True, detail__has_key="citizen_ids").only(
        "time", "action", "purpose", "detail"
    ):
        if citizen.pk in (entry.detail.get("citizen_ids") or []):
            entries.append(entry)
    entries.sort(key=lambda e: e.time)
    return [
        {
            "time": timezone.localtime(e.time).isoformat(timespec="seconds"),
            "action": e.action,
            "action_label": str(e.get_action_display()),
            "purpose": e.purpose,
            "purpose_label": str(_purpose_label(e.purpose)),
        }
        for e in entries
    ]


def citizen_record(citizen: Citizen, *, unit_ids: set[int] | None = None) -> dict[str, Any]:
    """Every record of one citizen, as plain JSON-able data (the art. 15 export and its printable page).

    ``unit_ids`` limits the courses to those units (the unit producing the record and those sharing with it)."""
    course_filter = {"unit_id__in": unit_ids} if unit_ids is not None else {}
    courses = list(
        Course.objects.filter(citizen=citizen, **course_filter)
        .select_related("unit", "legal_basis", "end_reason")
        .prefetch_related(
            Prefetch(
                "measurements",
                queryset=Measurement.objects.select_related("instrument")
                .prefetch_related(
                    Prefetch("answers", queryset=ItemAnswer.objects.select_related("item").order_by("item__order"))
                )
                .order_by("date", "pk"),
            ),
            Prefetch(
                "goals",
                queryset=Goal.objects.select_related("life_domain").prefetch_related(
                    Prefetch("reviews", queryset=GoalReview.objects.order_by("date", "pk"))
                ),
            ),
            Prefetch(
                "collaborations",
                queryset=Collaboration.objects.select_related("partner__sector", "kind").order_by("date", "pk"),
            ),
            Prefetch("summaries", queryset=TrajectorySummary.objects.select_related("instrument")),
        )
        .order_by("start", "pk")
    )
    return {
        "format": "effektspor-citizen-record/1",
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "citizen": {
            "id": citizen.pk,
            "name": citizen.name,
            "cpr": citizen.cpr,
            "birth_year": citizen.birth_year,
            "gender": citizen.gender,
            "gender_label": str(citizen.get_gender_display()),
            "external_id": citizen.external_id,
            "created_at": timezone.localtime(citizen.created_at).isoformat(timespec="seconds"),
        },
        "courses": [_course(course) for course in courses],
        "lookups": lookups(citizen, unit_ids=unit_ids),
    }


def _course(course: Course) -> dict[str, Any]:
    return {
        "id": course.pk,
        "unit": course.unit.name,
        "legal_basis": {"code": course.legal_basis.code, "name": course.legal_basis.name},
        "start": _date(course.start),
        "end": _date(course.end),
        "end_reason": course.end_reason.name if course.end_reason else None,
        "measurements": [
            {
                "id": m.pk,
                "instrument": {"code": m.instrument.code, "name": m.instrument.name},
                "date": _date(m.date),
                "informer": m.informer,
                "informer_label": str(m.get_informer_display()),
                "raw_score": m.raw_score,
                "score": m.score,
                "note": m.note,
                "answers": [
                    {
                        "item": a.item.link_id,
                        "text": a.item.text,
                        "value": a.value,
                        "label": _answer_label(a.item, a.value),
                    }
                    for a in m.answers.all()
                ],
            }
            for m in course.measurements.all()
        ],
        "goals": [
            {
                "id": g.pk,
                "text": g.text,
                "life_domain": g.life_domain.name,
                "levels": {f"{level:+d}": text for level, text in g.level_texts()},
                "baseline_level": g.baseline_level,
                "importance": g.importance,
                "difficulty": g.difficulty,
                "created_on": _date(g.created_on),
                "target_date": _date(g.target_date),
                "closed_on": _date(g.closed_on),
                "reviews": [
                    {"id": r.pk, "date": _date(r.date), "level": r.level, "note": r.note} for r in g.reviews.all()
                ],
            }
            for g in course.goals.all()
        ],
        "collaborations": [
            {
                "id": c.pk,
                "date": _date(c.date),
                "partner": c.partner.name,
                "sector": c.partner.sector.name,
                "kind": c.kind.name,
                "citizen_participated": c.citizen_participated,
                "initiated_by": c.initiated_by,
                "initiated_by_label": str(c.get_initiated_by_display()),
                "usefulness": c.usefulness,
                "note": c.note,
            }
            for c in course.collaborations.all()
        ],
        "trajectory_summaries": [
            {
                "id": s.pk,
                "instrument": {"code": s.instrument.code, "name": s.instrument.name},
                "n_measurements": s.n_measurements,
                "baseline_date": _date(s.baseline_date),
                "baseline_score": s.baseline_score,
                "latest_date": _date(s.latest_date),
                "latest_score": s.latest_score,
                "change": s.change,
                "rci": s.rci,
                "category": s.category,
                "category_label": s.category_label,
                "method": s.method,
            }
            for s in course.summaries.all()
        ],
    }


# --- Anonymisation after the retention period ----------------------------------------------------------------


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def retention_cutoff(today: datetime.date | None = None) -> datetime.date:
    """Citizens whose latest course ended before this date are past the retention period."""
    return years_before(today or timezone.localdate(), settings.EFFEKTSPOR_RETENTION_YEARS)


def _has_free_text() -> Q:
    goal_text = Q()
    for field in GOAL_TEXT_FIELDS:
        goal_text |= ~Q(**{field: ""})
    return (
        Q(Exists(Measurement.objects.filter(course__citizen=OuterRef("pk")).exclude(note="")))
        | Q(Exists(Goal.objects.filter(goal_text, course__citizen=OuterRef("pk"))))
        | Q(Exists(GoalReview.objects.filter(goal__course__citizen=OuterRef("pk")).exclude(note="")))
        | Q(Exists(Collaboration.objects.filter(course__citizen=OuterRef("pk")).exclude(note="")))
    )


def anonymisation_candidates(*, today: datetime.date | None = None) -> QuerySet[Citizen]:
    """Citizens with courses, all closed, the latest ended before the cut-off, and something left to remove."""
    identified = ~Q(name=ANONYMISED_NAME) | Q(cpr__isnull=False) | Q(external_id__isnull=False)
    return (
        Citizen.objects.annotate(
            n_courses=Count("courses"),
            n_open=Count("courses", filter=Q(courses__end__isnull=True)),
            last_end=Max("courses__end"),
        )
        .filter(n_courses__gt=0, n_open=0, last_end__lt=retention_cutoff(today))
        .filter(identified | _has_free_text())
        .order_by("pk")
    )


def free_text_counts(citizen: Citizen) -> dict[str, int]:
    """How many free texts of each kind the citizen's records hold (what anonymisation would empty)."""
    goal_text = Q()
    for field in GOAL_TEXT_FIELDS:
        goal_text |= ~Q(**{field: ""})
    return {
        "measurement_notes": Measurement.objects.filter(course__citizen=citizen).exclude(note="").count(),
        "goals": Goal.objects.filter(goal_text, course__citizen=citizen).count(),
        "review_notes": GoalReview.objects.filter(goal__course__citizen=citizen).exclude(note="").count(),
        "collaboration_notes": Collaboration.objects.filter(course__citizen=citizen).exclude(note="").count(),
    }


@transaction.atomic
def citizen_anonymise(*, citizen: Citizen, user=None) -> dict[str, int]:
    """Anonymise one citizen in one transaction, and log it (without copying what was removed into the log).

    ``QuerySet.update()`` rather than ``full_clean()``/``save()``: the emptied goal texts are required fields in the
    forms, and nothing here is user input.
    """
    goal_text = Q()
    for field in GOAL_TEXT_FIELDS:
        goal_text |= ~Q(**{field: ""})
    cleared = {
        "measurement_notes": Measurement.objects.filter(course__citizen=citizen).exclude(note="").update(note=""),
        "goals": Goal.objects.filter(goal_text, course__citizen=citizen).update(**dict.fromkeys(GOAL_TEXT_FIELDS, "")),
        "review_notes": GoalReview.objects.filter(goal__course__citizen=citizen).exclude(note="").update(note=""),
        "collaboration_notes": Collaboration.objects.filter(course__citizen=citizen).exclude(note="").update(note=""),
    }
    Citizen.objects.filter(pk=citizen.pk).update(name=ANONYMISED_NAME, cpr=None, external_id=None)
    audit_log(
        user=user,
        action=AuditEntry.Action.CHANGE,
        citizen_id=citizen.pk,
        obj=citizen,
        purpose="anonymisation",
        detail={
            "anonymised": ["name", "cpr", "external_id"],
            "cleared": cleared,
            "retention_years": settings.EFFEKTSPOR_RETENTION_YEARS,
        },
    )
    citizen.refresh_from_db()
    return cleared


@transaction.atomic
def record_for_request(*, user, pk: int, purpose: str) -> tuple:
    """The complete record for a registered access request the user may answer, logged as an export with the request
    in the same transaction: (access request, citizen, record)."""
    access_request = selectors.access_request_get(user=user, pk=pk)
    citizen = access_request.citizen
    shared = selectors.shared_scope(unit_ids={access_request.unit_id}, citizen=citizen)
    unit_ids = {access_request.unit_id} | set().union(*shared.values())
    record = citizen_record(citizen, unit_ids=unit_ids)
    record["request"] = {
        "id": access_request.pk,
        "unit": access_request.unit.name,
        "received_on": access_request.received_on.isoformat(),
        "delivery": access_request.delivery,
        "delivery_label": str(access_request.get_delivery_display()),
    }
    audit_log(
        user=user,
        action=AuditEntry.Action.EXPORT,
        citizen_id=citizen.pk,
        obj=access_request,
        purpose=purpose,
        detail={"access_request": access_request.pk, "unit_ids": sorted(unit_ids)},
    )
    return access_request, citizen, record
