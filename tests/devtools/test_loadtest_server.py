"""The load test's gunicorn starts: its environment passes the production settings' own checks."""

import subprocess
import sys

from django.conf import settings

from devtools.management.commands.loadtest import server_environment


def test_the_servers_environment_is_accepted_by_the_settings(monkeypatch):
    for name in ("DJANGO_SECRET_KEY", "EFFEKTSPOR_PSEUDONYM_KEY", "DJANGO_DEBUG"):  # the defaults are checked
        monkeypatch.delenv(name, raising=False)
    env = server_environment(f"sqlite:///{settings.BASE_DIR}/var/loadtest-settings-check.sqlite3")
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)",
        ],
        cwd=settings.BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "tracker.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "False"
