"""Every exported code and display checked against KL's vendored code systems and value sets
(exchange/data/kl/), and the required elements of the profiles the resources claim.

The demo's own data (``devtools.demo.seed``, the parameters ``manage.py demo`` uses) is exported course by
course; each Bundle must validate structurally and pass ``kl_problems``.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator

import pytest

from devtools import demo as demo_data
from exchange import fhir, selectors, terminology
from exchange.kl import kl
from outcomes.models import KL_INFORMER_CODES, Instrument, LifeDomain
from tracker.models import Course

FFB = "urn:oid:1.2.208.176.2.22"
GOAL_TYPES = "http://fhir.kl.dk/term/CodeSystem/CareSocialCodes"


def codings(node, path: str = "") -> Iterator[tuple[str, dict]]:
    """Every Coding anywhere in a resource, with the JSON path it was found at."""
    if isinstance(node, dict):
        if "system" in node and "code" in node:
            yield path, node
        for key, value in node.items():
            yield from codings(value, f"{path}.{key}")
    elif isinstance(node, list):
        for n, value in enumerate(node):
            yield from codings(value, f"{path}[{n}]")


def kl_problems(bundle: dict) -> list[str]:
    """What a validator loaded with KL's packages would object to, as far as our vendored extracts can tell."""
    problems = []
    by_url = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    systems = {
        kl().kltools_codes: terminology.kltools_codes(),
        FFB: terminology.ffb(),
        GOAL_TYPES: terminology.care_social_codes(),
    }
    for resource in by_url.values():
        kind = resource["resourceType"]
        for path, coding in codings(resource):
            cs = systems.get(coding["system"])
            if cs is None:
                continue
            if coding["code"] not in cs.displays:
                problems.append(f"{kind}{path}: {coding['code']} is not in {coding['system']}")
            elif coding.get("display") != cs.display(coding["code"]):
                problems.append(f"{kind}{path}: display {coding.get('display')!r} is not KL's")
        informers = [x for x in resource.get("extension", []) if x["url"] == kl().finding_informer_extension]
        for x in informers:
            code = x["valueCodeableConcept"]["coding"][0]["code"]
            if code not in terminology.who5_value_sets()["finding-informer"]:
                problems.append(f"{kind}: informer {code} outside FindingInformerCodes")
        profiles = resource.get("meta", {}).get("profile", [])
        if kind == "QuestionnaireResponse":
            if profiles != [kl().questionnaire_response_profile] or len(informers) != 1:
                problems.append("QuestionnaireResponse: profile or its 1..1 FindingInformer missing")
            for item in resource["item"]:
                if item["linkId"] == kl().who5_comment_link_id:
                    continue
                code = item["answer"][0]["valueCoding"]["code"]
                if code not in terminology.who5_value_sets()[item["linkId"]]:
                    problems.append(f"QuestionnaireResponse: {item['linkId']} answered outside its value set")
        elif kind == "Condition":
            if profiles != [terminology.profile_url("KLCommonCareSocialCondition")]:
                problems.append("Condition: KLCommonCareSocialCondition not claimed")
            for element in terminology.profiles()["KLCommonCareSocialCondition"]["required"]:
                if not resource.get(element):
                    problems.append(f"Condition: required {element} missing")
            for coding in resource["code"]["coding"]:
                if coding["system"] == FFB and not terminology.in_value_set(
                    "KLConditionCodesFFB", system=FFB, code=coding["code"]
                ):
                    problems.append(f"Condition: {coding['code']} outside KLConditionCodesFFB")
        elif kind == "Goal":
            if profiles != [terminology.profile_url("KLCommonCareSocialGoal")]:
                problems.append("Goal: KLCommonCareSocialGoal not claimed")
            for element in terminology.profiles()["KLCommonCareSocialGoal"]["required"]:
                if not resource.get(element):
                    problems.append(f"Goal: required {element} missing")
            if len(resource.get("category", [])) != 1:
                problems.append("Goal: category is 1..1")
            for coding in resource.get("category", [{}])[0].get("coding", []):
                if not terminology.in_value_set("KLGoalTypeCodes", system=coding["system"], code=coding["code"]):
                    problems.append(f"Goal: category {coding['code']} outside KLGoalTypeCodes")
            for ref in resource.get("addresses", []):
                if by_url.get(ref["reference"], {}).get("resourceType") != "Condition":
                    problems.append("Goal: addresses something that is not a Condition in the Bundle")
        elif kind == "Observation" and resource["code"]["coding"][0]["code"] == kl().who5_snomed_code:
            (source,) = resource["derivedFrom"]
            if by_url.get(source["reference"], {}).get("resourceType") != "QuestionnaireResponse":
                problems.append("WHO-5 score: derivedFrom is not the QuestionnaireResponse")
    return problems


# --- The vendored files and our mapping ---------------------------------------------------------------------


def test_the_vendored_files_name_their_source_and_version():
    for name in ("KLToolsCodes.json", "FFB-conditions.json", "CareSocialCodes-goal-types.json"):
        raw = json.loads((terminology.KL_DIR / name).read_text(encoding="utf-8"))
        assert raw["source"]["repository"].startswith("https://github.com/hl7dk/")
        assert len(raw["source"]["commit"]) == 40
    readme = (terminology.KL_DIR / "README.md").read_text(encoding="utf-8")
    for repo in ("hl7dk/KL-dk-tools", "hl7dk/kl-term", "hl7dk/KL-dk"):
        assert repo in readme
    assert terminology.ffb().version == "20240530"


def test_descendent_of_excludes_the_theme_itself():
    relations = "3856b434-f72e-42a5-b9d1-0cc93f48434b"  # the FFB theme 'Relationer'
    interaction = "3f9da5ac-9686-4eeb-b517-b46e17fcb1d7"  # its sub-theme 'Indgå i samspil og kontakt'
    assert not terminology.in_value_set("KLConditionCodesFFB", system=FFB, code=relations)
    assert terminology.in_value_set("KLConditionCodesFFB", system=FFB, code=interaction)
    assert not terminology.in_value_set("KLConditionCodesFFB", system=GOAL_TYPES, code=interaction)
    assert not terminology.in_value_set("KLConditionCodesFFB", system=FFB, code="not-a-code")


@pytest.mark.django_db
def test_every_life_domain_is_mapped_and_every_mapped_code_is_in_kls_value_set():
    mapping = terminology.condition_mapping()
    domains = list(LifeDomain.objects.all())
    assert len(domains) == 12
    assert {d.code for d in domains} == set(mapping)
    for domain in domains:
        assert domain.ffb_code in terminology.ffb().displays, domain.code  # the life domain's own FFB code
        assert mapping[domain.code]["why"]
        code = mapping[domain.code]["condition_code"]
        if code is not None:
            assert terminology.in_value_set("KLConditionCodesFFB", system=FFB, code=code), domain.code
            # the sub-theme is the life domain itself or lies below the life domain's theme
            assert code == domain.ffb_code or terminology.ffb().descends_from(code, domain.ffb_code)
        else:
            # no sub-theme chosen: the life domain is a whole theme, which KL's value set excludes
            assert not terminology.in_value_set("KLConditionCodesFFB", system=FFB, code=domain.ffb_code)


@pytest.mark.django_db
def test_our_who5_answer_codes_and_informer_codes_are_kls():
    items = selectors.who5_items()
    for item in items:
        assert {o.code for o in item.options} == terminology.who5_value_sets()[item.link_id]
        for option in item.options:
            # KL's display ends with the value and the item's keyword, e.g. "… - 4 (glad)"
            assert f" - {option.value} (" in terminology.kltools_codes().display(option.code)
    assert set(KL_INFORMER_CODES.values()) == terminology.who5_value_sets()["finding-informer"]


# --- The export ---------------------------------------------------------------------------------------------


def test_the_test_world_export_passes(export_world):
    bundle = fhir.build_bundle(selectors.course_export(course=export_world.course_a))
    assert kl_problems(bundle) == []
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds.count("Condition") == 1  # the goal is in 'network', a sub-theme
    (score,) = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Observation"
        and e["resource"]["code"]["coding"][0]["code"] == "1144665009"
        and e["resource"]["effectiveDateTime"] == export_world.who5_latest.date.isoformat()
    ]
    assert score["valueQuantity"]["value"] == export_world.who5_latest.score == (4 + 3 + 5 + 2 + 3) * 4


def test_the_checker_finds_what_kl_would_refuse(export_world):
    """The checker is not a rubber stamp: each known mistake is reported."""
    good = fhir.build_bundle(selectors.course_export(course=export_world.course_a))
    answer = next(e for e in good["entry"] if e["resource"]["resourceType"] == "QuestionnaireResponse")
    answer["resource"]["item"][0]["answer"][0]["valueCoding"]["display"] = "Det meste af tiden"
    condition = next(e for e in good["entry"] if e["resource"]["resourceType"] == "Condition")
    condition["resource"]["code"]["coding"][0]["code"] = "3856b434-f72e-42a5-b9d1-0cc93f48434b"
    condition["resource"]["code"]["coding"][0]["display"] = "Relationer"
    del condition["resource"]["clinicalStatus"]
    goal = next(e for e in good["entry"] if e["resource"]["resourceType"] == "Goal")
    del goal["resource"]["category"]
    problems = kl_problems(good)
    assert any("display 'Det meste af tiden'" in p for p in problems)
    assert any("outside KLConditionCodesFFB" in p for p in problems)
    assert any("required clinicalStatus" in p for p in problems)
    assert any("Goal: required category" in p for p in problems)


@pytest.mark.django_db
def test_every_course_of_the_demo_exports_a_bundle_kl_accepts():
    demo_data.seed(units=7, citizens=300, months=24, seed=2026)  # as `manage.py demo`
    assert Instrument.objects.filter(code="who5").exists()
    courses = list(Course.objects.order_by("pk"))
    assert len(courses) > 100
    seen = {"QuestionnaireResponse": 0, "Condition": 0, "Goal": 0, "Observation": 0}
    goals_without_condition = 0
    for course in courses:
        bundle = fhir.build_bundle(selectors.course_export(course=course))
        fhir.validate(bundle)  # structural validation, as the view does
        assert kl_problems(bundle) == [], course.pk
        for entry in bundle["entry"]:
            seen[entry["resource"]["resourceType"]] += 1
            if entry["resource"]["resourceType"] == "Goal" and "addresses" not in entry["resource"]:
                goals_without_condition += 1
    assert all(seen.values()), seen  # every kind of resource was checked
    assert goals_without_condition > 0  # some goals are in life domains without a sub-theme


def _goal(key: str, domain: str, created: datetime.date, closed: datetime.date | None) -> fhir.GoalData:
    return fhir.GoalData(
        key=key,
        text="Mit mål",
        ffb_code="df194a84-6e4b-4f14-a194-d8d9d9a1fcad",
        domain_key=domain,
        domain_name="Personer i netværk",
        created_on=created,
        target_date=None,
        closed_on=closed,
        level_texts=((0, "forventet"),),
        levels=(),
        condition_code=terminology.condition_code(domain),
    )


@pytest.mark.parametrize(("closed", "status"), [((None, None), "active"), ((1, None), "active"), ((1, 2), "inactive")])
def test_a_conditions_status_follows_its_goals_and_its_recorded_date_is_the_first_goal(closed, status):
    first, second = datetime.date(2025, 1, 10), datetime.date(2025, 3, 1)
    close = [None if c is None else datetime.date(2025, 6, c) for c in closed]
    export = fhir.CourseExport(
        citizen_key="k",
        who5_items=(),
        goals=(_goal("g1", "network", second, close[0]), _goal("g2", "network", first, close[1])),
    )
    bundle = fhir.build_bundle(export)
    (condition,) = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Condition"]
    assert condition["clinicalStatus"]["coding"][0]["code"] == status
    assert condition["recordedDate"] == first.isoformat()
    assert kl_problems(bundle) == []
