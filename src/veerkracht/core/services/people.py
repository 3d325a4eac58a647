"""People: accounts, roles, and the AVG rights to export and erasure."""

from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from .. import personal_data
from ..models import AuditRecord, ErasureRequest, Organisation, Role, User
from ..permissions import grants_admin_site
from .audit import audit_record, audit_snapshot


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    email: str,
    full_name: str,
    password: str | None = None,
    organisation: Organisation | None = None,
    roles: list[str] | tuple[str, ...] = (),
) -> User:
    user = User.objects.create_user(
        email=email, password=password, full_name=full_name, organisation=organisation
    )
    _apply_roles(user, roles)
    audit_record(actor=actor, action="user.create", obj=user, after=user_audit_view(user))
    return user


@transaction.atomic
def user_roles_set(*, actor: User | None, user: User, roles: list[str] | tuple[str, ...]) -> User:
    before = user_audit_view(user)
    _apply_roles(user, roles)
    audit_record(
        actor=actor, action="user.roles_set", obj=user, before=before, after=user_audit_view(user)
    )
    return user


def _apply_roles(user: User, roles: list[str] | tuple[str, ...]) -> None:
    unknown = set(roles) - set(Role.Code.values)
    if unknown:
        raise ValueError(f"Unknown role(s): {', '.join(sorted(unknown))}")
    role_objects = [Role.objects.get_or_create(code=code)[0] for code in roles]
    user.roles.set(role_objects)
    is_staff = grants_admin_site(roles)
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])


def user_audit_view(user: User) -> dict[str, Any]:
    """The audit snapshot of a person: personal fields redacted, roles as codes."""
    data = audit_snapshot(
        user, fields=["email", "full_name", "phone", "organisation", "is_active", "is_staff"]
    )
    data["roles"] = sorted(user.roles.values_list("code", flat=True))
    return data


@transaction.atomic
def user_password_set(*, actor: User | None, user: User, password: str | None) -> User:
    """Set (or, with None, disable) a person's password; the trail records that, not what."""
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(
        actor=actor,
        action="user.password_set" if password is not None else "user.password_disable",
        obj=user,
    )
    return user


def user_export_personal_data(*, user: User) -> dict[str, Any]:
    """Everything the platform holds about a person, as JSON-safe data (AVG art. 15/20)."""
    data: dict[str, Any] = {
        "generated_at": timezone.now().isoformat(),
        "profile": {
            "email": user.email,
            "full_name": user.full_name,
            "phone": user.phone,
            "organisation": user.organisation.name if user.organisation else None,
            "roles": sorted(user.roles.values_list("code", flat=True)),
            "preferred_language": user.preferred_language,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "erasure_requests": [
            {
                "requested_at": request.requested_at.isoformat(),
                "status": request.status,
                "reason": request.reason,
            }
            for request in user.erasure_requests.all()
        ],
        "actions": [
            {
                "at": record.at.isoformat(),
                "action": record.action,
                "object_type": record.object_type,
                "object": record.object_repr,
            }
            for record in AuditRecord.objects.filter(actor=user).order_by("at")
        ],
    }
    for handler in personal_data.handlers():
        data[handler.name] = handler.exporter(user)
    return data


@transaction.atomic
def erasure_request_create(*, user: User, reason: str = "") -> ErasureRequest:
    pending = user.erasure_requests.filter(status=ErasureRequest.Status.PENDING).first()
    if pending is not None:
        return pending
    request = ErasureRequest.objects.create(user=user, reason=reason)
    audit_record(actor=user, action="erasure_request.create", obj=request)
    return request


@transaction.atomic
def erasure_request_refuse(
    *, actor: User, erasure_request: ErasureRequest, note: str
) -> ErasureRequest:
    if erasure_request.status != ErasureRequest.Status.PENDING:
        raise ValueError("This request has already been handled.")
    if not note.strip():
        raise ValueError("A refusal needs a reason for the person.")
    erasure_request.status = ErasureRequest.Status.REFUSED
    erasure_request.handled_by = actor
    erasure_request.handled_at = timezone.now()
    erasure_request.note = note
    erasure_request.save()
    audit_record(actor=actor, action="erasure_request.refuse", obj=erasure_request, note=note)
    return erasure_request


@transaction.atomic
def user_anonymise(
    *, actor: User, user: User, erasure_request: ErasureRequest | None = None
) -> User:
    """Erase a person's personal data while keeping what they decided and paid intact.

    The account stays as an anonymous, inactive row so that decisions, payments and
    audit records that point at it keep their meaning ("verwijderde gebruiker #12").
    """
    if user.anonymised_at is not None:
        raise ValueError("This person has already been anonymised.")
    before = user_audit_view(user)
    # Apps erase first, while they can still recognise the person's own data
    # (an initiative's contact e-mail, say) by the account's details.
    for handler in personal_data.handlers():
        if handler.eraser is not None:
            handler.eraser(user)
    user.email = f"verwijderd-{user.pk}@invalid.example.org"
    user.full_name = ""
    user.phone = ""
    user.password = make_password(None)
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.anonymised_at = timezone.now()
    user.save()
    user.roles.clear()
    if erasure_request is not None:
        erasure_request.status = ErasureRequest.Status.DONE
        erasure_request.handled_by = actor
        erasure_request.handled_at = timezone.now()
        erasure_request.reason = ""
        erasure_request.save()
    audit_record(
        actor=actor,
        action="user.anonymise",
        obj=user,
        object_type="core.user",
        before=before,
        after=user_audit_view(user),
    )
    return user
