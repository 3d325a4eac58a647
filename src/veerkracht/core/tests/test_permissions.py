"""The permission matrix: every role (and anonymous, no role, superuser) against the pages.

Expectations are computed from `core.permissions.CAPABILITIES` and the one
requirement each page declares below, never from a second copy of the role table.
"""

from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from veerkracht.core.models import Role
from veerkracht.core.permissions import (
    CAPABILITIES,
    capability_required,
    check_capability,
    has_capability,
    user_capabilities,
)
from veerkracht.core.services.people import erasure_request_create

from .factories import UserFactory

PUBLIC = "public"
LOGIN = "login"


@pytest.fixture(autouse=True)
def _english(client):
    """Assertions read English text; Dutch is the default language of the pages."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@dataclass(frozen=True)
class Page:
    name: str
    url: str  # a URL name (reversed) or a path
    needs: str  # PUBLIC, LOGIN or a capability
    admin_site: bool = False  # Django's admin sends refusals to its own login page

    def path(self) -> str:
        return self.url if self.url.startswith("/") else reverse(self.url)


PAGES = [
    Page("home", "/", PUBLIC),
    Page("login", "core:login", PUBLIC),
    Page("password reset", "core:password_reset", PUBLIC),
    Page("account", "core:account", LOGIN),
    Page("password change", "core:password_change", LOGIN),
    Page("account export", "core:account_export", LOGIN),
    Page("erasure request", "core:account_erasure", LOGIN),
    Page("erasure handling", "core:erasure_request_list", "erasure.handle"),
    Page("audit trail", "core:audit_trail", "audit.view"),
    Page("admin index", "/beheer/", "admin.use", admin_site=True),
    Page("admin audit records", "/beheer/core/auditrecord/", "audit.view", admin_site=True),
    Page("admin themes", "/beheer/core/theme/", "reference.manage", admin_site=True),
    Page("admin people", "/beheer/core/user/", "people.manage", admin_site=True),
    Page("api municipalities", "/api/v1/municipalities", PUBLIC),
]

ANONYMOUS = "anonymous"
NO_ROLE = "no role"
SUPERUSER = "superuser"
PERSONAS = [ANONYMOUS, NO_ROLE, *Role.Code.values, SUPERUSER]


def holds(persona: str, capability: str) -> bool:
    """Whether a persona holds a capability according to the declared map."""
    if persona == ANONYMOUS:
        return False
    if persona == SUPERUSER or persona == Role.Code.ADMINISTRATOR:
        return True
    return persona in CAPABILITIES[capability]


def expected(persona: str, page: Page) -> tuple[int, str | None]:
    """(status, where a redirect goes) for a persona on a page."""
    login = "/beheer/login/" if page.admin_site else reverse(settings.LOGIN_URL)
    if page.needs == PUBLIC:
        return 200, None
    if persona == ANONYMOUS:
        return 302, login
    # The admin site first asks whether one may enter at all, then per model.
    if page.admin_site and not holds(persona, "admin.use"):
        return 302, login
    if page.needs == LOGIN or holds(persona, page.needs):
        return 200, None
    return 403, None


def _persona_user(persona: str):
    if persona == ANONYMOUS:
        return None
    if persona == NO_ROLE:
        return UserFactory()
    if persona == SUPERUSER:
        return UserFactory(is_superuser=True, is_staff=True)
    return UserFactory(roles=[persona])


def test_every_page_names_a_known_capability():
    for page in PAGES:
        assert page.needs in {PUBLIC, LOGIN} or page.needs in CAPABILITIES, page.name


def test_every_role_has_the_own_account_capability():
    assert CAPABILITIES["account.manage_own"] == frozenset(Role.Code.values)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(client, persona):
    user = _persona_user(persona)
    if user is not None:
        client.force_login(user)
        # A pending request makes the handling page list something.
        erasure_request_create(user=UserFactory())
    failures = []
    for page in PAGES:
        status, location = expected(persona, page)
        response = client.get(page.path())
        actual_location = response.get("Location", "")
        if response.status_code != status or (
            location is not None and not actual_location.startswith(location)
        ):
            failures.append(
                f"{page.name}: expected {status} {location or ''}, "
                f"got {response.status_code} {actual_location}"
            )
    assert not failures, f"{persona}:\n" + "\n".join(failures)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", [NO_ROLE, *Role.Code.values, SUPERUSER])
def test_has_capability_agrees_with_the_map(persona):
    user = _persona_user(persona)
    for capability in CAPABILITIES:
        assert has_capability(user, capability) == holds(persona, capability), capability
    assert user_capabilities(user) == {c for c in CAPABILITIES if holds(persona, c)}


@pytest.mark.django_db
def test_staff_flag_follows_the_admin_capability():
    """Django's admin checks is_staff; the services keep it equal to `admin.use`."""
    for code in Role.Code.values:
        user = UserFactory(roles=[code])
        assert user.is_staff == has_capability(user, "admin.use"), code


@pytest.mark.django_db
def test_inactive_people_hold_nothing():
    user = UserFactory(roles=["administrator"], is_active=False)
    assert not any(has_capability(user, capability) for capability in CAPABILITIES)


@pytest.mark.django_db
def test_403_page_has_a_clear_message(client):
    client.force_login(UserFactory(roles=["initiator"]))
    response = client.get(reverse("core:audit_trail"))
    assert response.status_code == 403
    html = response.content.decode()
    assert '<h1 class="utrecht-heading-1">' in html
    assert "You do not have access to this page" in html
    assert "You do not have permission to do this." in html
    assert reverse("core:account") in html


def test_unknown_capability_is_an_error():
    with pytest.raises(KeyError):
        has_capability(None, "no.such.capability")


@pytest.mark.django_db
def test_check_capability_and_decorator(rf):
    from django.contrib.auth.models import AnonymousUser

    @capability_required("audit.view")
    def view(request):
        return "ok"

    assert view.capability == "audit.view"
    request = rf.get("/audit/")
    request.user = AnonymousUser()
    assert view(request).status_code == 302
    request.user = UserFactory(roles=["analyst"])
    with pytest.raises(PermissionDenied):
        view(request)
    with pytest.raises(PermissionDenied):
        check_capability(request.user, "audit.view")
    request.user = UserFactory(roles=["administrator"])
    assert view(request) == "ok"
