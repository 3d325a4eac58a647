"""What of each kind of item is findable: one `Source` per kind.

Only what public pages show is indexed; contact details never are. An item that is not
public (an unpublished initiative, a draft offer, a private question, a hidden thread, an
unpublished article) has no source document, so it is removed from the index.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import Model, Prefetch, QuerySet
from django.urls import reverse

from veerkracht.initiatives.models import Initiative, SupportOffer
from veerkracht.knowledge.models import Article
from veerkracht.support.models import Post, Question, Thread, Visibility
from veerkracht.support.selectors.forum import thread_url
from veerkracht.support.selectors.offers import offers_current
from veerkracht.support.selectors.questions import questions_public

from .models import Kind


@dataclass(frozen=True)
class SourceDocument:
    kind: str
    object_id: int
    title: str
    body: str
    url: str


def _join(*parts: str) -> str:
    return "\n\n".join(p.strip() for p in parts if p and p.strip())


@dataclass(frozen=True)
class Source:
    public: Callable[[], QuerySet]
    document: Callable[[Model], SourceDocument]

    def documents(self, ids: list[int] | None = None) -> Iterator[SourceDocument]:
        qs = self.public()
        if ids is not None:
            qs = qs.filter(pk__in=ids)
        for obj in qs.order_by("pk").iterator(chunk_size=500):
            yield self.document(obj)


# --- initiatives -------------------------------------------------------------------------


def _public_initiatives() -> QuerySet:
    return (
        Initiative.objects.filter(published=True)
        .select_related("municipality")
        .prefetch_related("themes")
        .only(
            "id",
            "slug",
            "name",
            "summary",
            "description",
            "goals",
            "learning_questions",
            "municipality__name",
        )
    )


def _initiative_document(obj: Initiative) -> SourceDocument:
    themes = ", ".join(t.name for t in obj.themes.all())
    place = obj.municipality.name if obj.municipality_id else ""
    return SourceDocument(
        kind=Kind.INITIATIVE,
        object_id=obj.pk,
        title=obj.name,
        body=_join(obj.summary, obj.description, obj.goals, obj.learning_questions, place, themes),
        url=reverse("initiatives:detail", kwargs={"slug": obj.slug}),
    )


# --- support offers ----------------------------------------------------------------------


def _public_offers() -> QuerySet:
    return (
        offers_current()
        .select_related("provider")
        .prefetch_related("themes")
        .only("id", "slug", "title", "summary", "description", "provider__name")
    )


def _offer_document(obj: SupportOffer) -> SourceDocument:
    themes = ", ".join(t.name for t in obj.themes.all())
    return SourceDocument(
        kind=Kind.OFFER,
        object_id=obj.pk,
        title=obj.title,
        body=_join(obj.summary, obj.description, obj.provider.name, themes),
        url=reverse("support:offer_detail", kwargs={"slug": obj.slug}),
    )


# --- questions ---------------------------------------------------------------------------


def _public_questions() -> QuerySet:
    # The public list's questions, without the relations that list shows.
    return (
        questions_public().select_related(None).prefetch_related(None).only("id", "title", "text")
    )


def _question_document(obj: Question) -> SourceDocument:
    # Questions have no public page of their own (support:question_detail is for staff):
    # link to the public list, at the question.
    url = reverse("support:question_public_list") + f"#question-{obj.pk}"
    return SourceDocument(
        kind=Kind.QUESTION, object_id=obj.pk, title=obj.title, body=obj.text, url=url
    )


# --- forum threads -----------------------------------------------------------------------


def _public_threads() -> QuerySet:
    return (
        Thread.objects.filter(visibility=Visibility.PUBLISHED)
        .only("id", "title")
        .prefetch_related(
            Prefetch(
                "posts",
                queryset=Post.objects.filter(visibility=Visibility.PUBLISHED)
                .only("id", "thread_id", "body")
                .order_by("created_at", "pk"),
                to_attr="published_posts",
            )
        )
    )


def _thread_document(obj: Thread) -> SourceDocument:
    return SourceDocument(
        kind=Kind.THREAD,
        object_id=obj.pk,
        title=obj.title,
        body=_join(*(p.body for p in obj.published_posts)),
        url=thread_url(obj),
    )


# --- articles ----------------------------------------------------------------------------


def _public_articles() -> QuerySet:
    return (
        Article.objects.filter(published=True)
        .prefetch_related("tags")
        .only("id", "slug", "title", "summary", "body")
    )


def _article_document(obj: Article) -> SourceDocument:
    tags = ", ".join(t.name for t in obj.tags.all())
    return SourceDocument(
        kind=Kind.ARTICLE,
        object_id=obj.pk,
        title=obj.title,
        body=_join(obj.summary, obj.body, tags),
        url=reverse("knowledge:article_detail", kwargs={"slug": obj.slug}),
    )


SOURCES: dict[str, Source] = {
    Kind.INITIATIVE: Source(_public_initiatives, _initiative_document),
    Kind.OFFER: Source(_public_offers, _offer_document),
    Kind.QUESTION: Source(_public_questions, _question_document),
    Kind.THREAD: Source(_public_threads, _thread_document),
    Kind.ARTICLE: Source(_public_articles, _article_document),
}
