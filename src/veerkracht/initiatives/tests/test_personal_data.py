"""AVG: the initiatives' part of a person's data export, and of erasure."""

import json

import pytest

from veerkracht.core import personal_data as registry
from veerkracht.core.models import AuditRecord, Role
from veerkracht.core.services.people import user_anonymise, user_export_personal_data
from veerkracht.core.tests.factories import UserFactory
from veerkracht.initiatives.models import Initiative, TimelineEvent
from veerkracht.initiatives.personal_data import initiatives_erase, initiatives_export

from .factories import InitiativeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    return UserFactory(email="initiatiefnemer@example.org", roles=[Role.Code.INITIATOR])


@pytest.fixture
def staff():
    return UserFactory(email="contactteam@example.org", roles=[Role.Code.CONTACT_TEAM])


def test_the_app_is_registered_for_export_and_erasure():
    handler = next(h for h in registry.handlers() if h.name == "initiatives")

    assert handler.exporter is initiatives_export
    assert handler.eraser is initiatives_erase


def test_the_export_lists_the_persons_initiatives_with_only_their_own_contact_details(
    person, staff
):
    own = InitiativeFactory(
        name="Buurtkracht",
        initiator=person,
        owner=staff,
        contact_name="Voorbeeld Initiatiefnemer",
        contact_email="Initiatiefnemer@example.org",
        contact_public=True,
    )
    colleague = InitiativeFactory(
        name="Taalcafé", initiator=person, contact_email="collega@example.org"
    )
    signed_up_without_account = InitiativeFactory(
        name="Repair Café", contact_email="initiatiefnemer@example.org"
    )
    InitiativeFactory(name="Iets anders", contact_email="ander@example.org")

    rows = {row["name"]: row for row in initiatives_export(person)}

    assert set(rows) == {own.name, colleague.name, signed_up_without_account.name}
    assert rows["Buurtkracht"]["roles"] == ["initiator", "contact_person"]
    assert rows["Buurtkracht"]["contact"]["email"] == "Initiatiefnemer@example.org"
    assert rows["Buurtkracht"]["contact"]["public"] is True
    # Someone else's contact details are not the person's data.
    assert rows["Taalcafé"]["roles"] == ["initiator"]
    assert "contact" not in rows["Taalcafé"]
    assert rows["Repair Café"]["roles"] == ["contact_person"]
    json.dumps(rows)  # JSON-safe

    # The team member who follows it sees their role, not the initiator's details.
    staff_rows = initiatives_export(staff)
    assert [(r["name"], r["roles"]) for r in staff_rows] == [("Buurtkracht", ["owner"])]
    assert "contact" not in staff_rows[0]


def test_the_core_export_includes_the_initiatives(person):
    InitiativeFactory(name="Buurtkracht", initiator=person, contact_email=person.email)

    data = user_export_personal_data(user=person)

    assert [row["name"] for row in data["initiatives"]] == ["Buurtkracht"]


def test_erasure_blanks_the_persons_own_contact_details_and_keeps_the_initiative(person):
    own = InitiativeFactory(
        initiator=person,
        contact_name="Voorbeeld Initiatiefnemer",
        contact_email="initiatiefnemer@example.org",
        contact_phone="06-12345678",
        contact_public=True,
        published=True,
    )
    colleague = InitiativeFactory(
        initiator=person,
        contact_name="Voorbeeld Collega",
        contact_email="collega@example.org",
        contact_public=True,
    )
    unlinked = InitiativeFactory(contact_email="INITIATIEFNEMER@example.org")

    initiatives_erase(person)

    own.refresh_from_db()
    assert (own.contact_name, own.contact_email, own.contact_phone) == ("", "", "")
    assert own.contact_public is False and own.contact_consent_at is None
    assert own.published is True  # the initiative itself stays
    assert own.timeline.filter(kind=TimelineEvent.Kind.NOTE).exists()
    unlinked.refresh_from_db()
    assert unlinked.contact_email == ""
    # Another person's contact details stay, with their consent.
    colleague.refresh_from_db()
    assert colleague.contact_email == "collega@example.org"
    assert colleague.contact_public is True
    records = AuditRecord.objects.filter(action="initiative.contact_erase")
    assert {r.object_id for r in records} == {str(own.pk), str(unlinked.pk)}
    assert "initiatiefnemer" not in json.dumps([r.after for r in records]).lower()


def test_anonymising_a_person_erases_their_contact_details_on_their_initiatives(person, staff):
    admin = UserFactory(roles=[Role.Code.ADMINISTRATOR])
    own = InitiativeFactory(
        initiator=person,
        contact_name="Voorbeeld Initiatiefnemer",
        contact_email=person.email,
        contact_public=True,
    )

    user_anonymise(actor=admin, user=person)

    own.refresh_from_db()
    assert own.contact_email == "" and own.contact_name == ""
    assert own.contact_public is False
    assert Initiative.objects.filter(pk=own.pk).exists()
    # The initiator link stays, pointing at the anonymous account.
    assert own.initiator_id == person.pk
