"""The intake and trajectory workflows, declared once.

The same declarations drive the services (which transitions are allowed, to whom),
the buttons on the staff pages (`available_transitions`) and the tests, which walk
every transition for every role.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from veerkracht.core.permissions import has_capability

from .models import IntakeState as S
from .models import TrajectoryState as T


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    capability: str
    label: Promise
    needs_note: bool = False
    # Transitions that happen as part of another use case (a contact moment, a
    # match decision, a trajectory start) are not offered as buttons of their own.
    manual: bool = True


@dataclass(frozen=True)
class Workflow:
    name: str
    transitions: tuple[Transition, ...]

    def get(self, name: str) -> Transition:
        for transition in self.transitions:
            if transition.name == name:
                return transition
        raise KeyError(f"{self.name}: no transition named {name!r}")

    def allowed_from(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if state in t.sources]

    def available(self, state: str, user) -> list[Transition]:
        """Transitions the user may take from this state (what the page offers)."""
        return [
            t for t in self.allowed_from(state) if t.manual and has_capability(user, t.capability)
        ]

    @property
    def states(self) -> set[str]:
        states: set[str] = set()
        for transition in self.transitions:
            states |= transition.sources | {transition.target}
        return states


OPEN_INTAKE = frozenset(
    {
        S.SIGNED_UP,
        S.SCOUTED,
        S.FIRST_CALL,
        S.VISIT_PLANNED,
        S.VISITED,
        S.ON_AGENDA,
        S.MORE_INFORMATION,
        S.FITS,
        S.IN_SUPPORT,
    }
)

INTAKE = Workflow(
    name="intake",
    transitions=(
        Transition(
            "record_first_call",
            frozenset({S.SIGNED_UP, S.SCOUTED}),
            S.FIRST_CALL,
            "intake.contact",
            _("Record the first call"),
            manual=False,
        ),
        Transition(
            "plan_visit",
            frozenset({S.FIRST_CALL, S.MORE_INFORMATION}),
            S.VISIT_PLANNED,
            "intake.contact",
            _("Plan a visit"),
        ),
        Transition(
            "record_visit",
            frozenset({S.VISIT_PLANNED}),
            S.VISITED,
            "intake.contact",
            _("Record the visit"),
            manual=False,
        ),
        Transition(
            "put_on_agenda",
            frozenset({S.FIRST_CALL, S.VISITED, S.MORE_INFORMATION}),
            S.ON_AGENDA,
            "agenda.add",
            _("Put on the match team agenda"),
            manual=False,
        ),
        Transition(
            "decide_fits",
            frozenset({S.ON_AGENDA}),
            S.FITS,
            "match.decide",
            _("Fits"),
            manual=False,
        ),
        Transition(
            "decide_does_not_fit",
            frozenset({S.ON_AGENDA}),
            S.DOES_NOT_FIT,
            "match.decide",
            _("Does not fit"),
            manual=False,
        ),
        Transition(
            "decide_more_information",
            frozenset({S.ON_AGENDA}),
            S.MORE_INFORMATION,
            "match.decide",
            _("More information needed"),
            manual=False,
        ),
        Transition(
            "start_support",
            frozenset({S.FITS}),
            S.IN_SUPPORT,
            "trajectory.manage",
            _("Support started"),
            manual=False,
        ),
        Transition(
            "close",
            frozenset({S.FITS, S.IN_SUPPORT, S.DOES_NOT_FIT}),
            S.CLOSED,
            "intake.contact",
            _("Close"),
            needs_note=True,
        ),
        Transition(
            "stop",
            OPEN_INTAKE,
            S.STOPPED,
            "initiative.edit",
            _("Stop"),
            needs_note=True,
        ),
        Transition(
            "reopen",
            frozenset({S.CLOSED, S.STOPPED, S.DOES_NOT_FIT}),
            S.FIRST_CALL,
            "intake.contact",
            _("Reopen"),
            needs_note=True,
        ),
    ),
)

TRAJECTORY = Workflow(
    name="trajectory",
    transitions=(
        Transition(
            "start",
            frozenset({T.PROPOSED}),
            T.STARTED,
            "trajectory.manage",
            _("Start"),
        ),
        Transition(
            "finish",
            frozenset({T.STARTED}),
            T.FINISHED,
            "trajectory.manage",
            _("Finish"),
        ),
        Transition(
            "break_off",
            frozenset({T.PROPOSED, T.STARTED}),
            T.BROKEN_OFF,
            "trajectory.manage",
            _("Break off"),
            needs_note=True,
        ),
    ),
)

# Intake states in pipeline order, for the pipeline overview.
PIPELINE_ORDER = [
    S.SIGNED_UP,
    S.SCOUTED,
    S.FIRST_CALL,
    S.VISIT_PLANNED,
    S.VISITED,
    S.ON_AGENDA,
    S.MORE_INFORMATION,
    S.FITS,
    S.IN_SUPPORT,
    S.DOES_NOT_FIT,
    S.CLOSED,
    S.STOPPED,
]
