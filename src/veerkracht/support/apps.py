from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "veerkracht.support"
    label = "support"
    verbose_name = _("Support, questions and forum")

    def ready(self) -> None:
        from . import permissions, personal_data  # noqa: F401
