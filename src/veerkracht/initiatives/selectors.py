"""Read queries for initiatives: one filter for map, list, API and exports; staff overviews."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from veerkracht.core.filters import QueryFilter
from veerkracht.core.models import (
    AreaGroup,
    Municipality,
    Organisation,
    PolicyAgenda,
    ResilienceFactor,
    Theme,
)
from veerkracht.core.privacy import Contact, contact_for

from .models import (
    ContactMoment,
    Initiative,
    IntakeState,
    MatchDecision,
    MatchMeeting,
    Phase,
    SupportNeed,
    SupportTrajectory,
    TimelineEvent,
)
from .permissions import delivers
from .workflows import OPEN_INTAKE, PIPELINE_ORDER

FOLLOW_UP_AFTER_DAYS = 90


# Lists and pages name an initiative's municipalities; their boundaries, the bulk of a
# row, are read only where a map draws them.
COVERED_MUNICIPALITIES = Prefetch("municipalities", queryset=Municipality.objects.defer("boundary"))


@dataclass(frozen=True)
class InitiativeFilter(QueryFilter):
    """The one filter behind the Initiatievenkaart, the list, the API and the exports.

    URL parameters (Dutch on pages, the same names in the API): thema, hulpbron,
    gemeente, regio, fase, opgave, q.
    """

    theme: str = ""
    factor: str = ""
    municipality: str = ""
    group: str = ""
    phase: str = ""
    agenda: str = ""
    q: str = ""

    PARAMS = {
        "theme": "thema",
        "factor": "hulpbron",
        "municipality": "gemeente",
        "group": "regio",
        "phase": "fase",
        "agenda": "opgave",
        "q": "q",
    }

    def validate(self) -> "InitiativeFilter":
        """Raise FilterError naming the parameter and value that match nothing."""
        if self.is_empty():
            return self
        self.check_exists(
            [
                ("theme", Theme.objects.filter(slug=self.theme)),
                ("factor", ResilienceFactor.objects.filter(slug=self.factor)),
                ("municipality", Municipality.objects.filter(code=self.municipality)),
                ("group", AreaGroup.objects.filter(slug=self.group)),
                ("agenda", PolicyAgenda.objects.filter(slug=self.agenda)),
            ]
        )
        self.check_choice("phase", Phase.values)
        self.check_text()
        return self


def initiatives_filtered(
    flt: InitiativeFilter, *, public: bool = True, base: QuerySet[Initiative] | None = None
) -> QuerySet[Initiative]:
    """Initiatives matching the filter; `public` keeps only those on the Initiatievenkaart."""
    qs = base if base is not None else Initiative.objects.all()
    if public:
        qs = qs.filter(published=True)
    if flt.theme:
        qs = qs.filter(themes__slug=flt.theme)
    if flt.factor:
        qs = qs.filter(factors__slug=flt.factor)
    if flt.agenda:
        qs = qs.filter(policy_agendas__slug=flt.agenda)
    if flt.phase:
        qs = qs.filter(phase=flt.phase)
    if flt.municipality:
        # Based there, or covering it: an indexed IN-subquery, not a correlated EXISTS.
        covering = Initiative.municipalities.through.objects.filter(
            municipality_id=flt.municipality
        ).values("initiative_id")
        qs = qs.filter(Q(municipality_id=flt.municipality) | Q(pk__in=covering))
    if flt.group:
        members = AreaGroup.municipalities.through.objects.filter(areagroup__slug=flt.group).values(
            "municipality_id"
        )
        qs = qs.filter(municipality_id__in=members)
    if flt.q:
        for word in flt.q.split()[:8]:
            qs = qs.filter(
                Q(name__icontains=word)
                | Q(summary__icontains=word)
                | Q(description__icontains=word)
                | Q(learning_questions__icontains=word)
            )
    return qs


def initiative_list_public(flt: InitiativeFilter) -> QuerySet[Initiative]:
    """Published initiatives for the list and API, with what a list row needs prefetched."""
    return (
        initiatives_filtered(flt)
        .select_related("municipality")
        .defer("municipality__boundary")
        .prefetch_related(
            Prefetch("themes", queryset=Theme.objects.order_by("position")),
            "factors",
            "policy_agendas",
        )
        .order_by("name", "pk")
    )


def initiative_get_public(*, slug: str) -> Initiative | None:
    return (
        Initiative.objects.filter(published=True, slug=slug)
        .select_related("municipality", "district")
        .defer("district__boundary")  # the page draws the municipality only
        .prefetch_related("themes", "factors", "policy_agendas", COVERED_MUNICIPALITIES)
        .first()
    )


def initiative_get_internal(*, pk: int) -> Initiative | None:
    return (
        Initiative.objects.filter(pk=pk)
        .select_related("municipality", "district", "owner", "initiator")
        .defer("municipality__boundary", "district__boundary")
        .prefetch_related("themes", "factors", "policy_agendas", COVERED_MUNICIPALITIES)
        .first()
    )


def initiative_timeline(*, initiative: Initiative) -> QuerySet[TimelineEvent]:
    return initiative.timeline.select_related("actor").order_by("-at", "-id")


def initiative_trajectories(*, initiative: Initiative) -> QuerySet[SupportTrajectory]:
    return initiative.trajectories.select_related("offer", "offer__provider", "delivered_by")


def initiatives_similar(*, name: str, municipality: str | None = None, limit: int = 5) -> list:
    """Existing initiatives with a similar name (in the same municipality when given).

    Similar: the names share a significant word, or one contains the other; ranked by
    how many words they share. Used to warn about duplicates on sign-up and scouting.
    """
    words = [w for w in _words(name) if len(w) >= 4]
    if not words:
        return []
    condition = Q()
    for word in words:
        condition |= Q(name__icontains=word)
    qs = Initiative.objects.filter(condition)
    if municipality:
        qs = qs.filter(municipality_id=municipality)
    candidates = list(qs.select_related("municipality").defer("municipality__boundary")[:200])
    target = set(_words(name))

    def score(initiative: Initiative) -> float:
        other = set(_words(initiative.name))
        return len(target & other) / max(len(target | other), 1)

    ranked = sorted(candidates, key=score, reverse=True)
    return [i for i in ranked if score(i) >= 0.34][:limit]


def _words(text: str) -> list[str]:
    cleaned = "".join(c.lower() if c.isalnum() else " " for c in text)
    stop = {"de", "het", "een", "van", "voor", "en", "in", "op", "stichting", "vereniging"}
    return [w for w in cleaned.split() if w not in stop]


# --- staff overviews ----------------------------------------------------------------------


def pipeline_summary() -> list[dict[str, Any]]:
    """Per intake state: how many initiatives, and how long they have waited (days)."""
    now = timezone.now()
    # Waiting since the last intake step (or since registration).
    rows = Initiative.objects.annotate(
        since=Max("timeline__at", filter=Q(timeline__kind=TimelineEvent.Kind.STATE))
    ).values("intake_state", "since", "created_at")
    buckets: dict[str, list[float]] = {state: [] for state in PIPELINE_ORDER}
    for row in rows:
        since = row["since"] or row["created_at"]
        buckets.setdefault(row["intake_state"], []).append((now - since).total_seconds() / 86400)
    summary = []
    for state in PIPELINE_ORDER:
        waits = sorted(buckets.get(state, []))
        summary.append(
            {
                "state": state,
                "label": IntakeState(state).label,
                "count": len(waits),
                "median_days": round(waits[len(waits) // 2]) if waits else None,
                "max_days": round(waits[-1]) if waits else None,
                "open": state in OPEN_INTAKE,
            }
        )
    return summary


def initiatives_for_owner(*, user) -> QuerySet[Initiative]:
    """'My initiatives': the ones this staff member follows, with their latest contact."""
    return (
        Initiative.objects.filter(owner=user)
        .select_related("municipality")
        .defer("municipality__boundary")
        .annotate(latest_contact=Max("contact_moments__at"))
        .order_by("name")
    )


def follow_ups_due(*, user=None, days: int = FOLLOW_UP_AFTER_DAYS) -> QuerySet[Initiative]:
    """Open initiatives without contact for `days` days (or never), optionally one owner's."""
    cutoff = timezone.now() - timedelta(days=days)
    qs = Initiative.objects.filter(intake_state__in=OPEN_INTAKE).annotate(
        latest_contact=Max("contact_moments__at")
    )
    qs = qs.filter(
        Q(latest_contact__lt=cutoff) | Q(latest_contact__isnull=True, created_at__lt=cutoff)
    )
    if user is not None:
        qs = qs.filter(owner=user)
    return (
        qs.select_related("municipality", "owner")
        .defer("municipality__boundary")
        .order_by("latest_contact", "created_at")
    )


def intake_queue() -> QuerySet[Initiative]:
    """The contact team's queue: signed up or scouted, not yet called."""
    return (
        Initiative.objects.filter(intake_state__in=[IntakeState.SIGNED_UP, IntakeState.SCOUTED])
        .select_related("municipality", "owner")
        .defer("municipality__boundary")
        .order_by("created_at")
    )


def agenda_candidates() -> QuerySet[Initiative]:
    """Initiatives whose intake is ready for the match team."""
    return (
        Initiative.objects.filter(
            intake_state__in=[IntakeState.VISITED, IntakeState.MORE_INFORMATION]
        )
        .select_related("municipality")
        .defer("municipality__boundary")
        .order_by("updated_at")
    )


def match_meeting_detail(*, meeting: MatchMeeting) -> list[dict[str, Any]]:
    """The agenda with, per item, the initiative's intake summary (latest visit report)."""
    items = list(
        meeting.items.select_related("initiative", "initiative__municipality", "decided_by")
        .defer("initiative__municipality__boundary")
        .prefetch_related(
            "initiative__themes",
            "initiative__factors",
            Prefetch(
                "initiative__contact_moments",
                queryset=ContactMoment.objects.order_by("-at").select_related("by"),
            ),
            Prefetch(
                "trajectories",
                queryset=SupportTrajectory.objects.select_related("offer", "delivered_by"),
            ),
            Prefetch("support_needs", queryset=SupportNeed.objects.all()),
        )
        .order_by("position")
    )
    result = []
    for item in items:
        moments = list(item.initiative.contact_moments.all())
        visit = next((m for m in moments if m.kind == ContactMoment.Kind.VISIT), None)
        result.append(
            {"item": item, "initiative": item.initiative, "visit": visit, "moments": moments}
        )
    return result


def match_meetings() -> QuerySet[MatchMeeting]:
    return MatchMeeting.objects.annotate(
        item_count=Count("items"), decided_count=Count("items", filter=~Q(items__outcome=""))
    ).order_by("-date")


def support_needs_open() -> QuerySet[SupportNeed]:
    return (
        SupportNeed.objects.filter(status=SupportNeed.Status.OPEN)
        .select_related("initiative", "decision__meeting")
        .order_by("created_at")
    )


def decision_history(*, initiative: Initiative) -> QuerySet[MatchDecision]:
    return initiative.match_decisions.select_related("meeting", "decided_by").order_by(
        "-meeting__date"
    )


# --- support providers and contact details ---------------------------------------------------


def trajectories_delivered_by(*, organisation: Organisation) -> QuerySet[SupportTrajectory]:
    """The trajectories an organisation delivers (as the offer's provider or named as the
    organisation delivering it), newest first."""
    return (
        SupportTrajectory.objects.filter(
            Q(delivered_by=organisation) | Q(offer__provider=organisation)
        )
        .select_related("initiative", "initiative__municipality", "offer", "delivered_by")
        .defer("initiative__municipality__boundary")
        .order_by("-created_at", "-pk")
    )


def trajectory_notes(*, trajectory: SupportTrajectory) -> QuerySet[TimelineEvent]:
    """The trajectory's entries in the initiative's timeline (steps, rating, progress notes)."""
    return trajectory.timeline.select_related("actor").order_by("-at", "-pk")


def initiative_contact(*, viewer: Any, initiative: Initiative) -> Contact:
    """The initiative's contact person as this viewer may see them (core.privacy): in
    clear for the team, for the organisations delivering a trajectory to it, and when
    the person made them public; otherwise (analysts) as a pseudonym."""
    allowed = initiative.contact_public or any(
        delivers(viewer, trajectory)
        for trajectory in initiative.trajectories.select_related("offer")
    )
    return contact_for(
        viewer,
        name=initiative.contact_name,
        email=initiative.contact_email,
        phone=initiative.contact_phone,
        allowed=allowed,
    )
