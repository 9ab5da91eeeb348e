"""The API's two pages: the user's own access token, and the documentation drawn from the OpenAPI schema.

The documentation is rendered on the server from the same schema as ``api/schema/``: drf-spectacular's Swagger and
Redoc pages load their scripts from a CDN, which neither the strict Content-Security-Policy nor the municipalities'
closed networks allow. It needs no JavaScript.
"""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import View
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from api.base import ApiMixin
from api.selectors import api_key_get
from api.services import api_key_create, api_key_revoke

METHODS = ("get", "post", "put", "patch", "delete")


class TokenView(LoginRequiredMixin, View):
    """'Adgang til API'et': create (or replace) and revoke one's own token. The key is shown once, when made."""

    template_name = "api/token.html"

    def get(self, request):
        token = api_key_get(user=request.user)
        return render(request, self.template_name, {"token": token, "new_key": None})

    def post(self, request):
        action = request.POST.get("action")
        if action == "create":
            # One key per user: a new one replaces (and so revokes) the old.
            token, key = api_key_create(user=request.user)
            return render(request, self.template_name, {"token": token, "new_key": key})
        if action == "revoke":
            api_key_revoke(user=request.user)
            messages.success(
                request, _("Din adgangsnøgle er slettet. Programmer, der brugte den, har ikke længere adgang.")
            )
            return redirect("api:token")
        return HttpResponseBadRequest(_("Ukendt handling."))


@functools.lru_cache(maxsize=len(settings.LANGUAGES))
def api_schema(language: str) -> dict:
    """The OpenAPI schema in one language. It depends on the code only, and takes most of a second to build:
    built once per language and process."""
    with translation.override(language):
        return SchemaGenerator().get_schema(request=None, public=True)


class SchemaView(ApiMixin, SpectacularAPIView):
    """The OpenAPI 3 schema (YAML; ``?format=json`` for JSON), open to everyone: it holds no data."""

    permission_classes = [AllowAny]

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        disposition = f'inline; filename="{self._get_filename(request, version)}"'
        return Response(data=api_schema(translation.get_language()), headers={"Content-Disposition": disposition})


def _resolve(schema: dict, components: dict) -> dict:
    ref = schema.get("$ref")
    if ref:
        return components.get(ref.rsplit("/", 1)[-1], {})
    return schema


def _type(schema: dict, components: dict) -> str:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        target = components.get(name, {})
        # A choice is shown with its values; another type by its name (described under 'Typer').
        return " | ".join(str(v) for v in target["enum"] if v not in ("", None)) if "enum" in target else name
    if "allOf" in schema:
        return " ".join(_type(s, components) for s in schema["allOf"])
    if "oneOf" in schema:
        return " | ".join(_type(s, components) for s in schema["oneOf"])
    kind = schema.get("type", "")
    if kind == "array":
        return f"[{_type(schema.get('items', {}), components)}]"
    if "enum" in schema:
        return " | ".join(str(v) for v in schema["enum"] if v not in ("", None))
    fmt = schema.get("format")
    return f"{kind} ({fmt})" if fmt else kind


def _fields(schema: dict, components: dict, *, answer: bool = False) -> list[dict[str, Any]]:
    """The fields of a request body (without the read-only ones), or of an answer (a page of a list: its items)."""
    schema = _resolve(schema, components)
    if answer and "results" in schema.get("properties", {}):
        schema = _resolve(schema["properties"]["results"].get("items", {}), components)
    required = set(schema.get("required", []))
    out = []
    for name, prop in schema.get("properties", {}).items():
        if prop.get("readOnly") and not answer:
            continue
        out.append(
            {
                "name": name,
                "type": _type(prop, components),
                "required": name in required,
                "description": prop.get("description", ""),
            }
        )
    return out


def documentation(schema: dict) -> list[dict[str, Any]]:
    """The schema's operations grouped by their first path part, with parameters, request fields and answers."""
    components = schema.get("components", {}).get("schemas", {})
    sections: dict[str, list] = {}
    for path, operations in schema.get("paths", {}).items():
        for method in METHODS:
            op = operations.get(method)
            if op is None:
                continue
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            responses = [
                {"status": status, "description": r.get("description", "")}
                for status, r in sorted(op.get("responses", {}).items())
            ]
            success = next((r for status, r in sorted(op.get("responses", {}).items()) if status < "300"), {})
            answer = success.get("content", {}).get("application/json", {}).get("schema")
            sections.setdefault((op.get("tags") or ["api"])[0], []).append(
                {
                    "id": op.get("operationId", f"{method}-{path}"),
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "parameters": [
                        {
                            "name": p["name"],
                            "in": p["in"],
                            "required": p.get("required", False),
                            "type": _type(p.get("schema", {}), components),
                            "description": p.get("description", ""),
                        }
                        for p in op.get("parameters", [])
                    ],
                    "fields": _fields(body, components) if body else [],
                    "answer_fields": _fields(answer, components, answer=True) if answer else [],
                    "paginated": bool(answer and "results" in _resolve(answer, components).get("properties", {})),
                    "responses": responses,
                }
            )
    return [{"tag": tag, "operations": ops} for tag, ops in sections.items()]


def types(schema: dict) -> list[dict[str, Any]]:
    """The object types the answers are made of, with their fields (request variants and pages left out)."""
    components = schema.get("components", {}).get("schemas", {})
    return [
        {
            "name": name,
            "description": component.get("description", ""),
            "fields": _fields(component, components, answer=True),
        }
        for name, component in sorted(components.items())
        if "properties" in component and not name.endswith("Request") and not name.startswith("Paginated")
    ]


class DocsView(View):
    """The API documentation as a plain page (no script), from the live schema in the page's language."""

    def get(self, request):
        schema = api_schema(translation.get_language())
        context = {"schema_info": schema.get("info", {}), "sections": documentation(schema), "types": types(schema)}
        return render(request, "api/docs.html", context)
