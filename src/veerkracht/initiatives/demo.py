"""Demo data: the support offers and the initiatives of the programme documents.

`reference/demo_initiatives.json` describes each initiative and its history (way in,
calls, visits, match team decisions, support needs, trajectories, closing or stopping)
in the programme's own order of events. `demo_initiatives_seed()` replays that history
through the services, as the demo accounts of `core` (contact team, match team,
programme staff), so that timelines, decisions and the audit trail are real. All
steps of all initiatives are merged into one chronology, so that the weekly match
team meetings handle several initiatives each.

The services stamp a step with the current time unless they take a date (contact
moments take `at`, trajectories `on`). To let the timeline read as the documents tell
it, the seeder afterwards dates the timeline entries, decisions and support needs a
step created to the step's date. The audit trail is left as it is: it records truthfully
that the seed ran now.

Idempotent: an initiative whose name exists is left alone, and offers are created
only when missing (by slug). Each initiative in the file has a `key`, used only here and
in its example contact address. Contact persons are invented examples at example.org.
"""

import json
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.test.utils import override_settings
from django.utils import timezone, translation

from veerkracht.core.geo import locate
from veerkracht.core.models import (
    Municipality,
    Organisation,
    PolicyAgenda,
    ResilienceFactor,
    Role,
    Theme,
    User,
)
from veerkracht.core.services.demo import DemoAccount, demo_accounts_create, demo_email

from . import services
from .models import (
    ContactMoment,
    Initiative,
    MatchDecision,
    MatchMeeting,
    SupportNeed,
    SupportOffer,
    SupportTrajectory,
    TimelineEvent,
    TrajectoryState,
)

DEMO_FILE = Path(__file__).resolve().parent / "reference" / "demo_initiatives.json"
TZ = ZoneInfo("Europe/Amsterdam")

# Time of day per kind of step, so that a day's steps read in a sensible order.
STEP_TIMES = {
    "way_in": time(9, 0),
    "confirm": time(9, 30),
    "call": time(10, 30),
    "contact": time(11, 0),
    "plan_visit": time(11, 30),
    "visit": time(14, 0),
    "match": time(10, 0),
    "decide_need": time(15, 0),
    "propose": time(12, 0),
    "start": time(12, 15),
    "finish": time(16, 0),
    "break_off": time(16, 0),
    "note": time(16, 30),
    "close": time(17, 0),
    "stop": time(17, 0),
}

COUNTED = {
    "offers": SupportOffer,
    "initiatives": Initiative,
    "contact_moments": ContactMoment,
    "match_meetings": MatchMeeting,
    "match_decisions": MatchDecision,
    "support_needs": SupportNeed,
    "trajectories": SupportTrajectory,
    "timeline_events": TimelineEvent,
}


class DemoError(Exception):
    """The demo cannot be built (reference data or areas missing, or the file is wrong)."""


@dataclass
class DemoReport:
    created: dict[str, int] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    accounts: list[DemoAccount] = field(default_factory=list)

    @property
    def total_created(self) -> int:
        return sum(self.created.values())


@dataclass
class _Actors:
    contact: User
    match: User
    programme: User
    initiator: User


@dataclass(order=True)
class _Event:
    at: datetime
    order: int
    kind: str = field(compare=False)
    payload: Any = field(compare=False, default=None)


# --- entry point --------------------------------------------------------------------------


def demo_initiatives_seed(*, path: Path = DEMO_FILE) -> DemoReport:
    """Create the demo offers and initiatives that are missing; report the counts."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    report = DemoReport()
    # Timeline titles are stored text: write them in the site's language.
    with (
        translation.override(settings.LANGUAGE_CODE),
        _demo_mail_suppressed(),
        transaction.atomic(),
    ):
        _check_reference(data)
        before = {name: model.objects.count() for name, model in COUNTED.items()}
        report.accounts = [a for a in demo_accounts_create() if a.password]
        actors = _actors()
        offers = _offers_create(data["offers"])
        Seeder(actors=actors, offers=offers, report=report).run(data["initiatives"])
    report.totals = {name: model.objects.count() for name, model in COUNTED.items()}
    report.created = {name: report.totals[name] - before[name] for name in COUNTED}
    return report


@contextmanager
def _demo_mail_suppressed() -> Iterator[None]:
    """The demo sign-ups' confirmation e-mails (to example.org) are not sent.

    The services send them when the transaction commits. Seeding on its own (the
    command) commits inside this block. Inside a caller's transaction (tests) the
    e-mails go out at the caller's commit, so the quiet backend is switched on and off
    around them there, by commit callbacks registered before and after the sign-ups.
    With a task queue (RQ) the demo is not meant to be loaded: it is for `make run`.
    """
    quiet = override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
    if not transaction.get_connection().in_atomic_block:
        with quiet:
            yield
        return
    transaction.on_commit(quiet.enable)
    try:
        yield
    finally:
        transaction.on_commit(quiet.disable)


def _check_reference(data: dict[str, Any]) -> None:
    needed = {
        "themes": (Theme, set()),
        "resilience factors": (ResilienceFactor, set()),
        "policy agendas": (PolicyAgenda, set()),
        "municipalities": (Municipality, set()),
        "organisations": (Organisation, set()),
    }
    for offer in data["offers"]:
        needed["organisations"][1].add(offer["provider"])
    for item in data["initiatives"]:
        needed["themes"][1].update(item["themes"])
        needed["resilience factors"][1].update(item["factors"])
        needed["policy agendas"][1].update(item["policy_agendas"])
        needed["municipalities"][1].update([item["municipality"], *item["municipalities"]])
        for step in item["history"]:
            needed["resilience factors"][1].update(step.get("factors", []))
    problems = []
    for label, (model, keys) in needed.items():
        key = "code" if model is Municipality else "slug"
        known = set(model.objects.filter(**{f"{key}__in": keys}).values_list(key, flat=True))
        missing = sorted(keys - known)
        if missing:
            problems.append(f"{label}: {', '.join(missing)}")
    if problems:
        raise DemoError(
            "Load the reference data and the CBS areas first (manage.py import_cbs_areas "
            "data/cbs-gemeenten-2023.geojson; manage.py load_reference). Missing "
            + "; ".join(problems)
        )


def _actors() -> _Actors:
    def user(role: str) -> User:
        found = User.objects.filter(email=demo_email(role), is_active=True).first()
        if found is None:
            raise DemoError(f"The demo account {demo_email(role)} is missing or inactive.")
        return found

    return _Actors(
        contact=user(Role.Code.CONTACT_TEAM),
        match=user(Role.Code.MATCH_TEAM),
        programme=user(Role.Code.PROGRAMME_STAFF),
        initiator=user(Role.Code.INITIATOR),
    )


def _offers_create(items: list[dict[str, Any]]) -> dict[str, SupportOffer]:
    """The support offers of the documents, as minimal catalogue entries (kept if edited)."""
    providers = {o.slug: o for o in Organisation.objects.all()}
    offers = {}
    for item in items:
        offer, _created = SupportOffer.objects.get_or_create(
            slug=item["slug"],
            defaults={
                "title": item["title"],
                "provider": providers[item["provider"]],
                "kind": item["kind"],
                "description": item.get("description", ""),
            },
        )
        offers[offer.slug] = offer
    return offers


# --- dates and places ---------------------------------------------------------------------


def _day(spec: dict[str, Any], key: str = "date") -> date:
    if key in spec:
        return date.fromisoformat(spec[key])
    days_ago = spec.get("days_ago" if key == "date" else f"{key}_days_ago")
    if days_ago is None:
        raise DemoError(f"A step has no {key}: {spec}")
    return timezone.localdate() - timedelta(days=int(days_ago))


def _moment(day: date, kind: str, offset_minutes: int = 0) -> datetime:
    at = datetime.combine(day, STEP_TIMES.get(kind, time(12, 0)), tzinfo=TZ)
    return at + timedelta(minutes=offset_minutes)


def demo_point(
    municipality: Municipality, offset: tuple[float, float]
) -> tuple[float, float] | None:
    """A point near the municipality's centroid that lies inside it (checked with locate)."""
    if municipality.centroid_lat is None or municipality.centroid_lon is None:
        return None
    d_lat, d_lon = offset
    for factor in (1.0, 0.5, 0.25, 0.0):
        lat = round(municipality.centroid_lat + d_lat * factor, 5)
        lon = round(municipality.centroid_lon + d_lon * factor, 5)
        found = locate(lat, lon)
        if found is not None and found.municipality_code == municipality.code:
            return lat, lon
    return None


# --- replaying the histories --------------------------------------------------------------


class Seeder:
    """Replays the initiatives' histories, all of them in one chronology."""

    def __init__(
        self, *, actors: _Actors, offers: dict[str, SupportOffer], report: DemoReport
    ) -> None:
        self.actors = actors
        self.offers = offers
        self.report = report
        self.initiatives: dict[str, Initiative] = {}
        self.decisions: dict[tuple[int, date], MatchDecision] = {}
        # Initiatives whose history cannot be completed (a meeting was already held).
        self.abandoned: set[str] = set()
        self.municipalities = {m.code: m for m in Municipality.objects.defer("boundary")}

    def run(self, items: list[dict[str, Any]]) -> None:
        # An initiative of the same name is the demo's own from an earlier run (or one
        # staff entered themselves): either way it is left alone.
        existing = set(
            Initiative.objects.filter(name__in=[i["name"] for i in items]).values_list(
                "name", flat=True
            )
        )
        events: list[_Event] = []
        meetings: dict[date, list[tuple[int, dict[str, Any], dict[str, Any]]]] = defaultdict(list)
        for index, item in enumerate(items):
            if item["name"] in existing:
                self.report.skipped.append(item["key"])
                continue
            way_in = item["way_in"]
            events.append(_Event(_moment(_day(way_in), "way_in"), index, "way_in", item))
            for position, step in enumerate(item["history"]):
                order = index * 1000 + position
                if step["step"] == "match":
                    meetings[_day(step)].append((index, item, step))
                    new = step.get("new_support") or {}
                    if new.get("approve") is not None:
                        at = _moment(_day(new, "decide_date"), "decide_need")
                        events.append(_Event(at, order, "decide_need", (item, step)))
                    continue
                at = _moment(_day(step), step["step"])
                events.append(_Event(at, order, step["step"], (item, step)))
        for day, entries in meetings.items():
            events.append(_Event(_moment(day, "match"), -1, "meeting", (day, entries)))
        for event in sorted(events):
            self._handle(event)

    # -- dispatch --

    def _handle(self, event: _Event) -> None:
        if event.kind == "way_in":
            self._way_in(event.payload, event.at)
            return
        if event.kind == "meeting":
            self._meeting(*event.payload)
            return
        item, step = event.payload
        if item["key"] in self.abandoned:
            return
        initiative = self.initiatives[item["key"]]
        handler = getattr(self, f"_step_{event.kind}", None)
        if handler is None:
            raise DemoError(f"{item['key']}: unknown step {event.kind!r}")
        try:
            with self._dated(initiative, event.at):
                handler(initiative, step, event.at)
        except services.IntakeError as error:
            raise DemoError(f"{item['key']}: step {event.kind} failed: {error}") from error

    @contextmanager
    def _dated(self, initiative: Initiative, at: datetime) -> Iterator[None]:
        """Date the timeline entries the wrapped step creates to the step's moment."""
        last = TimelineEvent.objects.aggregate(m=Max("pk"))["m"] or 0
        yield
        TimelineEvent.objects.filter(initiative=initiative, pk__gt=last).update(at=at)

    # -- way in --

    def _data(self, item: dict[str, Any]) -> services.InitiativeData:
        municipality = self.municipalities[item["municipality"]]
        point = demo_point(municipality, tuple(item.get("offset", (0.0, 0.0))))
        if point is None:
            self.report.warnings.append(
                f"{item['key']}: no point inside {municipality.name}; shown without a point"
            )
        contact = item["contact"]
        return services.InitiativeData(
            name=item["name"],
            summary=item["summary"],
            description=item.get("description", ""),
            goals=item.get("goals", ""),
            organiser_type=item.get("organiser_type", ""),
            legal_form=item.get("legal_form", ""),
            start_year=item.get("start_year"),
            website=item.get("website", ""),
            latitude=point[0] if point else None,
            longitude=point[1] if point else None,
            municipality=municipality,
            scope=item.get("scope", "local"),
            municipalities=tuple(self.municipalities[c] for c in item["municipalities"]),
            themes=tuple(Theme.objects.filter(slug__in=item["themes"])),
            factors=tuple(ResilienceFactor.objects.filter(slug__in=item["factors"])),
            policy_agendas=tuple(PolicyAgenda.objects.filter(slug__in=item["policy_agendas"])),
            learning_questions=item.get("learning_questions", ""),
            contact_name=contact["name"],
            contact_email=contact["email"],
            contact_phone=contact.get("phone", ""),
            contact_public=bool(contact.get("public")),
        )

    def _way_in(self, item: dict[str, Any], at: datetime) -> None:
        way_in = item["way_in"]
        data = self._data(item)
        last = TimelineEvent.objects.aggregate(m=Max("pk"))["m"] or 0
        if way_in["kind"] == "signup":
            initiator = self.actors.initiator if way_in.get("initiator") else None
            initiative = services.initiative_signup(data=data, initiator=initiator)
            token = initiative.confirmation_token
            TimelineEvent.objects.filter(initiative=initiative, pk__gt=last).update(at=at)
            last = TimelineEvent.objects.aggregate(m=Max("pk"))["m"] or 0
            initiative = services.initiative_confirm_email(token=token)
            confirmed = at + timedelta(minutes=30)
            TimelineEvent.objects.filter(initiative=initiative, pk__gt=last).update(at=confirmed)
            Initiative.objects.filter(pk=initiative.pk).update(email_confirmed_at=confirmed)
        elif way_in["kind"] == "scouted":
            initiative = services.initiative_scout(
                actor=self.actors.contact,
                data=data,
                scouting_source=way_in["source"],
                scouting_note=way_in.get("note", ""),
            )
            TimelineEvent.objects.filter(initiative=initiative, pk__gt=last).update(at=at)
        else:
            raise DemoError(f"{item['key']}: unknown way in {way_in['kind']!r}")
        Initiative.objects.filter(pk=initiative.pk).update(created_at=at)
        self.initiatives[item["key"]] = Initiative.objects.get(pk=initiative.pk)

    # -- contact team --

    def _step_call(self, initiative: Initiative, step: dict[str, Any], at: datetime) -> None:
        services.contact_moment_record(
            actor=self.actors.contact,
            initiative=initiative,
            kind=ContactMoment.Kind.PHONE_CALL,
            summary=step.get("summary", ""),
            at=at,
        )

    def _step_contact(self, initiative: Initiative, step: dict[str, Any], at: datetime) -> None:
        services.contact_moment_record(
            actor=self.actors.contact,
            initiative=initiative,
            kind=step.get("kind", ContactMoment.Kind.MEETING),
            summary=step.get("summary", ""),
            at=at,
        )

    def _step_plan_visit(self, initiative: Initiative, step: dict[str, Any], at: datetime) -> None:
        services.initiative_transition(
            actor=self.actors.contact,
            initiative=initiative,
            transition="plan_visit",
            note=step.get("note", ""),
        )

    def _step_visit(self, initiative: Initiative, step: dict[str, Any], at: datetime) -> None:
        services.contact_moment_record(
            actor=self.actors.contact,
            initiative=initiative,
            kind=ContactMoment.Kind.VISIT,
            summary=step.get("summary", ""),
            at=at,
            contribution=step["contribution"],
            learning_questions=step.get("learning_questions", ""),
            factors=tuple(ResilienceFactor.objects.filter(slug__in=step.get("factors", []))),
        )

    # -- match team --

    def _meeting(
        self, day: date, entries: list[tuple[int, dict[str, Any], dict[str, Any]]]
    ) -> None:
        meeting = MatchMeeting.objects.filter(date=day).first()
        if meeting is None:
            meeting = services.match_meeting_create(actor=self.actors.match, meeting_date=day)
        elif meeting.status != MatchMeeting.Status.PLANNED:
            for _index, item, _step in entries:
                self.abandoned.add(item["key"])
                self.report.warnings.append(
                    f"{item['key']}: the match team meeting of {day} was already held; "
                    "the rest of its history is left out"
                )
            return
        for position, (_index, item, step) in enumerate(sorted(entries, key=lambda e: e[0])):
            if item["key"] in self.abandoned:
                continue
            initiative = self.initiatives[item["key"]]
            agenda_at = _moment(day, "match", -30 + position)
            decided_at = _moment(day, "match", 5 * position)
            try:
                with self._dated(initiative, agenda_at):
                    item_row = services.match_agenda_add(
                        actor=self.actors.contact, meeting=meeting, initiative=initiative
                    )
                with self._dated(initiative, decided_at):
                    decision = self._decide(item_row, step)
            except services.IntakeError as error:
                raise DemoError(f"{item['key']}: match team {day}: {error}") from error
            MatchDecision.objects.filter(pk=decision.pk).update(decided_at=decided_at)
            SupportNeed.objects.filter(decision=decision).update(created_at=decided_at)
            self.decisions[(initiative.pk, day)] = decision
        if day < timezone.localdate():
            services.match_meeting_close(
                actor=self.actors.match, meeting=meeting, notes=_meeting_notes(entries)
            )

    def _decide(self, item_row: MatchDecision, step: dict[str, Any]) -> MatchDecision:
        new = step.get("new_support") or {}
        return services.match_decision_record(
            actor=self.actors.match,
            decision=item_row,
            outcome=step["outcome"],
            notes=step.get("notes", ""),
            offers=tuple(
                services.OfferChoice(offer=self.offers[s]) for s in step.get("offers", [])
            ),
            new_support_needed=bool(new),
            support_need_description=new.get("description", ""),
            phase=step.get("phase"),
        )

    def _step_decide_need(self, initiative: Initiative, step: dict[str, Any], at: datetime) -> None:
        decision = self.decisions.get((initiative.pk, _day(step)))
        if decision is None:
            return  # the decision itself was left out (see the warnings)
        new = step["new_support"]
        need = SupportNeed.objects.get(decision=decision)
        approve = bool(new["approve"])
        services.support_need_decide(
            actor=self.actors.programme,
            need=need,
            approve=approve,
            amount=Decimal(new["amount"]) if approve else None,
            note=new.get("note", ""),
        )
        SupportNeed.objects.filter(pk=need.pk).update(decided_at=at)

    # -- trajectories --

    def _trajectory(self, initiative: Initiative, offer_slug: str, states: tuple[str, ...]):
        trajectory = (
            SupportTrajectory.objects.filter(
                initiative=initiative, offer__slug=offer_slug, state__in=states
            )
            .order_by("created_at", "pk")
            .first()
        )
        if trajectory is None:
            raise DemoError(f"{initiative.slug}: no {'/'.join(states)} trajectory for {offer_slug}")
        return trajectory

    def _step_propose(self, initiative: Initiative, step: dict[str, Any], at: datetime) -> None:
        trajectory = services.trajectory_propose(
            actor=self.actors.contact, initiative=initiative, offer=self.offers[step["offer"]]
        )
        SupportTrajectory.objects.filter(pk=trajectory.pk).update(created_at=at)

    def _step_start(self, initiative: Initiative, step: dict[str, Any], at: datetime) -> None:
        services.trajectory_transition(
            actor=self.actors.contact,
            trajectory=self._trajectory(initiative, step["offer"], (TrajectoryState.PROPOSED,)),
            transition="start",
            on=at.date(),
        )

    def _step_finish(self, initiative: Initiative, step: dict[str, Any], at: datetime) -> None:
        trajectory = services.trajectory_transition(
            actor=self.actors.contact,
            trajectory=self._trajectory(initiative, step["offer"], (TrajectoryState.STARTED,)),
            transition="finish",
            on=at.date(),
            hours=Decimal(step["hours"]) if "hours" in step else None,
            costs=Decimal(step["costs"]) if "costs" in step else None,
            outcome=step.get("outcome", ""),
        )
        if step.get("rating"):
            by_initiator = step.get("rating_by_initiator") and initiative.initiator_id
            services.trajectory_rate(
                actor=self.actors.initiator if by_initiator else self.actors.contact,
                trajectory=trajectory,
                rating=int(step["rating"]),
                comment=step.get("rating_comment", ""),
            )

    def _step_break_off(self, initiative: Initiative, step: dict[str, Any], at: datetime) -> None:
        services.trajectory_transition(
            actor=self.actors.contact,
            trajectory=self._trajectory(
                initiative, step["offer"], (TrajectoryState.PROPOSED, TrajectoryState.STARTED)
            ),
            transition="break_off",
            on=at.date(),
            note=step["note"],
        )

    # -- notes and the end --

    def _step_note(self, initiative: Initiative, step: dict[str, Any], at: datetime) -> None:
        services.timeline_note_add(
            actor=self.actors.programme,
            initiative=initiative,
            title=step["title"],
            body=step.get("body", ""),
        )

    def _step_close(self, initiative: Initiative, step: dict[str, Any], at: datetime) -> None:
        services.initiative_transition(
            actor=self.actors.contact, initiative=initiative, transition="close", note=step["note"]
        )

    def _step_stop(self, initiative: Initiative, step: dict[str, Any], at: datetime) -> None:
        services.initiative_transition(
            actor=self.actors.programme,
            initiative=initiative,
            transition="stop",
            note=step["note"],
        )


def _meeting_notes(entries: list[tuple[int, dict[str, Any], dict[str, Any]]]) -> str:
    names = ", ".join(item["name"] for _index, item, _step in sorted(entries, key=lambda e: e[0]))
    return f"Besproken: {names}."


__all__ = ["DEMO_FILE", "DemoError", "DemoReport", "demo_initiatives_seed", "demo_point"]
