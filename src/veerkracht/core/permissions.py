"""Who may do what: capabilities declared once, per role, and checked server-side.

Views use `capability_required`, API endpoints and services `check_capability`;
tests walk the same table (core/tests/test_permissions.py). Later apps add their
capabilities with `declare()` in their AppConfig.ready().
"""

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .models import Role

R = Role.Code

# capability -> roles that hold it. Administrators hold every capability.
CAPABILITIES: dict[str, frozenset[str]] = {
    "account.manage_own": frozenset(R.values),
    "audit.view": frozenset({R.ADMINISTRATOR}),
    "people.manage": frozenset({R.ADMINISTRATOR}),
    "erasure.handle": frozenset({R.ADMINISTRATOR}),
    "reference.manage": frozenset({R.ADMINISTRATOR, R.PROGRAMME_STAFF}),
    "geography.import": frozenset({R.ADMINISTRATOR}),
    # See residents' contact details in clear (core/privacy.py); others see a pseudonym.
    "contact_details.view": frozenset(
        {R.CONTACT_TEAM, R.MATCH_TEAM, R.PROGRAMME_STAFF, R.ADMINISTRATOR}
    ),
    # See and lift login lockouts (django-axes) in the admin site.
    "lockout.manage": frozenset({R.ADMINISTRATOR}),
    # Enter the admin site (/beheer/). Django checks `is_staff`, which the people
    # services keep equal to holding this capability (see `grants_admin_site`).
    # Inside, each model asks for its own capability (programme staff: vocabularies).
    "admin.use": frozenset({R.ADMINISTRATOR, R.PROGRAMME_STAFF}),
}


# Roles that work inside the programme and see its internal records. Their sessions end
# sooner (core.sessions); the other roles (initiators, support providers, jurors,
# investors) are people outside the programme team.
STAFF_ROLES: frozenset[str] = frozenset(
    {
        R.CONTACT_TEAM,
        R.MATCH_TEAM,
        R.PROGRAMME_STAFF,
        R.ANALYST,
        R.FUND_MANAGER,
        R.ADMINISTRATOR,
    }
)


def _roles_grant(codes: frozenset[str], capability: str) -> bool:
    return R.ADMINISTRATOR in codes or bool(codes & CAPABILITIES[capability])


def grants_admin_site(role_codes: Iterable[str]) -> bool:
    """Whether people with these roles may enter the admin site (their `is_staff`)."""
    return _roles_grant(frozenset(role_codes), "admin.use")


def declare(capability: str, roles: Iterable[str]) -> None:
    CAPABILITIES[capability] = frozenset(roles)


def user_role_codes(user: Any) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_role_codes", None)
    if cached is None:
        cached = frozenset(user.roles.values_list("code", flat=True))
        user._role_codes = cached
    return cached


def has_role(user: Any, *roles: str) -> bool:
    return bool(user_role_codes(user) & set(roles))


def has_staff_role(user: Any) -> bool:
    """Whether the user works inside the programme (a staff role, or a superuser)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser or user_role_codes(user) & STAFF_ROLES)


def has_capability(user: Any, capability: str) -> bool:
    if capability not in CAPABILITIES:
        raise KeyError(f"Unknown capability: {capability}")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return _roles_grant(user_role_codes(user), capability)


def user_capabilities(user: Any) -> frozenset[str]:
    """Every capability the user holds (for templates and tests)."""
    return frozenset(cap for cap in CAPABILITIES if has_capability(user, cap))


def check_capability(user: Any, capability: str) -> None:
    """Raise PermissionDenied with a clear message unless the user holds the capability."""
    if not has_capability(user, capability):
        raise PermissionDenied(_("You do not have permission to do this."))


def capability_required(capability: str) -> Callable:
    """View decorator: anonymous visitors go to the login page, others get 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            check_capability(request.user, capability)
            return view(request, *args, **kwargs)

        wrapped.capability = capability  # type: ignore[attr-defined]
        return wrapped

    return decorator
