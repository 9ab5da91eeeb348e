"""Guards for the places where the project relies on a library's internals.

Each patch or override of something private is pinned here: the library is the version the patch was written for
(requirements.txt), the internal it touches still exists with the signature and behaviour assumed, and the patch is
in effect. When a library is upgraded and one of these fails, re-read the patch next to the comment that points here.

- django-tables2 ``utils.signature``, memoised by ``tracker.tables.install_signature_cache``;
- drf-spectacular ``AutoSchema._resolve_path_parameters``, overridden by ``api.schema.AutoSchema``;
- mozilla-django-oidc ``OIDCAuthenticationRequestView.__init__``, bypassed by ``tracker.security.OIDCLoginView``.
"""

from __future__ import annotations

import inspect
import re
from importlib import metadata
from pathlib import Path
from unittest import mock

import django_tables2 as tables
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory, override_settings
from django.views import View
from django_tables2 import rows as tables_rows
from django_tables2 import utils as tables_utils
from drf_spectacular import openapi
from drf_spectacular.generators import SchemaGenerator
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from api.filters import MAX_ID
from api.schema import AutoSchema
from tracker.security import OIDCLoginView
from tracker.tables import install_signature_cache

REQUIREMENTS = Path(__file__).resolve().parent.parent / "requirements.txt"


def pinned(distribution: str) -> str:
    match = re.search(rf"^{re.escape(distribution)}==(\S+)$", REQUIREMENTS.read_text(), re.MULTILINE | re.IGNORECASE)
    assert match, f"{distribution} is not pinned in requirements.txt"
    return match[1]


@pytest.mark.parametrize("distribution", ["django-tables2", "drf-spectacular", "mozilla-django-oidc"])
def test_the_patched_libraries_are_the_pinned_versions(distribution):
    assert metadata.version(distribution) == pinned(distribution)


# --------------------------------------------------------------------------- django-tables2: utils.signature
class Sample:
    def render_value(self, value, record):
        return value

    def anything(self, value, **kwargs):
        return kwargs


def plain(value, *args, column=None):
    return value


def test_tables2_signature_is_installed_and_keeps_the_original():
    assert tables_utils.signature.memoised is True
    original = tables_utils.signature.original
    assert original.__module__ == "django_tables2.utils" and original.__name__ == "signature"
    install_signature_cache()  # a second call is a no-op: it must not wrap the memoised function again
    assert tables_utils.signature.original is original


def test_tables2_signature_returns_what_the_original_returns():
    original = tables_utils.signature.original
    assert list(inspect.signature(original).parameters) == ["fn"]
    sample = Sample()
    cases = {
        sample.render_value: (("value", "record"), None),
        sample.anything: (("value",), "kwargs"),
        plain: (("value", "column"), None),
        Sample.render_value: (("self", "value", "record"), None),
    }
    for fn, expected in cases.items():
        assert original(fn) == expected, fn
        assert tables_utils.signature(fn) == expected, fn


def test_tables2_looks_the_signature_up_in_its_utils_module_at_call_time():
    # The memoised function replaces the module attribute, so it is in effect only while call_with_appropriate
    # (the caller for every cell) reads the global name ``signature`` from django_tables2.utils when it runs.
    assert tables_rows.call_with_appropriate is tables_utils.call_with_appropriate
    assert tables_utils.call_with_appropriate.__globals__ is vars(tables_utils)
    assert "signature" in tables_utils.call_with_appropriate.__code__.co_names


def test_tables2_rendering_a_table_again_inspects_no_signature():
    class Table(tables.Table):
        value = tables.Column()

        def render_value(self, value, record):
            return f"<{value}>"

    def render():
        return [list(row) for row in Table([{"value": 1}, {"value": 2}]).rows]

    assert render() == [["<1>"], ["<2>"]]
    with mock.patch.object(tables_utils.inspect, "signature", wraps=inspect.signature) as spy:
        assert render() == [["<1>"], ["<2>"]]
    assert spy.call_count == 0


# --------------------------------------------------------------------------- drf-spectacular: path parameters
def test_spectacular_private_path_parameter_method_is_still_there():
    method = openapi.AutoSchema._resolve_path_parameters
    assert list(inspect.signature(method).parameters) == ["self", "variables"]
    assert "self._resolve_path_parameters(" in inspect.getsource(openapi.AutoSchema)
    assert AutoSchema._resolve_path_parameters is not method  # the override


@pytest.mark.django_db
def test_spectacular_uses_the_override_for_every_id_in_a_path():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    ids = [
        parameter
        for operations in schema["paths"].values()
        for operation in operations.values()
        if isinstance(operation, dict)
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "path" and parameter["name"] in ("id", "pk")
    ]
    assert ids, "no path with an id: the check below would prove nothing"
    for parameter in ids:
        assert parameter["schema"] == {"type": "integer", "minimum": 1, "maximum": MAX_ID}


# --------------------------------------------------------------------------- mozilla-django-oidc: the login view
SSO = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://idp.example/authorize",
    "OIDC_RP_CLIENT_ID": "effektspor",
}


def test_oidc_request_view_init_reads_exactly_the_settings_our_get_reads():
    assert list(inspect.signature(OIDCAuthenticationRequestView.__init__).parameters) == ["self", "args", "kwargs"]
    with override_settings(**SSO):
        parent = OIDCAuthenticationRequestView()
    added = set(vars(parent)) - set(vars(View()))
    # OIDCLoginView.get sets these two attributes itself, from the same settings.
    assert added == {"OIDC_OP_AUTH_ENDPOINT", "OIDC_RP_CLIENT_ID"}
    assert SSO["OIDC_OP_AUTHORIZATION_ENDPOINT"] == parent.OIDC_OP_AUTH_ENDPOINT
    assert SSO["OIDC_RP_CLIENT_ID"] == parent.OIDC_RP_CLIENT_ID
    assert "self.OIDC_OP_AUTH_ENDPOINT = settings.OIDC_OP_AUTHORIZATION_ENDPOINT" in inspect.getsource(OIDCLoginView)
    assert "self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID" in inspect.getsource(OIDCLoginView)


def test_oidc_login_view_is_built_without_single_sign_on_settings():
    with override_settings(OIDC_OP_AUTHORIZATION_ENDPOINT=None):
        from django.conf import settings

        del settings.OIDC_OP_AUTHORIZATION_ENDPOINT
        with pytest.raises((ImproperlyConfigured, AttributeError)):
            OIDCAuthenticationRequestView()  # why the override exists
        assert OIDCLoginView.__init__ is not OIDCAuthenticationRequestView.__init__
        view = OIDCLoginView()
    assert not hasattr(view, "OIDC_OP_AUTH_ENDPOINT")


@override_settings(EFFEKTSPOR_OIDC_ENABLED=True, **SSO)
def test_oidc_login_view_redirects_with_the_settings_read_at_request_time():
    request = RequestFactory().get("/login/sso/")
    request.session = {}
    response = OIDCLoginView.as_view()(request)
    assert response.status_code == 302
    assert response["Location"].startswith(SSO["OIDC_OP_AUTHORIZATION_ENDPOINT"] + "?")
    assert "client_id=effektspor" in response["Location"]
