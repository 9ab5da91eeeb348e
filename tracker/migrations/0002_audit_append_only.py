"""The audit log becomes append-only in the database (see tracker/audit.py).

PostgreSQL: a trigger refuses UPDATE, DELETE and TRUNCATE unless the retention purge has opened its window in the
same transaction. SQLite: equivalent triggers. The user of an entry is PROTECTed: the log cannot be rewritten, so a
user who appears in it cannot be deleted (deactivate instead) until the purge has removed those entries.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def install(apps, schema_editor):
    from tracker.audit import install_triggers

    install_triggers(schema_editor.connection)


def uninstall(apps, schema_editor):
    from tracker.audit import drop_triggers

    drop_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditentry",
            name="user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="bruger",
            ),
        ),
        migrations.RunPython(install, uninstall),
    ]
