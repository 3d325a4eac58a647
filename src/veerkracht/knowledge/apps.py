from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "veerkracht.knowledge"
    label = "knowledge"
    verbose_name = _("Knowledge base")

    def ready(self) -> None:
        # Declare this app's capability and take part in AVG export.
        from . import permissions, personal_data  # noqa: F401
