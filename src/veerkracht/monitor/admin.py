"""Admin (/beheer/) for the monitor's indicator framework and data imports.

Observations come in through the import page and commands, index and model runs through
their own pages; the admin is for corrections to the framework. Access follows
`monitor.import`; every change is audited (AuditedAdmin). Other monitor models may be
registered below by their owners.
"""

from django.contrib import admin

from veerkracht.core.admin import AuditedAdmin

from .models import Domain, Indicator, Observation, ObservationImport


@admin.register(Domain)
class DomainAdmin(AuditedAdmin):
    view_capability = "monitor.import"
    change_capability = "monitor.import"
    can_delete = False  # indicators are protected by the domain
    list_display = ("name", "slug", "in_index", "expert_weight", "position")
    list_filter = ("in_index",)
    search_fields = ("name", "name_en", "slug")


@admin.register(Indicator)
class IndicatorAdmin(AuditedAdmin):
    view_capability = "monitor.import"
    change_capability = "monitor.import"
    list_display = ("name", "code", "domain", "direction", "unit", "cbs_attribute", "active")
    list_filter = ("domain", "direction", "active", "synthetic")
    search_fields = ("name", "name_en", "code", "cbs_attribute")
    list_select_related = ("domain", "factor")


@admin.register(ObservationImport)
class ObservationImportAdmin(AuditedAdmin):
    view_capability = "monitor.import"
    change_capability = "monitor.import"
    can_delete = False
    list_display = ("file_name", "status", "dry_run", "rows", "created", "updated", "imported_at")
    list_filter = ("status", "dry_run")
    search_fields = ("file_name", "checksum")
    list_select_related = ("imported_by",)
    readonly_fields = [f.name for f in ObservationImport._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Observation)
class ObservationAdmin(AuditedAdmin):
    view_capability = "monitor.import"
    change_capability = "monitor.import"
    list_display = ("indicator", "area_code", "level", "year", "value", "n")
    list_filter = ("level", "year", "indicator__domain")
    search_fields = ("area_code", "indicator__code")
    list_select_related = ("indicator",)
    raw_id_fields = ("indicator", "source_import")
    readonly_fields = ("updated_at",)
    show_full_result_count = False
