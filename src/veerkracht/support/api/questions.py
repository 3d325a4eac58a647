"""Questions API (/api/v1/questions): the questions initiatives made public.

Only questions marked public, of initiatives on the Initiatievenkaart, not closed; no
personal data (not who entered them, no contact details).
"""

from datetime import datetime

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema

from veerkracht.core.api import api_page
from veerkracht.core.schemas import ErrorOut, ValidationErrorOut

from ..selectors.questions import questions_public

router = Router()

TAGS = ["Support"]
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class QuestionInitiativeOut(Schema):
    slug: str
    name: str
    url: str = Field(..., description="The initiative's public page.")


class PublicQuestionOut(Schema):
    id: int
    kind: str = Field(..., description="learning or help.")
    title: str
    text: str
    status: str = Field(..., description="open, helping or answered.")
    answer: str = Field(..., description="The answer or outcome, once answered.")
    themes: list[str] = Field(default_factory=list, description="Theme slugs.")
    factors: list[str] = Field(default_factory=list, description="Resilience factor slugs.")
    created_at: datetime
    initiative: QuestionInitiativeOut


class PublicQuestionPageOut(Schema):
    count: int
    page: int
    page_size: int
    next: str | None = None
    previous: str | None = None
    results: list[PublicQuestionOut]


@router.get(
    "/questions",
    response={200: PublicQuestionPageOut, 404: ErrorOut, 422: ValidationErrorOut},
    tags=TAGS,
    summary="List public questions of initiatives",
    description=(
        "Learning and help questions that initiatives chose to share, newest first, "
        "paginated. Without personal data."
    ),
)
def list_public_questions(
    request: HttpRequest,
    page: int = Query(1, ge=1, description="Page number, from 1."),
    page_size: int = Query(
        DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Results per page (at most 200)."
    ),
):
    qs = questions_public()
    envelope, page_items = api_page(request, qs, page=page, page_size=page_size)
    results = []
    for question in page_items:
        initiative = question.initiative
        results.append(
            {
                "id": question.pk,
                "kind": question.kind,
                "title": question.title,
                "text": question.text,
                "status": question.status,
                "answer": question.answer if question.status == "answered" else "",
                "themes": [t.slug for t in question.themes.all()],
                "factors": [f.slug for f in question.factors.all()],
                "created_at": question.created_at,
                "initiative": {
                    "slug": initiative.slug,
                    "name": initiative.name,
                    "url": request.build_absolute_uri(
                        reverse("initiatives:detail", kwargs={"slug": initiative.slug})
                    ),
                },
            }
        )
    return {
        **envelope,
        "results": results,
    }
