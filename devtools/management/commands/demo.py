"""Set up and start the demo: `python manage.py demo`.

Migrates the SQLite database, compiles the translations, loads the reference data, fills the database
with a synthetic municipality (only the first time), (re)creates the demo logins, prints them as
`<role> <username> <password>`, and serves the site on 127.0.0.1:8000 with the background worker for large
imports (`manage.py db_worker`) beside it; the worker stops when the server stops.
"""

import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from devtools import demo as demo_data
from tracker.models import Citizen, DirectorScope, Membership, OrganisationUnit
from tracker.reference import load_reference_data

# (role, username, password, first name, last name, unit name or None)
DEMO_LOGINS = [
    ("administrator", "admin", "Demo-admin-2026", "Aase", "Admin", None),
    ("director", "direktor", "Demo-direktor-2026", "Dorte", "Direktør", None),
    ("leader", "leder.nord", "Demo-leder-2026", "Lise", "Leder", "Bostøtteteam Nord"),
    ("leader", "leder.solsikken", "Demo-leder-2026", "Lars", "Leder", "Botilbuddet Solsikken"),
    ("caseworker", "medarbejder.nord", "Demo-medarbejder-2026", "Mette", "Medarbejder", "Bostøtteteam Nord"),
    ("caseworker", "medarbejder.havnen", "Demo-medarbejder-2026", "Mikkel", "Medarbejder", "Værestedet Havnen"),
]


class Command(BaseCommand):
    help = "Set up the demo database, print the demo logins and start the server on 127.0.0.1:8000."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="Set up and print the logins, do not serve.")
        parser.add_argument("--port", default="8000")

    def handle(self, *args, **opts):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        call_command("compilemessages", verbosity=0, ignore=[".venv"])
        load_reference_data()
        if not Citizen.objects.exists():
            self.stdout.write("Creating the demo municipality (first run only) …")
            result = demo_data.seed(units=7, citizens=300, months=24, seed=2026)
            self.stdout.write(
                f"  {result.citizens} citizens, {result.courses} courses, "
                f"{result.measurements} measurements in {result.units} units."
            )
        self.create_logins()
        self.stdout.write("Demo logins (role username password):")
        for role, username, password, *_rest in DEMO_LOGINS:
            self.stdout.write(f"{role} {username} {password}")
        if not opts["no_serve"]:
            worker = self.start_worker()
            try:
                call_command("runserver", f"127.0.0.1:{opts['port']}", use_reloader=False)
            finally:
                self.stop_worker(worker)

    def start_worker(self) -> subprocess.Popen:
        """The tasks worker (django-tasks-db) in a process of its own, with the same environment as the server."""
        manage = Path(settings.BASE_DIR) / "manage.py"
        command = [sys.executable, str(manage), "db_worker", "--no-reload", "--interval", "1", "--verbosity", "0"]
        # A session of its own: Ctrl+C in the terminal reaches the server only, and stop_worker then asks the worker
        # once to stop (a second signal would make it abandon a running import).
        worker = subprocess.Popen(command, start_new_session=True)
        self.stdout.write(f"Background worker started (pid {worker.pid}).")
        return worker

    def stop_worker(self, worker: subprocess.Popen) -> None:
        if worker.poll() is None:
            worker.terminate()  # the worker finishes the task it is running, then exits
            try:
                worker.wait(timeout=60)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()

    @transaction.atomic
    def create_logins(self) -> None:
        User = get_user_model()
        municipality = OrganisationUnit.objects.get(code="egekaer")
        for role, username, password, first, last, unit_name in DEMO_LOGINS:
            user, _ = User.objects.get_or_create(username=username)
            user.first_name, user.last_name = first, last
            user.is_staff = user.is_superuser = role == "administrator"
            user.set_password(password)
            user.save()
            if role == "director":
                DirectorScope.objects.get_or_create(user=user, unit=municipality)
            elif unit_name:
                unit = OrganisationUnit.objects.get(name=unit_name)
                Membership.objects.update_or_create(user=user, unit=unit, defaults={"role": role})
        # The demo's two initiatives (once); after the logins, whose leader registers them.
        from devtools.demo.initiatives import seed_initiatives

        seed_initiatives()
