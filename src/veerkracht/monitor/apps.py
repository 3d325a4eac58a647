from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitorConfig(AppConfig):
    name = "veerkracht.monitor"
    label = "monitor"
    verbose_name = _("Monitor Sociale Veerkracht")

    def ready(self) -> None:
        from . import permissions  # noqa: F401
