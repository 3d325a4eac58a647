from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    name = "veerkracht.initiatives"
    label = "initiatives"
    verbose_name = _("Initiatives: registry, intake, match team, support")

    def ready(self) -> None:
        # Declare this app's capabilities, take part in AVG export and erasure, and
        # connect the map cache's change signals.
        from . import map, permissions, personal_data  # noqa: F401
