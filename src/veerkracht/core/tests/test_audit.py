"""The audit trail: append-only guards, snapshots, the trail page and admin changes."""

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from veerkracht.core.models import AuditRecord, User
from veerkracht.core.services.audit import (
    REDACTED,
    audit_changes,
    audit_record,
    audit_snapshot,
)
from veerkracht.core.views.account import AUDIT_PAGE_SIZE, audit_diff

from .factories import (
    AreaGroupFactory,
    MunicipalityFactory,
    OrganisationFactory,
    OrganisationTypeFactory,
    ThemeFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _english(client):
    """Assertions read English text; Dutch is the default language of the pages."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _record(**kwargs) -> AuditRecord:
    kwargs.setdefault("actor", None)
    kwargs.setdefault("action", "theme.update")
    kwargs.setdefault("object_type", "core.theme")
    with transaction.atomic():
        return audit_record(**kwargs)


# --- Guards -----------------------------------------------------------------------------


def test_audit_record_refuses_to_run_outside_a_transaction():
    # No database access is needed: the check comes first.
    assert not transaction.get_connection().in_atomic_block
    with pytest.raises(RuntimeError, match="transaction"):
        audit_record(actor=None, action="theme.update", object_type="core.theme")


@pytest.mark.django_db
def test_audit_record_needs_an_object_or_a_type():
    with transaction.atomic(), pytest.raises(ValueError):
        audit_record(actor=None, action="x")


@pytest.mark.django_db
def test_model_refuses_update_and_delete():
    record = _record(after={"name": "a"})
    record.note = "changed"
    with pytest.raises(PermissionError):
        record.save()
    with pytest.raises(PermissionError):
        record.delete()
    with pytest.raises(PermissionError):
        AuditRecord.objects.filter(pk=record.pk).update(note="changed")
    with pytest.raises(PermissionError):
        AuditRecord.objects.filter(pk=record.pk).delete()
    record.refresh_from_db()
    assert record.note == ""


@pytest.mark.django_db
def test_database_trigger_refuses_raw_update():
    record = _record()
    table = AuditRecord._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET note = %s WHERE id = %s", ["forged", record.pk])
    record.refresh_from_db()
    assert record.note == ""


@pytest.mark.django_db
def test_database_trigger_refuses_raw_delete_on_postgresql():
    record = _record()
    table = AuditRecord._meta.db_table
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [record.pk])
        assert AuditRecord.objects.filter(pk=record.pk).exists()
    else:
        # SQLite refuses UPDATE only (the test runner empties tables with DELETE);
        # the model and its queryset refuse deletes there.
        with pytest.raises(PermissionError):
            AuditRecord.objects.all().delete()


# --- Snapshots --------------------------------------------------------------------------


@pytest.mark.django_db
def test_snapshot_redacts_personal_fields_and_skips_passwords():
    user = UserFactory(email="a@example.org", full_name="Anna", phone="")
    data = audit_snapshot(user)
    assert data["email"] == REDACTED
    assert data["full_name"] == REDACTED
    assert data["phone"] == ""
    assert "password" not in data
    assert "a@example.org" not in str(data) and "Anna" not in str(data)


@pytest.mark.django_db
def test_records_about_people_name_them_by_number_only():
    user = UserFactory(full_name="Piet Persoon")
    record = _record(obj=user, action="user.update")
    assert record.object_repr == f"user #{user.pk}"


def test_audit_changes_keeps_only_what_differs():
    assert audit_changes({"a": 1, "b": 2}, {"a": 1, "b": 3}) == ({"b": 2}, {"b": 3})
    assert audit_changes({"a": 1}, {"a": 1}) == (None, None)
    assert audit_changes(None, {"a": 1}) == (None, {"a": 1})


def test_audit_diff_is_readable():
    with translation.override("en"):
        rows = audit_diff(
            {"name": "oud", "active": True, "roles": ["a"]},
            {"name": "nieuw", "active": False, "roles": ["a"]},
        )
    assert [(r["field"], r["old"], r["new"]) for r in rows] == [
        ("name", "oud", "nieuw"),
        ("active", "yes", "no"),
    ]
    assert audit_diff(None, {"name": "x"}) == [{"field": "name", "old": "—", "new": "x"}]
    assert audit_diff({"name": "x"}, None) == [{"field": "name", "old": "x", "new": "—"}]


# --- The trail page ---------------------------------------------------------------------


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(roles=["administrator"]))
    return client


def _trail(client, **params):
    return client.get(reverse("core:audit_trail"), params)


@pytest.mark.django_db
def test_trail_page_shows_newest_first_with_a_readable_diff(admin_client):
    actor = UserFactory(full_name="Bea Beheer")
    _record(actor=actor, object_id="1", before={"name": "Verbinding"}, after={"name": "Verbinden"})
    _record(action="theme.create", object_id="2", after={"name": "Nieuwste"})
    response = _trail(admin_client)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Nieuwste") < html.index("Verbinden")
    assert "Verbinding" in html and "→" in html
    assert "Bea Beheer" in html


@pytest.mark.django_db
def test_trail_page_filters(admin_client):
    alice = UserFactory(email="alice@example.org")
    _record(actor=alice, action="theme.update", object_id="7", note="alpha-note")
    _record(
        action="organisation.create",
        object_type="core.organisation",
        object_id="8",
        note="beta-note",
    )
    _record(action="theme.update", object_id="9", note="gamma-note")

    def notes(**params):
        html = _trail(admin_client, **params).content.decode()
        return {note for note in ("alpha-note", "beta-note", "gamma-note") if note in html}

    assert notes() == {"alpha-note", "beta-note", "gamma-note"}
    assert notes(action="organisation.create") == {"beta-note"}
    assert notes(object_type="core.theme") == {"alpha-note", "gamma-note"}
    assert notes(object_type="core.theme", object_id="9") == {"gamma-note"}
    assert notes(actor="ALICE@example.org") == {"alpha-note"}
    assert notes(actor=str(alice.pk)) == {"alpha-note"}
    assert notes(actor="system") == {"beta-note", "gamma-note"}
    response = _trail(admin_client, action="no-such-action")
    assert response.status_code == 200
    assert notes(action="no-such-action") == set()
    assert 'aria-invalid="true"' in response.content.decode()


@pytest.mark.django_db
def test_trail_page_is_paginated_by_fifty(admin_client):
    for number in range(AUDIT_PAGE_SIZE + 5):
        _record(object_id=str(number), note=f"record-{number:03d}")
    first = _trail(admin_client).content.decode()
    assert "record-054" in first and "record-005" in first and "record-004" not in first
    second = _trail(admin_client, page=2).content.decode()
    assert "record-004" in second and "record-000" in second and "record-054" not in second


@pytest.mark.django_db
def test_trail_page_query_count_does_not_grow_with_the_records(
    admin_client, django_assert_num_queries
):
    def make(count):
        for number in range(count):
            _record(actor=UserFactory(), object_id=str(number))

    make(3)
    with CaptureQueriesContext(connection) as first:
        _trail(admin_client)
    assert len(first) <= 8
    make(40)
    with django_assert_num_queries(len(first)):
        _trail(admin_client)


@pytest.mark.django_db
def test_trail_shows_deleted_people_by_number(admin_client):
    from veerkracht.core.services.people import user_anonymise

    person = UserFactory(full_name="Verdwenen Persoon")
    _record(actor=person, note="by-the-person")
    user_anonymise(actor=UserFactory(roles=["administrator"]), user=person)
    html = _trail(admin_client).content.decode()
    assert "by-the-person" in html
    assert "Verdwenen Persoon" not in html
    assert f"#{person.pk}" in html


# --- Admin: the trail is read-only, changes are audited ---------------------------------


@pytest.fixture
def superuser_client(client):
    user = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_admin_audit_record_is_read_only_even_for_superusers(superuser_client):
    record = _record(action="theme.in_admin")
    listing = superuser_client.get("/beheer/core/auditrecord/")
    assert listing.status_code == 200
    assert "theme.in_admin" in listing.content.decode()
    assert superuser_client.get("/beheer/core/auditrecord/add/").status_code == 403
    detail = superuser_client.get(f"/beheer/core/auditrecord/{record.pk}/change/")
    assert detail.status_code == 200  # view only
    assert 'name="_save"' not in detail.content.decode()
    assert superuser_client.get(f"/beheer/core/auditrecord/{record.pk}/delete/").status_code == 403
    response = superuser_client.post(f"/beheer/core/auditrecord/{record.pk}/change/", {"note": "x"})
    assert response.status_code == 403


@pytest.fixture
def admin_site_client(client):
    user = UserFactory(roles=["administrator"])
    client.force_login(user)
    client.user = user
    return client


@pytest.mark.django_db
def test_admin_change_of_a_theme_is_audited(admin_site_client):
    theme = ThemeFactory(name="Verbinding", slug="verbinding", position=1)
    url = f"/beheer/core/theme/{theme.pk}/change/"
    assert admin_site_client.get(url).status_code == 200
    response = admin_site_client.post(
        url,
        {
            "slug": "verbinding",
            "name": "Verbinden",
            "name_en": "Connection",
            "description": "",
            "position": "1",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    record = AuditRecord.objects.get(action="theme.update", object_id=str(theme.pk))
    assert record.actor == admin_site_client.user
    assert record.before == {"name": "Verbinding", "name_en": ""}
    assert record.after == {"name": "Verbinden", "name_en": "Connection"}


@pytest.mark.django_db
def test_admin_list_editable_position_change_is_audited(admin_site_client):
    theme = ThemeFactory(position=1)
    response = admin_site_client.post(
        "/beheer/core/theme/",
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(theme.pk),
            "form-0-position": "5",
            "form-0-active": "on",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    theme.refresh_from_db()
    assert theme.position == 5
    record = AuditRecord.objects.get(action="theme.update")
    assert record.before == {"position": 1} and record.after == {"position": 5}


@pytest.mark.django_db
def test_admin_area_group_membership_change_is_audited(admin_site_client):
    first, second = MunicipalityFactory(), MunicipalityFactory()
    group = AreaGroupFactory(name="Regio West")
    group.municipalities.set([first])
    response = admin_site_client.post(
        f"/beheer/core/areagroup/{group.pk}/change/",
        {
            "slug": group.slug,
            "name": group.name,
            "description": "",
            "municipalities": [first.code, second.code],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    record = AuditRecord.objects.get(action="areagroup.update")
    assert record.before == {"municipalities": [first.code]}
    assert record.after == {"municipalities": sorted([first.code, second.code])}


@pytest.mark.django_db
def test_admin_create_and_delete_of_an_organisation_is_audited(admin_site_client):
    kind = OrganisationTypeFactory()
    response = admin_site_client.post(
        "/beheer/core/organisation/add/",
        {"slug": "buurtkracht", "name": "Buurtkracht", "type": kind.pk, "description": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    organisation = OrganisationFactory._meta.model.objects.get(slug="buurtkracht")
    create = AuditRecord.objects.get(action="organisation.create")
    assert create.after["name"] == "Buurtkracht"
    response = admin_site_client.post(
        f"/beheer/core/organisation/{organisation.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    delete = AuditRecord.objects.get(action="organisation.delete")
    assert delete.object_id == str(organisation.pk)
    assert delete.before["name"] == "Buurtkracht"


@pytest.mark.django_db
def test_admin_role_change_of_a_person_goes_through_the_service(admin_site_client):
    person = UserFactory(roles=["initiator"], email="rol@example.org", full_name="Rob Rol")
    response = admin_site_client.post(
        f"/beheer/core/user/{person.pk}/change/",
        {
            "email": "rol@example.org",
            "full_name": "Rob Rol",
            "phone": "",
            "organisation": "",
            "preferred_language": "nl",
            "roles": [
                _role_pk("initiator"),
                _role_pk("administrator"),
            ],
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    person.refresh_from_db()
    assert person.is_staff
    record = AuditRecord.objects.get(action="user.roles_set", object_id=str(person.pk))
    assert record.before["roles"] == ["initiator"]
    assert record.after["roles"] == ["administrator", "initiator"]
    assert record.actor == admin_site_client.user
    assert not AuditRecord.objects.filter(action="user.update").exists()


@pytest.mark.django_db
def test_admin_personal_data_change_is_noted_without_values(admin_site_client):
    person = UserFactory(email="oud@example.org", full_name="Olga Oud")
    response = admin_site_client.post(
        f"/beheer/core/user/{person.pk}/change/",
        {
            "email": "nieuw@example.org",
            "full_name": "Olga Oud",
            "phone": "",
            "organisation": "",
            "preferred_language": "en",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    record = AuditRecord.objects.get(action="user.update")
    assert "email" in record.note
    assert record.after == {"preferred_language": "en"}
    text = str([record.before, record.after, record.note, record.object_repr])
    assert "oud@example.org" not in text and "nieuw@example.org" not in text


@pytest.mark.django_db
def test_admin_add_person_with_email_and_password(admin_site_client):
    response = admin_site_client.post(
        "/beheer/core/user/add/",
        {
            "email": "Nieuwe.Collega@Example.org",
            "full_name": "Nieuwe Collega",
            "usable_password": "true",
            "password1": "een-lang-wachtwoord-2024",
            "password2": "een-lang-wachtwoord-2024",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    person = User.objects.get(email="nieuwe.collega@example.org")
    assert person.check_password("een-lang-wachtwoord-2024")
    assert AuditRecord.objects.filter(action="user.create", object_id=str(person.pk)).exists()


@pytest.mark.django_db
def test_admin_has_no_delete_for_people_and_readonly_roles(admin_site_client):
    person = UserFactory()
    assert admin_site_client.get(f"/beheer/core/user/{person.pk}/delete/").status_code == 403
    assert admin_site_client.get("/beheer/core/role/").status_code == 200
    assert admin_site_client.get("/beheer/core/role/add/").status_code == 403


@pytest.mark.django_db
def test_admin_pages_render_for_administrators(admin_site_client):
    municipality = MunicipalityFactory(name="Oss")
    ThemeFactory()
    for url in (
        "/beheer/",
        "/beheer/core/province/",
        "/beheer/core/municipality/",
        f"/beheer/core/municipality/{municipality.code}/change/",
        "/beheer/core/district/",
        "/beheer/core/neighbourhood/",
        "/beheer/core/areastatistics/",
        "/beheer/core/areagroup/",
        "/beheer/core/areagroup/add/",
        "/beheer/core/theme/",
        "/beheer/core/resiliencefactor/",
        "/beheer/core/policyagenda/",
        "/beheer/core/organisationtype/",
        "/beheer/core/organisation/",
        "/beheer/core/user/",
        "/beheer/core/user/add/",
        "/beheer/core/role/",
        "/beheer/core/erasurerequest/",
        "/beheer/core/auditrecord/",
    ):
        assert admin_site_client.get(url).status_code == 200, url
    detail = admin_site_client.get(f"/beheer/core/municipality/{municipality.code}/change/")
    html = detail.content.decode()
    assert "Polygon with 5 points" in html
    assert '"coordinates"' not in html
    assert admin_site_client.get("/beheer/core/municipality/add/").status_code == 403


def _role_pk(code: str) -> int:
    from veerkracht.core.models import Role

    return Role.objects.get_or_create(code=code)[0].pk


@pytest.mark.django_db
def test_programme_staff_edit_vocabularies_in_the_admin_but_nothing_else(client):
    theme = ThemeFactory(name="Verbinding")
    client.force_login(UserFactory(roles=["programme_staff"]))

    assert client.get("/beheer/core/theme/").status_code == 200
    response = client.post(
        f"/beheer/core/theme/{theme.pk}/change/",
        {
            "slug": theme.slug,
            "name": "Verbinding (nieuw)",
            "name_en": "",
            "description": "",
            "position": 1,
            "active": "on",
        },
    )
    assert response.status_code == 302
    theme.refresh_from_db()
    assert theme.name == "Verbinding (nieuw)"
    record = AuditRecord.objects.filter(object_type="core.theme", object_id=str(theme.pk)).get()
    assert record.after["name"] == "Verbinding (nieuw)"
    # People and the audit trail stay with administrators.
    assert client.get("/beheer/core/user/").status_code == 403
    assert client.get("/beheer/core/auditrecord/").status_code == 403


@pytest.mark.django_db
def test_roles_without_admin_capability_cannot_enter_the_admin(client):
    client.force_login(UserFactory(roles=["contact_team"]))
    response = client.get("/beheer/core/theme/")
    assert response.status_code == 302
    assert "/beheer/login/" in response["Location"]


@pytest.mark.django_db
def test_admin_login_takes_the_email_in_any_case(client):
    UserFactory(email="beheer@example.org", roles=["administrator"])
    response = client.post(
        "/beheer/login/?next=/beheer/",
        {"username": "Beheer@Example.org", "password": "correct-horse-battery", "next": "/beheer/"},
    )
    assert response.status_code == 302
    assert client.get("/beheer/").status_code == 200
