"""Account pages: login, logout, password reset, own data, erasure; administrator pages.

Thin views: the people and audit services do the work and write the audit trail.
"""

import json
from typing import Any

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .. import selectors
from ..forms import (
    AccountPasswordChangeForm,
    AccountSetPasswordForm,
    AuditFilterForm,
    ErasureCarryOutForm,
    ErasureRefuseForm,
    ErasureRequestForm,
    LoginForm,
    PasswordResetRequestForm,
)
from ..models import AuditRecord, ErasureRequest
from ..permissions import capability_required, has_capability
from ..services.people import (
    erasure_request_create,
    erasure_request_refuse,
    user_anonymise,
    user_export_personal_data,
)

AUDIT_PAGE_SIZE = 50

# --- Login, logout and passwords -------------------------------------------------------


class LoginView(auth_views.LoginView):
    template_name = "core/account/login.html"
    authentication_form = LoginForm


class LogoutView(auth_views.LogoutView):
    """POST only (Django refuses GET); says goodbye on the next page."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You are logged out."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetRequestForm
    template_name = "core/account/password_reset_form.html"
    email_template_name = "core/account/password_reset_email.txt"
    subject_template_name = "core/account/password_reset_subject.txt"
    success_url = reverse_lazy("core:password_reset_done")

    @property
    def extra_email_context(self) -> dict[str, str]:  # type: ignore[override]
        return {"programme_name": settings.VEERKRACHT_PROGRAMME_NAME}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "core/account/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = AccountSetPasswordForm
    template_name = "core/account/password_reset_confirm.html"
    success_url = reverse_lazy("core:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        # Whoever can read the mailbox may log in again at once, also after a lockout.
        axes_reset(username=form.user.email)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "core/account/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = AccountPasswordChangeForm
    template_name = "core/account/password_change.html"
    success_url = reverse_lazy("core:account")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been changed."))
        return response


# --- Own account and the AVG rights ---------------------------------------------------


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "core/account/account.html",
        {
            "person": user,
            "roles": list(user.roles.all()),
            "pending_erasure": _pending_erasure(user),
            "can_handle_erasure": has_capability(user, "erasure.handle"),
            "can_view_audit": has_capability(user, "audit.view"),
            "can_use_admin": user.is_staff,
        },
    )


@never_cache
@login_required
def account_export(request: HttpRequest) -> HttpResponse:
    """Download everything the platform holds about the person (AVG art. 15 and 20)."""
    data = user_export_personal_data(user=request.user)
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = f"veerkracht-mijn-gegevens-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def account_erasure(request: HttpRequest) -> HttpResponse:
    """Explain erasure and take the request (AVG art. 17); one pending request at a time."""
    user = request.user
    pending = _pending_erasure(user)
    form = None
    if pending is None:
        form = ErasureRequestForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            erasure_request_create(user=user, reason=form.cleaned_data["reason"])
            messages.success(
                request,
                _(
                    "We have received your request. An administrator will handle it; "
                    "you will hear from us within one month."
                ),
            )
            return redirect("core:account_erasure")
    last_handled = (
        user.erasure_requests.exclude(status=ErasureRequest.Status.PENDING)
        .order_by("-handled_at", "-requested_at")
        .first()
    )
    return render(
        request,
        "core/account/erasure.html",
        {"form": form, "pending": pending, "last_handled": last_handled},
    )


def _pending_erasure(user: Any) -> ErasureRequest | None:
    return user.erasure_requests.filter(status=ErasureRequest.Status.PENDING).first()


# --- Handling erasure requests (administrators) ----------------------------------------


@capability_required("erasure.handle")
def erasure_request_list(request: HttpRequest) -> HttpResponse:
    pending = (
        ErasureRequest.objects.filter(status=ErasureRequest.Status.PENDING)
        .select_related("user", "user__organisation")
        .order_by("requested_at")
    )
    handled = (
        ErasureRequest.objects.exclude(status=ErasureRequest.Status.PENDING)
        .select_related("user", "handled_by")
        .order_by("-handled_at")[:20]
    )
    return render(
        request,
        "core/account/erasure_request_list.html",
        {"pending": list(pending), "handled": list(handled)},
    )


@capability_required("erasure.handle")
def erasure_request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    erasure_request = _erasure_request_get(pk)
    return _erasure_request_page(request, erasure_request)


@require_POST
@capability_required("erasure.handle")
def erasure_request_carry_out(request: HttpRequest, pk: int) -> HttpResponse:
    erasure_request = _erasure_request_get(pk)
    problem = _cannot_handle(request, erasure_request)
    if problem:
        messages.error(request, problem)
        return redirect("core:erasure_request_detail", pk=pk)
    form = ErasureCarryOutForm(request.POST)
    if not form.is_valid():
        return _erasure_request_page(request, erasure_request, carry_out_form=form)
    user_anonymise(actor=request.user, user=erasure_request.user, erasure_request=erasure_request)
    messages.success(
        request,
        _("Request #%(number)s has been carried out: the personal data are erased.")
        % {"number": erasure_request.pk},
    )
    return redirect("core:erasure_request_list")


@require_POST
@capability_required("erasure.handle")
def erasure_request_refuse_view(request: HttpRequest, pk: int) -> HttpResponse:
    erasure_request = _erasure_request_get(pk)
    problem = _cannot_handle(request, erasure_request)
    if problem:
        messages.error(request, problem)
        return redirect("core:erasure_request_detail", pk=pk)
    form = ErasureRefuseForm(request.POST)
    if not form.is_valid():
        return _erasure_request_page(request, erasure_request, refuse_form=form)
    erasure_request_refuse(
        actor=request.user, erasure_request=erasure_request, note=form.cleaned_data["note"]
    )
    messages.success(
        request, _("Request #%(number)s has been refused.") % {"number": erasure_request.pk}
    )
    return redirect("core:erasure_request_list")


def _erasure_request_get(pk: int) -> ErasureRequest:
    return get_object_or_404(
        ErasureRequest.objects.select_related("user", "user__organisation", "handled_by"), pk=pk
    )


def _cannot_handle(request: HttpRequest, erasure_request: ErasureRequest) -> str:
    if erasure_request.status != ErasureRequest.Status.PENDING:
        return _("This request has already been handled.")
    if erasure_request.user_id == request.user.pk:
        return _("Another administrator must handle your own request.")
    return ""


def _erasure_request_page(
    request: HttpRequest,
    erasure_request: ErasureRequest,
    *,
    carry_out_form: ErasureCarryOutForm | None = None,
    refuse_form: ErasureRefuseForm | None = None,
) -> HttpResponse:
    person = erasure_request.user
    return render(
        request,
        "core/account/erasure_request_detail.html",
        {
            "erasure_request": erasure_request,
            "person": person,
            "roles": list(person.roles.all()),
            "actions_count": selectors.audit_records_filtered(actor=str(person.pk)).count(),
            "own_request": erasure_request.user_id == request.user.pk,
            "carry_out_form": carry_out_form or ErasureCarryOutForm(),
            "refuse_form": refuse_form or ErasureRefuseForm(),
        },
    )


# --- Audit trail ------------------------------------------------------------------------

_MISSING = object()


def audit_diff(before: Any, after: Any) -> list[dict[str, str]]:
    """The fields that differ between two snapshots, as display strings (field: old → new)."""
    before = _as_mapping(before)
    after = _as_mapping(after)
    rows = []
    for key in dict.fromkeys([*before, *after]):
        old = before.get(key, _MISSING)
        new = after.get(key, _MISSING)
        if old == new:
            continue
        rows.append({"field": key, "old": _display(old), "new": _display(new)})
    return rows


def _as_mapping(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, dict):
        return value
    return {"value": value}


def _display(value: Any) -> str:
    if value is _MISSING or value is None or value == "":
        return "—"
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if isinstance(value, list):
        return ", ".join(_display(item) for item in value) or "—"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


@capability_required("audit.view")
def audit_trail(request: HttpRequest) -> HttpResponse:
    actions = selectors.audit_actions()
    object_types = selectors.audit_object_types()
    filter_keys = ("action", "object_type", "object_id", "actor")
    bound = any(request.GET.get(key) for key in filter_keys)
    form = AuditFilterForm(
        request.GET if bound else None, actions=actions, object_types=object_types
    )
    if not bound:
        records = selectors.audit_records_filtered()
    elif form.is_valid():
        records = selectors.audit_records_filtered(
            **{key: form.cleaned_data[key] for key in filter_keys}
        )
    else:
        records = AuditRecord.objects.none()
    page = Paginator(records, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {"record": record, "changes": audit_diff(record.before, record.after)} for record in page
    ]
    return render(
        request,
        "core/audit/trail.html",
        {"form": form, "page": page, "rows": rows, "filtered": bound},
    )


urlpatterns = [
    path("inloggen/", LoginView.as_view(), name="login"),
    path("uitloggen/", LogoutView.as_view(), name="logout"),
    path("wachtwoord-vergeten/", PasswordResetView.as_view(), name="password_reset"),
    path(
        "wachtwoord-vergeten/verstuurd/",
        PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "wachtwoord-herstellen/<uidb64>/<token>/",
        PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "wachtwoord-herstellen/klaar/",
        PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("account/", account, name="account"),
    path("account/wachtwoord-wijzigen/", PasswordChangeView.as_view(), name="password_change"),
    path("account/mijn-gegevens.json", account_export, name="account_export"),
    path("account/verwijderen/", account_erasure, name="account_erasure"),
    path("beheer-verzoeken/verwijderen/", erasure_request_list, name="erasure_request_list"),
    path(
        "beheer-verzoeken/verwijderen/<int:pk>/",
        erasure_request_detail,
        name="erasure_request_detail",
    ),
    path(
        "beheer-verzoeken/verwijderen/<int:pk>/uitvoeren/",
        erasure_request_carry_out,
        name="erasure_request_carry_out",
    ),
    path(
        "beheer-verzoeken/verwijderen/<int:pk>/weigeren/",
        erasure_request_refuse_view,
        name="erasure_request_refuse",
    ),
    path("audit/", audit_trail, name="audit_trail"),
]
