"""Account pages: login and lockout, logout, passwords, own data, erasure and its handling."""

import json
import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from veerkracht.core.models import AuditRecord, ErasureRequest, User
from veerkracht.core.services.audit import audit_record
from veerkracht.core.services.people import erasure_request_create

from .factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def _english(client):
    """Assertions read English text; Dutch is the default language of the pages."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _login(client, email: str, password: str, **extra):
    return client.post(reverse("core:login"), {"username": email, "password": password, **extra})


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- Login, lockout, logout -------------------------------------------------------------


def test_login_page_is_accessible(client):
    response = client.get(reverse("core:login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label class="utrecht-form-label" for="id_username">' in html
    assert 'type="email"' in html and 'autocomplete="username"' in html
    assert '<label class="utrecht-form-label" for="id_password">' in html
    assert "utrecht-button--primary-action" in html
    assert "utrecht-heading-1" in html
    assert reverse("core:password_reset") in html


def test_login_with_email_in_any_case_goes_to_the_account_page(client):
    UserFactory(email="jan@example.org")
    response = _login(client, "  Jan@Example.ORG ", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:account")
    assert _logged_in(client)


def test_login_follows_a_safe_next_only(client):
    UserFactory(email="jan@example.org")
    response = _login(client, "jan@example.org", PASSWORD, next=reverse("core:account_erasure"))
    assert response["Location"] == reverse("core:account_erasure")
    client.logout()
    response = _login(client, "jan@example.org", PASSWORD, next="https://evil.example.com/")
    assert response["Location"] == reverse("core:account")


def test_wrong_password_shows_an_error_tied_to_the_form(client):
    UserFactory(email="jan@example.org")
    response = _login(client, "jan@example.org", "wrong-password")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "not correct" in html
    assert not _logged_in(client)


def test_field_errors_are_tied_to_their_input(client):
    response = _login(client, "", "")
    html = response.content.decode()
    match = re.search(r"<input[^>]*id=\"id_username\"[^>]*>", html)
    assert match is not None
    assert 'aria-invalid="true"' in match.group(0)
    assert 'aria-describedby="id_username_error"' in match.group(0)
    assert 'id="id_username_error"' in html


def test_lockout_after_five_failures_then_even_the_right_password_is_refused(client):
    UserFactory(email="jan@example.org")
    limit = settings.AXES_FAILURE_LIMIT
    assert limit == 5
    for _attempt in range(limit - 1):
        assert _login(client, "jan@example.org", "wrong-password").status_code == 200
    response = _login(client, "jan@example.org", "wrong-password")
    assert response.status_code == 429
    html = response.content.decode()
    assert "utrecht-heading-1" in html
    assert "5 times" in html
    assert "1 hour" in html
    assert reverse("core:password_reset") in html
    locked = _login(client, "jan@example.org", PASSWORD)
    assert locked.status_code == 429
    assert not _logged_in(client)
    # The same address in another spelling counts as the same account.
    assert _login(client, "JAN@example.org", PASSWORD).status_code == 429


def test_lockout_is_per_account(client):
    UserFactory(email="jan@example.org")
    UserFactory(email="piet@example.org")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "jan@example.org", "wrong-password")
    response = _login(client, "piet@example.org", PASSWORD)
    assert response.status_code == 302
    assert _logged_in(client)


def test_lockout_page_in_minutes(client, settings):
    settings.AXES_COOLOFF_TIME = 0.5
    UserFactory(email="jan@example.org")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = _login(client, "jan@example.org", "wrong-password")
    assert response.status_code == 429
    assert "30 minutes" in response.content.decode()


def test_logout_is_post_only(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("core:logout")).status_code == 405
    assert _logged_in(client)
    response = client.post(reverse("core:logout"))
    assert response.status_code == 302
    assert not _logged_in(client)


# --- Passwords --------------------------------------------------------------------------


def test_password_reset_sends_a_working_link(client):
    user = UserFactory(email="vergeten@example.org")
    response = client.post(reverse("core:password_reset"), {"email": "Vergeten@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["vergeten@example.org"]
    assert "\n" not in message.subject
    assert not message.alternatives  # plain text
    link = re.search(r"https?://[^/\s]+(/wachtwoord-herstellen/\S+/)", message.body).group(1)

    response = client.get(link)
    assert response.status_code == 302  # Django moves the token into the session
    form_url = response["Location"]
    page = client.get(form_url)
    assert page.status_code == 200
    assert 'for="id_new_password1"' in page.content.decode()
    response = client.post(
        form_url,
        {"new_password1": "a-new-long-password-1", "new_password2": "a-new-long-password-1"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("core:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password("a-new-long-password-1")
    assert AuditRecord.objects.filter(action="user.password_set", object_id=str(user.pk)).exists()
    # The link works once.
    assert "validlink" not in client.get(link).content.decode()
    assert client.get(reverse("core:password_reset_complete")).status_code == 200
    assert _login(client, "vergeten@example.org", "a-new-long-password-1").status_code == 302


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client):
    response = client.post(reverse("core:password_reset"), {"email": "niemand@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:password_reset_done")
    assert mail.outbox == []


def test_password_reset_lifts_a_lockout(client):
    UserFactory(email="jan@example.org")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "jan@example.org", "wrong-password")
    assert _login(client, "jan@example.org", PASSWORD).status_code == 429
    client.post(reverse("core:password_reset"), {"email": "jan@example.org"})
    link = re.search(r"(/wachtwoord-herstellen/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    client.post(
        form_url,
        {"new_password1": "a-new-long-password-1", "new_password2": "a-new-long-password-1"},
    )
    assert _login(client, "jan@example.org", "a-new-long-password-1").status_code == 302


def test_password_change(client):
    user = UserFactory()
    client.force_login(user)
    url = reverse("core:password_change")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "old_password": "wrong",
            "new_password1": "another-long-password",
            "new_password2": "another-long-password",
        },
    )
    assert response.status_code == 200
    assert 'aria-describedby="id_old_password_error"' in response.content.decode()
    response = client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-password",
            "new_password2": "another-long-password",
        },
    )
    assert response.status_code == 302
    assert _logged_in(client)  # the session survives the change
    user.refresh_from_db()
    assert user.check_password("another-long-password")
    assert AuditRecord.objects.filter(action="user.password_set", actor=user).exists()


def test_password_change_needs_login(client):
    response = client.get(reverse("core:password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))


# --- Own account and data ---------------------------------------------------------------


def test_account_page_shows_details_roles_and_links(client):
    user = UserFactory(
        full_name="Anna de Vries",
        email="anna@example.org",
        organisation=OrganisationFactory(name="Stichting Buurt"),
        roles=["initiator"],
    )
    client.force_login(user)
    response = client.get(reverse("core:account"))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Anna de Vries", "anna@example.org", "Stichting Buurt", "initiator"):
        assert text in html
    assert reverse("core:account_export") in html
    assert reverse("core:account_erasure") in html
    assert reverse("core:logout") in html
    assert reverse("core:audit_trail") not in html


def test_account_page_for_an_administrator_links_to_the_administration(client):
    client.force_login(UserFactory(roles=["administrator"]))
    html = client.get(reverse("core:account")).content.decode()
    assert reverse("core:audit_trail") in html
    assert reverse("core:erasure_request_list") in html


def test_export_downloads_json(client):
    user = UserFactory(email="export@example.org", full_name="Eva", roles=["analyst"])
    client.force_login(user)
    response = client.get(reverse("core:account_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert re.search(r'filename="[\w-]*\d{4}-\d{2}-\d{2}\.json"', disposition)
    data = json.loads(response.content)
    assert data["profile"]["email"] == "export@example.org"
    assert data["profile"]["roles"] == ["analyst"]
    assert "actions" in data


def test_erasure_page_explains_and_takes_one_request(client):
    user = UserFactory()
    client.force_login(user)
    url = reverse("core:account_erasure")
    page = client.get(url).content.decode()
    assert "payments" in page and "decisions" in page.lower()
    assert 'for="id_reason"' in page
    response = client.post(url, {"reason": "Ik doe niet meer mee"})
    assert response.status_code == 302
    request = ErasureRequest.objects.get(user=user)
    assert request.reason == "Ik doe niet meer mee"
    assert request.status == ErasureRequest.Status.PENDING
    page = client.get(url).content.decode()
    assert 'for="id_reason"' not in page  # no second form while one is pending
    client.post(url, {"reason": "nog een"})
    assert ErasureRequest.objects.filter(user=user).count() == 1


def test_erasure_page_shows_the_reason_of_a_refusal(client):
    from veerkracht.core.services.people import erasure_request_refuse

    user = UserFactory()
    request = erasure_request_create(user=user)
    erasure_request_refuse(
        actor=UserFactory(roles=["administrator"]),
        erasure_request=request,
        note="Er loopt nog een betaling",
    )
    client.force_login(user)
    page = client.get(reverse("core:account_erasure")).content.decode()
    assert "Er loopt nog een betaling" in page
    assert 'for="id_reason"' in page  # a new request is possible


# --- Handling erasure requests ----------------------------------------------------------


@pytest.fixture
def administrator(client):
    admin = UserFactory(roles=["administrator"])
    client.force_login(admin)
    return admin


def test_pending_requests_are_listed(client, administrator):
    person = UserFactory(full_name="Karel Klaar")
    request = erasure_request_create(user=person, reason="weg ermee")
    response = client.get(reverse("core:erasure_request_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Karel Klaar" in html
    assert reverse("core:erasure_request_detail", args=[request.pk]) in html
    detail = client.get(reverse("core:erasure_request_detail", args=[request.pk]))
    assert detail.status_code == 200
    assert 'for="id_confirm"' in detail.content.decode()
    assert 'for="id_note"' in detail.content.decode()


def test_carrying_out_erases_the_person_and_keeps_their_records(client, administrator):
    person = UserFactory(
        email="weg@example.org", full_name="Wendy Weg", phone="0612345678", roles=["initiator"]
    )
    from django.db import transaction

    with transaction.atomic():
        authored = audit_record(actor=person, action="initiative.register", object_type="x.y")
    request = erasure_request_create(user=person)
    url = reverse("core:erasure_request_carry_out", args=[request.pk])

    response = client.post(url, {})  # the box is not ticked
    assert response.status_code == 200
    assert 'aria-describedby="id_confirm_error"' in response.content.decode()
    person.refresh_from_db()
    assert person.anonymised_at is None

    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.anonymised_at is not None
    assert person.full_name == "" and person.phone == ""
    assert "weg@example.org" not in person.email
    request.refresh_from_db()
    assert request.status == ErasureRequest.Status.DONE
    assert request.handled_by == administrator
    authored.refresh_from_db()
    assert authored.actor_id == person.pk
    assert User.objects.filter(pk=person.pk).exists()

    client.logout()
    assert _login(client, "weg@example.org", PASSWORD).status_code == 200
    assert not _logged_in(client)
    # Handled once only.
    client.force_login(administrator)
    client.post(url, {"confirm": "on"})
    assert AuditRecord.objects.filter(action="user.anonymise").count() == 1


def test_refusing_needs_a_note(client, administrator):
    request = erasure_request_create(user=UserFactory())
    url = reverse("core:erasure_request_refuse", args=[request.pk])
    response = client.post(url, {"note": "   "})
    assert response.status_code == 200
    assert 'aria-describedby="id_note_helptext id_note_error"' in response.content.decode()
    request.refresh_from_db()
    assert request.status == ErasureRequest.Status.PENDING
    response = client.post(url, {"note": "Er loopt nog een contract"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == ErasureRequest.Status.REFUSED
    assert request.note == "Er loopt nog een contract"
    assert request.handled_by == administrator


def test_an_administrator_cannot_handle_their_own_request(client, administrator):
    request = erasure_request_create(user=administrator)
    response = client.post(
        reverse("core:erasure_request_carry_out", args=[request.pk]), {"confirm": "on"}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == ErasureRequest.Status.PENDING
    administrator.refresh_from_db()
    assert administrator.anonymised_at is None


def test_handling_pages_are_post_only_for_actions(client, administrator):
    request = erasure_request_create(user=UserFactory())
    url = reverse("core:erasure_request_carry_out", args=[request.pk])
    assert client.get(url).status_code == 405


# --- Error pages ------------------------------------------------------------------------


def test_404_page_is_friendly(client):
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    assert "utrecht-heading-1" in response.content.decode()


def test_500_page_renders_without_context_processors():
    from django.template import loader

    html = loader.get_template("500.html").render()
    assert "<h1>" in html
    assert 'href="/"' in html
