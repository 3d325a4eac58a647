"""Veerkrachtdialogen API (/api/v1/monitor/dialogues): public summaries of dialogues with
what came up (coded by learning key) and the proposed actions. No personal data: the
facilitator is an organisation or role, and nobody who recorded a dialogue is shown."""

from datetime import date

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from ..models import DialogueAction, DialogueStatement
from ..selectors import dialogues as selectors

router = Router()
TAGS = ["Monitor"]


class StatementOut(Schema):
    text: str
    learning_key: str
    factor: str
    tone: str
    mentions: int


class ActionOut(Schema):
    description: str
    learning_key: str | None
    status: str


class DialogueOut(Schema):
    id: int
    date: date
    place: str
    level: str
    area_code: str
    participants: int
    facilitator: str
    summary: str
    synthetic: bool
    statements: list[StatementOut]
    actions: list[ActionOut]


class DialogueQuery(Schema):
    area: str | None = None


@router.get("/dialogues", response=list[DialogueOut], tags=TAGS, summary="Veerkrachtdialogen")
def list_dialogues(request: HttpRequest, filters: Query[DialogueQuery]):
    """Dialogues, newest first; `area` (CBS code) limits them to one area."""
    area = (filters.area or "").strip().upper()
    if area and not (area[:2] in {"PV", "GM", "WK", "BU"} and area[2:].isdigit()):
        raise HttpError(422, "area must be a CBS area code such as GM0794.")
    dialogues = selectors.dialogue_list(area_code=area or None).prefetch_related(
        Prefetch(
            "statements",
            queryset=DialogueStatement.objects.select_related("learning_key__factor"),
        ),
        Prefetch("actions", queryset=DialogueAction.objects.select_related("learning_key")),
    )
    return [
        {
            "id": dialogue.pk,
            "date": dialogue.date,
            "place": dialogue.place,
            "level": dialogue.level,
            "area_code": dialogue.area_code,
            "participants": dialogue.participants,
            "facilitator": dialogue.facilitator,
            "summary": dialogue.summary,
            "synthetic": dialogue.synthetic,
            "statements": [
                {
                    "text": statement.text,
                    "learning_key": statement.learning_key.code,
                    "factor": statement.learning_key.factor.slug,
                    "tone": statement.tone,
                    "mentions": statement.mentions,
                }
                for statement in dialogue.statements.all()
            ],
            "actions": [
                {
                    "description": action.description,
                    "learning_key": action.learning_key.code if action.learning_key else None,
                    "status": action.status,
                }
                for action in dialogue.actions.all()
            ],
        }
        for dialogue in dialogues
    ]
