"""OpenAPI schema additions (drf-spectacular): the error answers every operation can give.

``api.exceptions`` gives every error the same body; this hook documents it once as the ``Error`` component and
adds the error statuses to each operation, so that a client generator (and the schemathesis test) knows them.
The serializers' docstrings are left out of the components: they are written for developers.
"""

from __future__ import annotations

from drf_spectacular import openapi

from api.filters import MAX_ID


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's AutoSchema for the API: record ids in paths are integers, and an operation's description
    is only what ``extend_schema`` gives it (the views' docstrings are for developers, in English)."""

    def get_description(self) -> str:
        return ""

    # Overrides a private method: tests/test_library_patches.py checks it still fits the pinned drf-spectacular.
    def _resolve_path_parameters(self, variables):
        parameters = super()._resolve_path_parameters(variables)
        for parameter in parameters:
            if parameter["name"] in ("id", "pk"):
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
        return parameters


ERROR_COMPONENT = {
    "type": "object",
    "description": "Fejlsvar: en fast kode (engelsk), en besked og ved valideringsfejl beskederne pr. felt.",
    "properties": {
        "code": {
            "type": "string",
            "description": "invalid, parse_error, not_authenticated, permission_denied, not_found, ...",
        },
        "message": {"type": "string"},
        "errors": {
            "type": "object",
            "description": "Felt → beskeder. Indlejrede felter med punktum (answers.happy); non_field_errors.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["code", "message"],
}

ERROR_DESCRIPTIONS = {
    "400": "Ugyldige data (errors pr. felt)",
    "401": "Ikke logget ind (mangler eller ugyldigt token)",
    "403": "Ingen adgang for din rolle",
    "404": "Findes ikke, eller du har ikke adgang til det",
    "405": "Metoden er ikke tilladt",
    "406": "Kan ikke svare i det ønskede format",
    "415": "Ukendt indholdstype (brug application/json)",
}


IDEMPOTENCY_PARAMETER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": (
        "Valgfri nøgle (1–255 synlige ASCII-tegn, fx et UUID) pr. forespørgsel: en gentagelse med samme nøgle og "
        "samme indhold får det første svar igen og opretter intet. Se docs/exchange.md."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
}
RETRY_RESPONSES = {
    "409": "Findes allerede (samme måling) eller behandles netop nu med samme Idempotency-Key",
    "422": "Idempotency-Key er brugt til en anden forespørgsel",
}


def add_error_responses(result: dict, generator, request, public) -> dict:
    """POSTPROCESSING_HOOKS: the Error component, and the error answers on every operation of the API."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for component in schemas.values():
        # The serializers' docstrings are notes for developers (in English), not documentation for clients.
        component.pop("description", None)
    schemas["Error"] = ERROR_COMPONENT
    ref = {"$ref": "#/components/schemas/Error"}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_DESCRIPTIONS.items():
                if status == "415" and "requestBody" not in operation:
                    continue
                content = {"application/json": {"schema": ref}}
                responses.setdefault(status, {"description": description, "content": content})
            if method == "post" and ("201" in responses or operation.get("operationId", "").endswith("_end_create")):
                operation.setdefault("parameters", []).append(IDEMPOTENCY_PARAMETER)
                for status, description in RETRY_RESPONSES.items():
                    content = {"application/json": {"schema": ref}}
                    responses.setdefault(status, {"description": description, "content": content})
    return result
