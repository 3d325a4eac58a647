"""Reference vocabularies, area groups and demo accounts are seeded idempotently."""

import json

import pytest
from django.core.management import call_command

from veerkracht.core.models import (
    AreaGroup,
    AuditRecord,
    Organisation,
    PolicyAgenda,
    ResilienceFactor,
    Role,
    Theme,
    User,
)
from veerkracht.core.services.demo import DEMO_PEOPLE, demo_accounts_create
from veerkracht.core.services.reference import REFERENCE_FILE, reference_load

from .factories import MunicipalityFactory, ProvinceFactory

pytestmark = pytest.mark.django_db

REFERENCE = json.loads(REFERENCE_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def m7_municipalities():
    province = ProvinceFactory(code="PV30", name="Noord-Brabant")
    m7 = next(g for g in REFERENCE["area_groups"] if g["slug"] == "m7")
    return [
        MunicipalityFactory(code=code, name=f"Gemeente {code}", province=province)
        for code in m7["municipalities"]
    ]


def test_reference_load_creates_the_documents_vocabularies(m7_municipalities):
    report = reference_load(actor=None)

    assert set(Theme.objects.values_list("name", flat=True)) == {
        "Verbinding",
        "Vertrouwen",
        "Gezondheid",
        "Sociaal ondernemen",
    }
    assert ResilienceFactor.objects.count() == len(REFERENCE["factors"])
    assert PolicyAgenda.objects.filter(slug="veerkrachtig-bestuur").exists()
    assert report.created["themes"] == 4
    # Every hulpbron has one of the four domains.
    domains = set(ResilienceFactor.objects.values_list("domain", flat=True))
    assert domains <= set(ResilienceFactor.Domain.values)


def test_area_groups_get_the_loaded_municipalities(m7_municipalities):
    report = reference_load(actor=None)

    m7 = AreaGroup.objects.get(slug="m7")
    assert set(m7.municipalities.values_list("code", flat=True)) == {
        m.code for m in m7_municipalities
    }
    # West-Brabant members that are not loaded are reported, not invented.
    assert any("west-brabant" in warning for warning in report.warnings)
    # Each municipality of the served province becomes an organisation of type gemeente.
    assert Organisation.objects.filter(type__slug="gemeente").count() == len(m7_municipalities)


def test_reference_load_is_idempotent_and_keeps_edits(m7_municipalities):
    reference_load(actor=None)
    theme = Theme.objects.get(slug="verbinding")
    theme.name = "Verbinding (aangepast)"
    theme.save()
    counts = {model: model.objects.count() for model in (Theme, ResilienceFactor, Organisation)}
    audit_count = AuditRecord.objects.count()

    report = reference_load(actor=None)

    assert report.total_created == 0
    assert {model: model.objects.count() for model in counts} == counts
    assert Theme.objects.get(slug="verbinding").name == "Verbinding (aangepast)"
    assert AuditRecord.objects.count() == audit_count  # nothing changed, nothing recorded


def test_reference_load_writes_an_audit_record(m7_municipalities):
    reference_load(actor=None)
    record = AuditRecord.objects.get(action="reference.load")
    assert record.actor is None
    assert record.after["created"]["themes"] == 4


def test_demo_accounts_one_per_role_passwords_once():
    first = demo_accounts_create()

    assert {a.role for a in first} == set(Role.Code.values) == set(DEMO_PEOPLE)
    assert all(a.password for a in first)
    for account in first:
        user = User.objects.get(email=account.email)
        assert user.check_password(account.password)
        assert list(user.roles.values_list("code", flat=True)) == [account.role]
    assert User.objects.get(email="administrator@example.org").is_staff

    second = demo_accounts_create()
    assert all(a.password is None for a in second)
    assert User.objects.count() == len(first)


def test_seed_demo_command_prints_passwords_only_the_first_time(capsys):
    call_command("seed_demo")
    first = capsys.readouterr().out
    call_command("seed_demo")
    second = capsys.readouterr().out

    assert "contact-team@example.org" in first
    assert "only this once" in first
    assert "@example.org" not in second
    assert "already existed" in second


def test_load_reference_command_reports_counts(m7_municipalities, capsys):
    call_command("load_reference")
    out = capsys.readouterr().out
    assert "themes: created 4" in out
    call_command("load_reference")
    assert "themes: created 0, already present 4" in capsys.readouterr().out
