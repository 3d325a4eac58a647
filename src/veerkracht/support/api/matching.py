"""Matching API (/api/v1/matching/...): ranked offers for a question, initiatives for an offer.

The response shapes are a contract other tools rely on; see docs/matching.md.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from veerkracht.core.models import Municipality, ResilienceFactor, Theme
from veerkracht.core.permissions import has_capability
from veerkracht.core.schemas import ErrorOut, ValidationErrorOut
from veerkracht.initiatives.models import SupportOffer

from ..matching import MAX_TEXT_CHARS, MatchQuery, match_offers
from ..matching.initiatives import match_initiatives
from ..models import Question
from ..selectors.matching import question_offer_matches

router = Router(tags=["Matching"])

# Limits of POST /matching/offers: whatever is over them is refused (422) before any
# database query or engine work, so a huge body costs no more than reading it (bodies
# over DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB, Django itself refuses with a 400).
MAX_LIMIT = 50
MAX_TEXT = MAX_TEXT_CHARS
MAX_SLUGS = 20  # distinct theme slugs, and distinct factor slugs; duplicates are ignored
MAX_SLUG_CHARS = 100
MAX_CODE_CHARS = 10


class MatchIn(Schema):
    text: str = Field(
        "",
        description=f"The question in free text (Dutch), at most {MAX_TEXT:,} characters.",
        json_schema_extra={"maxLength": MAX_TEXT},
    )
    themes: list[str] = Field(
        default_factory=list,
        description=(
            f"Theme slugs: at most {MAX_SLUGS} different ones (duplicates are ignored), "
            f"each at most {MAX_SLUG_CHARS} characters."
        ),
        json_schema_extra={"items": {"type": "string", "maxLength": MAX_SLUG_CHARS}},
    )
    factors: list[str] = Field(
        default_factory=list,
        description=(
            f"Resilience factor slugs: at most {MAX_SLUGS} different ones (duplicates are "
            f"ignored), each at most {MAX_SLUG_CHARS} characters."
        ),
        json_schema_extra={"items": {"type": "string", "maxLength": MAX_SLUG_CHARS}},
    )
    municipality: str | None = Field(
        None,
        description="CBS municipality code, e.g. GM0772.",
        json_schema_extra={"maxLength": MAX_CODE_CHARS},
    )
    limit: int = Field(
        10,
        description=f"How many results (1..{MAX_LIMIT}).",
        json_schema_extra={"minimum": 1, "maximum": MAX_LIMIT},
    )


class OfferRefOut(Schema):
    id: int
    title: str
    provider: str = Field(..., description="The provider's name.")
    kind: str


class OfferResultOut(Schema):
    offer: OfferRefOut
    score: float
    components: dict[str, float] = Field(..., description="Each score component, 0..1.")
    reason: str = Field(..., description="One-line reason in the active language.")


class OfferResultsOut(Schema):
    results: list[OfferResultOut]


class InitiativeRefOut(Schema):
    id: int
    slug: str
    name: str
    municipality: str | None


class InitiativeResultOut(Schema):
    initiative: InitiativeRefOut
    score: float
    components: dict[str, float]
    reason: str


class InitiativeResultsOut(Schema):
    results: list[InitiativeResultOut]


class _Invalid(Exception):
    def __init__(self, errors: list[dict[str, Any]]):
        self.errors = errors


def _error(field: str, message: str) -> dict[str, Any]:
    return {"loc": ["body", field], "msg": message, "type": "value_error"}


def _limit_error() -> dict[str, Any]:
    return _error("limit", f"limit must be between 1 and {MAX_LIMIT}")


def _size_errors(payload: MatchIn) -> list[dict[str, Any]]:
    """What is over a limit; checked first, without touching the database."""
    errors = []
    if len(payload.text) > MAX_TEXT:
        errors.append(
            _error(
                "text",
                f"the text is {len(payload.text):,} characters long; the limit is {MAX_TEXT:,}",
            )
        )
    for name, slugs in (("themes", payload.themes), ("factors", payload.factors)):
        if len(slugs) > MAX_SLUGS:
            errors.append(_error(name, f"{len(slugs):,} different slugs; the limit is {MAX_SLUGS}"))
        elif any(len(slug) > MAX_SLUG_CHARS for slug in slugs):
            errors.append(
                _error(name, f"a slug is longer than the limit of {MAX_SLUG_CHARS} characters")
            )
    if payload.municipality and len(payload.municipality) > MAX_CODE_CHARS:
        errors.append(
            _error("municipality", "not a CBS municipality code (GM and four digits, e.g. GM0772)")
        )
    if not 1 <= payload.limit <= MAX_LIMIT:
        errors.append(_limit_error())
    return errors


def _validate(payload: MatchIn) -> list[dict[str, Any]]:
    """Limits first (cheap); then unknown slugs and codes, and an empty query."""
    payload.themes = list(dict.fromkeys(payload.themes))
    payload.factors = list(dict.fromkeys(payload.factors))
    errors = _size_errors(payload)
    if errors:
        return errors
    unknown = sorted(set(payload.themes) - set(Theme.objects.values_list("slug", flat=True)))
    if unknown:
        errors.append(_error("themes", f"unknown theme slug(s): {', '.join(unknown)}"))
    unknown = sorted(
        set(payload.factors) - set(ResilienceFactor.objects.values_list("slug", flat=True))
    )
    if unknown:
        errors.append(_error("factors", f"unknown factor slug(s): {', '.join(unknown)}"))
    if payload.municipality and not Municipality.objects.filter(code=payload.municipality).exists():
        errors.append(_error("municipality", f"unknown municipality code {payload.municipality!r}"))
    if not payload.text.strip() and not payload.themes and not payload.factors:
        errors.append(_error("text", "give a text, or at least one theme or factor"))
    return errors


def _unprocessable(errors: list[dict[str, Any]]):
    detail = " ".join(f"Invalid '{e['loc'][-1]}': {e['msg']}." for e in errors)
    return Status(422, {"detail": detail, "errors": errors})


@router.post(
    "/matching/offers",
    response={200: OfferResultsOut, 422: ValidationErrorOut},
    summary="Rank support offers for a question",
)
def match_offers_post(request: HttpRequest, payload: MatchIn):
    """Hard filters (area served, dates, capacity), then the transparent score.

    Every result carries its score components (each 0..1) and a one-line reason.
    422 when a field is over its limit (text, themes, factors, municipality, limit),
    names an unknown slug or code, or when there is neither text nor a theme or factor.
    """
    errors = _validate(payload)
    if errors:
        return _unprocessable(errors)
    query = MatchQuery(
        text=payload.text,
        themes=payload.themes,
        factors=payload.factors,
        municipality=payload.municipality or None,
    )
    return {"results": [m.as_api() for m in match_offers(query, limit=payload.limit)]}


@router.get(
    "/matching/offers",
    response={200: OfferResultsOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Rank support offers for a stored question",
)
def match_offers_for_question(request: HttpRequest, question: int, limit: int = 10):
    """Public questions for anyone; other questions need the matching.use capability."""
    if not 1 <= limit <= MAX_LIMIT:
        return _unprocessable([_limit_error()])
    found = (
        Question.objects.select_related("initiative")
        .prefetch_related("themes", "factors", "initiative__themes")
        .filter(pk=question)
        .first()
    )
    if found is None:
        raise HttpError(404, f"No question {question}.")
    if not (found.public and found.initiative.published) and not has_capability(
        request.user, "matching.use"
    ):
        raise HttpError(403, "This question is not public; matching it needs matching.use.")
    return {"results": [m.as_api() for m in question_offer_matches(found, limit=limit)]}


@router.get(
    "/matching/initiatives",
    response={200: InitiativeResultsOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Initiatives that could use a support offer (staff)",
)
def match_initiatives_for_offer(request: HttpRequest, offer: str, limit: int = 10):
    if not has_capability(request.user, "matching.use"):
        raise HttpError(403, "Matching initiatives needs the matching.use capability.")
    if not 1 <= limit <= MAX_LIMIT:
        return _unprocessable([_limit_error()])
    found = SupportOffer.objects.filter(slug=offer).first()
    if found is None:
        raise HttpError(404, f"No support offer '{offer}'.")
    return {
        "results": [
            {
                "initiative": {
                    "id": m.initiative_id,
                    "slug": m.slug,
                    "name": m.name,
                    "municipality": m.municipality,
                },
                "score": m.score,
                "components": m.components,
                "reason": m.reason,
            }
            for m in match_initiatives(found, limit=limit)
        ]
    }
