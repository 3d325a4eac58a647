"""Read queries for questions: per initiative, the staff list and the public list."""

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When

from veerkracht.core.models import ResilienceFactor, Theme, User
from veerkracht.initiatives.models import Initiative

from ..models import Question


def _vocabularies(qs: QuerySet[Question]) -> QuerySet[Question]:
    return qs.prefetch_related(
        Prefetch("themes", queryset=Theme.objects.order_by("position", "name")),
        Prefetch("factors", queryset=ResilienceFactor.objects.order_by("position", "name")),
    )


def questions_for_initiative(initiative: Initiative) -> QuerySet[Question]:
    """Every question of one initiative, newest first (staff page, initiator's page)."""
    return _vocabularies(
        Question.objects.filter(initiative=initiative).select_related("entered_by")
    ).order_by("-created_at", "-pk")


def question_list_staff(*, status: str = "") -> QuerySet[Question]:
    """The staff list, optionally by status: urgent first, then oldest."""
    qs = Question.objects.select_related("initiative")
    if status:
        qs = qs.filter(status=status)
    urgency = Case(
        When(urgency=Question.Urgency.HIGH, then=Value(0)),
        When(urgency=Question.Urgency.NORMAL, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return _vocabularies(qs).order_by(urgency, "created_at", "pk")


def questions_public() -> QuerySet[Question]:
    """Questions their initiative made public, of initiatives on the Initiatievenkaart.

    Only public fields are loaded: no one who entered them, no internal notes.
    """
    return _vocabularies(
        Question.objects.filter(public=True, initiative__published=True)
        .exclude(status=Question.Status.CLOSED)
        .select_related("initiative")
        .only(
            "id",
            "kind",
            "title",
            "text",
            "status",
            "urgency",
            "answer",
            "created_at",
            "initiative__slug",
            "initiative__name",
        )
    ).order_by("-created_at", "-pk")


def initiatives_of_initiator(user: User) -> QuerySet[Initiative]:
    """The initiatives a person's initiator account belongs to."""
    if not getattr(user, "is_authenticated", False):
        return Initiative.objects.none()
    return (
        Initiative.objects.filter(initiator=user).only("slug", "name", "published").order_by("name")
    )
