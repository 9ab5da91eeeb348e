"""Fixtures for the security tests: the standard world with records in unit A, a leader in unit B, and an
administrator; and helpers to log in with a verified second factor and to compute TOTP tokens."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from outcomes import services as outcome_services
from outcomes.models import LifeDomain
from tests import factories
from tracker.models import Membership


def token_for(device: TOTPDevice, offset_steps: int = 0) -> str:
    """The token the user's app shows now (or ``offset_steps`` periods later)."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + offset_steps):06d}"


def token_for_key(hex_key: str) -> str:
    device = TOTPDevice(key=hex_key)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, 0):06d}"


def add_device(user) -> TOTPDevice:
    return factories.TOTPDeviceFactory(user=user, name="Effektspor", confirmed=True)


def login_verified(client, user) -> TOTPDevice:
    """Log in as a user with a confirmed device who has entered a token in this session."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or add_device(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.fixture
def sec_world(world):
    """The standard world (alice and lena in unit A, bob in unit B, charlie the director) plus: a leader of unit
    B (leader_b), an administrator (root), and in unit A a WHO-5 measurement and a goal with a review."""
    world.leader_b = factories.UserFactory(username="leader_b")
    factories.MembershipFactory(user=world.leader_b, unit=world.unit_b, role=Membership.Role.LEADER)
    world.root = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    world.measurement_a = outcome_services.measurement_record(
        course=world.course_a,
        instrument=factories.who5(),
        answers={"happy": 3, "calm": 2, "active": 3, "rested": 1, "interest": 4},
        date=days_ago(10),
        informer="citizen",
        recorded_by=world.alice,
        note="A-NOTE",
    )
    world.goal_a = outcome_services.goal_create(
        user=world.alice,
        course=world.course_a,
        text="A-GOAL-TEXT",
        life_domain=LifeDomain.objects.get(code="network"),
        level_minus2="a",
        level_minus1="b",
        level_0="c",
        level_plus1="d",
        level_plus2="e",
        baseline_level=-1,
        created_on=days_ago(20),
    )
    outcome_services.goal_review_record(user=world.alice, goal=world.goal_a, date=days_ago(5), level=0, note="R")
    return world
