"""Every factory builds a row the model accepts: its own validation (full_clean) and the database's constraints."""

from __future__ import annotations

import pytest

from tests import factories

FACTORIES = [
    factories.UserFactory,
    factories.UnitFactory,
    factories.CitizenFactory,
    factories.CourseFactory,
    factories.MembershipFactory,
    factories.DirectorScopeFactory,
    factories.TOTPDeviceFactory,
    factories.InstrumentFactory,
    factories.PartnerFactory,
    factories.CollaborationFactory,
    factories.MeasurementFactory,
    factories.ItemAnswerFactory,
    factories.GoalFactory,
    factories.GoalReviewFactory,
    factories.ConsentFactory,
    factories.AccessRequestFactory,
    factories.InitiativeFactory,
]


@pytest.mark.django_db
@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f.__name__)
def test_factory_builds_a_valid_saved_row(factory):
    obj = factory()
    assert obj.pk is not None
    obj.full_clean()
    model = factory._meta.model
    assert model.objects.filter(pk=obj.pk).exists()


@pytest.mark.django_db
def test_instrument_factory_returns_the_fixture_instrument_by_code():
    assert factories.InstrumentFactory(code="who5") == factories.who5()


@pytest.mark.django_db
def test_item_answer_factory_uses_an_item_of_the_measurement_instrument():
    answer = factories.ItemAnswerFactory()
    assert answer.item.instrument_id == answer.measurement.instrument_id


@pytest.mark.django_db
def test_many_to_many_factories_set_the_given_units():
    unit_a, unit_b = factories.UnitFactory(), factories.UnitFactory()
    consent = factories.ConsentFactory(to_unit=unit_a, from_units=[unit_b])
    assert list(consent.from_units.all()) == [unit_b]
    initiative = factories.InitiativeFactory(units=[unit_a, unit_b])
    assert set(initiative.units.all()) == {unit_a, unit_b}
