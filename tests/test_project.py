"""Project-wide checks: migrations are complete, every model is in the admin, production settings pass --deploy."""

import io
import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core.management import call_command

BASE_DIR = Path(settings.BASE_DIR)


def test_migrations_are_complete(db):
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exc:  # makemigrations --check exits 1 when a migration is missing
        raise AssertionError(f"Missing migrations:\n{out.getvalue()}") from exc
    assert "No changes detected" in out.getvalue()


def test_every_model_is_in_the_admin():
    """Each model has its own admin page, or is edited as an inline of one that has."""
    inlined = {inline.model for model_admin in admin.site._registry.values() for inline in model_admin.inlines}
    missing = [
        model._meta.label
        for app in ("tracker", "outcomes")
        for model in apps.get_app_config(app).get_models()
        if not admin.site.is_registered(model) and model not in inlined
    ]
    assert missing == []


def test_core_records_have_their_own_admin_page():
    from outcomes.models import Instrument, Measurement
    from tracker.models import AuditEntry, Citizen, Course, OrganisationUnit

    for model in (OrganisationUnit, Citizen, Course, AuditEntry, Instrument, Measurement):
        assert admin.site.is_registered(model), model


def production_env(tmp_path, **overrides) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EFFEKTSPOR_", "DATABASE_URL"))}
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    env.update(
        DJANGO_SETTINGS_MODULE="tracker.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="".join(secrets.choice(alphabet) for _ in range(50)),
        DJANGO_ALLOWED_HOSTS="effektspor.example.dk",
        EFFEKTSPOR_PSEUDONYM_KEY=secrets.token_hex(32),
        EFFEKTSPOR_SECURE="1",
        EFFEKTSPOR_VAR_DIR=str(tmp_path),
    )
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def manage(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_passes_with_production_settings(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "no issues" in output


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    result = manage(production_env(tmp_path, DJANGO_SECRET_KEY=""), "check")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_check_deploy_flags_insecure_settings(tmp_path):
    result = manage(production_env(tmp_path, EFFEKTSPOR_SECURE="0"), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stdout + result.stderr
