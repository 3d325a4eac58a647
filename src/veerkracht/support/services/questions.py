"""Questions of initiatives (leervragen, hulpvragen): ask, change, follow their status.

Who may do what:

- The initiative's initiator account (`Initiative.initiator`) asks and changes its own
  questions, and may close or reopen them.
- Staff with ``question.manage`` ask on the initiative's behalf (stored with
  ``on_behalf=True``), change any question and move its status.

Status: open → helping → answered → closed; a question can be closed from any status,
and a closed question can be reopened (→ open). Every change is audited.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from veerkracht.core.models import ResilienceFactor, Theme, User
from veerkracht.core.permissions import has_capability
from veerkracht.core.services.audit import audit_changes, audit_record, audit_snapshot
from veerkracht.initiatives.models import Initiative

from ..models import Question

Status = Question.Status

# status -> the statuses it may move to
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.OPEN: (Status.HELPING, Status.ANSWERED, Status.CLOSED),
    Status.HELPING: (Status.ANSWERED, Status.OPEN, Status.CLOSED),
    Status.ANSWERED: (Status.CLOSED, Status.HELPING),
    Status.CLOSED: (Status.OPEN,),
}
# What an initiator may do with the status of their own question.
INITIATOR_TARGETS = (Status.CLOSED, Status.OPEN)


class QuestionError(ValidationError):
    """Question data that is incomplete, or a status step not possible now."""


@dataclass
class QuestionData:
    title: str
    text: str = ""
    kind: str = Question.Kind.HELP
    urgency: str = Question.Urgency.NORMAL
    public: bool = False
    themes: tuple[Theme, ...] = ()
    factors: tuple[ResilienceFactor, ...] = ()

    SCALAR_FIELDS = ("title", "text", "kind", "urgency", "public")

    @classmethod
    def from_question(cls, question: Question) -> "QuestionData":
        return cls(
            **{name: getattr(question, name) for name in cls.SCALAR_FIELDS},
            themes=tuple(question.themes.all()),
            factors=tuple(question.factors.all()),
        )


def is_initiator(actor: object, initiative: Initiative) -> bool:
    return (
        getattr(actor, "is_authenticated", False)
        and initiative.initiator_id is not None
        and initiative.initiator_id == actor.pk
    )


def can_manage_questions(actor: object) -> bool:
    return has_capability(actor, "question.manage")


def can_ask(actor: object, initiative: Initiative) -> bool:
    return is_initiator(actor, initiative) or can_manage_questions(actor)


def _check_ask(actor: object, initiative: Initiative) -> None:
    if not can_ask(actor, initiative):
        raise PermissionDenied(_("Only the initiative itself or the team can do this."))


def _validate(data: QuestionData) -> None:
    errors: dict[str, list[str]] = {}
    if not data.title.strip():
        errors["title"] = [_("Write the question in one line.")]
    if data.kind not in Question.Kind.values:
        errors["kind"] = [_("Choose the kind of question.")]
    if data.urgency not in Question.Urgency.values:
        errors["urgency"] = [_("Choose the urgency.")]
    if errors:
        raise QuestionError(errors)


def question_snapshot(question: Question) -> dict:
    data = audit_snapshot(question)
    data.pop("updated_at", None)
    data["themes"] = sorted(question.themes.values_list("slug", flat=True))
    data["factors"] = sorted(question.factors.values_list("slug", flat=True))
    return data


def _save(question: Question, data: QuestionData) -> None:
    """Store the data on the question, with its themes and factors."""
    for name in QuestionData.SCALAR_FIELDS:
        setattr(question, name, getattr(data, name))
    question.title = data.title.strip()
    question.save()
    question.themes.set(data.themes)
    question.factors.set(data.factors)


def question_create(*, actor: User, initiative: Initiative, data: QuestionData) -> Question:
    """Ask a question for an initiative; by the team it is stored as asked on its behalf."""
    _check_ask(actor, initiative)
    _validate(data)
    with transaction.atomic():
        question = Question(
            initiative=initiative,
            on_behalf=not is_initiator(actor, initiative),
            entered_by=actor,
        )
        _save(question, data)
        audit_record(
            actor=actor, action="question.create", obj=question, after=question_snapshot(question)
        )
    return question


def question_update(*, actor: User, question: Question, data: QuestionData) -> Question:
    _check_ask(actor, question.initiative)
    _validate(data)
    with transaction.atomic():
        question = Question.objects.select_for_update().get(pk=question.pk)
        before = question_snapshot(question)
        _save(question, data)
        old, new = audit_changes(before, question_snapshot(question))
        if new is not None:
            audit_record(actor=actor, action="question.update", obj=question, before=old, after=new)
    return question


def question_status_set(
    *, actor: User, question: Question, status: str, answer: str | None = None, note: str = ""
) -> Question:
    """Move a question to another status (and record the answer or outcome)."""
    allowed = can_manage_questions(actor) or (
        is_initiator(actor, question.initiative) and status in INITIATOR_TARGETS
    )
    if not allowed:
        raise PermissionDenied(_("You do not have permission to do this."))
    with transaction.atomic():
        question = Question.objects.select_for_update().get(pk=question.pk)
        if status not in TRANSITIONS.get(question.status, ()):
            raise QuestionError(
                _("A question that is “%(from)s” cannot become “%(to)s”.")
                % {
                    "from": question.get_status_display(),
                    "to": Status(status).label if status in Status.values else status,
                }
            )
        _status_change(question, status=status, answer=answer, actor=actor, note=note)
    return question


def question_answer_accepted(*, actor: User, question_id: int, answer: str) -> None:
    """A forum answer to the question's thread was accepted (the forum checked who may):
    the question becomes answered, unless it cannot (already answered or closed). Runs
    inside the caller's transaction."""
    question = Question.objects.select_for_update().get(pk=question_id)
    if Status.ANSWERED in TRANSITIONS.get(question.status, ()):
        _status_change(
            question,
            status=Status.ANSWERED,
            answer=question.answer or answer,
            actor=actor,
            note="forum.answer_accept",
        )


def _status_change(
    question: Question, *, status: str, answer: str | None, actor: User, note: str
) -> None:
    before = {"status": question.status, "answer": question.answer}
    question.status = status
    if answer is not None:
        question.answer = answer
    question.save(update_fields=["status", "answer", "updated_at"])
    audit_record(
        actor=actor,
        action="question.status",
        obj=question,
        before=before,
        after={"status": question.status, "answer": question.answer},
        note=note,
    )
