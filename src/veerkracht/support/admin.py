"""Admin (/beheer/) for the support catalogue and questions.

Day-to-day work happens on the pages (/ondersteuning/beheer/, /ondersteuning/vragen/);
the admin is for corrections. Access follows the capabilities (`support_offer.curate`,
`question.manage`), and every change is audited like the core admin's. Other support
models may be registered below by their owners.
"""

from django.contrib import admin
from django.db import models

from veerkracht.core.admin import AuditedAdmin
from veerkracht.initiatives.models import SupportOffer

from .models import Question


@admin.register(SupportOffer)
class SupportOfferAdmin(AuditedAdmin):
    view_capability = "support_offer.curate"
    change_capability = "support_offer.curate"
    can_delete = False  # trajectories refer to offers: withdraw instead
    audit_m2m = ("themes", "factors", "municipalities")
    list_display = ("title", "provider", "kind", "status", "active", "service_area", "updated_at")
    list_filter = ("status", "active", "kind", "service_area", "cost")
    search_fields = ("title", "summary", "description", "provider__name")
    list_select_related = ("provider",)
    filter_horizontal = ("themes", "factors", "municipalities")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("created_at", "updated_at")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def audit_action(self, obj, verb: str) -> str:
        return f"support_offer.{verb}"


@admin.register(Question)
class QuestionAdmin(AuditedAdmin):
    view_capability = "question.manage"
    change_capability = "question.manage"
    audit_m2m = ("themes", "factors")
    list_display = ("title", "initiative", "kind", "status", "urgency", "public", "created_at")
    list_filter = ("status", "kind", "urgency", "public", "on_behalf")
    search_fields = ("title", "text", "initiative__name")
    list_select_related = ("initiative",)
    raw_id_fields = ("initiative", "entered_by")
    filter_horizontal = ("themes", "factors")
    readonly_fields = ("created_at", "updated_at")
