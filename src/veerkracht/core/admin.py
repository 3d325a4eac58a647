"""The admin site (/beheer/) for core models.

Who may see and change what follows `core.permissions` (capabilities per role), not
Django's per-model permissions. Every change made here is written to the audit trail
inside the admin's transaction; the trail itself, roles and erasure requests are
read-only (erasure is handled on its own page, where anonymisation keeps records).
"""

from typing import Any

from axes.admin import AccessAttemptAdmin as AxesAccessAttemptAdmin
from axes.admin import AccessFailureLogAdmin as AxesAccessFailureLogAdmin
from axes.admin import AccessLogAdmin as AxesAccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db import models, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import (
    AreaGroup,
    AreaStatistics,
    AuditRecord,
    District,
    ErasureRequest,
    Municipality,
    Neighbourhood,
    Organisation,
    OrganisationType,
    PolicyAgenda,
    Province,
    ResilienceFactor,
    Role,
    Theme,
    User,
)
from .permissions import has_capability
from .services.audit import audit_changes, audit_record, audit_snapshot
from .services.lockouts import lockout_lift
from .services.people import user_audit_view, user_roles_set

ADMIN_NOTE = "admin"


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's own login form, with the e-mail address spelled one way (as on
    /inloggen/), so that django-axes counts failed attempts per address."""

    def clean_username(self) -> str:
        return (self.cleaned_data.get("username") or "").strip().lower()


admin.site.login_form = AdminLoginForm


class CapabilityAdmin(admin.ModelAdmin):
    """Permissions from capabilities: `view_capability` to look, `change_capability` to edit.

    `change_capability = None` makes the model read-only for everybody, superusers too.
    """

    view_capability = "reference.manage"
    change_capability: str | None = "reference.manage"
    can_add = True
    can_delete = True

    def has_module_permission(self, request) -> bool:
        return has_capability(request.user, self.view_capability)

    def has_view_permission(self, request, obj=None) -> bool:
        return has_capability(request.user, self.view_capability) or self.has_change_permission(
            request, obj
        )

    def has_change_permission(self, request, obj=None) -> bool:
        return self.change_capability is not None and has_capability(
            request.user, self.change_capability
        )

    def has_add_permission(self, request) -> bool:
        return self.can_add and self.has_change_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.can_delete and self.has_change_permission(request, obj)


class ReadOnlyAdmin(CapabilityAdmin):
    change_capability = None
    can_add = False
    can_delete = False


class AuditedAdmin(CapabilityAdmin):
    """Writes `<model>.create|update|delete` audit records with before/after snapshots."""

    audit_exclude: tuple[str, ...] = ("updated_at",)
    audit_m2m: tuple[str, ...] = ()

    def audit_view(self, obj: Any) -> dict[str, Any]:
        data = audit_snapshot(obj)
        for name in self.audit_exclude:
            data.pop(name, None)
        for name in self.audit_m2m:
            data[name] = sorted(str(pk) for pk in getattr(obj, name).values_list("pk", flat=True))
        return data

    def audit_action(self, obj: Any, verb: str) -> str:
        return f"{obj._meta.model_name}.{verb}"

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            old = type(obj)._default_manager.filter(pk=obj.pk).first() if change else None
            obj._audit_old = old
            obj._audit_before = self.audit_view(old) if old is not None else None
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            self.audit_write(request, form.instance, change)

    def audit_write(self, request, obj: Any, change: bool) -> None:
        before = getattr(obj, "_audit_before", None)
        after = self.audit_view(obj)
        if change:
            before, after = audit_changes(before, after)
            if after is None:
                return
        audit_record(
            actor=request.user,
            action=self.audit_action(obj, "update" if change else "create"),
            obj=obj,
            before=before,
            after=after,
            note=ADMIN_NOTE,
        )

    def delete_model(self, request, obj):
        with transaction.atomic():
            pk, before = obj.pk, self.audit_view(obj)
            super().delete_model(request, obj)
            audit_record(
                actor=request.user,
                action=self.audit_action(obj, "delete"),
                obj=obj,
                object_id=pk,
                before=before,
                note=ADMIN_NOTE,
            )

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in list(queryset):
                self.delete_model(request, obj)


# --- Geography -----------------------------------------------------------------------


def _count_points(coordinates: Any) -> int:
    if isinstance(coordinates, list | tuple):
        if coordinates and all(isinstance(value, int | float) for value in coordinates):
            return 1
        return sum(_count_points(item) for item in coordinates)
    return 0


class AreaAdmin(AuditedAdmin):
    """CBS areas come from the CBS import: names and years may be corrected, nothing added."""

    view_capability = "reference.manage"
    change_capability = "geography.import"
    can_add = False
    can_delete = False
    parent_field = ""
    search_fields = ("code", "name")
    readonly_fields = ("code", "boundary_summary", "updated_at")
    audit_exclude = ("updated_at", "boundary")
    show_full_result_count = False

    def get_list_display(self, request):
        parent = [self.parent_field] if self.parent_field else []
        return ["code", "name", *parent, "year"]

    def get_fields(self, request, obj=None):
        fields = ["code", "name"]
        if self.parent_field:
            fields.append(self.parent_field)
        return [*fields, "year", "centroid_lat", "centroid_lon", "boundary_summary", "updated_at"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and (match.url_name or "").endswith("_changelist"):
            queryset = queryset.defer("boundary")
        return queryset

    @admin.display(description=_("boundary"))
    def boundary_summary(self, obj) -> str:
        boundary = obj.boundary
        if not boundary:
            return "—"
        kind = boundary.get("type", "?") if isinstance(boundary, dict) else "?"
        points = _count_points(boundary.get("coordinates") if isinstance(boundary, dict) else None)
        return _("%(kind)s with %(points)s points (year %(year)s)") % {
            "kind": kind,
            "points": points,
            "year": obj.year or "—",
        }


@admin.register(Province)
class ProvinceAdmin(AreaAdmin):
    pass


@admin.register(Municipality)
class MunicipalityAdmin(AreaAdmin):
    parent_field = "province"
    list_filter = ("province",)
    list_select_related = ("province",)
    autocomplete_fields = ("province",)


@admin.register(District)
class DistrictAdmin(AreaAdmin):
    parent_field = "municipality"
    list_select_related = ("municipality",)
    autocomplete_fields = ("municipality",)


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(AreaAdmin):
    parent_field = "district"
    list_select_related = ("district",)
    autocomplete_fields = ("district",)


@admin.register(AreaStatistics)
class AreaStatisticsAdmin(ReadOnlyAdmin):
    list_display = ("area_code", "level", "year", "population", "households", "density")
    list_filter = ("level", "year")
    search_fields = ("area_code",)
    show_full_result_count = False


@admin.register(AreaGroup)
class AreaGroupAdmin(AuditedAdmin):
    list_display = ("name", "slug", "municipality_count")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("municipalities",)
    audit_m2m = ("municipalities",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_municipality_count=Count("municipalities"))

    @admin.display(description=_("municipalities"), ordering="_municipality_count")
    def municipality_count(self, obj) -> int:
        return obj._municipality_count


# --- Vocabularies and organisations -----------------------------------------------------


class VocabularyAdmin(AuditedAdmin):
    list_display = ("name", "name_en", "slug", "position", "active")
    list_editable = ("position", "active")
    list_filter = ("active",)
    search_fields = ("name", "name_en", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Theme)
class ThemeAdmin(VocabularyAdmin):
    pass


@admin.register(ResilienceFactor)
class ResilienceFactorAdmin(VocabularyAdmin):
    list_display = ("name", "name_en", "slug", "domain", "position", "active")
    list_filter = ("domain", "active")


@admin.register(PolicyAgenda)
class PolicyAgendaAdmin(VocabularyAdmin):
    pass


@admin.register(OrganisationType)
class OrganisationTypeAdmin(VocabularyAdmin):
    pass


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ("name", "type", "municipality")
    list_filter = ("type",)
    list_select_related = ("type", "municipality")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("municipality",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


# --- People -----------------------------------------------------------------------------


class UserAdminCreationForm(AdminUserCreationForm):
    """E-mail address instead of a user name; the password may be left for the person."""

    class Meta:
        model = User
        fields = ("email", "full_name")

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise self.instance.unique_error_message(User, ["email"])
        return email


class UserAdminChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise self.instance.unique_error_message(User, ["email"])
        return email


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    view_capability = "people.manage"
    change_capability = "people.manage"
    can_delete = False  # people are anonymised, never deleted: records keep pointing at them

    form = UserAdminChangeForm
    add_form = UserAdminCreationForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Personal details"),
            {"fields": ("full_name", "phone", "organisation", "preferred_language")},
        ),
        (_("Roles and access"), {"fields": ("roles", "is_active", "is_staff", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined", "anonymised_at")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "usable_password", "password1", "password2"),
            },
        ),
    )
    list_display = ("email", "full_name", "organisation", "is_active", "is_staff")
    list_filter = ("roles", "is_active", "is_staff")
    list_select_related = ("organisation",)
    search_fields = ("email", "full_name")
    ordering = ("email",)
    filter_horizontal = ("roles",)
    autocomplete_fields = ("organisation",)

    def get_readonly_fields(self, request, obj=None):
        readonly = ["is_staff", "last_login", "date_joined", "anonymised_at"]
        if not request.user.is_superuser:
            readonly.append("is_superuser")
        return readonly if obj is not None else []

    def audit_view(self, obj: Any) -> dict[str, Any]:
        data = audit_snapshot(obj)  # personal fields redacted, no password
        data.pop("last_login", None)
        data["roles"] = user_audit_view(obj)["roles"]
        return data

    def save_related(self, request, form, formsets, change):
        with transaction.atomic():
            # Roles go through the people service (it keeps is_staff in step and audits).
            roles = form.cleaned_data.pop("roles", None)
            admin.ModelAdmin.save_related(self, request, form, formsets, change)
            user = form.instance
            old = getattr(user, "_audit_old", None)
            personal_changed = [
                name
                for name in User.PERSONAL_FIELDS
                if old is not None and getattr(old, name) != getattr(user, name)
            ]
            if personal_changed:
                self._audit_user_update(request, user, personal_changed)
            else:
                self.audit_write(request, user, change)
            if roles is not None:
                codes = sorted(role.code for role in roles)
                if codes != sorted(user.roles.values_list("code", flat=True)):
                    user_roles_set(actor=request.user, user=user, roles=codes)

    def _audit_user_update(self, request, user: User, personal_changed: list[str]) -> None:
        before, after = audit_changes(user._audit_before, self.audit_view(user))
        audit_record(
            actor=request.user,
            action="user.update",
            obj=user,
            before=before,
            after=after,
            note=f"{ADMIN_NOTE}; personal data changed: {', '.join(personal_changed)}",
        )

    def user_change_password(self, request, id, form_url=""):
        with transaction.atomic():
            user = self.get_object(request, unquote(id))
            old_hash = user.password if user is not None else None
            response = super().user_change_password(request, id, form_url)
            if user is not None and request.method == "POST":
                user.refresh_from_db(fields=["password"])
                if user.password != old_hash:
                    audit_record(
                        actor=request.user,
                        action="user.password_set"
                        if user.has_usable_password()
                        else "user.password_disable",
                        obj=user,
                        note=ADMIN_NOTE,
                    )
            return response


@admin.register(Role)
class RoleAdmin(ReadOnlyAdmin):
    view_capability = "people.manage"
    list_display = ("__str__", "code", "people_count")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_people=Count("users"))

    @admin.display(description=_("people"), ordering="_people")
    def people_count(self, obj) -> int:
        return obj._people


@admin.register(ErasureRequest)
class ErasureRequestAdmin(ReadOnlyAdmin):
    """Read-only: requests are handled on their own page (carry out or refuse)."""

    view_capability = "erasure.handle"
    list_display = ("__str__", "user", "status", "requested_at", "handled_at", "handled_by")
    list_filter = ("status",)
    list_select_related = ("user", "handled_by")
    readonly_fields = ("handle_link",)

    @admin.display(description=_("handle"))
    def handle_link(self, obj) -> str:
        url = reverse("core:erasure_request_detail", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Open the handling page"))


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnlyAdmin):
    """The append-only trail: nobody may add, change or delete records, superusers neither."""

    view_capability = "audit.view"
    list_display = ("at", "actor", "action", "object_type", "object_id", "object_repr")
    list_filter = ("action", "object_type")
    list_select_related = ("actor",)
    search_fields = ("action", "object_type", "object_id", "object_repr")
    show_full_result_count = False

    def get_actions(self, request):
        return {}


# --- Login lockouts (django-axes) ----------------------------------------------------


class LockoutCapability:
    """Administrators (`lockout.manage`) see the lockout records; nobody adds or edits them."""

    def has_module_permission(self, request) -> bool:
        return has_capability(request.user, "lockout.manage")

    def has_view_permission(self, request, obj=None) -> bool:
        return has_capability(request.user, "lockout.manage")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AccessAttempt)
class AccessAttemptAdmin(LockoutCapability, AxesAccessAttemptAdmin):
    """Failed logins per account and address; filter "Locked out", then lift the lockout."""

    actions = ["lift_lockout"]

    def has_lift_permission(self, request) -> bool:
        return has_capability(request.user, "lockout.manage")

    @admin.action(description=_("Lift the lockout of the selected records"), permissions=["lift"])
    def lift_lockout(self, request, queryset):
        count = lockout_lift(actor=request.user, attempts=list(queryset))
        self.message_user(
            request,
            ngettext(
                "%(count)d lockout record lifted: the person can log in again.",
                "%(count)d lockout records lifted: these people can log in again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(AccessLog)
class AccessLogAdmin(LockoutCapability, AxesAccessLogAdmin):
    pass


@admin.register(AccessFailureLog)
class AccessFailureLogAdmin(LockoutCapability, AxesAccessFailureLogAdmin):
    pass
