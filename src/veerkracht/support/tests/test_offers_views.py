"""Support catalogue pages: public catalogue and detail, provider pages, curation."""

import pytest
from django.conf import settings
from django.urls import reverse

from veerkracht.core.models import AuditRecord, Role
from veerkracht.core.tests.factories import (
    MunicipalityFactory,
    ResilienceFactorFactory,
    ThemeFactory,
    UserFactory,
)
from veerkracht.initiatives.models import SupportOffer
from veerkracht.knowledge.models import Article

from .factories import OfferFactory, ProviderUserFactory

pytestmark = pytest.mark.django_db

S = SupportOffer.Status
LIST_URL = "/ondersteuning/"


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_urls():
    assert reverse("support:offer_list") == LIST_URL
    assert reverse("support:offer_detail", args=["x"]) == "/ondersteuning/x/"
    assert reverse("support:provider_offers") == "/ondersteuning/mijn-aanbod/"
    assert reverse("support:curation") == "/ondersteuning/beheer/"
    assert reverse("api-v1:offers_hsds") == "/api/v1/offers/hsds"


def test_catalogue_lists_published_offers_with_count(client):
    theme = ThemeFactory(name="Verbinding", slug="verbinding")
    shown = OfferFactory(title="Zichtbaar aanbod", themes=[theme])
    hidden = OfferFactory(title="Concept", status=S.DRAFT)
    response = client.get(LIST_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/ondersteuning/{shown.slug}/"' in html
    assert hidden.slug not in html
    assert 'data-count="1"' in html
    assert 'data-testid="hsds-download"' in html


def test_catalogue_filters_with_dutch_params(client):
    factor = ResilienceFactorFactory(slug="vertrouwen")
    MunicipalityFactory(code="GM0828", province__code=settings.VEERKRACHT_PROVINCE)
    wanted = OfferFactory(kind="training", factors=[factor], phases=["kort"])
    OfferFactory(kind="advice", factors=[factor])
    response = client.get(
        LIST_URL,
        {"soort": "training", "hulpbron": "vertrouwen", "gemeente": "GM0828", "fase": "kort"},
    )
    assert response.status_code == 200
    assert [o.pk for o in response.context["page"].object_list] == [wanted.pk]


def test_catalogue_unknown_filter_value_is_400(client):
    response = client.get(LIST_URL, {"thema": "bestaat-niet"})
    assert response.status_code == 400
    assert response.context["page"] is None


def test_catalogue_query_count_does_not_grow(client, django_assert_max_num_queries):
    theme, factor = ThemeFactory(), ResilienceFactorFactory()
    for _ in range(25):
        OfferFactory(themes=[theme], factors=[factor])
    with django_assert_max_num_queries(10):
        response = client.get(LIST_URL)
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 20
    response = client.get(LIST_URL, {"pagina": 2})
    assert len(response.context["page"].object_list) == 5


def test_detail_page_shows_facts_and_linked_articles(client):
    oss = MunicipalityFactory(code="GM0828", name="Oss")
    offer = OfferFactory(
        title="Training fondsenwerving",
        kind="training",
        service_area="municipalities",
        municipalities=[oss],
        cost="contribution",
        cost_amount="50.00",
        phases=["kort"],
        capacity=4,
        contact_email="team@aanbieder.example.org",
    )
    article = Article.objects.create(
        slug="fondsen", title="Fondsen vinden", kind="howto", published=True
    )
    article.offers.add(offer)
    draft_article = Article.objects.create(slug="concept", title="Nog niet af", kind="howto")
    draft_article.offers.add(offer)
    response = english(client).get(reverse("support:offer_detail", args=[offer.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert offer.provider.name in html
    assert 'data-kind="training"' in html
    assert 'data-area="municipalities"' in html and "Oss" in html
    assert 'data-cost="contribution"' in html and "50.00" in html
    assert "team@aanbieder.example.org" in html
    assert "Fondsen vinden" in html
    assert "Nog niet af" not in html


def test_detail_of_unpublished_offer_is_404(client):
    offer = OfferFactory(status=S.SUBMITTED)
    assert client.get(reverse("support:offer_detail", args=[offer.slug])).status_code == 404


def test_reserved_names_are_not_offers(client):
    OfferFactory(slug="vragen")
    # /ondersteuning/vragen/ belongs to the questions pages, never to an offer.
    from django.urls import resolve

    assert resolve("/ondersteuning/vragen/").url_name != "offer_detail"
    assert resolve("/ondersteuning/beheer/").url_name == "curation"


# --- provider pages ---


def test_provider_pages_require_login_and_role(client):
    assert client.get("/ondersteuning/mijn-aanbod/").status_code == 302
    client.force_login(UserFactory(roles=[Role.Code.ANALYST]))
    assert client.get("/ondersteuning/mijn-aanbod/").status_code == 403


def test_provider_creates_edits_and_submits(client):
    user = ProviderUserFactory()
    theme = ThemeFactory()
    client.force_login(user)
    english(client)
    response = client.get(reverse("support:offer_new"))
    assert response.status_code == 200
    assert 'name="provider"' not in response.content.decode()
    response = client.post(
        reverse("support:offer_new"),
        {
            "title": "Hulp bij de begroting",
            "kind": "advice",
            "summary": "We rekenen mee.",
            "themes": [theme.slug],
            "phases": ["verkenning"],
            "service_area": "province",
            "cost": "free",
            "capacity_period": "quarter",
        },
    )
    offer = SupportOffer.objects.get(title="Hulp bij de begroting")
    assert response.status_code == 302
    assert response.url == reverse("support:offer_edit", args=[offer.slug])
    assert offer.provider == user.organisation and offer.status == S.DRAFT
    assert list(offer.themes.all()) == [theme]

    listing = client.get(reverse("support:provider_offers")).content.decode()
    assert f'data-offer="{offer.slug}"' in listing

    client.post(reverse("support:offer_submit", args=[offer.slug]))
    offer.refresh_from_db()
    assert offer.status == S.SUBMITTED


def test_provider_form_shows_service_errors_on_fields(client):
    client.force_login(ProviderUserFactory())
    response = client.post(
        reverse("support:offer_new"),
        {
            "title": "Betaald",
            "kind": "advice",
            "service_area": "municipalities",
            "cost": "paid",
            "capacity_period": "quarter",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "municipalities" in form.errors and "cost_amount" in form.errors
    assert not SupportOffer.objects.exists()


def test_provider_cannot_edit_other_organisations_offer(client):
    client.force_login(ProviderUserFactory())
    offer = OfferFactory()
    assert client.get(reverse("support:offer_edit", args=[offer.slug])).status_code == 403
    assert client.post(reverse("support:offer_submit", args=[offer.slug])).status_code == 403


# --- curation ---


def test_curation_queue_publish_and_withdraw(client):
    curator = UserFactory(roles=[Role.Code.MATCH_TEAM])
    waiting = OfferFactory(status=S.SUBMITTED, title="Wacht op goedkeuring")
    OfferFactory(status=S.PUBLISHED, title="Al gepubliceerd")
    client.force_login(curator)
    response = client.get(reverse("support:curation"))
    assert response.status_code == 200
    assert [o.pk for o in response.context["page"].object_list] == [waiting.pk]
    response = client.get(reverse("support:curation"), {"status": ""})
    assert response.context["page"].paginator.count == 2

    response = client.post(reverse("support:offer_publish", args=[waiting.slug]), {"note": "ok"})
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == S.PUBLISHED
    assert AuditRecord.objects.get(action="support_offer.publish").note == "ok"

    client.post(reverse("support:offer_withdraw", args=[waiting.slug]))
    waiting.refresh_from_db()
    assert waiting.status == S.WITHDRAWN

    # Withdrawing twice is refused with a message, not an error page.
    response = client.post(reverse("support:offer_withdraw", args=[waiting.slug]))
    assert response.status_code == 302


def test_curator_edits_any_offer_and_sees_provider_field(client):
    client.force_login(UserFactory(roles=[Role.Code.PROGRAMME_STAFF]))
    offer = OfferFactory(status=S.PUBLISHED)
    response = client.get(reverse("support:offer_edit", args=[offer.slug]))
    assert response.status_code == 200
    assert 'name="provider"' in response.content.decode()


def test_curation_needs_capability(client):
    client.force_login(ProviderUserFactory())
    assert client.get(reverse("support:curation")).status_code == 403
    offer = OfferFactory(status=S.SUBMITTED)
    assert client.post(reverse("support:offer_publish", args=[offer.slug])).status_code == 403


# --- admin ---


def test_admin_for_curators_is_audited(client):
    curator = UserFactory(roles=[Role.Code.PROGRAMME_STAFF])
    offer = OfferFactory(title="Oude titel")
    client.force_login(curator)
    assert client.get("/beheer/initiatives/supportoffer/").status_code == 200
    url = f"/beheer/initiatives/supportoffer/{offer.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and not isinstance(value, list)
    }
    data.update(
        title="Nieuwe titel",
        provider=offer.provider_id,
        phases="[]",
        active="on",
        capacity="",
        cost_amount="",
        active_from="",
        active_until="",
        created_at_0="",
    )
    data.pop("created_at", None)
    data.pop("updated_at", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    offer.refresh_from_db()
    assert offer.title == "Nieuwe titel"
    assert AuditRecord.objects.filter(action="support_offer.update", note="admin").exists()


def test_admin_closed_to_providers(client):
    client.force_login(ProviderUserFactory())
    assert client.get("/beheer/initiatives/supportoffer/").status_code in (302, 403)
    assert client.get("/beheer/support/question/").status_code in (302, 403)
