"""Every page that `manage.py bench` measures costs the same number of queries at 1,000 and at 10,000 citizens,
and at most 25 — both the first request after a write (nothing cached) and a repeated one (README, Performance).

Counts, not timings: the same pages and users as the bench (devtools/management/commands/bench.py), on a
seeded municipality of each size.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from devtools import demo as demo_data
from devtools.management.commands.bench import actors, page_requests
from tracker import dataversion

BUDGET = 25
TODAY = datetime.date(2026, 11, 28)


def query_counts() -> dict[str, tuple[int, int]]:
    """Per page: (queries right after a write, queries on a repeated request)."""
    unit_id, caseworker, leader, director, course = actors()
    users = {"caseworker": caseworker, "leader": leader, "director": director}
    counts = {}
    for name, (who, method, url, data) in page_requests(unit_id, course).items():
        client = Client()
        client.force_login(users[who])
        call = (
            (lambda c=client, u=url, d=data: c.post(u, d)) if method == "post" else (lambda c=client, u=url: c.get(u))
        )
        found = []
        dataversion.bump()  # as after someone's write: nothing cached is valid
        for _ in range(2):
            with CaptureQueriesContext(connection) as ctx:
                response = call()
            assert response.status_code in (200, 302), (name, response.status_code)
            found.append(len(ctx))
        counts[name] = tuple(found)
    return counts


@pytest.mark.django_db
def test_every_bench_page_costs_the_same_at_1000_and_10000_citizens():
    demo_data.seed(units=10, citizens=1000, months=6, seed=5, today=TODAY)
    small = query_counts()
    demo_data.clear()
    demo_data.seed(units=40, citizens=10000, months=6, seed=6, today=TODAY)
    large = query_counts()
    assert set(small) == {
        "my_citizens",
        "citizen_page",
        "record_measurement",
        "unit_dashboard",
        "director_comparison",
        "comparison_export",
    }
    assert small == large, {name: (small[name], large[name]) for name in small if small[name] != large[name]}
    over = {name: counts for name, counts in large.items() if max(counts) > BUDGET}
    assert not over, over
    # The cache does its work: a repeated dashboard request costs fewer queries than the first after a write.
    assert large["unit_dashboard"][1] < large["unit_dashboard"][0]
    assert large["director_comparison"][1] < large["director_comparison"][0]
