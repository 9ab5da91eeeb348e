from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class TrackerConfig(AppConfig):
    default = True  # the admin's config below lives in this module too
    name = "tracker"
    verbose_name = _("Borgere og forløb")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from tracker import audit, search
        from tracker.middleware import session_refreshed_at_login
        from tracker.tables import install_signature_cache

        install_signature_cache()
        user_logged_in.connect(session_refreshed_at_login, dispatch_uid="session_refreshed_at_login")

        # The audit log's append-only triggers (tracker/audit.py): the SQLite guard function on every new
        # connection, and the triggers re-created after every migrate (SQLite drops them when it rebuilds a table).
        audit.connect_signals(self)
        # Case-insensitive search in every alphabet on SQLite (tracker/search.py).
        search.connect_signals()


class EffektsporAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with a site that only administrators (superusers) may use."""

    default = False
    default_site = "tracker.security.EffektsporAdminSite"


# Third-party apps under Danish names in the admin (the admin lists apps by these names; the rest of the admin is
# Danish). The configs are the packages' own, only renamed; listed in INSTALLED_APPS instead of the package names.
def _renamed(base, verbose_name):
    return type(base.__name__, (base,), {"verbose_name": verbose_name, "default": False, "__module__": __name__})


def _third_party_configs():
    from axes.apps import AppConfig as AxesAppConfig
    from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPAppConfig
    from django_tasks_db.apps import TasksAppConfig

    return (
        _renamed(AxesAppConfig, _("Låsning efter forkerte logins")),
        _renamed(TOTPAppConfig, _("To-faktor-godkendelse (TOTP)")),
        _renamed(TasksAppConfig, _("Baggrundsopgaver")),
    )


AxesConfig, TOTPConfig, TasksConfig = _third_party_configs()
