"""The OpenAPI schema and the documentation page drawn from it."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse
from drf_spectacular.validation import validate_schema

from tests.security.matrix_api import ENTRIES
from tests.security.matrix_improvement import ENTRIES as IMPROVEMENT_ENTRIES
from tests.security.test_headers import assert_safe_page
from tests.security.test_permission_matrix import all_routes

pytestmark = pytest.mark.django_db


def schema(client) -> dict:
    response = client.get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_schema_is_valid_openapi_and_documents_every_api_url(client):
    data = schema(client)
    validate_schema(data)  # raises on an invalid OpenAPI 3 document
    documented = set(data["paths"])
    routes = {r.route for r in all_routes() if r.namespace == "api" and r.route.startswith("api/v1/")}
    assert routes, "no API routes found"
    for route in routes:
        # The router's regex routes ("^goals/(?P<pk>[0-9]{1,19})/reviews/$") as OpenAPI paths.
        path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: "{id}" if m[1] == "pk" else "{" + m[1] + "}", route)
        path = "/" + path.replace("^", "").replace("$", "")
        assert path in documented, (route, sorted(documented))


def test_every_operation_documents_the_error_answers(client):
    data = schema(client)
    assert set(data["components"]["schemas"]["Error"]["required"]) == {"code", "message"}
    for path, operations in data["paths"].items():
        for method, operation in operations.items():
            assert {"400", "401", "403", "404"} <= set(operation["responses"]), (method, path)
            # Requests are JSON only: what the test client and schemathesis send.
            if "requestBody" in operation:
                assert set(operation["requestBody"]["content"]) == {"application/json"}, (method, path)


def test_token_authentication_is_documented(client):
    schemes = schema(client)["components"]["securitySchemes"]
    assert schemes["tokenAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": 'Token-based authentication with required prefix "Token"',
    }


def test_the_documentation_page_lists_every_operation_without_script(client, world):
    client.force_login(world.alice)
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    assert_safe_page(response, "api docs")
    html = response.content.decode()
    assert "<script" not in html
    for path, operations in schema(client)["paths"].items():
        for method in operations:
            assert f"{method.upper()} {path}" in html, (method, path)
    assert reverse("api:token") in html


def test_the_matrix_covers_the_api(client):
    names = {r.name for r in all_routes() if r.namespace == "api"}
    # Apps with API endpoints of their own keep those rows beside their pages' rows.
    assert names == set(ENTRIES) | {n for n in IMPROVEMENT_ENTRIES if n.startswith("api:")}
