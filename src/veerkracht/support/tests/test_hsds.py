"""HSDS 3.0 export of the catalogue: valid against the Open Referral schemas, stable ids."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from veerkracht.core.tests.factories import (
    MunicipalityFactory,
    ProvinceFactory,
    ResilienceFactorFactory,
    ThemeFactory,
)
from veerkracht.initiatives.models import SupportOffer
from veerkracht.support.hsds import catalogue_document, stable_id

from .factories import OfferFactory, ProviderFactory

pytestmark = pytest.mark.django_db

SCHEMA_DIR = Path(settings.BASE_DIR) / "data" / "standards" / "hsds" / "3.0"


def _registry() -> Registry:
    resources = []
    for path in SCHEMA_DIR.glob("*.json"):
        if path.name == "openapi.json":
            continue
        contents = json.loads(path.read_text())
        resources.append(
            (path.name, Resource.from_contents(contents, default_specification=DRAFT202012))
        )
    return Registry().with_resources(resources)


def _validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMA_DIR / name).read_text())
    return Draft202012Validator(schema, registry=_registry(), format_checker=FormatChecker())


@pytest.fixture
def catalogue():
    ProvinceFactory(code=settings.VEERKRACHT_PROVINCE, name="Noord-Brabant")
    theme = ThemeFactory(name="Verbinding", slug="verbinding")
    factor = ResilienceFactorFactory(name="Vertrouwen", slug="vertrouwen")
    oss = MunicipalityFactory(code="GM0828", name="Oss")
    provider = ProviderFactory(name="Stichting Voorbeeld", slug="stichting-voorbeeld")
    OfferFactory(
        slug="coaching",
        title="Coaching",
        provider=provider,
        kind="coaching",
        themes=[theme],
        factors=[factor],
        phases=["kort", "intensief"],
        cost="paid",
        cost_amount="125.50",
        cost_note="per dagdeel",
        capacity=3,
        contact_name="Team ondersteuning",
        contact_phone="073-1234567",
    )
    OfferFactory(
        slug="lokaal",
        title="Lokaal advies",
        provider=provider,
        service_area="municipalities",
        municipalities=[oss],
    )
    OfferFactory(slug="concept", status=SupportOffer.Status.DRAFT)
    return provider


def test_schemas_are_the_unchanged_copies():
    shared = Path("/work/shared/standards/hsds/3.0")
    if not shared.exists():
        pytest.skip("the shared standards folder is not available here")
    for path in shared.glob("*.json"):
        assert (SCHEMA_DIR / path.name).read_bytes() == path.read_bytes()


def test_every_organization_and_service_validates(catalogue):
    document = catalogue_document()
    organizations = document["organizations"]
    assert organizations, "the export is empty"
    org_validator = _validator("organization.json")
    service_validator = _validator("service.json")
    for organization in organizations:
        errors = list(org_validator.iter_errors(organization))
        assert not errors, [e.message for e in errors]
        for service in organization["services"]:
            errors = list(service_validator.iter_errors(service))
            assert not errors, [e.message for e in errors]


def test_a_broken_service_is_caught(catalogue):
    """The validation really runs: a service without its required status fails."""
    service = catalogue_document()["organizations"][0]["services"][0]
    del service["status"]
    service["id"] = "not-a-uuid"
    assert list(_validator("service.json").iter_errors(service))


def test_content_and_stable_ids(catalogue):
    document = catalogue_document()
    assert document["hsds_version"] == "3.0"
    [organization] = document["organizations"]
    assert organization["id"] == stable_id("organization", "stichting-voorbeeld")
    services = {s["name"]: s for s in organization["services"]}
    assert set(services) == {"Coaching", "Lokaal advies"}
    coaching = services["Coaching"]
    assert coaching["id"] == stable_id("service", "coaching")
    assert coaching["organization_id"] == organization["id"]
    assert coaching["cost_options"][0]["amount"] == 125.5
    assert coaching["cost_options"][0]["currency"] == "EUR"
    assert coaching["service_areas"][0]["name"] == "Noord-Brabant"
    assert coaching["contacts"][0]["phones"][0]["number"] == "073-1234567"
    codes = {(a["link_type"], a["value"]) for a in coaching["attributes"]}
    assert {
        ("veerkracht-soort", "coaching"),
        ("veerkracht-thema", "verbinding"),
        ("veerkracht-hulpbron", "vertrouwen"),
        ("veerkracht-fase", "kort"),
        ("veerkracht-fase", "intensief"),
    } <= codes
    lokaal = services["Lokaal advies"]
    assert [a["extent"] for a in lokaal["service_areas"]] == ["GM0828"]
    # The same input gives the same ids.
    assert catalogue_document()["organizations"][0]["id"] == organization["id"]


def test_hsds_endpoint(client, catalogue):
    response = client.get("/api/v1/offers/hsds")
    assert response.status_code == 200
    body = response.json()
    assert [o["name"] for o in body["organizations"]] == ["Stichting Voorbeeld"]
    download = client.get("/api/v1/offers/hsds", {"download": "1"})
    assert "attachment" in download["Content-Disposition"]
    filtered = client.get("/api/v1/offers/hsds", {"gemeente": "GM0828", "soort": "advice"})
    names = [s["name"] for o in filtered.json()["organizations"] for s in o["services"]]
    assert names == ["Lokaal advies"]
    assert client.get("/api/v1/offers/hsds", {"soort": "onbekend"}).status_code == 400
