"""The settings' environment variables (tracker/env.py): strict yes/no values, numbers, renamed names."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from tracker.env import RENAMED, env_bool, env_int, env_list, env_str

NAME = "EFFEKTSPOR_TEST_FLAG"


@pytest.mark.parametrize("value", ["1", "true", "True", "YES", "yes", "on", "On", " true "])
def test_env_bool_reads_the_yes_words_in_any_case(monkeypatch, value):
    monkeypatch.setenv(NAME, value)
    assert env_bool(NAME, False) is True


@pytest.mark.parametrize("value", ["0", "false", "FALSE", "no", "No", "off", "OFF"])
def test_env_bool_reads_the_no_words_in_any_case(monkeypatch, value):
    monkeypatch.setenv(NAME, value)
    assert env_bool(NAME, True) is False


@pytest.mark.parametrize("default", [True, False])
def test_env_bool_unset_or_empty_gives_the_default(monkeypatch, default):
    monkeypatch.delenv(NAME, raising=False)
    assert env_bool(NAME, default) is default
    monkeypatch.setenv(NAME, "")
    assert env_bool(NAME, default) is default


@pytest.mark.parametrize("value", ["ture", "2", "y", "enabled", "-1", "nej"])
def test_env_bool_refuses_an_unknown_value(monkeypatch, value):
    monkeypatch.setenv(NAME, value)
    with pytest.raises(ImproperlyConfigured, match=NAME):
        env_bool(NAME, False)


def test_env_int_reads_a_number_and_refuses_words_and_values_below_the_minimum(monkeypatch):
    monkeypatch.setenv(NAME, "12")
    assert env_int(NAME, 5) == 12
    monkeypatch.setenv(NAME, "")
    assert env_int(NAME, 5) == 5
    monkeypatch.setenv(NAME, "five")
    with pytest.raises(ImproperlyConfigured, match="not a whole number"):
        env_int(NAME, 5)
    monkeypatch.setenv(NAME, "0")
    with pytest.raises(ImproperlyConfigured, match=f"{NAME} must be at least 1"):
        env_int(NAME, 5, minimum=1)


def test_env_list_splits_on_commas(monkeypatch):
    monkeypatch.setenv(NAME, " a.dk, b.dk ,,")
    assert env_list(NAME, "x") == ["a.dk", "b.dk"]
    monkeypatch.delenv(NAME)
    assert env_list(NAME, "x,y") == ["x", "y"]


def test_an_old_variable_name_is_read_with_a_deprecation_warning(monkeypatch, caplog):
    monkeypatch.delenv("EFFEKTSPOR_OIDC_USERNAME_CLAIM", raising=False)
    monkeypatch.setenv("OIDC_USERNAME_CLAIM", "upn")
    with pytest.warns(DeprecationWarning, match="OIDC_USERNAME_CLAIM is deprecated"):
        assert env_str("EFFEKTSPOR_OIDC_USERNAME_CLAIM", "preferred_username") == "upn"
    assert "rename it to EFFEKTSPOR_OIDC_USERNAME_CLAIM" in caplog.text


def test_the_new_name_wins_over_the_old_one_and_the_old_one_is_still_reported(monkeypatch):
    monkeypatch.setenv("EFFEKTSPOR_OIDC_OP_ISSUER", "https://new.example")
    monkeypatch.setenv("OIDC_OP_ISSUER", "https://old.example")
    with pytest.warns(DeprecationWarning, match="ignored"):
        assert env_str("EFFEKTSPOR_OIDC_OP_ISSUER") == "https://new.example"


@pytest.mark.parametrize(("old", "hops"), [("1", 1), ("yes", 1), ("0", 0)])
def test_behind_proxy_still_means_one_hop(monkeypatch, old, hops):
    monkeypatch.delenv("EFFEKTSPOR_PROXY_HOPS", raising=False)
    monkeypatch.setenv("EFFEKTSPOR_BEHIND_PROXY", old)
    with pytest.warns(DeprecationWarning, match="EFFEKTSPOR_BEHIND_PROXY"):
        assert env_int("EFFEKTSPOR_PROXY_HOPS", 0, minimum=0) == hops


def test_every_renamed_variable_names_a_setting_of_ours():
    for old, (new, _convert) in RENAMED.items():
        assert new.startswith("EFFEKTSPOR_") and old != new
        assert hasattr(settings, new), new


def _settings_process(**environ) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EFFEKTSPOR_", "DATABASE_URL", "OIDC_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="tracker.settings",
        DJANGO_SECRET_KEY="x" * 60,
        EFFEKTSPOR_PSEUDONYM_KEY="p" * 64,
        EFFEKTSPOR_VAR_DIR="/tmp",
        **environ,
    )
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.EFFEKTSPOR_SECURE, s.EFFEKTSPOR_PROXY_HOPS, s.EFFEKTSPOR_OIDC_USERNAME_CLAIM)"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )


def test_the_settings_refuse_a_misspelt_yes_no_value():
    result = _settings_process(EFFEKTSPOR_SECURE="ture")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "EFFEKTSPOR_SECURE='ture'" in result.stderr


def test_the_settings_read_old_variable_names_and_log_a_warning():
    result = _settings_process(EFFEKTSPOR_SECURE="off", EFFEKTSPOR_BEHIND_PROXY="1", OIDC_USERNAME_CLAIM="upn")
    assert result.stdout.split() == ["False", "1", "upn"], result.stderr
    assert "EFFEKTSPOR_BEHIND_PROXY is deprecated" in result.stderr
    assert "OIDC_USERNAME_CLAIM is deprecated" in result.stderr
