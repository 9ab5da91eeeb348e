"""Locust scenario for `manage.py loadtest`: caseworkers who log in, read their pages and record WHO-5s, and unit
leaders who read their unit's dashboard meanwhile.

Run by the command (not by hand): it writes the set-up file named by EFFEKTSPOR_LOADTEST_SETUP (users, their
courses and citizens, the WHO-5 items) and reads back EFFEKTSPOR_LOADTEST_ACKS, one JSON line per measurement
the server acknowledged (its id, from the redirect, and the unique marker written in its note).
"""

from __future__ import annotations

import datetime
import json
import os
import random
import re
import uuid
from pathlib import Path

from locust import HttpUser, between, task
from locust.exception import StopUser

SETUP = json.loads(Path(os.environ["EFFEKTSPOR_LOADTEST_SETUP"]).read_text())
ACKS = Path(os.environ["EFFEKTSPOR_LOADTEST_ACKS"])
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
RESULT = re.compile(r"/measurements/(\d+)/$")
_free = list(SETUP["caseworkers"])  # each simulated caseworker is a different user
_leaders = list(SETUP.get("leaders", []))
DASHBOARD = "unit dashboard (leader, under write load)"  # devtools/management/commands/loadtest.py reads it


def token(html: str) -> str | None:
    found = CSRF.search(html)
    return found.group(1) if found else None


def login(client, username: str) -> None:
    form = client.get("/login/", name="/login/ (form)")
    response = client.post(
        "/login/",
        {"username": username, "password": SETUP["password"], "csrfmiddlewaretoken": token(form.text)},
        name="/login/ (POST)",
        allow_redirects=False,
    )
    if response.status_code != 302:
        raise StopUser


class Leader(HttpUser):
    """A unit leader who keeps the dashboard open and reloads it: every write in the unit makes it stale."""

    fixed_count = int(os.environ.get("EFFEKTSPOR_LOADTEST_READERS", "0"))
    wait_time = between(1, 3)

    def on_start(self) -> None:
        if not _leaders:
            raise StopUser
        me = _leaders.pop()
        self.dashboard = me["dashboard"]
        login(self.client, me["username"])

    @task
    def dashboard(self) -> None:
        self.client.get(self.dashboard, name=DASHBOARD)


class Caseworker(HttpUser):
    # A caseworker working quickly: a short pause between pages.
    fixed_count = int(os.environ.get("EFFEKTSPOR_LOADTEST_WRITERS", "0"))
    wait_time = between(0.2, 0.8)

    def on_start(self) -> None:
        if not _free:
            raise StopUser
        me = _free.pop()
        self.courses = me["courses"]
        self.citizens = me["citizens"]
        login(self.client, me["username"])

    @task(3)
    def my_citizens(self) -> None:
        self.client.get("/citizens/", name="/citizens/ (my citizens)")

    @task(3)
    def citizen_page(self) -> None:
        self.client.get(f"/citizens/{random.choice(self.citizens)}/", name="/citizens/<id>/")

    @task(2)
    def record_who5(self) -> None:
        course = random.choice(self.courses)
        url = f"/courses/{course}/measure/who5/"
        form = self.client.get(url, name="/courses/<id>/measure/who5/ (form)")
        marker = f"loadtest-{uuid.uuid4()}"
        data = {f"item_{link}": str(random.randint(0, 5)) for link in SETUP["who5_items"]}
        data |= {
            "date": datetime.date.today().isoformat(),
            "informer": "citizen",
            "note": marker,
            "confirm_duplicate": "on",
            "csrfmiddlewaretoken": token(form.text) or "",
        }
        with self.client.post(
            url, data, name="/courses/<id>/measure/who5/ (POST)", allow_redirects=False, catch_response=True
        ) as response:
            found = RESULT.search(response.headers.get("Location", ""))
            if response.status_code != 302 or not found:
                response.failure(f"not recorded: {response.status_code}")
                return
            with ACKS.open("a") as acks:
                acks.write(json.dumps({"id": int(found.group(1)), "marker": marker, "course": course}) + "\n")
        self.client.get(f"/measurements/{found.group(1)}/", name="/measurements/<id>/ (result)")
