"""The demo's two initiatives: the working one shows a signal after its start, the other none — said in words."""

from __future__ import annotations

import datetime

import pytest

from devtools import demo as demo_data
from devtools.demo.initiatives import seed_initiatives
from improvement import analysis
from improvement.models import Initiative
from tests import factories
from tests.factories import DirectorScopeFactory, MembershipFactory
from tracker.models import Membership, OrganisationUnit

TODAY = datetime.date(2026, 11, 20)


@pytest.fixture
def demo(db):
    demo_data.seed(units=7, citizens=300, months=24, seed=2026, today=TODAY)
    leader = factories.UserFactory(username="leder.nord")
    MembershipFactory(
        user=leader, unit=OrganisationUnit.objects.get(name="Bostøtteteam Nord"), role=Membership.Role.LEADER
    )
    director = factories.UserFactory(username="direktor")
    DirectorScopeFactory(user=director, unit=OrganisationUnit.objects.get(code="egekaer"))
    working, other = seed_initiatives(today=TODAY)
    return leader, director, working, other


def test_the_working_initiative_signals_and_the_other_does_not(demo):
    leader, director, working, other = demo
    for user in (leader, director):
        figures = analysis.initiative_figures(user=user, initiative=working, today=TODAY)
        main = next(s for s in figures.signals if s.measure == "mean_change")
        print(user.username, [(p.label, p.mean_change, p.paired) for p in figures.months], main.text)
        assert main.signal and main.side == 1 and main.as_expected, main.text
        assert main.text.startswith("Efter 1. april: ") and "over medianen" in main.text
        assert "et tegn på en reel forandring, ikke tilfældig variation" in main.text
    figures = analysis.initiative_figures(user=director, initiative=other, today=TODAY)
    for s in figures.signals:
        print(s.measure, s.text)
    main = next(s for s in figures.signals if s.measure == "mean_change")
    assert not main.signal and main.text.startswith("Ingen tegn på forandring endnu"), main.text


def test_seeding_twice_does_nothing(demo):
    assert seed_initiatives(today=TODAY) == []
    assert Initiative.objects.count() == 2
