from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    name = "veerkracht.initiatives"
    label = "initiatives"
    verbose_name = _("Initiatives: registry, intake, match team, support")

    def ready(self) -> None:
        # Declare this app's capabilities; take part in AVG export and erasure.
        from . import permissions, personal_data  # noqa: F401
