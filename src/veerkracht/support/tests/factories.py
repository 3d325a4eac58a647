"""factory_boy factories for the support app (Faker nl_NL).

Other helpers may ADD factories below; keep the existing ones unchanged.

    ProviderFactory()                       # an Organisation that provides support
    OfferFactory()                          # a published, active, province-wide, free offer
    OfferFactory(status="draft", provider=org, themes=[theme], factors=[factor])
    QuestionFactory(initiative=initiative, public=True)
"""

import factory
from django.utils.text import slugify

from veerkracht.core.models import Role
from veerkracht.core.tests.factories import OrganisationFactory, UserFactory
from veerkracht.initiatives.models import SupportOffer
from veerkracht.initiatives.tests.factories import InitiativeFactory
from veerkracht.support.models import Question

factory.Faker._DEFAULT_LOCALE = "nl_NL"


class ProviderFactory(OrganisationFactory):
    """An organisation that offers support (a provider in the catalogue)."""

    name = factory.Sequence(lambda n: f"Aanbieder {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name)[:80])
    website = "https://aanbieder.example.org/"


class ProviderUserFactory(UserFactory):
    """A user with role support_provider working for a provider organisation."""

    organisation = factory.SubFactory(ProviderFactory)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create:
            codes = extracted or [Role.Code.SUPPORT_PROVIDER]
            self.roles.set([Role.objects.get_or_create(code=code)[0] for code in codes])


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportOffer
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Aanbod {n}")
    slug = factory.LazyAttributeSequence(lambda o, n: f"{slugify(o.title)[:100]}-{n}")
    provider = factory.SubFactory(ProviderFactory)
    kind = SupportOffer.Kind.ADVICE
    summary = factory.Faker("sentence", nb_words=8)
    description = factory.Faker("paragraph")
    service_area = SupportOffer.ServiceArea.PROVINCE
    cost = SupportOffer.Cost.FREE
    status = SupportOffer.Status.PUBLISHED
    active = True
    contact_email = "info@aanbieder.example.org"
    website = "https://aanbieder.example.org/aanbod"

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)

    @factory.post_generation
    def factors(self, create, extracted, **kwargs):
        if create and extracted:
            self.factors.set(extracted)

    @factory.post_generation
    def municipalities(self, create, extracted, **kwargs):
        if create and extracted:
            self.municipalities.set(extracted)


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question
        skip_postgeneration_save = True

    initiative = factory.SubFactory(InitiativeFactory)
    kind = Question.Kind.HELP
    title = factory.Sequence(lambda n: f"Hoe pakken we vraag {n} aan?")
    text = factory.Faker("paragraph")
    status = Question.Status.OPEN
    public = False

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)

    @factory.post_generation
    def factors(self, create, extracted, **kwargs):
        if create and extracted:
            self.factors.set(extracted)
