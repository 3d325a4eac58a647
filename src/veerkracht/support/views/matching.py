"""Matching pages (staff): try the engine, propose matches, record feedback, batch runs."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from veerkracht.core.http import safe_next_url
from veerkracht.core.permissions import capability_required
from veerkracht.initiatives.models import Initiative, MatchDecision

from ..matching import WEIGHTS, MatchQuery, match_offers
from ..matching.batch import latest_run_id, run_progress
from ..matching.forms import FeedbackForm, MatchTryForm
from ..matching.related import match_articles, match_peers
from ..models import MatchProposal
from ..selectors.matching import open_questions
from ..services import matching as services

RESULTS = 20


@capability_required("matching.use")
def matching_try(request: HttpRequest) -> HttpResponse:
    """Try a free-text query and see the ranked offers with their components."""
    form = MatchTryForm(request.GET or None, auto_id="match-%s")
    results = peers = articles = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        themes = [t.slug for t in data["themes"]]
        peers = match_peers(text=data["text"], themes=themes)
        articles = match_articles(text=data["text"], themes=themes)
        results = match_offers(
            MatchQuery(
                text=data["text"],
                themes=themes,
                factors=[f.slug for f in data["factors"]],
                municipality=data["municipality"].code if data["municipality"] else None,
                phase=data["phase"] or None,
            ),
            limit=RESULTS,
        )
    return render(
        request,
        "support/matching/try.html",
        {
            "form": form,
            "results": results,
            "peers": peers,
            "articles": articles,
            "weights": WEIGHTS,
        },
    )


@require_POST
@capability_required("matching.use")
def proposals_create(request: HttpRequest, initiative_pk: int) -> HttpResponse:
    """Store the engine's top proposals for an initiative's open questions."""
    initiative = get_object_or_404(Initiative, pk=initiative_pk)
    decision = None
    if request.POST.get("decision"):
        decision = MatchDecision.objects.filter(
            pk=request.POST["decision"], initiative=initiative
        ).first()
    questions = list(open_questions(initiative))
    try:
        if questions:
            for question in questions:
                services.match_proposals_create(
                    actor=request.user, question=question, decision=decision
                )
        else:
            services.match_proposals_create(
                actor=request.user, initiative=initiative, decision=decision
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The matching engine's proposals are stored."))
    return redirect(safe_next_url(request, "support:matching_try"))


@require_POST
@capability_required("matching.feedback")
def proposal_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(MatchProposal, pk=pk)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            services.match_feedback_record(
                actor=request.user,
                proposal=proposal,
                taken_up=FeedbackForm.as_bool(form.cleaned_data["taken_up"]),
                helped=FeedbackForm.as_bool(form.cleaned_data["helped"]),
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The feedback is recorded."))
    else:
        messages.error(request, _("The feedback could not be recorded."))
    return redirect(safe_next_url(request, "support:matching_try"))


@capability_required("matching.use")
def runs(request: HttpRequest) -> HttpResponse:
    """Start a batch run over all open questions; shows the latest run's progress."""
    if request.method == "POST":
        run_id = services.match_run_start(actor=request.user)
        return redirect("support:matching_run", run_id=run_id)
    run_id = latest_run_id()
    return render(
        request,
        "support/matching/runs.html",
        {"run_id": run_id, "progress": run_progress(run_id) if run_id else None},
    )


@capability_required("matching.use")
def run_detail(request: HttpRequest, run_id: str) -> HttpResponse:
    progress = run_progress(run_id)
    if progress is None:
        raise Http404
    template = (
        "support/matching/_run_progress.html"
        if request.headers.get("HX-Request")
        else "support/matching/runs.html"
    )
    return render(request, template, {"run_id": run_id, "progress": progress})


urlpatterns = [
    path("matching/", matching_try, name="matching_try"),
    path(
        "matching/initiatives/<int:initiative_pk>/proposals/",
        proposals_create,
        name="matching_proposals_create",
    ),
    path("matching/proposals/<int:pk>/feedback/", proposal_feedback, name="matching_feedback"),
    path("matching/runs/", runs, name="matching_runs"),
    path("matching/runs/<str:run_id>/", run_detail, name="matching_run"),
]
