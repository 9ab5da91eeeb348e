"""The audit log is append-only in the database itself (tracker/audit.py), on PostgreSQL and on SQLite alike.

Raw SQL UPDATE and DELETE are refused, so are the ORM's; only the retention purge (and a full wipe of the
database) may delete, and only entries older than its cut-off. The admin shows the log read-only.
"""

from __future__ import annotations

import datetime
import io
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from devtools import demo as demo_data
from tests.security.conftest import login_verified
from tracker import audit
from tracker.models import AuditEntry
from tracker.services import audit_log


def entry_at(when: datetime.datetime, user=None, citizen_id: int = 1) -> AuditEntry:
    """An entry with a chosen time (``time`` is auto_now_add, so the clock is moved while it is written)."""
    with mock.patch("django.utils.timezone.now", return_value=when):
        return audit_log(user=user, action=AuditEntry.Action.READ, citizen_id=citizen_id, purpose="test")


def refused(sql: str, params=()) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError as exc:
        assert "append-only" in str(exc)
        return True
    return False


def settle_deferred_constraints() -> None:
    """PostgreSQL refuses TRUNCATE while the test's transaction has deferred foreign-key checks pending."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_the_triggers_are_installed(db):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'tracker_auditentry'::regclass AND NOT tgisinternal"
            )
            assert {row[0] for row in cursor.fetchall()} == {
                "tracker_auditentry_append_only",
                "tracker_auditentry_no_truncate",
            }
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'tracker_auditentry'")
            assert {row[0] for row in cursor.fetchall()} == {
                "tracker_auditentry_no_update",
                "tracker_auditentry_no_delete",
            }


@pytest.mark.django_db
def test_raw_sql_update_and_delete_are_refused():
    entry = entry_at(timezone.now() - datetime.timedelta(days=400))
    assert refused("UPDATE tracker_auditentry SET purpose = 'rewritten' WHERE id = %s", [entry.pk])
    assert refused("UPDATE tracker_auditentry SET user_id = NULL")
    assert refused("DELETE FROM tracker_auditentry WHERE id = %s", [entry.pk])
    assert refused("DELETE FROM tracker_auditentry")
    entry.refresh_from_db()
    assert entry.purpose == "test"


@pytest.mark.django_db
def test_orm_update_and_delete_are_refused():
    entry = entry_at(timezone.now())
    for attempt in (
        lambda: AuditEntry.objects.filter(pk=entry.pk).update(purpose="x"),
        lambda: AuditEntry.objects.all().delete(),
        entry.delete,
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()
    entry.purpose = "x"
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.save()
    assert AuditEntry.objects.filter(pk=entry.pk, purpose="test").exists()


@pytest.mark.django_db
def test_truncate_is_refused_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's; SQLite's DELETE without WHERE is covered above")
    entry_at(timezone.now())
    settle_deferred_constraints()
    assert refused("TRUNCATE tracker_auditentry")


@pytest.mark.django_db
@override_settings(EFFEKTSPOR_AUDIT_RETENTION_DAYS=183)
def test_purge_command_deletes_only_entries_past_retention_and_logs_itself():
    now = timezone.now()
    old = [entry_at(now - datetime.timedelta(days=days)) for days in (400, 200, 184)]
    young = [entry_at(now - datetime.timedelta(days=days)) for days in (182, 10, 0)]
    out = io.StringIO()
    call_command("purge_audit_log", "--dry-run", stdout=out)
    assert "Would delete 3" in out.getvalue()
    assert AuditEntry.objects.count() == 6

    call_command("purge_audit_log", stdout=out)
    assert "Deleted 3" in out.getvalue()
    remaining = set(AuditEntry.objects.values_list("pk", flat=True))
    assert not remaining & {e.pk for e in old}
    assert {e.pk for e in young} <= remaining
    log = AuditEntry.objects.get(purpose="audit_purge")
    assert (log.action, log.detail["deleted"], log.user) == ("delete", 3, None)

    # The window closed with the purge: the young entries are as protected as before.
    assert refused("DELETE FROM tracker_auditentry")
    assert AuditEntry.objects.count() == 4


@pytest.mark.django_db
def test_purge_window_allows_only_entries_older_than_its_cutoff():
    now = timezone.now()
    old, young = entry_at(now - datetime.timedelta(days=30)), entry_at(now - datetime.timedelta(days=1))
    with pytest.raises(DatabaseError), audit.purge_window(now - datetime.timedelta(days=7)):
        AuditEntry.objects.filter(pk=young.pk).delete()
    with audit.purge_window(now - datetime.timedelta(days=7)):
        AuditEntry.objects.filter(pk=old.pk).delete()
    assert list(AuditEntry.objects.values_list("pk", flat=True)) == [young.pk]


@pytest.mark.django_db
def test_seed_replace_clears_the_log_through_the_sanctioned_purge(world):
    entry_at(timezone.now(), user=world.alice)
    demo_data.clear()
    assert list(AuditEntry.objects.values_list("purpose", "detail__reason")) == [("audit_purge", "seed --replace")]


@pytest.mark.django_db
def test_flush_empties_the_log_too(world):
    entry_at(timezone.now(), user=world.alice)
    settle_deferred_constraints()
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_a_user_in_the_log_cannot_be_deleted_only_deactivated(world):
    entry_at(timezone.now(), user=world.alice)
    with pytest.raises(ProtectedError):
        world.alice.delete()
    world.alice.is_active = False
    world.alice.save()


def test_admin_shows_the_log_read_only(client, sec_world):
    entry = entry_at(timezone.now(), user=sec_world.alice)
    login_verified(client, sec_world.root)
    assert client.get(reverse("admin:tracker_auditentry_changelist")).status_code == 200
    response = client.get(reverse("admin:tracker_auditentry_change", args=[entry.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="_save"' not in html and "deletelink" not in html
    assert client.post(reverse("admin:tracker_auditentry_change", args=[entry.pk]), {"purpose": "x"}).status_code == 403
    assert client.post(reverse("admin:tracker_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:tracker_auditentry_add")).status_code == 403
    entry.refresh_from_db()
    assert entry.purpose == "test"


def test_admin_views_of_citizen_data_are_logged_and_read_only(client, sec_world):
    login_verified(client, sec_world.root)
    before = AuditEntry.objects.count()
    response = client.get(reverse("admin:tracker_citizen_change", args=[sec_world.citizen_a.pk]))
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()
    entry = AuditEntry.objects.latest("pk")
    assert (entry.action, entry.citizen_id, entry.purpose, entry.user) == (
        "read",
        sec_world.citizen_a.pk,
        "admin",
        sec_world.root,
    )
    client.get(reverse("admin:tracker_citizen_changelist"), {"q": "Anna"})
    search = AuditEntry.objects.latest("pk")
    assert (search.action, search.detail["criteria"]) == ("search", {"q": "Anna"})
    assert sec_world.citizen_a.pk in search.detail["citizen_ids"]
    assert AuditEntry.objects.count() == before + 2
    response = client.post(reverse("admin:tracker_citizen_change", args=[sec_world.citizen_a.pk]), {"name": "X"})
    assert response.status_code == 403


def test_no_citizen_free_text_in_admin_change_lists(client, sec_world):
    """Notes and goal texts are never listed, searched or shown in the admin (the admin is configuration)."""
    from django.contrib import admin

    free_text = {"note", "text", "level_minus2", "level_minus1", "level_0", "level_plus1", "level_plus2", "goal"}
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in ("tracker", "outcomes"):
            continue
        assert not free_text & set(model_admin.list_display), model
        assert not free_text & {f.split("__")[-1] for f in model_admin.search_fields}, model
    login_verified(client, sec_world.root)
    for name in (
        "admin:outcomes_goal_changelist",
        "admin:outcomes_goalreview_changelist",
        "admin:outcomes_measurement_changelist",
        "admin:tracker_collaboration_changelist",
    ):
        html = client.get(reverse(name)).content.decode()
        assert "A-GOAL-TEXT" not in html and "A-NOTE" not in html, name
    # The record views (logged reads) leave the free-text fields out of their forms.
    for name, pk in (
        ("admin:outcomes_goal_change", sec_world.goal_a.pk),
        ("admin:outcomes_measurement_change", sec_world.measurement_a.pk),
    ):
        html = client.get(reverse(name, args=[pk])).content.decode()
        assert "A-NOTE" not in html and "level_minus2" not in html and 'class="form-row field-text' not in html
