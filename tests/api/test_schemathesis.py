"""The API under fuzzing: property-based requests against our own OpenAPI schema, over loopback.

schemathesis reads /api/schema/ from pytest-django's live server and, for every operation, generates requests that
conform to it (ids, query parameters, JSON bodies), sent with a caseworker's token. No answer may be a server error
(5xx), and every answer must be documented: its status, its content type and its body's schema. Operations on one
record run twice: with generated ids (almost always someone else's or nobody's: 404) and with alice's own records,
so that the full records and the writes on them are checked too. Then invalid data (schemathesis' negative mode:
wrong types, missing fields, values outside the schema) must be refused with a documented 4xx, and one valid
request per write operation must succeed (201), its answer conforming too.

Bounded for CI: a fixed number of examples per operation (a few hundred requests in all), derandomised so that every
run sends the same requests, and no shrinking database.

The live server needs a transactional test, which empties every table afterwards: the reference data are put back
at the end of the module, as in tests/browser/.
"""

from __future__ import annotations

import datetime

import pytest
import requests
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings

schemathesis = pytest.importorskip("schemathesis")
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.helpers import api_key_for  # noqa: E402

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
GENERATED = 4  # examples per operation with generated ids and parameters
OWN_RECORDS = 2  # examples per record operation with the caseworker's own record
NEGATIVE = 2  # examples per operation with parameters or a body, of invalid data


@pytest.fixture(scope="module", autouse=True)
def _restore_reference_data(django_db_blocker):
    """Transactional tests empty every table; put the reference data back for the tests that follow."""
    yield
    from tracker.reference import load_reference_data

    with django_db_blocker.unblock():
        load_reference_data()


def own_records(world) -> dict[str, int]:
    """Alice's records in unit A, by the first part of the path."""
    from outcomes import services as outcome_services
    from outcomes.models import LifeDomain
    from tests import factories
    from tests.api.helpers import collaboration_in
    from tracker.models import EndReason

    day = timezone.localdate() - datetime.timedelta(days=20)
    measurement = outcome_services.measurement_record(
        course=world.course_a,
        instrument=factories.who5(),
        answers={"happy": 3, "calm": 2, "active": 3, "rested": 1, "interest": 4},
        date=day,
        informer="citizen",
        recorded_by=world.alice,
    )
    goal = outcome_services.goal_create(
        user=world.alice,
        course=world.course_a,
        text="Gå en tur",
        life_domain=LifeDomain.objects.get(code="network"),
        level_minus2="a",
        level_minus1="b",
        level_0="c",
        level_plus1="d",
        level_plus2="e",
        baseline_level=-1,
        created_on=day,
    )
    collaboration = collaboration_in(world.course_a, world.alice)
    # Dora's course in unit A has ended (a new one may start); Erik's is open (it may end).
    dora = factories.CourseFactory(unit=world.unit_a, citizen=factories.CitizenFactory(name="Dora"))
    dora.end, dora.end_reason = day, EndReason.objects.get(code="moved")
    dora.save()
    erik = factories.CourseFactory(unit=world.unit_a, citizen=factories.CitizenFactory(name="Erik"))
    return {
        "dora": dora.citizen_id,
        "erik": erik.pk,
        "citizens": world.citizen_a.pk,
        "courses": world.course_a.pk,
        "measurements": measurement.pk,
        "goals": goal.pk,
        "collaborations": collaboration.pk,
        "partners": collaboration.partner_id,
        "units": world.unit_a.pk,
        "instruments": "who5",
    }


def valid_writes(records: dict, unit: int) -> dict[tuple[str, str], tuple[dict, dict]]:
    """One valid request per write operation: (path parameters, body). Generated bodies are valid JSON for the
    schema but seldom valid for the domain (a random date, code or answer), so the success path gets these too."""
    today = timezone.localdate().isoformat()
    who5 = {"happy": 4, "calm": 3, "active": 3, "rested": 2, "interest": 4}
    level = {f"level_{x}": f"niveau {x}" for x in ("minus2", "minus1", "0", "plus1", "plus2")}
    return {
        ("POST", "/api/v1/citizens/"): ({}, {"name": "Carl", "unit": unit, "legal_basis": "sel-85", "start": today}),
        ("POST", "/api/v1/courses/"): (
            {},
            {"citizen": records["dora"], "unit": unit, "legal_basis": "sel-85", "start": today},
        ),
        ("POST", "/api/v1/courses/{id}/end/"): ({"id": records["erik"]}, {"end": today, "end_reason": "moved"}),
        ("POST", "/api/v1/measurements/"): (
            {},
            {"course": records["courses"], "instrument": "who5", "date": today, "answers": who5},
        ),
        ("POST", "/api/v1/goals/"): (
            {},
            {"course": records["courses"], "text": "Mål", "life_domain": "network", "created_on": today, **level},
        ),
        ("POST", "/api/v1/goals/{id}/reviews/"): ({"id": records["goals"]}, {"date": today, "level": 1}),
        ("POST", "/api/v1/collaborations/"): (
            {},
            {
                "course": records["courses"],
                "partner": records["partners"],
                "kind": "meeting",
                "date": today,
                "initiated_by": "citizen",
            },
        ),
    }


def with_own_ids(records: dict) -> callable:
    """Put the caseworker's own course, citizen and unit into generated bodies, so that writes get past the scoping
    and reach the services (a generated id is almost never one of hers); the other fields stay generated."""
    own = {"course": records["courses"], "citizen": records["citizens"], "unit": records["units"]}

    def patch(case):
        if isinstance(case.body, dict):
            for key, value in own.items():
                if key in case.body:
                    case.body[key] = value
        return case

    return patch


def run(operation, base_url: str, headers: dict, max_examples: int, patch=None, **fixed) -> list[int]:
    """Send generated requests for one operation, check each answer; return the statuses."""
    sent = []
    session = requests.Session()
    strategy = operation.as_strategy(**fixed)

    @given(case=strategy.map(patch) if patch else strategy)
    @settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        response = case.call(base_url=base_url, session=session, headers=headers)
        sent.append(response.status_code)
        case.validate_response(response, checks=CHECKS, headers=headers)

    # Close the kept-alive connection now: the live server's thread must not close it after the test has ended.
    with session:
        check()
    return sent


@pytest.mark.django_db(transaction=True)
def test_the_api_conforms_to_its_schema(live_server):
    from tests import factories
    from tracker.reference import load_reference_data

    load_reference_data()
    world = factories.build_world()
    records = own_records(world)
    from tests.security.matrix_improvement import A_initiative

    records["initiatives"] = A_initiative(world)["pk"]
    tokens = {who: api_key_for(getattr(world, who)) for who in ("alice", "lena", "charlie")}
    # The aggregates as the users they are for (a caseworker only ever gets 403 there); the rest as alice.
    user_for = {"unit-figures": "lena", "comparison": "charlie", "initiatives": "lena"}
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25

    statuses = []
    writes = valid_writes(records, world.unit_a.pk)
    for operation in operations:
        first = operation.path.split("/")[3]
        headers = {"Authorization": f"Token {tokens[user_for.get(first, 'alice')]}"}
        statuses += run(operation, live_server.url, headers, GENERATED, patch=with_own_ids(records))
        parameters = [p.name for p in operation.path_parameters]
        if parameters:
            own = {parameters[0]: records[first]}
            statuses += run(
                operation, live_server.url, headers, OWN_RECORDS, with_own_ids(records), path_parameters=own
            )
        # Invalid data (wrong types, missing fields, values outside the schema): refused with a documented 4xx.
        own = {parameters[0]: records[first]} if parameters else None
        if operation.body or operation.query:
            negative = {"generation_mode": GenerationMode.NEGATIVE}
            if own:
                negative["path_parameters"] = own
            statuses += run(operation, live_server.url, headers, NEGATIVE, with_own_ids(records), **negative)
        if (operation.method.upper(), operation.path) in writes:
            path_parameters, body = writes.pop((operation.method.upper(), operation.path))
            fixed = {"path_parameters": path_parameters} if path_parameters else {}
            statuses += run(operation, live_server.url, headers, 1, body=body, **fixed)
    assert not writes, f"operations not in the schema: {list(writes)}"
    assert 100 <= len(statuses) <= 400, len(statuses)
    # Not only refusals: records were read and written.
    assert statuses.count(200) >= 30 and statuses.count(201) == 6, sorted(statuses)
