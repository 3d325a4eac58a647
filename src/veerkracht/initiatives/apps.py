from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    name = "veerkracht.initiatives"
    label = "initiatives"
    verbose_name = _("Initiatives: registry, intake, match team, support")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (declares this app's capabilities)
