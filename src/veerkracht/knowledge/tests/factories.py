"""factory_boy factories for the knowledge base (Faker nl_NL).

`ArticleFactory()` makes a published method article with one version (as the
services would); pass `published=False`, `tags=[...]`, `themes=[...]`, … as needed.
"""

import factory
from django.utils.text import slugify

from veerkracht.knowledge.models import Article, ArticleVersion, Tag

factory.Faker._DEFAULT_LOCALE = "nl_NL"


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"label {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Artikel {n}")
    slug = factory.LazyAttributeSequence(lambda o, n: f"{slugify(o.title)}-{n}")
    summary = factory.Faker("sentence", nb_words=8)
    body = factory.Faker("paragraph", nb_sentences=5)
    kind = Article.Kind.METHOD
    published = True
    current_version = 1

    @factory.post_generation
    def first_version(self, create, extracted, **kwargs):
        if create:
            ArticleVersion.objects.create(
                article=self, number=1, title=self.title, summary=self.summary, body=self.body
            )

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)

    @factory.post_generation
    def factors(self, create, extracted, **kwargs):
        if create and extracted:
            self.factors.set(extracted)

    @factory.post_generation
    def initiatives(self, create, extracted, **kwargs):
        if create and extracted:
            self.initiatives.set(extracted)

    @factory.post_generation
    def offers(self, create, extracted, **kwargs):
        if create and extracted:
            self.offers.set(extracted)
