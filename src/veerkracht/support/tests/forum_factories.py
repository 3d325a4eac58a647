"""factory_boy factories for the forum (Faker nl_NL).

MemberFactory()                 # an active initiator: posts are published at once
NewMemberFactory()              # an account without a role, made today (pre-moderated)
ModeratorFactory()              # contact team: holds forum.moderate
ForumCategoryFactory(premoderated=True)
ThreadFactory(kind="offer")     # a published thread with its opening post
PostFactory(thread=thread)      # a published reply
"""

import datetime

import factory
from django.utils import timezone

from veerkracht.core.models import Role
from veerkracht.core.tests.factories import UserFactory
from veerkracht.support.models import ForumCategory, Post, Thread, Visibility

factory.Faker._DEFAULT_LOCALE = "nl_NL"


def _with_roles(default: str):
    """A `roles` post-generation hook that gives `default` unless the test passes roles."""

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if not create:
            return
        codes = extracted if extracted is not None else [default]
        codes = [codes] if isinstance(codes, str) else list(codes)
        self.roles.set([Role.objects.get_or_create(code=code)[0] for code in codes])

    return roles


class MemberFactory(UserFactory):
    roles = _with_roles(Role.Code.INITIATOR)
    preferred_language = "nl"


class NewMemberFactory(UserFactory):
    """A fresh account with no role: its first post waits for a moderator."""


class ModeratorFactory(UserFactory):
    roles = _with_roles(Role.Code.CONTACT_TEAM)


class ForumCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ForumCategory
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Categorie {n}")
    slug = factory.Sequence(lambda n: f"categorie-{n}")
    description = "Vragen en aanbod van initiatieven."
    premoderated = False


class ThreadFactory(factory.django.DjangoModelFactory):
    """A thread with its opening post (same visibility, same author)."""

    class Meta:
        model = Thread
        skip_postgeneration_save = True

    category = factory.SubFactory(ForumCategoryFactory)
    kind = Thread.Kind.QUESTION
    title = factory.Sequence(lambda n: f"Hoe pakken jullie vrijwilligers werven aan? ({n})")
    author = factory.SubFactory(MemberFactory)
    visibility = Visibility.PUBLISHED
    created_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=2))
    last_activity_at = factory.SelfAttribute("created_at")

    @factory.post_generation
    def opening(self, create, extracted, **kwargs):
        if not create:
            return
        Post.objects.create(
            thread=self,
            author=self.author,
            body=extracted or "Wij zoeken ervaringen van andere initiatieven.",
            visibility=self.visibility,
            created_at=self.created_at,
        )

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    thread = factory.SubFactory(ThreadFactory)
    author = factory.SubFactory(MemberFactory)
    body = factory.Faker("paragraph")
    visibility = Visibility.PUBLISHED
    created_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
