"""Search API router: GET /api/v1/search — one Dutch search over everything public."""

from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from veerkracht.core.schemas import ErrorOut, ValidationErrorOut

from .models import Kind
from .selectors import MAX_LIMIT
from .selectors import search as search_index

router = Router()

TAGS = ["Search"]

KindName = Literal["initiative", "offer", "question", "thread", "article"]


class SearchParams(Schema):
    q: str = Field(
        ...,
        min_length=1,
        max_length=200,
        pattern=r"\S",
        description=(
            "The words to search for, in Dutch. All words must occur (stemmed, accents "
            'ignored); "two words" for a phrase, OR for either, -word to leave one out.'
        ),
        examples=["trainingen impact"],
    )
    kind: list[KindName] = Field(
        default_factory=list, description="Only these kinds (repeat the parameter)."
    )
    limit: int = Field(20, ge=1, le=MAX_LIMIT, description="Hits per page.")
    offset: int = Field(0, ge=0, le=10_000, description="Hits to skip.")
    prefix: bool = Field(
        False, description="Match the last word as a prefix (search while typing)."
    )


class HitOut(Schema):
    kind: KindName
    id: int = Field(..., description="The id of the item of that kind.")
    title: str
    snippet: str = Field(
        ..., description="HTML: escaped text around the first hit, words found in <mark>."
    )
    url: str = Field(..., description="The item's page; empty when it has none yet.")
    score: float = Field(
        ..., description="Relevance; higher is better. Not comparable across databases."
    )


class SearchOut(Schema):
    query: str
    suggestion: str | None = Field(
        None,
        description="The query with misspelt words corrected, if any were; the hits are for it.",
    )
    any_word: bool = Field(
        ..., description="No item had every word; the hits have at least one of them."
    )
    total: int = Field(..., description="Hits of the chosen kinds.")
    counts: dict[str, int] = Field(..., description="Hits per kind, whatever kinds were chosen.")
    limit: int
    offset: int
    results: list[HitOut]


@router.get(
    "/search",
    response={200: SearchOut, 422: ValidationErrorOut, 400: ErrorOut},
    tags=TAGS,
    summary="Search initiatives, offers, questions, threads and articles",
)
def search(request: HttpRequest, params: Query[SearchParams]):
    result = search_index(
        params.q,
        params.kind or None,
        limit=params.limit,
        offset=params.offset,
        prefix=params.prefix,
    )
    return {
        "query": result.query,
        "suggestion": result.suggestion or None,
        "any_word": result.any_word,
        "total": result.total,
        "counts": result.counts,
        "limit": result.limit,
        "offset": result.offset,
        "results": [
            {
                "kind": h.kind,
                "id": h.object_id,
                "title": h.title,
                "snippet": str(h.snippet),
                "url": h.url,
                "score": h.score,
            }
            for h in result.hits
        ],
    }


__all__ = ["Kind", "router"]
