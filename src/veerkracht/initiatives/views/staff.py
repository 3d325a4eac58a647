"""Staff pages (werkbak) of the Stérk Brabant process.

The contact team takes initiatives in (first call, visit), the match team decides on
them, programme staff decide on new support, and everyone follows the trajectories and
the timeline (volgsysteem). Thin views: every page checks its capability, the services
check the rest and do the work in one transaction. A refused step shows the page again
with the service's message; nothing is half-saved.
"""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from veerkracht.core import selectors as core_selectors
from veerkracht.core.forms import add_service_errors
from veerkracht.core.http import safe_next_url
from veerkracht.core.models import Organisation
from veerkracht.core.permissions import capability_required, check_capability, has_capability
from veerkracht.support.matching import WEIGHTS as MATCH_WEIGHTS
from veerkracht.support.selectors.matching import meeting_matching
from veerkracht.support.selectors.questions import questions_for_initiative

from .. import selectors, services
from ..forms import ScoutingForm, served_municipalities
from ..models import (
    Initiative,
    MatchDecision,
    MatchMeeting,
    SupportNeed,
    SupportOffer,
    SupportTrajectory,
    TimelineEvent,
)
from ..permissions import (
    check_trajectory_manage,
    check_trajectory_view,
    trajectory_may_manage,
)
from ..services import IntakeError
from ..staff_forms import (
    AgendaAddForm,
    AgendaCandidateForm,
    ContactMomentForm,
    DecisionForm,
    InitiativeEditForm,
    InitiativeListFilterForm,
    MeetingCloseForm,
    MeetingCreateForm,
    NoteForm,
    RatingForm,
    SupportNeedDecideForm,
    TrajectoryNoteForm,
    TrajectoryProposeForm,
    TrajectoryStepForm,
    TransitionForm,
)
from ..workflows import INTAKE, TRAJECTORY

VIEW = "initiative.view_internal"
LIST_PAGE_SIZE = 50
DASHBOARD_ROWS = 25

# One sign per timeline entry kind, next to its label (the sign is decoration only).
TIMELINE_ICONS = {
    TimelineEvent.Kind.CREATED: "★",
    TimelineEvent.Kind.CONTACT: "☎",
    TimelineEvent.Kind.STATE: "➜",
    TimelineEvent.Kind.DECISION: "⚖",
    TimelineEvent.Kind.SUPPORT_NEED: "€",
    TimelineEvent.Kind.TRAJECTORY: "⟳",
    TimelineEvent.Kind.PHASE: "◆",
    TimelineEvent.Kind.NOTE: "✎",
    TimelineEvent.Kind.FILE: "📎",
}


def _refused(form, error: IntakeError) -> None:
    """Put the service's message on the form, to show it again."""
    for message in error.messages:
        form.add_error(None, message)


# --- werkbak: the dashboard ----------------------------------------------------------------


@capability_required(VIEW)
def dashboard(request: HttpRequest) -> HttpResponse:
    """My initiatives, follow-ups due, the intake queue and the pipeline at a glance."""
    user = request.user
    follow_ups = selectors.follow_ups_due()
    queue = selectors.intake_queue()
    pipeline = selectors.pipeline_summary()
    largest = max((row["count"] for row in pipeline), default=0) or 1
    for row in pipeline:
        row["percent"] = round(100 * row["count"] / largest)
    return render(
        request,
        "initiatives/staff/dashboard.html",
        {
            "mine": list(selectors.initiatives_for_owner(user=user)),
            "follow_ups": list(follow_ups[:DASHBOARD_ROWS]),
            "follow_ups_total": follow_ups.count(),
            "follow_up_days": selectors.FOLLOW_UP_AFTER_DAYS,
            "queue": list(queue[:DASHBOARD_ROWS]),
            "queue_total": queue.count(),
            "pipeline": pipeline,
            "pipeline_total": sum(row["count"] for row in pipeline),
            "can_scout": has_capability(user, "initiative.scout"),
        },
    )


# --- all initiatives (internal) ------------------------------------------------------------


@capability_required(VIEW)
def initiative_list(request: HttpRequest) -> HttpResponse:
    """Every initiative, with the map's filter plus the intake state; paginated."""
    province = core_selectors.served_province_code()
    form = InitiativeListFilterForm(
        request.GET or None,
        themes=list(core_selectors.theme_list().values_list("slug", "name")),
        factors=list(core_selectors.resilience_factor_list().values_list("slug", "name")),
        municipalities=list(served_municipalities().values_list("code", "name")),
        groups=list(core_selectors.area_group_list(province=province).values_list("slug", "name")),
        agendas=list(core_selectors.policy_agenda_list().values_list("slug", "name")),
    )
    initiatives = Initiative.objects.none()
    if not form.is_bound or form.is_valid():
        flt = selectors.InitiativeFilter.from_query(request.GET)
        initiatives = selectors.initiatives_filtered(flt, public=False)
        state = form.cleaned_data.get("stap") if form.is_bound else ""
        if state:
            initiatives = initiatives.filter(intake_state=state)
    initiatives = (
        initiatives.select_related("municipality", "owner")
        .defer("municipality__boundary")
        .order_by("name", "pk")
    )
    page = Paginator(initiatives, LIST_PAGE_SIZE).get_page(request.GET.get("pagina"))
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(
        request,
        "initiatives/staff/initiative_list.html",
        {
            "form": form,
            "page": page,
            "initiatives": list(page),
            "query": query.urlencode(),
            "filtered": bool(query),
            "can_export": has_capability(request.user, "initiative.export"),
            "can_scout": has_capability(request.user, "initiative.scout"),
        },
    )


@capability_required("initiative.scout")
def scout(request: HttpRequest) -> HttpResponse:
    """Register a scouted initiative; warn about similar names before saving."""
    form = ScoutingForm(request.POST or None)
    similar: list[Initiative] = []
    if request.method == "POST" and form.is_valid():
        data = form.to_data()
        municipality = getattr(data.municipality, "code", None)
        similar = selectors.initiatives_similar(name=data.name, municipality=municipality)
        if similar and not request.POST.get("confirm_duplicate"):
            form.add_error(
                None,
                _(
                    "There are initiatives with a similar name. Check that this is not one of "
                    "them, then confirm below."
                ),
            )
        else:
            try:
                initiative = services.initiative_scout(
                    actor=request.user,
                    data=data,
                    **form.scouting_kwargs(),
                )
            except IntakeError as error:
                _refused(form, error)
            else:
                messages.success(
                    request, _("“%(name)s” is registered as scouted.") % {"name": initiative}
                )
                return redirect("initiatives:staff_initiative", pk=initiative.pk)
    return render(request, "initiatives/staff/scout.html", {"form": form, "similar": similar})


# --- one initiative ------------------------------------------------------------------------


def _to_initiative(pk: int) -> HttpResponse:
    """Back to the initiative's page, at the top where the message about the step is."""
    return redirect(reverse("initiatives:staff_initiative", args=[pk]) + "#main")


def _initiative(pk: int) -> Initiative:
    initiative = selectors.initiative_get_internal(pk=pk)
    if initiative is None:
        raise Http404
    return initiative


def _transition_forms(
    request: HttpRequest, initiative: Initiative, bound: TransitionForm | None
) -> list[TransitionForm]:
    forms = []
    for step in INTAKE.available(initiative.intake_state, request.user):
        if bound is not None and bound.step is not None and bound.step.name == step.name:
            forms.append(bound)
        else:
            forms.append(TransitionForm(transition=step, auto_id=f"step-{step.name}-%s"))
    return forms


def _trajectory_rows(
    request: HttpRequest, trajectories: list[SupportTrajectory], bound: dict | None = None
) -> list[dict[str, Any]]:
    """Per trajectory: the steps the user may take (a form each) and the rating form.

    Staff may take every trajectory's steps; a support provider those of the trajectories
    its organisation delivers, without the costs field (see initiatives/permissions.py).
    """
    bound = bound or {}
    rows = []
    with_costs = has_capability(request.user, "trajectory.manage")
    for trajectory in trajectories:
        steps = []
        may_manage = trajectory_may_manage(request.user, trajectory)
        for step in TRAJECTORY.allowed_from(trajectory.state):
            if not (step.manual and may_manage):
                continue
            key = (trajectory.pk, step.name)
            steps.append(
                bound.get(key)
                or TrajectoryStepForm(
                    transition=step,
                    auto_id=f"t{trajectory.pk}-{step.name}-%s",
                    with_costs=with_costs,
                )
            )
        rating = None
        if trajectory.state in ("finished", "broken_off") and (
            has_capability(request.user, "trajectory.manage")
        ):
            rating = bound.get((trajectory.pk, "rating")) or RatingForm(
                auto_id=f"t{trajectory.pk}-rating-%s",
                initial={"rating": trajectory.rating, "comment": trajectory.rating_comment},
            )
        rows.append(
            {"trajectory": trajectory, "steps": steps, "rating": rating, "may_manage": may_manage}
        )
    return rows


def _detail_page(
    request: HttpRequest, initiative: Initiative, *, status: int = 200, **bound: Any
) -> HttpResponse:
    """The internal page of one initiative, with any bound form that has to be shown again."""
    user = request.user
    events = list(selectors.initiative_timeline(initiative=initiative))
    for event in events:
        event.icon = TIMELINE_ICONS.get(event.kind, "•")
        event.filename = event.attachment.name.rsplit("/", 1)[-1] if event.attachment else ""
    moments = list(
        initiative.contact_moments.select_related("by").prefetch_related("factors").order_by("-at")
    )
    trajectories = list(selectors.initiative_trajectories(initiative=initiative))
    planned = MatchMeeting.objects.filter(status=MatchMeeting.Status.PLANNED).order_by("date")
    can = {
        "edit": has_capability(user, "initiative.edit"),
        "contact": has_capability(user, "intake.contact"),
        "agenda": has_capability(user, "agenda.add"),
        "trajectory": has_capability(user, "trajectory.manage"),
    }
    context = {
        "initiative": initiative,
        "events": events,
        "moments": moments,
        "decisions": list(selectors.decision_history(initiative=initiative)),
        "needs": list(initiative.support_needs.select_related("decided_by").order_by("created_at")),
        "trajectory_rows": _trajectory_rows(request, trajectories, bound.get("trajectory_forms")),
        "transition_forms": _transition_forms(request, initiative, bound.get("transition_form")),
        "contact_form": bound.get("contact_form") or ContactMomentForm(auto_id="contact-%s"),
        "note_form": bound.get("note_form") or NoteForm(auto_id="note-%s"),
        "agenda_form": bound.get("agenda_form")
        or AgendaAddForm(meetings=planned, auto_id="agenda-%s"),
        "propose_form": bound.get("propose_form") or TrajectoryProposeForm(auto_id="propose-%s"),
        "can": can,
        "ready_for_agenda": initiative.intake_state in services.READY_FOR_AGENDA,
        "has_planned_meeting": planned.exists() if can["agenda"] else False,
        "public_fields": Initiative.PUBLIC_FIELDS,
        "page_errors": bound.get("page_errors", []),
        "questions": list(questions_for_initiative(initiative)),
        "contact": selectors.initiative_contact(viewer=user, initiative=initiative),
    }
    return render(request, "initiatives/staff/initiative_detail.html", context, status=status)


@capability_required(VIEW)
def initiative_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, _initiative(pk))


@require_POST
@capability_required(VIEW)
def initiative_step(request: HttpRequest, pk: int) -> HttpResponse:
    """One manual intake step (plan a visit, close, stop, reopen)."""
    initiative = _initiative(pk)
    name = request.POST.get("transition", "")
    form = TransitionForm(request.POST, auto_id=f"step-{name}-%s")
    if not form.is_valid():
        return _detail_page(request, initiative, page_errors=[_("Unknown step.")])
    check_capability(request.user, form.step.capability)
    offered = {t.name for t in INTAKE.available(initiative.intake_state, request.user)}
    try:
        services.initiative_transition(
            actor=request.user,
            initiative=initiative,
            transition=form.step.name,
            note=form.cleaned_data["note"],
        )
    except IntakeError as error:
        if form.step.name not in offered:
            # No form for this step on the page: say why at the top.
            return _detail_page(request, initiative, page_errors=error.messages)
        _refused(form, error)
        return _detail_page(request, initiative, transition_form=form)
    messages.success(request, _("Done: %(step)s.") % {"step": form.step.label})
    return _to_initiative(pk)


@require_POST
@capability_required(VIEW)
def contact_moment_add(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = _initiative(pk)
    check_capability(request.user, "intake.contact")
    form = ContactMomentForm(request.POST, auto_id="contact-%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.contact_moment_record(
                actor=request.user,
                initiative=initiative,
                kind=data["kind"],
                at=data["at"],
                summary=data["summary"],
                contribution=data["contribution"],
                learning_questions=data["learning_questions"],
                factors=tuple(data["factors"]),
            )
        except IntakeError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The contact moment is recorded."))
            return _to_initiative(pk)
    return _detail_page(request, initiative, contact_form=form)


@require_POST
@capability_required(VIEW)
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = _initiative(pk)
    check_capability(request.user, "initiative.edit")
    form = NoteForm(request.POST, request.FILES, auto_id="note-%s")
    if form.is_valid():
        try:
            services.timeline_note_add(
                actor=request.user,
                initiative=initiative,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                attachment=form.cleaned_data["attachment"] or None,
            )
        except IntakeError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The note is added to the timeline."))
            return _to_initiative(pk)
    return _detail_page(request, initiative, note_form=form)


@require_POST
@capability_required(VIEW)
def agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Put the initiative on a planned match team meeting's agenda."""
    initiative = _initiative(pk)
    check_capability(request.user, "agenda.add")
    planned = MatchMeeting.objects.filter(status=MatchMeeting.Status.PLANNED).order_by("date")
    form = AgendaAddForm(request.POST, meetings=planned, auto_id="agenda-%s")
    if form.is_valid():
        meeting = form.cleaned_data["meeting"]
        try:
            services.match_agenda_add(actor=request.user, meeting=meeting, initiative=initiative)
        except IntakeError as error:
            _refused(form, error)
        else:
            messages.success(
                request,
                _("“%(name)s” is on the agenda of %(meeting)s.")
                % {"name": initiative, "meeting": meeting},
            )
            return _to_initiative(pk)
    return _detail_page(request, initiative, agenda_form=form)


@require_POST
@capability_required(VIEW)
def trajectory_propose(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = _initiative(pk)
    check_capability(request.user, "trajectory.manage")
    form = TrajectoryProposeForm(request.POST, auto_id="propose-%s")
    if form.is_valid():
        try:
            services.trajectory_propose(
                actor=request.user,
                initiative=initiative,
                offer=form.cleaned_data["offer"],
                delivered_by=form.cleaned_data["delivered_by"],
            )
        except IntakeError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The support trajectory is proposed."))
            return _to_initiative(pk)
    return _detail_page(request, initiative, propose_form=form)


@capability_required(VIEW)
def initiative_edit(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = _initiative(pk)
    check_capability(request.user, "initiative.edit")
    form = InitiativeEditForm(request.POST or None, initiative=initiative)
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        if not changes:
            messages.info(request, _("Nothing was changed."))
            return _to_initiative(pk)
        try:
            services.initiative_update(actor=request.user, initiative=initiative, **changes)
        except IntakeError as error:
            _refused(form, error)
        except services.ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The changes are saved."))
            return _to_initiative(pk)
    return render(
        request, "initiatives/staff/initiative_edit.html", {"form": form, "initiative": initiative}
    )


@capability_required(VIEW)
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Files in the timeline are internal: served only to staff, never from a public URL."""
    event = get_object_or_404(TimelineEvent.objects.exclude(attachment=""), pk=pk)
    try:
        handle = event.attachment.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    name = event.attachment.name.rsplit("/", 1)[-1]
    return FileResponse(handle, as_attachment=True, filename=name)


# --- trajectories --------------------------------------------------------------------------


def _trajectory(pk: int) -> SupportTrajectory:
    return get_object_or_404(
        SupportTrajectory.objects.select_related(
            "initiative", "offer", "offer__provider", "delivered_by", "decision__meeting"
        ),
        pk=pk,
    )


def _trajectory_page(
    request: HttpRequest, trajectory: SupportTrajectory, bound: dict | None = None
) -> HttpResponse:
    bound = bound or {}
    row = _trajectory_rows(request, [trajectory], bound)[0]
    initiative = trajectory.initiative
    return render(
        request,
        "initiatives/staff/trajectory_detail.html",
        {
            "trajectory": trajectory,
            "row": row,
            "initiative": initiative,
            "contact": selectors.initiative_contact(viewer=request.user, initiative=initiative),
            "can_view_initiative": has_capability(request.user, VIEW),
            "note_form": (
                bound.get((trajectory.pk, "note")) or TrajectoryNoteForm(auto_id="progress-%s")
            )
            if row["may_manage"]
            else None,
            "notes": list(selectors.trajectory_notes(trajectory=trajectory)),
        },
    )


# Trajectory pages: staff (initiative.view_internal) see every trajectory; a support
# provider (trajectory.deliver) only those its organisation delivers. Other people get 403.
TRAJECTORY_VIEW = "trajectory.view"


@capability_required(TRAJECTORY_VIEW)
def trajectory_detail(request: HttpRequest, pk: int) -> HttpResponse:
    trajectory = _trajectory(pk)
    check_trajectory_view(request.user, trajectory)
    return _trajectory_page(request, trajectory)


@require_POST
@capability_required(TRAJECTORY_VIEW)
def trajectory_step(request: HttpRequest, pk: int) -> HttpResponse:
    trajectory = _trajectory(pk)
    check_trajectory_manage(request.user, trajectory)
    name = request.POST.get("transition", "")
    form = TrajectoryStepForm(
        request.POST,
        auto_id=f"t{pk}-{name}-%s",
        with_costs=has_capability(request.user, "trajectory.manage"),
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.trajectory_transition(
                actor=request.user,
                trajectory=trajectory,
                transition=form.step.name,
                on=data["on"],
                note=data["note"],
                hours=data["hours"],
                costs=data.get("costs"),
                outcome=data["outcome"],
            )
        except IntakeError as error:
            _refused(form, error)
        else:
            messages.success(
                request,
                _("%(offer)s: %(step)s done.")
                % {"offer": trajectory.offer, "step": form.step.label},
            )
            return redirect(
                safe_next_url(request, reverse("initiatives:staff_trajectory", args=[pk]))
            )
    if form.step is None:
        messages.error(request, _("Unknown step."))
        return redirect("initiatives:staff_trajectory", pk=pk)
    return _trajectory_page(request, trajectory, {(pk, form.step.name): form})


@require_POST
@capability_required(TRAJECTORY_VIEW)
def trajectory_rating(request: HttpRequest, pk: int) -> HttpResponse:
    trajectory = _trajectory(pk)
    check_capability(request.user, "trajectory.manage")
    form = RatingForm(request.POST, auto_id=f"t{pk}-rating-%s")
    if form.is_valid():
        try:
            services.trajectory_rate(
                actor=request.user,
                trajectory=trajectory,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except IntakeError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The rating is saved."))
            return redirect(
                safe_next_url(request, reverse("initiatives:staff_trajectory", args=[pk]))
            )
    return _trajectory_page(request, trajectory, {(pk, "rating"): form})


@require_POST
@capability_required(TRAJECTORY_VIEW)
def trajectory_note(request: HttpRequest, pk: int) -> HttpResponse:
    """A progress note by the staff or the organisation that delivers the trajectory."""
    trajectory = _trajectory(pk)
    check_trajectory_manage(request.user, trajectory)
    form = TrajectoryNoteForm(request.POST, auto_id="progress-%s")
    if form.is_valid():
        try:
            services.trajectory_note_add(
                actor=request.user, trajectory=trajectory, text=form.cleaned_data["text"]
            )
        except IntakeError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The progress note is added."))
            return redirect("initiatives:staff_trajectory", pk=pk)
    return _trajectory_page(request, trajectory, {(pk, "note"): form})


@capability_required("trajectory.deliver")
def provider_trajectories(request: HttpRequest) -> HttpResponse:
    """The trajectories the support provider's organisation delivers."""
    organisation = request.user.organisation
    trajectories = (
        list(selectors.trajectories_delivered_by(organisation=organisation))
        if organisation is not None
        else []
    )
    return render(
        request,
        "initiatives/staff/provider_trajectories.html",
        {"organisation": organisation, "trajectories": trajectories},
    )


# --- the match team ------------------------------------------------------------------------


@capability_required(VIEW)
def meeting_list(request: HttpRequest) -> HttpResponse:
    can_manage = has_capability(request.user, "match.manage")
    form = MeetingCreateForm(request.POST or None, auto_id="meeting-%s")
    if request.method == "POST":
        check_capability(request.user, "match.manage")
        if form.is_valid():
            try:
                meeting = services.match_meeting_create(
                    actor=request.user, meeting_date=form.cleaned_data["date"]
                )
            except IntakeError as error:
                _refused(form, error)
            else:
                messages.success(request, _("The meeting is planned."))
                return redirect("initiatives:staff_meeting", pk=meeting.pk)
    return render(
        request,
        "initiatives/staff/meeting_list.html",
        {
            "meetings": list(selectors.match_meetings()),
            "form": form if can_manage else None,
            "candidates_count": selectors.agenda_candidates().count(),
        },
    )


def _meeting(pk: int) -> MatchMeeting:
    return get_object_or_404(MatchMeeting.objects.select_related("created_by"), pk=pk)


def _meeting_page(
    request: HttpRequest, meeting: MatchMeeting, *, bound: dict | None = None
) -> HttpResponse:
    bound = bound or {}
    user = request.user
    agenda = selectors.match_meeting_detail(meeting=meeting)
    can = {
        "decide": has_capability(user, "match.decide"),
        "manage": has_capability(user, "match.manage"),
        "agenda": has_capability(user, "agenda.add"),
        "match": has_capability(user, "matching.use"),
        "match_feedback": has_capability(user, "matching.feedback"),
    }
    # The matching engine's proposals for each agenda item's open questions.
    matching = meeting_matching([entry["initiative"] for entry in agenda])
    for entry in agenda:
        entry["matching"] = matching.get(entry["initiative"].pk)
    planned = meeting.status == MatchMeeting.Status.PLANNED
    errors = list(bound.get("errors", []))
    for entry in agenda:
        form = bound.get(entry["item"].pk)
        if form is not None and entry["item"].outcome:
            # Decided meanwhile: no form to show it on, so the message goes on top.
            errors.extend(form.non_field_errors())
    if planned and can["decide"]:
        offers = list(
            SupportOffer.objects.filter(active=True).select_related("provider").order_by("title")
        )
        organisations = list(Organisation.objects.order_by("name"))
        for entry in agenda:
            item = entry["item"]
            if not item.outcome:
                entry["form"] = bound.get(item.pk) or DecisionForm(
                    prefix=f"item{item.pk}", offers=offers, organisations=organisations
                )
    candidates = []
    if planned and can["agenda"]:
        # Not the ones this meeting already discussed (asked for more information).
        discussed = {entry["initiative"].pk for entry in agenda}
        candidates = [i for i in selectors.agenda_candidates() if i.pk not in discussed]
    return render(
        request,
        "initiatives/staff/meeting_detail.html",
        {
            "meeting": meeting,
            "agenda": agenda,
            "open_count": sum(1 for entry in agenda if not entry["item"].outcome),
            "candidates": candidates,
            "planned": planned,
            "can": can,
            "close_form": bound.get("close") or MeetingCloseForm(auto_id="close-%s"),
            "errors": errors,
            "match_weights": MATCH_WEIGHTS,
        },
    )


@capability_required(VIEW)
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _meeting_page(request, _meeting(pk))


@require_POST
@capability_required(VIEW)
def meeting_agenda_build(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(pk)
    check_capability(request.user, "agenda.add")
    try:
        items = services.match_agenda_build(actor=request.user, meeting=meeting)
    except IntakeError as error:
        return _meeting_page(request, meeting, bound={"errors": error.messages})
    if items:
        messages.success(
            request,
            ngettext(
                "%(count)d initiative put on the agenda.",
                "%(count)d initiatives put on the agenda.",
                len(items),
            )
            % {"count": len(items)},
        )
    else:
        messages.info(request, _("No intakes are ready for the match team."))
    return redirect("initiatives:staff_meeting", pk=pk)


@require_POST
@capability_required(VIEW)
def meeting_agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(pk)
    check_capability(request.user, "agenda.add")
    form = AgendaCandidateForm(request.POST)
    initiative = None
    if form.is_valid():
        initiative = Initiative.objects.filter(pk=form.cleaned_data["initiative"]).first()
    if initiative is None:
        return _meeting_page(request, meeting, bound={"errors": [_("Choose an initiative.")]})
    try:
        services.match_agenda_add(actor=request.user, meeting=meeting, initiative=initiative)
    except IntakeError as error:
        return _meeting_page(request, meeting, bound={"errors": error.messages})
    messages.success(request, _("“%(name)s” is on the agenda.") % {"name": initiative})
    return redirect("initiatives:staff_meeting", pk=pk)


@require_POST
@capability_required(VIEW)
def meeting_decision(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting = _meeting(pk)
    item = get_object_or_404(
        MatchDecision.objects.select_related("initiative"), pk=item_pk, meeting=meeting
    )
    check_capability(request.user, "match.decide")
    form = DecisionForm(
        request.POST,
        prefix=f"item{item.pk}",
        offers=list(SupportOffer.objects.filter(active=True).select_related("provider")),
        organisations=list(Organisation.objects.order_by("name")),
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.match_decision_record(
                actor=request.user,
                decision=item,
                outcome=data["outcome"],
                notes=data["notes"],
                offers=form.offer_choices(),
                new_support_needed=data["new_support_needed"],
                support_need_description=data["support_need_description"],
                phase=form.phase_value(),
            )
        except IntakeError as error:
            _refused(form, error)
        else:
            messages.success(
                request,
                _("Decision on “%(name)s” recorded: %(outcome)s.")
                % {
                    "name": item.initiative,
                    "outcome": MatchDecision.Outcome(data["outcome"]).label,
                },
            )
            return redirect(reverse("initiatives:staff_meeting", args=[pk]) + f"#item-{item.pk}")
    return _meeting_page(request, meeting, bound={item.pk: form})


@require_POST
@capability_required(VIEW)
def meeting_close(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(pk)
    check_capability(request.user, "match.manage")
    form = MeetingCloseForm(request.POST, auto_id="close-%s")
    if form.is_valid():
        try:
            services.match_meeting_close(
                actor=request.user, meeting=meeting, notes=form.cleaned_data["notes"]
            )
        except IntakeError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The meeting is closed. The minutes are ready."))
            return redirect("initiatives:staff_meeting_minutes", pk=pk)
    return _meeting_page(request, meeting, bound={"close": form})


@capability_required(VIEW)
def meeting_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    """Printable minutes: date, who decided, per item the decision, offers and new needs."""
    meeting = _meeting(pk)
    agenda = selectors.match_meeting_detail(meeting=meeting)
    present = []
    for person in [meeting.created_by, *(entry["item"].decided_by for entry in agenda)]:
        if person is not None and person not in present:
            present.append(person)
    return render(
        request,
        "initiatives/staff/meeting_minutes.html",
        {"meeting": meeting, "agenda": agenda, "present": present},
    )


# --- support needs -------------------------------------------------------------------------


@capability_required("support_need.decide")
def support_need_list(request: HttpRequest, *, bound: dict | None = None) -> HttpResponse:
    bound = bound or {}
    needs = list(selectors.support_needs_open())
    rows = [
        {
            "need": need,
            "form": bound.get(need.pk) or SupportNeedDecideForm(auto_id=f"need{need.pk}-%s"),
        }
        for need in needs
    ]
    recent = (
        SupportNeed.objects.exclude(status=SupportNeed.Status.OPEN)
        .select_related("initiative", "decided_by")
        .order_by("-decided_at")[:20]
    )
    return render(
        request,
        "initiatives/staff/support_needs.html",
        {"rows": rows, "recent": list(recent)},
    )


@require_POST
@capability_required("support_need.decide")
def support_need_decide(request: HttpRequest, pk: int) -> HttpResponse:
    need = get_object_or_404(SupportNeed.objects.select_related("initiative"), pk=pk)
    form = SupportNeedDecideForm(request.POST, auto_id=f"need{pk}-%s")
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.support_need_decide(
                actor=request.user,
                need=need,
                approve=approve,
                amount=form.cleaned_data["amount"] if approve else None,
                note=form.cleaned_data["note"],
            )
        except IntakeError as error:
            _refused(form, error)
        else:
            messages.success(
                request,
                (
                    _("Approved: support for “%(name)s”.")
                    if approve
                    else _("Declined: support for “%(name)s”.")
                )
                % {"name": need.initiative},
            )
            return redirect("initiatives:staff_support_needs")
    return support_need_list(request, bound={pk: form})


urlpatterns = [
    path("werkbak/", dashboard, name="dashboard"),
    path("werkbak/initiatieven/", initiative_list, name="staff_initiative_list"),
    path("werkbak/scouten/", scout, name="staff_scout"),
    path("werkbak/initiatieven/<int:pk>/", initiative_detail, name="staff_initiative"),
    path("werkbak/initiatieven/<int:pk>/stap/", initiative_step, name="staff_initiative_step"),
    path("werkbak/initiatieven/<int:pk>/contact/", contact_moment_add, name="staff_contact"),
    path("werkbak/initiatieven/<int:pk>/notitie/", note_add, name="staff_note"),
    path("werkbak/initiatieven/<int:pk>/agenda/", agenda_add, name="staff_agenda_add"),
    path("werkbak/initiatieven/<int:pk>/bewerken/", initiative_edit, name="staff_initiative_edit"),
    path(
        "werkbak/initiatieven/<int:pk>/traject-voorstellen/",
        trajectory_propose,
        name="staff_trajectory_propose",
    ),
    path("werkbak/bestanden/<int:pk>/", attachment_download, name="staff_attachment"),
    path("werkbak/trajecten/<int:pk>/", trajectory_detail, name="staff_trajectory"),
    path("werkbak/trajecten/<int:pk>/stap/", trajectory_step, name="staff_trajectory_step"),
    path(
        "werkbak/trajecten/<int:pk>/waardering/", trajectory_rating, name="staff_trajectory_rating"
    ),
    path("werkbak/trajecten/<int:pk>/voortgang/", trajectory_note, name="staff_trajectory_note"),
    path("mijn-trajecten/", provider_trajectories, name="provider_trajectories"),
    path("werkbak/matchteam/", meeting_list, name="staff_meetings"),
    path("werkbak/matchteam/<int:pk>/", meeting_detail, name="staff_meeting"),
    path(
        "werkbak/matchteam/<int:pk>/agenda-opbouwen/",
        meeting_agenda_build,
        name="staff_meeting_build",
    ),
    path("werkbak/matchteam/<int:pk>/agenda/", meeting_agenda_add, name="staff_meeting_add"),
    path(
        "werkbak/matchteam/<int:pk>/besluit/<int:item_pk>/",
        meeting_decision,
        name="staff_meeting_decision",
    ),
    path("werkbak/matchteam/<int:pk>/afsluiten/", meeting_close, name="staff_meeting_close"),
    path("werkbak/matchteam/<int:pk>/verslag/", meeting_minutes, name="staff_meeting_minutes"),
    path("werkbak/ondersteuningsvragen/", support_need_list, name="staff_support_needs"),
    path(
        "werkbak/ondersteuningsvragen/<int:pk>/besluit/",
        support_need_decide,
        name="staff_support_need_decide",
    ),
]
