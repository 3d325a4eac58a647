"""Knowledge base API router (/api/v1/articles): published articles only.

No names of authors or editors: the API is public.
"""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from veerkracht.core.api import api_page
from veerkracht.core.schemas import ErrorOut, ValidationErrorOut

from . import selectors
from .models import Article

router = Router()

TAGS = ["Knowledge base"]
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class LinkOut(Schema):
    slug: str
    name: str
    url: str | None = Field(None, description="Its public page, when it has one.")


class AttachmentOut(Schema):
    title: str
    url: str
    type: str = Field(..., description="File extension, e.g. pdf.")


class ArticleSummaryOut(Schema):
    slug: str
    title: str
    summary: str
    kind: str = Field(..., description="method, lesson, howto or case.")
    tags: list[str] = Field(default_factory=list, description="Tag slugs.")
    themes: list[str] = Field(default_factory=list, description="Theme slugs.")
    factors: list[str] = Field(default_factory=list, description="Resilience factor slugs.")
    version: int = Field(..., description="Number of the current version.")
    updated_at: str = Field(..., description="ISO 8601 date and time of the last change.")
    url: str = Field(..., description="The article's page.")


class ArticleOut(ArticleSummaryOut):
    body: str = Field(..., description="Plain text; an empty line separates paragraphs.")
    initiatives: list[LinkOut] = Field(
        default_factory=list, description="Linked published initiatives."
    )
    offers: list[LinkOut] = Field(default_factory=list, description="Linked published offers.")
    attachments: list[AttachmentOut] = Field(default_factory=list)


class ArticlePageOut(Schema):
    count: int
    page: int
    page_size: int
    next: str | None = None
    previous: str | None = None
    results: list[ArticleSummaryOut]


def _summary(request: HttpRequest, article: Article) -> dict[str, Any]:
    return {
        "slug": article.slug,
        "title": article.title,
        "summary": article.summary,
        "kind": article.kind,
        "tags": [t.slug for t in article.tags.all()],
        "themes": [t.slug for t in article.themes.all()],
        "factors": [f.slug for f in article.factors.all()],
        "version": article.current_version,
        "updated_at": article.updated_at.isoformat(),
        "url": request.build_absolute_uri(
            reverse("knowledge:article_detail", kwargs={"slug": article.slug})
        ),
    }


def _offer_url(request: HttpRequest, slug: str) -> str:
    return request.build_absolute_uri(reverse("support:offer_detail", args=[slug]))


@router.get(
    "/articles",
    response={200: ArticlePageOut, 404: ErrorOut, 422: ValidationErrorOut},
    tags=TAGS,
    summary="List published knowledge base articles",
    description="Published articles matching the filters, ordered by title, paginated.",
)
def list_articles(
    request: HttpRequest,
    kind: str | None = Query(None, description="method, lesson, howto or case."),
    tag: str | None = Query(None, description="Tag slug."),
    theme: str | None = Query(None, description="Theme slug.", example="verbinding"),
    factor: str | None = Query(None, description="Resilience factor slug."),
    q: str | None = Query(None, description="Text in title, summary or body."),
    page: int = Query(1, ge=1, description="Page number, from 1."),
    page_size: int = Query(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
):
    if kind and kind not in Article.Kind.values:
        raise HttpError(400, f"Unknown kind '{kind}'; use one of {', '.join(Article.Kind.values)}.")
    articles = selectors.article_list(
        kind=kind or "",
        tag=tag or "",
        theme=theme or "",
        factor=factor or "",
        q=(q or "")[:200],
    )
    envelope, page_items = api_page(request, articles, page=page, page_size=page_size)
    return {
        **envelope,
        "results": [_summary(request, a) for a in page_items],
    }


@router.get(
    "/articles/{slug}",
    response={200: ArticleOut, 404: ErrorOut},
    tags=TAGS,
    summary="Get a published knowledge base article",
    description="One published article by its slug (404 when unknown or not published).",
)
def get_article(request: HttpRequest, slug: str):
    article = selectors.article_get(slug=slug)
    if article is None:
        raise HttpError(404, f"No published article '{slug}'.")
    data = _summary(request, article)
    data["body"] = article.body
    data["initiatives"] = [
        {
            "slug": i.slug,
            "name": i.name,
            "url": request.build_absolute_uri(reverse("initiatives:detail", args=[i.slug])),
        }
        for i in article.public_initiatives
    ]
    data["offers"] = [
        {"slug": o.slug, "name": o.title, "url": _offer_url(request, o.slug)}
        for o in article.public_offers
    ]
    data["attachments"] = [
        {
            "title": a.title,
            "url": request.build_absolute_uri(
                reverse("knowledge:attachment_download", args=[article.slug, a.pk])
            ),
            "type": a.file.name.rsplit(".", 1)[-1].lower() if "." in a.file.name else "",
        }
        for a in article.attachments.all()
    ]
    return data
