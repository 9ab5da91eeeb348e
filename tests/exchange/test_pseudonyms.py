"""The pseudonym key: the exports' keys are HMACs with EFFEKTSPOR_PSEUDONYM_KEY, never with SECRET_KEY.

Two installs with the same data give different keys; rotating SECRET_KEY changes none; production refuses to start
without the key; a development/demo install makes its own random key once."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

from django.test import override_settings
from django.urls import reverse

from exchange import fhir, selectors

BASE_DIR = Path(__file__).resolve().parents[2]
KEY_A = "a" * 16 + "pseudonym-key-of-install-a-0001"
KEY_B = "b" * 16 + "pseudonym-key-of-install-b-0002"


def tidy_keys(client, unit_pk: int) -> list[tuple[str, str, str]]:
    response = client.get(reverse("exchange:unit_tidy_csv", args=[unit_pk]))
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows
    return [(r["citizen_key"], r["course_key"], r["measurement_key"]) for r in rows]


def fhir_ids(course) -> list[str]:
    bundle = fhir.build_bundle(selectors.course_export(course=course))
    return [e["fullUrl"] for e in bundle["entry"]] + [str(e["resource"].get("subject")) for e in bundle["entry"]]


def test_keys_differ_between_installs_and_survive_a_secret_key_rotation(client, export_world):
    w = export_world
    with override_settings(EFFEKTSPOR_PSEUDONYM_KEY=KEY_A, SECRET_KEY="first-secret-key-" + "x" * 40):
        client.force_login(w.lena)
        tidy_a, fhir_a = tidy_keys(client, w.unit_a.pk), fhir_ids(w.course_a)
    with override_settings(EFFEKTSPOR_PSEUDONYM_KEY=KEY_A, SECRET_KEY="rotated-secret-key-" + "y" * 40):
        client.force_login(w.lena)  # a new SECRET_KEY ends the old session
        assert tidy_keys(client, w.unit_a.pk) == tidy_a
        assert fhir_ids(w.course_a) == fhir_a
    with override_settings(EFFEKTSPOR_PSEUDONYM_KEY=KEY_B, SECRET_KEY="first-secret-key-" + "x" * 40):
        client.force_login(w.lena)
        tidy_b, fhir_b = tidy_keys(client, w.unit_a.pk), fhir_ids(w.course_a)
    assert len(tidy_b) == len(tidy_a)
    assert not {k for row in tidy_a for k in row} & {k for row in tidy_b for k in row}
    assert not set(fhir_a) & set(fhir_b)


def settings_env(tmp_path: Path, **overrides) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EFFEKTSPOR_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="tracker.settings",
        DJANGO_SECRET_KEY="s" * 50,
        EFFEKTSPOR_VAR_DIR=str(tmp_path),
        DJANGO_DEBUG="0",
    )
    env.update(overrides)
    return env


def read_key(env) -> subprocess.CompletedProcess:
    code = "from django.conf import settings; print(settings.EFFEKTSPOR_PSEUDONYM_KEY)"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )


def test_production_refuses_to_start_without_a_pseudonym_key(tmp_path):
    result = read_key(settings_env(tmp_path))
    assert result.returncode != 0
    assert "EFFEKTSPOR_PSEUDONYM_KEY must be set" in result.stderr
    assert not (tmp_path / "pseudonym-key").exists()  # production never invents one
    short = read_key(settings_env(tmp_path, EFFEKTSPOR_PSEUDONYM_KEY="too-short"))
    assert "at least 32 characters" in short.stderr
    same = read_key(settings_env(tmp_path, EFFEKTSPOR_PSEUDONYM_KEY="s" * 50))
    assert "must differ from DJANGO_SECRET_KEY" in same.stderr
    ok = read_key(settings_env(tmp_path, EFFEKTSPOR_PSEUDONYM_KEY="k" * 40))
    assert ok.returncode == 0 and ok.stdout.strip() == "k" * 40


def test_each_development_install_makes_its_own_random_key_once(tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    key_one = read_key(settings_env(first, DJANGO_DEBUG="1", DJANGO_SECRET_KEY=""))
    assert key_one.returncode == 0, key_one.stderr
    again = read_key(settings_env(first, DJANGO_DEBUG="1", DJANGO_SECRET_KEY=""))
    key_two = read_key(settings_env(second, DJANGO_DEBUG="1", DJANGO_SECRET_KEY=""))
    assert len(key_one.stdout.strip()) == 64
    assert again.stdout == key_one.stdout  # kept in var/, stable across restarts
    assert key_two.stdout != key_one.stdout  # another install, another key, though SECRET_KEY is the same default
    assert (first / "pseudonym-key").stat().st_mode & 0o077 == 0  # readable by the owner only
