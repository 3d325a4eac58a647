"""Factories with fixed, neutral Dutch text, so that search tests find only what they mean.

SearchInitiativeFactory(name="Repair Café", description="…")
SearchOfferFactory(title="Training impact meten")
SearchQuestionFactory(title="…", public=True)
SearchThreadFactory(title="…", opening="first post")   # with its opening post
SearchArticleFactory(title="…", body="…")
"""

import factory
from django.utils.text import slugify

from veerkracht.core.tests.factories import OrganisationFactory
from veerkracht.initiatives.models import Initiative, IntakeState, Source, SupportOffer
from veerkracht.knowledge.models import Article
from veerkracht.support.models import ForumCategory, Post, Question, Thread, Visibility


class SearchInitiativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Initiative

    name = factory.Sequence(lambda n: f"Buurtinitiatief {n}")
    slug = factory.Sequence(lambda n: f"buurtinitiatief-{n}")
    summary = "Bewoners helpen elkaar."
    description = ""
    intake_state = IntakeState.FITS
    source = Source.SIGNUP
    published = True
    contact_name = "Jansen"
    contact_email = factory.Sequence(lambda n: f"contactpersoon{n}@example.org")


class SearchOfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportOffer

    title = factory.Sequence(lambda n: f"Aanbod {n}")
    slug = factory.Sequence(lambda n: f"aanbod-{n}")
    provider = factory.SubFactory(
        OrganisationFactory, name=factory.Sequence(lambda n: f"Organisatie {n}")
    )
    kind = SupportOffer.Kind.ADVICE
    summary = "Hulp voor initiatieven."
    description = ""
    status = SupportOffer.Status.PUBLISHED
    active = True
    contact_email = "aanbieder@example.org"


class SearchQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    initiative = factory.SubFactory(SearchInitiativeFactory)
    title = factory.Sequence(lambda n: f"Vraag {n}")
    text = ""
    public = True


class SearchCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ForumCategory
        django_get_or_create = ("slug",)

    name = "Hulpvragen"
    slug = "hulpvragen"


class SearchThreadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Thread
        skip_postgeneration_save = True

    category = factory.SubFactory(SearchCategoryFactory)
    kind = Thread.Kind.QUESTION
    title = factory.Sequence(lambda n: f"Onderwerp {n}")
    visibility = Visibility.PUBLISHED

    @factory.post_generation
    def opening(self, create, extracted, **kwargs):
        if create:
            Post.objects.create(
                thread=self, body=extracted or "Een eerste bericht.", visibility=self.visibility
            )


class SearchArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Artikel {n}")
    slug = factory.LazyAttributeSequence(lambda o, n: f"{slugify(o.title)[:80]}-{n}")
    summary = ""
    body = ""
    kind = Article.Kind.METHOD
    published = True
