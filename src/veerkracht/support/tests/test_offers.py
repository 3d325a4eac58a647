"""Support catalogue: services (who may do what, validation, audit) and selectors."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from veerkracht.core.filters import FilterError
from veerkracht.core.models import AuditRecord, Role
from veerkracht.core.tests.factories import (
    MunicipalityFactory,
    ResilienceFactorFactory,
    ThemeFactory,
    UserFactory,
)
from veerkracht.initiatives.models import Phase, SupportOffer
from veerkracht.support.selectors.offers import (
    OfferFilter,
    offer_get_public,
    offer_list_public,
    offers_for_curation,
    offers_for_provider,
)
from veerkracht.support.services.offers import (
    OfferData,
    OfferError,
    offer_create,
    offer_publish,
    offer_submit,
    offer_update,
    offer_withdraw,
)

from .factories import OfferFactory, ProviderFactory, ProviderUserFactory

pytestmark = pytest.mark.django_db

S = SupportOffer.Status


@pytest.fixture
def provider_user():
    return ProviderUserFactory()


@pytest.fixture
def curator():
    return UserFactory(roles=[Role.Code.PROGRAMME_STAFF])


def data(**kwargs) -> OfferData:
    values = {"title": "Coaching voor bestuurders", "kind": "coaching", "summary": "Kort."}
    values.update(kwargs)
    return OfferData(**values)


# --- services ---


def test_provider_creates_draft_for_own_organisation_and_audits(provider_user):
    theme = ThemeFactory()
    offer = offer_create(actor=provider_user, data=data(themes=(theme,), phases=("kort",)))
    assert offer.status == S.DRAFT
    assert offer.provider == provider_user.organisation
    assert list(offer.themes.all()) == [theme]
    assert offer.phases == ["kort"]
    record = AuditRecord.objects.get(action="support_offer.create", object_id=str(offer.pk))
    assert record.after["themes"] == [theme.slug]


def test_provider_cannot_create_for_another_organisation(provider_user):
    with pytest.raises(PermissionDenied):
        offer_create(actor=provider_user, data=data(), provider=ProviderFactory())


def test_provider_without_organisation_is_refused():
    user = UserFactory(roles=[Role.Code.SUPPORT_PROVIDER])
    with pytest.raises(PermissionDenied):
        offer_create(actor=user, data=data())


def test_other_roles_cannot_create():
    with pytest.raises(PermissionDenied):
        offer_create(actor=UserFactory(roles=[Role.Code.ANALYST]), data=data())


def test_curator_creates_for_any_provider(curator):
    provider = ProviderFactory()
    offer = offer_create(actor=curator, data=data(), provider=provider)
    assert offer.provider == provider


def test_curator_must_name_a_provider(curator):
    with pytest.raises(OfferError) as error:
        offer_create(actor=curator, data=data())
    assert "provider" in error.value.message_dict


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"title": " "}, "title"),
        ({"kind": "nonsense"}, "kind"),
        ({"service_area": "municipalities"}, "municipalities"),
        ({"cost": "paid"}, "cost_amount"),
        ({"cost": "contribution"}, "cost_amount"),
        ({"phases": ("later",)}, "phases"),
        (
            {
                "active_from": datetime.date(2026, 5, 1),
                "active_until": datetime.date(2026, 4, 1),
            },
            "active_until",
        ),
    ],
)
def test_validation_names_the_field(provider_user, values, field):
    with pytest.raises(OfferError) as error:
        offer_create(actor=provider_user, data=data(**values))
    assert field in error.value.message_dict
    assert not SupportOffer.objects.exists()


def test_paid_offer_with_amount_and_municipalities(provider_user):
    oss = MunicipalityFactory(code="GM0828", name="Oss")
    offer = offer_create(
        actor=provider_user,
        data=data(
            cost="paid",
            cost_amount=Decimal("250.00"),
            service_area="municipalities",
            municipalities=(oss,),
        ),
    )
    assert offer.cost_amount == Decimal("250.00")
    assert list(offer.municipalities.all()) == [oss]


def test_update_by_provider_sends_published_offer_back_to_curation(provider_user):
    offer = OfferFactory(provider=provider_user.organisation, status=S.PUBLISHED)
    updated = offer_update(actor=provider_user, offer=offer, data=data(title="Nieuwe titel"))
    assert updated.status == S.SUBMITTED
    assert updated.title == "Nieuwe titel"
    record = AuditRecord.objects.get(action="support_offer.update", object_id=str(offer.pk))
    assert record.before["title"] == offer.title
    assert record.after["title"] == "Nieuwe titel"


def test_update_by_curator_keeps_published(curator):
    offer = OfferFactory(status=S.PUBLISHED)
    updated = offer_update(actor=curator, offer=offer, data=data(title="Bijgewerkt"))
    assert updated.status == S.PUBLISHED


def test_provider_cannot_update_other_organisations_offer(provider_user):
    with pytest.raises(PermissionDenied):
        offer_update(actor=provider_user, offer=OfferFactory(), data=data())


def test_unchanged_update_writes_no_audit_record(curator):
    offer = OfferFactory(status=S.PUBLISHED, summary="Kort.", title="Coaching voor bestuurders")
    offer_update(actor=curator, offer=offer, data=OfferData.from_offer(offer))
    assert not AuditRecord.objects.filter(action="support_offer.update").exists()


def test_submit_publish_withdraw_flow(provider_user, curator):
    offer = offer_create(actor=provider_user, data=data())
    offer = offer_submit(actor=provider_user, offer=offer)
    assert offer.status == S.SUBMITTED
    with pytest.raises(PermissionDenied):
        offer_publish(actor=provider_user, offer=offer)
    offer = offer_publish(actor=curator, offer=offer, note="Goed beschreven")
    assert offer.status == S.PUBLISHED
    with pytest.raises(OfferError):
        offer_submit(actor=provider_user, offer=offer)
    offer = offer_withdraw(actor=curator, offer=offer)
    assert offer.status == S.WITHDRAWN
    actions = list(
        AuditRecord.objects.filter(object_id=str(offer.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "support_offer.create",
        "support_offer.submit",
        "support_offer.publish",
        "support_offer.withdraw",
    ]


def test_provider_cannot_withdraw(provider_user):
    offer = OfferFactory(provider=provider_user.organisation)
    with pytest.raises(PermissionDenied):
        offer_withdraw(actor=provider_user, offer=offer)


def test_submit_needs_a_description(provider_user):
    offer = OfferFactory(
        provider=provider_user.organisation, status=S.DRAFT, summary="", description=""
    )
    with pytest.raises(OfferError):
        offer_submit(actor=provider_user, offer=offer)


# --- selectors ---


def test_public_catalogue_only_current_published_active():
    today = timezone.localdate()
    shown = OfferFactory(title="Zichtbaar")
    OfferFactory(status=S.DRAFT)
    OfferFactory(status=S.SUBMITTED)
    OfferFactory(status=S.WITHDRAWN)
    OfferFactory(active=False)
    OfferFactory(active_from=today + datetime.timedelta(days=1))
    OfferFactory(active_until=today - datetime.timedelta(days=1))
    running = OfferFactory(
        title="Loopt nu",
        active_from=today - datetime.timedelta(days=1),
        active_until=today,
    )
    assert set(offer_list_public()) == {shown, running}
    assert offer_get_public(slug=shown.slug) == shown
    assert offer_get_public(slug=OfferFactory(status=S.DRAFT).slug) is None


def test_filters():
    theme, other_theme = ThemeFactory(), ThemeFactory()
    factor = ResilienceFactorFactory()
    oss = MunicipalityFactory(code="GM0828")
    tilburg = MunicipalityFactory(code="GM0855")
    everywhere = OfferFactory(kind="advice", themes=[theme], factors=[factor], phases=[])
    in_oss = OfferFactory(
        kind="training",
        service_area="municipalities",
        municipalities=[oss],
        themes=[other_theme],
        phases=["kort", "intensief"],
        description="Een cursus over subsidies aanvragen.",
    )
    in_tilburg = OfferFactory(
        kind="training", service_area="municipalities", municipalities=[tilburg], phases=["kort"]
    )

    def run(**kwargs):
        return set(offer_list_public(OfferFilter(**kwargs).validate()))

    assert run(kind="training") == {in_oss, in_tilburg}
    assert run(theme=theme.slug) == {everywhere}
    assert run(factor=factor.slug) == {everywhere}
    assert run(municipality="GM0828") == {everywhere, in_oss}
    assert run(phase="intensief") == {everywhere, in_oss}
    assert run(phase="verkenning") == {everywhere}
    assert run(q="SUBSIDIES") == {in_oss}


def test_filter_from_dutch_query_and_errors():
    flt = OfferFilter.from_query({"soort": "advice", "gemeente": "gm0828", "fase": "kort"})
    assert flt == OfferFilter(kind="advice", municipality="GM0828", phase="kort")
    assert flt.as_query() == {"soort": "advice", "gemeente": "GM0828", "fase": "kort"}
    for bad in ({"kind": "x"}, {"phase": "x"}, {"theme": "x"}, {"municipality": "GM0000"}):
        with pytest.raises(FilterError):
            OfferFilter(**bad).validate()
    with pytest.raises(FilterError):
        OfferFilter(q="x" * 201).validate()


def test_provider_and_curation_lists(provider_user):
    own = OfferFactory(provider=provider_user.organisation, status=S.DRAFT)
    OfferFactory()
    waiting = OfferFactory(status=S.SUBMITTED)
    assert list(offers_for_provider(provider_user.organisation)) == [own]
    assert list(offers_for_provider(None)) == []
    assert list(offers_for_curation()) == [waiting]
    assert set(offers_for_curation(status="")) == set(SupportOffer.objects.all())


def test_offer_data_round_trip():
    theme = ThemeFactory()
    offer = OfferFactory(themes=[theme], phases=[Phase.SHORT_SUPPORT])
    copy = OfferData.from_offer(offer)
    assert copy.title == offer.title
    assert copy.themes == (theme,)
    assert copy.phases == ("kort",)
