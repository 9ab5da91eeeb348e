"""Writes of two-factor devices (TOTP, django-otp): confirm one the user has proved, remove the user's devices."""

from __future__ import annotations

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice


@transaction.atomic
def otp_device_confirm(*, device: TOTPDevice, last_t: int) -> TOTPDevice:
    """Store the set-up device as confirmed, with the time step of the token that proved it (not to be reused)."""
    device.confirmed = True
    device.last_t = last_t
    device.save()
    return device


@transaction.atomic
def otp_devices_remove(*, user) -> None:
    """Turn two-factor off for the user: every TOTP device goes."""
    TOTPDevice.objects.filter(user=user).delete()
