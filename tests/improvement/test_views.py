"""Initiatives: registered by leaders for the units they lead, read by leaders and directors, audited; the pages
embed their charts as JSON (no inline script) with the numbers in tables."""

from __future__ import annotations

import datetime
import json
import re

import plotly.graph_objects as go
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from improvement import services
from improvement.models import FidelityCheck, Initiative, LearningEntry
from tests.factories import MembershipFactory
from tracker.models import AuditEntry

START = datetime.date.today().replace(day=1) - datetime.timedelta(days=100)


def _form(world, **extra) -> dict:
    data = {
        "name": "Feedback i hver samtale",
        "description": "FIT i teamet",
        "method": "fit",
        "units": [world.unit_a.pk],
        "start": START.isoformat(),
        "end": "",
        "indicator_mean_change": "up",
    }
    data.update(extra)
    return data


@pytest.fixture
def initiative(world):
    return services.initiative_create(
        user=world.lena,
        name="FIT",
        description="",
        method="fit",
        units=[world.unit_a],
        start=START,
        end=None,
        indicators={"mean_change": "up", "improved_share": "up"},
    )


def test_a_leader_registers_an_initiative_and_it_is_audited(client, world):
    client.force_login(world.lena)
    response = client.post(reverse("improvement:initiative_create"), _form(world))
    initiative = Initiative.objects.get()
    assert response.status_code == 302 and response.url == initiative.get_absolute_url()
    assert [u.pk for u in initiative.units.all()] == [world.unit_a.pk]
    assert {(i.measure, i.direction) for i in initiative.indicators.all()} == {("mean_change", "up")}
    entry = AuditEntry.objects.get(object_type="improvement.initiative", object_id=initiative.pk)
    assert entry.action == AuditEntry.Action.CREATE and entry.user == world.lena


def test_a_failed_form_keeps_what_was_typed(client, world):
    client.force_login(world.lena)
    data = _form(world, end=(START - datetime.timedelta(days=1)).isoformat())
    response = client.post(reverse("improvement:initiative_create"), data)
    assert response.status_code == 400
    assert "Feedback i hver samtale" in response.content.decode()
    assert "Slutdatoen kan ikke ligge før startdatoen." in response.content.decode()
    response = client.post(reverse("improvement:initiative_create"), _form(world, indicator_mean_change=""))
    assert response.status_code == 400 and "Vælg mindst én indikator" in response.content.decode()
    assert not Initiative.objects.exists()


def test_a_leader_cannot_register_for_another_unit(client, world):
    client.force_login(world.lena)
    response = client.post(reverse("improvement:initiative_create"), _form(world, units=[world.unit_b.pk]))
    assert response.status_code == 400 and not Initiative.objects.exists()
    with pytest.raises(PermissionDenied):
        services.initiative_create(
            user=world.lena,
            name="x",
            description="",
            method="fit",
            units=[world.unit_b],
            start=START,
            end=None,
            indicators={"mean_change": "up"},
        )
    with pytest.raises(PermissionDenied):  # a director reads but does not register
        services.initiative_create(
            user=world.charlie,
            name="x",
            description="",
            method="fit",
            units=[world.unit_a],
            start=START,
            end=None,
            indicators={"mean_change": "up"},
        )


def test_fidelity_checks_and_learning_entries(client, world, initiative):
    client.force_login(world.lena)
    url = reverse("improvement:fidelity_check_create", args=[initiative.pk])
    today = datetime.date.today().isoformat()
    assert client.post(url, {"date": today, "scale": "FIT-skala", "score": "3.5", "note": "ok"}).status_code == 302
    url = reverse("improvement:learning_entry_create", args=[initiative.pk])
    data = {"date": today, "tried": "Ugentlige ORS", "saw": "Det virkede ikke", "change_next": "Hver anden uge"}
    assert client.post(url, data).status_code == 302
    entry = LearningEntry.objects.get()
    assert not entry.publishable and entry.written_by == world.lena
    assert FidelityCheck.objects.get().score == pytest.approx(3.5)
    assert client.post(url, {"date": today, "tried": "", "saw": ""}).status_code == 400
    page = client.get(initiative.get_absolute_url()).content.decode()
    assert "FIT-skala" in page and "Det virkede ikke" in page
    assert AuditEntry.objects.filter(object_type="improvement.learningentry", action="create").count() == 1
    # The director reads but cannot write to the log.
    client.force_login(world.charlie)
    assert client.post(url, data).status_code == 403
    assert LearningEntry.objects.count() == 1


def test_the_detail_page_embeds_valid_charts_with_tables_and_is_audited(client, world, initiative):
    for user in (world.lena, world.charlie):
        client.force_login(user)
        response = client.get(initiative.get_absolute_url())
        assert response.status_code == 200
        html = response.content.decode()
        specs = re.findall(r'<script id="(chart-[a-z-]+)" type="application/json">(.*?)</script>', html, re.S)
        assert len(specs) == 5
        for chart_id, body in specs:
            go.Figure(json.loads(body))  # plotly's own schema
            assert f'id="{chart_id}-table"' in html
        assert "<script>" not in html  # no inline script (CSP)
        assert AuditEntry.objects.filter(
            object_type="improvement.initiative", object_id=initiative.pk, action="read", user=user
        ).exists()
    # Only the director sees the comparison with units without the initiative, called an association.
    assert "Dette er en sammenhæng, ikke en effekt" in html
    client.force_login(world.lena)
    assert "Dette er en sammenhæng, ikke en effekt" not in client.get(initiative.get_absolute_url()).content.decode()


def test_the_director_sees_hidden_months_as_dashes(client, world, initiative):
    # The world has one citizen per unit: every month is below k for the director, so no number is shown.
    client.force_login(world.charlie)
    html = client.get(initiative.get_absolute_url()).content.decode()
    table = html.split('id="chart-measured-share-table"')[1].split("</table>")[0]
    cells = re.findall(r"<td>(.*?)</td>", table)
    assert cells and all(c in ("–", "før start", "efter start") for c in cells)
    client.force_login(world.lena)  # the leader sees the unit's own months
    html = client.get(initiative.get_absolute_url()).content.decode()
    table = html.split('id="chart-measured-share-table"')[1].split("</table>")[0]
    assert any(c.endswith("%") for c in re.findall(r"<td>(.*?)</td>", table))


def test_a_leader_of_another_unit_cannot_see_or_edit(client, world, initiative):
    from tests import factories
    from tracker.models import Membership

    other = factories.UserFactory(username="leader-b")
    MembershipFactory(user=other, unit=world.unit_b, role=Membership.Role.LEADER)
    client.force_login(other)
    assert client.get(initiative.get_absolute_url()).status_code == 404
    assert client.get(reverse("improvement:initiative_list")).content.decode().count("FIT") == 0
    with pytest.raises(PermissionDenied):
        services.initiative_update(
            user=other,
            initiative=initiative,
            name="x",
            description="",
            method="fit",
            units=[world.unit_b],
            start=START,
            end=None,
            indicators={"mean_change": "up"},
        )


def test_the_api_gives_the_pages_figures(client, world, initiative):
    client.force_login(world.lena)
    listing = client.get(reverse("api:initiative_list")).json()
    assert [i["id"] for i in listing] == [initiative.pk]
    assert {s["indicator"] for s in listing[0]["signals"]} == {"mean_change", "improved_share"}
    body = client.get(reverse("api:initiative_series", args=[initiative.pk])).json()
    assert body["disclosed"] is False and len(body["months"]) >= 13
    client.force_login(world.charlie)
    body = client.get(reverse("api:initiative_series", args=[initiative.pk])).json()
    # One citizen per unit: every month is hidden for the director, over the API as on the page.
    assert body["disclosed"] is True and all(m["hidden"] and m["active"] is None for m in body["months"])
    assert AuditEntry.objects.filter(purpose="api:initiative_series", user=world.charlie).exists()


def test_an_initiative_in_two_units(client, world):
    from tests import factories
    from tracker.models import Membership

    both = factories.UserFactory(username="leader-both")
    for unit in (world.unit_a, world.unit_b):
        MembershipFactory(user=both, unit=unit, role=Membership.Role.LEADER)
    initiative = services.initiative_create(
        user=both,
        name="IPS",
        description="",
        method="ips",
        units=[world.unit_a, world.unit_b],
        start=START,
        end=None,
        indicators={"measured_share": "up"},
    )
    # The director sees each unit's months — all hidden here (one citizen per unit).
    client.force_login(world.charlie)
    html = client.get(initiative.get_absolute_url()).content.decode()
    table = html.split('id="units-table"')[1].split("</table>")[0]
    assert world.unit_a.name in table and world.unit_b.name in table
    assert set(re.findall(r"<td>(.*?)</td>", table)) == {"–"}
    # lena leads only unit A: she reads the initiative with her own unit's exact figures, and cannot edit it.
    client.force_login(world.lena)
    response = client.get(initiative.get_absolute_url())
    assert response.status_code == 200
    figures = response.context["figures"]
    assert not figures.disclosed and set(figures.unit_names) == {world.unit_a.pk}
    assert any(p.active for p in figures.months)
    assert client.get(reverse("improvement:initiative_update", args=[initiative.pk])).status_code == 403


def test_the_detail_pages_queries_do_not_grow_with_the_data(client, world, initiative):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from outcomes import services as outcome_services
    from tests import factories
    from tracker import dataversion

    def count(user) -> int:
        client.force_login(user)
        dataversion.bump()  # no cached series: the page computes its figures
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(initiative.get_absolute_url()).status_code == 200
        return len(ctx.captured_queries)

    before = {u.username: count(u) for u in (world.lena, world.charlie)}
    for i in range(6):
        course = factories.CourseFactory(unit=world.unit_a if i % 2 else world.unit_b)
        for days in (150, 100, 40):
            outcome_services.measurement_record(
                course=course,
                instrument=factories.who5(),
                answers={"happy": 3, "calm": 2, "active": 3, "rested": 1 + i % 3, "interest": days // 40},
                date=datetime.date.today() - datetime.timedelta(days=days),
                informer="citizen",
                recorded_by=world.alice,
            )
    after = {u.username: count(u) for u in (world.lena, world.charlie)}
    assert after == before
