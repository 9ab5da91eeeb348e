"""Fixtures for the API tests: the security tests' world (records in unit A, a leader of unit B), and API clients
that authenticate with a token, as a program does."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.api.helpers import token_client
from tests.security.conftest import sec_world  # noqa: F401  (the fixture, shared)


@pytest.fixture
def api(sec_world):  # noqa: F811
    """Token clients per user: api.alice, api.bob, api.lena, api.leader_b, api.charlie; api.anonymous has none."""

    class Clients:
        anonymous = APIClient()

        def __getattr__(self, name):
            return token_client(getattr(sec_world, name))

    return Clients()
