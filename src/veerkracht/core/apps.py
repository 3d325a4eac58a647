from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "veerkracht.core"
    label = "core"
    verbose_name = _("Core: areas, vocabularies, people")

    def ready(self) -> None:
        from . import sessions  # noqa: F401  (connects the login-time receiver)
