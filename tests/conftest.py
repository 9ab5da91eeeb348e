"""Shared test fixtures: reference data in the test database, and the three users of every access test."""

import pytest
from django.core.management import call_command

from tests import factories


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the reference data (legal bases, sectors, life domains, instruments) once per test database."""
    from tracker.reference import load_reference_data

    with django_db_blocker.unblock():
        load_reference_data()
        call_command("createcachetable", verbosity=0)


@pytest.fixture
def world(db):
    """Two units in one department: alice works in A, bob in B, charlie directs the municipality,
    lena leads A. Each unit has one citizen with an open course."""
    return factories.build_world()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in Danish: a request in English must not leak its language into the next test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
