"""A course's outcome data as a FHIR R4 Bundle in KL's formats, and the way back from such a Bundle.

Pure functions of plain data (no ORM): ``exchange.selectors.course_export`` reads the records, ``build_bundle``
turns them into FHIR JSON, ``validate`` parses it with the FHIR model classes of fhir.resources, and
``who5_answers`` reads the item answers back (the round trip the tests check).

What the Bundle (type ``collection``) holds:

- one **QuestionnaireResponse** per WHO-5 measurement, conforming to KL's ``KLToolsQuestionnaireResponse``
  (FFInst 1.0.0): ``questionnaire`` is KL's canonical, each item has KL's linkId and a ``valueCoding`` from
  ``KLToolsCodes`` (one code per item and value, KL's display verbatim), the ``FindingInformer`` extension says who
  answered, and the note goes in the questionnaire's own comment item (``who5comment``);
- per WHO-5 measurement an **Observation** with the WHO-5 index (SNOMED 1144665009, 0–100 %, ``derivedFrom`` the
  response), as KL's guide advises for a score;
- one **Observation** per life-domain self-rating: ``code`` is the life domain's FFB code
  (``urn:oid:1.2.208.176.2.22``, FFB's display), ``valueInteger`` the citizen's 0–10 rating, ``method`` says it is
  our local self-rating (not an FFB function level);
- per goal a **Goal** (KLCommonCareSocialGoal: category "FFB borgers mål og ønsker", the citizen's own words, GAS
  level descriptions as notes) and one **Observation** per GAS level recorded (the starting level and every
  review, −2…+2, ``focus`` on the goal). Where the goal's life domain has an FFB sub-theme
  (``exchange/data/life_domain_ffb.json``) the Goal ``addresses`` a **Condition** (KLCommonCareSocialCondition,
  with clinicalStatus and recordedDate); KL's ``KLConditionCodesFFB`` holds sub-themes only, so a life domain that
  is a whole FFB theme gets no Condition.

Every display is taken from KL's vendored code systems (``exchange.terminology``).

The citizen is referenced by a pseudonymous identifier only (``exchange.pseudonyms``): no name, no CPR number.

FHIR version: fhir.resources 8 ships R5 as default, R4B (4.3.0) and STU3, but no R4 (4.0.1). R4B is R4 with
changes confined to a few medication and evidence resources; QuestionnaireResponse, Observation, Goal, Condition
and Bundle are the same, so the R4B classes validate the R4 resources we write.
"""

from __future__ import annotations

import datetime
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from exchange import terminology
from exchange.kl import kl

# Resource ids in the Bundle are UUIDs derived from our pseudonymous keys, so a re-export gives the same ids.
_NAMESPACE = uuid.UUID("9a2d3c1e-7f3b-5c1a-9e4d-2b6f0c8a1d57")

GAS_LEVEL = ("gas-level", "Målopfyldelse (GAS-niveau, −2…+2)")
GAS_BASELINE = ("gas-baseline", "Niveau ved målets start (GAS, −2…+2)")
SELF_RATING = ("life-domain-self-rating", "Borgerens egen vurdering af livsområdet (0–10)")
GAS_EXPECTED = ("gas-expected-level", "Forventet niveau (GAS 0)")
WHO5_INDEX_DISPLAY = "5-item World Health Organization Well-being Index value (observable entity)"
UCUM = "http://unitsofmeasure.org"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"


@dataclass(frozen=True)
class AnswerOption:
    value: int
    code: str
    label: str


@dataclass(frozen=True)
class Who5Item:
    link_id: str
    text: str
    options: tuple[AnswerOption, ...]


@dataclass(frozen=True)
class Who5Response:
    key: str
    date: datetime.date
    informer_code: str
    informer_label: str
    answers: dict[str, int]
    comment: str = ""
    score: float | None = None  # the WHO-5 index, 0–100


@dataclass(frozen=True)
class DomainRating:
    key: str
    date: datetime.date
    informer_code: str
    informer_label: str
    ffb_code: str
    domain_name: str
    text: str
    value: int
    low: int
    high: int


@dataclass(frozen=True)
class GoalLevel:
    key: str
    date: datetime.date
    level: int
    baseline: bool = False


@dataclass(frozen=True)
class GoalData:
    key: str
    text: str
    ffb_code: str
    domain_key: str
    domain_name: str
    created_on: datetime.date
    target_date: datetime.date | None
    closed_on: datetime.date | None
    level_texts: tuple[tuple[int, str], ...]
    levels: tuple[GoalLevel, ...]
    condition_code: str | None = None  # the FFB sub-theme (exchange/data/life_domain_ffb.json), None: no Condition


@dataclass(frozen=True)
class CourseExport:
    citizen_key: str
    who5_items: tuple[Who5Item, ...]
    who5: tuple[Who5Response, ...] = ()
    ratings: tuple[DomainRating, ...] = ()
    goals: tuple[GoalData, ...] = ()
    timestamp: datetime.datetime | None = field(default=None)


def full_url(kind: str, key: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{kind}:{key}')}"


def _coding(system: str, code: str, display: str = "") -> dict[str, str]:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return coding


def _local(code: tuple[str, str]) -> dict[str, Any]:
    return {"coding": [_coding(kl().local_codes, code[0], code[1])], "text": code[1]}


def _kltools(code: str) -> dict[str, str]:
    """A KLToolsCodes coding with KL's own display (validators reject a differing display)."""
    return _coding(kl().kltools_codes, code, terminology.kltools_codes().display(code))


def _informer(code: str) -> dict[str, Any]:
    return {"url": kl().finding_informer_extension, "valueCodeableConcept": {"coding": [_kltools(code)]}}


def _identifier(kind: str, key: str) -> dict[str, str]:
    return {"system": f"{kl().local_codes}:{kind}", "value": key}


def _ffb(code: str, name: str) -> dict[str, Any]:
    """An FFB coding with FFB's display; our own life-domain name goes in ``text``."""
    return {"coding": [_coding(kl().ffb_code_system, code, terminology.ffb().display(code))], "text": name}


def questionnaire_response(response: Who5Response, items: Iterable[Who5Item], subject: dict) -> dict[str, Any]:
    """One WHO-5 completion as KL's KLToolsQuestionnaireResponse."""
    items = list(items)
    known = {item.link_id for item in items}
    unknown = set(response.answers) - known
    if unknown:
        raise ValueError(f"answers to items KL's WHO-5 does not have: {sorted(unknown)}")
    answered = []
    for item in items:
        if item.link_id not in response.answers:
            continue
        value = response.answers[item.link_id]
        option = next((o for o in item.options if o.value == value), None)
        if option is None:
            raise ValueError(f"{item.link_id}: no KL answer code for the value {value}")
        answered.append(
            # No item text: validators require it to equal the Questionnaire's own, which KL words differently.
            {
                "linkId": item.link_id,
                "answer": [{"valueCoding": _kltools(option.code)}],
            }
        )
    if response.comment.strip():
        comment = response.comment.strip()
        answered.append({"linkId": kl().who5_comment_link_id, "answer": [{"valueString": comment}]})
    return {
        "resourceType": "QuestionnaireResponse",
        "meta": {"profile": [kl().questionnaire_response_profile]},
        "extension": [_informer(response.informer_code)],
        "identifier": _identifier("measurement", response.key),
        "questionnaire": kl().who5_questionnaire,
        "status": "completed",
        "subject": subject,
        "authored": response.date.isoformat(),
        "item": answered,
    }


def who5_score_observation(response: Who5Response, subject: dict, response_url: str) -> dict[str, Any]:
    """The WHO-5 index as KL's guide advises: an Observation coded SNOMED 1144665009, ``derivedFrom`` the response."""
    return {
        "resourceType": "Observation",
        "extension": [_informer(response.informer_code)],
        "identifier": [_identifier("who5-score", response.key)],
        "status": "final",
        "category": [{"coding": [_coding(kl().observation_category, "survey", "Survey")]}],
        "code": {"coding": [_coding(kl().snomed, kl().who5_snomed_code, WHO5_INDEX_DISPLAY)]},
        "subject": subject,
        "effectiveDateTime": response.date.isoformat(),
        "valueQuantity": {"value": response.score, "unit": "%", "system": UCUM, "code": "%"},
        "derivedFrom": [{"reference": response_url}],
    }


def rating_observation(rating: DomainRating, subject: dict) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "extension": [_informer(rating.informer_code)],
        "identifier": [_identifier("rating", rating.key)],
        "status": "final",
        "category": [{"coding": [_coding(kl().observation_category, "survey", "Survey")]}],
        "code": _ffb(rating.ffb_code, rating.domain_name),
        "method": _local(SELF_RATING),
        "subject": subject,
        "effectiveDateTime": rating.date.isoformat(),
        "valueInteger": rating.value,
        "referenceRange": [{"low": {"value": rating.low}, "high": {"value": rating.high}, "text": rating.text}],
    }


def goal_resources(goal: GoalData, subject: dict, condition_url: str | None) -> list[tuple[str, dict[str, Any]]]:
    """The Goal (KLCommonCareSocialGoal, category "FFB borgers mål og ønsker") and its GAS level observations.

    The Goal ``addresses`` the life domain's Condition where the life domain has an FFB sub-theme; otherwise a
    note names the life domain (KL's profile lets ``addresses`` point to a Condition only)."""
    goal_url = full_url("goal", goal.key)
    observations = []
    for level in goal.levels:
        url = full_url("goal-level", level.key)
        observations.append(
            (
                url,
                {
                    "resourceType": "Observation",
                    "status": "final",
                    "code": _local(GAS_BASELINE if level.baseline else GAS_LEVEL),
                    "subject": subject,
                    "focus": [{"reference": goal_url}],
                    "effectiveDateTime": level.date.isoformat(),
                    "valueInteger": level.level,
                },
            )
        )
    target: dict[str, Any] = {"measure": _local(GAS_EXPECTED), "detailInteger": 0}
    if goal.target_date:
        target["dueDate"] = goal.target_date.isoformat()
    category = terminology.GOAL_CATEGORY_CITIZEN
    notes = [{"text": f"{level:+d}: {text}" if level else f"0: {text}"} for level, text in goal.level_texts]
    resource: dict[str, Any] = {
        "resourceType": "Goal",
        "meta": {"profile": [terminology.profile_url("KLCommonCareSocialGoal")]},
        "identifier": [_identifier("goal", goal.key)],
        "lifecycleStatus": "completed" if goal.closed_on else "active",
        "category": [
            {"coding": [_coding(terminology.care_social_codes().url, category, _care_social_display(category))]}
        ],
        "description": {"text": goal.text},
        "subject": subject,
        "startDate": goal.created_on.isoformat(),
        "target": [target],
    }
    if condition_url:
        resource["addresses"] = [{"reference": condition_url, "display": goal.domain_name}]
    else:
        notes.insert(0, {"text": f"Livsområde: {goal.domain_name}"})
    resource["note"] = notes
    if goal.closed_on:
        resource["statusDate"] = goal.closed_on.isoformat()
    if observations:
        resource["outcomeReference"] = [{"reference": url} for url, _resource in observations]
    return [(goal_url, resource), *observations]


def _care_social_display(code: str) -> str:
    return terminology.care_social_codes().display(code)


def condition(goals: list[GoalData], subject: dict) -> dict[str, Any]:
    """A life domain the citizen works on as KLCommonCareSocialCondition, coded with its FFB sub-theme.

    Active while one of its goals is open; recorded on the day the first of them was set."""
    first = goals[0]
    active = any(goal.closed_on is None for goal in goals)
    status = "active" if active else "inactive"
    return {
        "resourceType": "Condition",
        "meta": {"profile": [terminology.profile_url("KLCommonCareSocialCondition")]},
        "clinicalStatus": {"coding": [_coding(CONDITION_CLINICAL, status, status.capitalize())]},
        "category": [{"coding": [_coding(CONDITION_CATEGORY, "problem-list-item", "Problem List Item")]}],
        "code": _ffb(first.condition_code, first.domain_name),
        "subject": subject,
        "recordedDate": min(goal.created_on for goal in goals).isoformat(),
    }


def build_bundle(export: CourseExport) -> dict[str, Any]:
    """The course's WHO-5 responses, life-domain ratings and goals as one FHIR Bundle (type collection)."""
    subject = {"identifier": {"system": kl().citizen_identifier_system, "value": export.citizen_key}}
    entries: list[tuple[str, dict[str, Any]]] = []
    for response in export.who5:
        url = full_url("measurement", response.key)
        entries.append((url, questionnaire_response(response, export.who5_items, subject)))
        if response.score is not None:
            entries.append((full_url("who5-score", response.key), who5_score_observation(response, subject, url)))
    for rating in export.ratings:
        entries.append((full_url("rating", rating.key), rating_observation(rating, subject)))
    by_domain: dict[str, list[GoalData]] = {}
    for goal in export.goals:
        if goal.condition_code:
            by_domain.setdefault(goal.domain_key, []).append(goal)
    conditions: dict[str, str] = {}
    for goal in export.goals:
        url = None
        if goal.condition_code:
            url = full_url("condition", f"{export.citizen_key}:{goal.domain_key}")
            if goal.domain_key not in conditions:
                conditions[goal.domain_key] = url
                entries.append((url, condition(by_domain[goal.domain_key], subject)))
        entries.extend(goal_resources(goal, subject, url))
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"fullUrl": url, "resource": resource} for url, resource in entries],
    }
    if export.timestamp:
        bundle["timestamp"] = export.timestamp.isoformat()
    return bundle


def validate(bundle: dict[str, Any] | str) -> Bundle:
    """Parse the Bundle with the FHIR model classes; raises pydantic's ValidationError when it is not valid FHIR."""
    if isinstance(bundle, str):
        return Bundle.model_validate_json(bundle)
    return Bundle.model_validate(bundle)


def who5_answers(bundle: dict[str, Any] | str, items: Iterable[Who5Item]) -> list[tuple[str, str, dict[str, int]]]:
    """Read the WHO-5 answers back from a Bundle: (measurement key, date, {linkId: value}) per response.

    The Bundle is first parsed with the FHIR model classes, and answer codes are mapped back to values with KL's
    answer codes, so this is what a receiving system would understand from the file.
    """
    if not isinstance(bundle, str):
        bundle = json.dumps(bundle)
    parsed = validate(bundle)
    by_code = {(item.link_id, option.code): option.value for item in items for option in item.options}
    out = []
    for entry in parsed.entry or []:
        resource = entry.resource
        if not isinstance(resource, QuestionnaireResponse) or resource.questionnaire != kl().who5_questionnaire:
            continue
        answers = {}
        for item in resource.item or []:
            for answer in item.answer or []:
                coding = answer.valueCoding
                if coding is not None and coding.system == kl().kltools_codes:
                    answers[item.linkId] = by_code[(item.linkId, coding.code)]
        key = resource.identifier.value if resource.identifier else ""
        out.append((key, str(resource.authored), answers))
    return out
