"""Synthetic data that looks like a Danish municipality's socialpsykiatri — deterministic for a given seed.

Used by ``manage.py seed`` (any size, bulk inserts), ``manage.py demo`` and the tests. Nothing here is real: names
are drawn from common Danish names, and CPR numbers are built so that they FAIL the old modulus-11 check, which
every CPR number issued before 2007 passes, so they are unlikely to be any real person's.

- ``names``: the municipality's units, districts, partners, goals and people's names;
- ``generator``: the generator (units differ on purpose, so that dashboards have something to show);
- ``rows``: the generated rows and their bulk insert;
- ``initiatives``: the demo's two improvement initiatives (``manage.py demo`` adds them after the logins).
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction

from devtools.demo.generator import Generator
from devtools.demo.names import UNIT_KINDS
from devtools.demo.rows import SeedResult, fake_cpr
from outcomes.models import Goal, GoalReview, ItemAnswer, Measurement
from tracker import dataversion
from tracker.models import Citizen, Collaboration, Course, DirectorScope, Membership, OrganisationUnit, Partner

__all__ = ["UNIT_KINDS", "SeedResult", "clear", "fake_cpr", "seed"]


def seed(*, units: int, citizens: int, months: int, seed: int, today: datetime.date | None = None) -> SeedResult:
    """Fill an empty database with a synthetic municipality. Refuses to run where citizens already exist."""
    if Citizen.objects.exists():
        raise ValueError("The database already holds citizens; seed only into an empty database (or use --replace).")
    return Generator(
        units=units, citizens=citizens, months=months, seed=seed, today=today or datetime.date.today()
    ).run()


def clear() -> None:
    """Remove every citizen record and the seeded organisation (reference data and instruments stay)."""
    from outcomes.models import TrajectorySummary
    from tracker import audit

    with transaction.atomic():
        TrajectorySummary.objects.all().delete()
        GoalReview.objects.all().delete()
        Goal.objects.all().delete()
        ItemAnswer.objects.all().delete()
        Measurement.objects.all().delete()
        Collaboration.objects.all().delete()
        Course.objects.all().delete()
        Citizen.objects.all().delete()
        Partner.objects.all().delete()
        # The audit log is append-only in the database; wiping it goes through the sanctioned purge (logged).
        audit.purge_all(reason="seed --replace")
        Membership.objects.all().delete()
        DirectorScope.objects.all().delete()
        get_user_model().objects.filter(is_superuser=False).delete()
        for kind in (OrganisationUnit.Kind.UNIT, OrganisationUnit.Kind.DEPARTMENT, OrganisationUnit.Kind.MUNICIPALITY):
            OrganisationUnit.objects.filter(kind=kind).delete()
        dataversion.bump()
