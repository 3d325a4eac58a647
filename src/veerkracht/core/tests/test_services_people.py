"""People services: roles, export and erasure (AVG), passwords; and what the trail keeps."""

import json

import pytest
from django.contrib.auth import authenticate
from django.db import transaction
from django.test import RequestFactory

from veerkracht.core import personal_data
from veerkracht.core.models import AuditRecord, ErasureRequest, Role, User
from veerkracht.core.services.audit import REDACTED, audit_record
from veerkracht.core.services.people import (
    erasure_request_create,
    erasure_request_refuse,
    user_anonymise,
    user_create,
    user_export_personal_data,
    user_password_set,
    user_roles_set,
)

from .factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def _can_log_in(email: str, password: str) -> bool:
    request = RequestFactory().post("/inloggen/")
    return authenticate(request, username=email, password=password) is not None


def _trail_text() -> str:
    records = AuditRecord.objects.all()
    return json.dumps(
        [[r.object_repr, r.before, r.after, r.note, r.object_id] for r in records],
        ensure_ascii=False,
    )


def test_user_create_sets_roles_and_staff_flag_and_audits():
    admin = UserFactory(roles=["administrator"])
    user = user_create(
        actor=admin,
        email="Nieuw@Example.org",
        full_name="Nina Nieuw",
        password=PASSWORD,
        roles=["administrator", "analyst"],
    )
    assert user.email == "nieuw@example.org"
    assert set(user.roles.values_list("code", flat=True)) == {"administrator", "analyst"}
    assert user.is_staff
    record = AuditRecord.objects.get(action="user.create")
    assert record.actor == admin
    assert record.after["roles"] == ["administrator", "analyst"]


def test_user_roles_set_keeps_staff_flag_in_step_with_the_administrator_role():
    user = UserFactory(roles=["administrator"])
    user_roles_set(actor=None, user=user, roles=["analyst"])
    user.refresh_from_db()
    assert not user.is_staff
    record = AuditRecord.objects.get(action="user.roles_set")
    assert record.before["roles"] == ["administrator"]
    assert record.after["roles"] == ["analyst"]
    with pytest.raises(ValueError):
        user_roles_set(actor=None, user=user, roles=["emperor"])


def test_export_contains_profile_roles_requests_and_actions():
    organisation = OrganisationFactory(name="Stichting Samen")
    user = UserFactory(
        email="export@example.org",
        full_name="Eva Export",
        phone="0612345678",
        organisation=organisation,
        roles=["initiator", "support_provider"],
    )
    erasure_request_create(user=user, reason="Ik stop ermee")
    data = user_export_personal_data(user=user)
    assert data["profile"]["email"] == "export@example.org"
    assert data["profile"]["full_name"] == "Eva Export"
    assert data["profile"]["phone"] == "0612345678"
    assert data["profile"]["organisation"] == "Stichting Samen"
    assert data["profile"]["roles"] == ["initiator", "support_provider"]
    assert data["erasure_requests"][0]["reason"] == "Ik stop ermee"
    assert [action["action"] for action in data["actions"]] == ["erasure_request.create"]
    json.dumps(data)  # JSON-safe as it is


def test_export_includes_registered_app_handlers(monkeypatch):
    monkeypatch.setattr(personal_data, "_handlers", {})
    personal_data.register("example_app", exporter=lambda user: {"pk": user.pk})
    user = UserFactory()
    assert user_export_personal_data(user=user)["example_app"] == {"pk": user.pk}


def test_anonymise_keeps_the_row_and_the_records_and_blanks_personal_fields(monkeypatch):
    erased = []
    monkeypatch.setattr(personal_data, "_handlers", {})
    personal_data.register("example_app", exporter=lambda user: {}, eraser=erased.append)
    admin = UserFactory(roles=["administrator"])
    user = UserFactory(
        email="weg@example.org",
        full_name="Wim Weg",
        phone="0687654321",
        roles=["initiator", "administrator"],
    )
    with transaction.atomic():
        authored = audit_record(actor=user, action="initiative.register", object_type="x.y")
    request = erasure_request_create(user=user, reason="Graag alles weg")

    user_anonymise(actor=admin, user=user, erasure_request=request)

    user.refresh_from_db()
    assert User.objects.filter(pk=user.pk).exists()
    for name in User.PERSONAL_FIELDS:
        assert getattr(user, name) in ("", f"verwijderd-{user.pk}@invalid.example.org")
    assert user.full_name == "" and user.phone == ""
    assert "weg@example.org" not in user.email
    assert not user.is_active and not user.is_staff and not user.is_superuser
    assert not user.has_usable_password()
    assert user.anonymised_at is not None
    assert not user.roles.exists()
    assert erased == [user]
    request.refresh_from_db()
    assert request.status == ErasureRequest.Status.DONE
    assert request.handled_by == admin
    assert request.reason == ""
    # Records the person authored are kept and still point at the (anonymous) row.
    authored.refresh_from_db()
    assert authored.actor_id == user.pk
    assert AuditRecord.objects.filter(actor=user, action="erasure_request.create").exists()
    assert AuditRecord.objects.filter(action="user.anonymise", object_id=str(user.pk)).exists()
    assert not _can_log_in("weg@example.org", PASSWORD)
    with pytest.raises(ValueError):
        user_anonymise(actor=admin, user=user)


def test_anonymised_person_can_no_longer_log_in():
    user = UserFactory(email="inlog@example.org")
    assert _can_log_in("inlog@example.org", PASSWORD)
    user_anonymise(actor=UserFactory(roles=["administrator"]), user=user)
    assert not _can_log_in("inlog@example.org", PASSWORD)
    assert not _can_log_in(f"verwijderd-{user.pk}@invalid.example.org", PASSWORD)


def test_the_trail_never_holds_a_personal_value_in_clear():
    admin = UserFactory(roles=["administrator"])
    user = user_create(
        actor=admin,
        email="geheim@example.org",
        full_name="Gerda Geheim",
        password=PASSWORD,
        roles=["initiator"],
    )
    user.phone = "0611112222"
    user.save()
    user_roles_set(actor=admin, user=user, roles=["initiator", "analyst"])
    user_password_set(actor=user, user=user, password="another-long-password")
    request = erasure_request_create(user=user, reason="Gerda Geheim wil weg")
    user_anonymise(actor=admin, user=user, erasure_request=request)

    text = _trail_text()
    for value in ("geheim@example.org", "Gerda", "Geheim", "0611112222"):
        assert value not in text
    create = AuditRecord.objects.get(action="user.create")
    assert create.after["email"] == REDACTED
    assert create.object_repr == f"user #{user.pk}"


def test_erasure_request_create_returns_the_pending_request_instead_of_a_second():
    user = UserFactory()
    first = erasure_request_create(user=user)
    assert erasure_request_create(user=user, reason="nog een keer") == first
    assert ErasureRequest.objects.filter(user=user).count() == 1


def test_erasure_request_refuse_needs_a_note_and_a_pending_request():
    admin = UserFactory(roles=["administrator"])
    request = erasure_request_create(user=UserFactory())
    with pytest.raises(ValueError):
        erasure_request_refuse(actor=admin, erasure_request=request, note="  ")
    erasure_request_refuse(actor=admin, erasure_request=request, note="Lopend contract")
    request.refresh_from_db()
    assert request.status == ErasureRequest.Status.REFUSED
    assert request.note == "Lopend contract"
    with pytest.raises(ValueError):
        erasure_request_refuse(actor=admin, erasure_request=request, note="nogmaals")


def test_user_password_set_audits_without_the_password():
    user = UserFactory()
    user_password_set(actor=user, user=user, password="a-brand-new-password")
    user.refresh_from_db()
    assert user.check_password("a-brand-new-password")
    record = AuditRecord.objects.get(action="user.password_set")
    assert "a-brand-new-password" not in json.dumps([record.before, record.after, record.note])
    user_password_set(actor=None, user=user, password=None)
    user.refresh_from_db()
    assert not user.has_usable_password()
    assert AuditRecord.objects.filter(action="user.password_disable").exists()


def test_roles_exist_for_every_code():
    assert set(Role.objects.values_list("code", flat=True)) >= set(Role.Code.values)
