from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FiguresConfig(AppConfig):
    name = "figures"
    verbose_name = _("Tal")

    def ready(self) -> None:
        from figures import hooks

        hooks.connect()
