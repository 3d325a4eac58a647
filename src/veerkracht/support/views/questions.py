"""Pages for questions of initiatives.

- Staff (`question.manage`): the list `/ondersteuning/vragen/` (status filter), one
  question with its status steps, editing, and asking on an initiative's behalf.
- The initiator account: `/mijn-initiatief/` (its initiatives) and
  `/mijn-initiatief/<slug>/vragen/` (its questions, ask one, close or reopen).
- Everyone: public questions `/ondersteuning/vragen/openbaar/`, without personal data.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from veerkracht.core.forms import add_service_errors
from veerkracht.core.permissions import capability_required
from veerkracht.initiatives.models import Initiative

from ..forms_questions import QuestionFilterForm, QuestionForm, QuestionStatusForm
from ..models import Question
from ..selectors.questions import (
    initiatives_of_initiator,
    question_list_staff,
    questions_for_initiative,
    questions_public,
)
from ..services.questions import (
    TRANSITIONS,
    is_initiator,
    question_create,
    question_status_set,
    question_update,
)

MANAGE = "question.manage"
PAGE_SIZE = 25
PAGE_PARAM = "pagina"


# --- staff ---------------------------------------------------------------------------------


@capability_required(MANAGE)
def question_list(request: HttpRequest) -> HttpResponse:
    form = QuestionFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    page = Paginator(question_list_staff(status=status), PAGE_SIZE).get_page(
        request.GET.get(PAGE_PARAM)
    )
    context = {
        "form": form,
        "page": page,
        "page_query": urlencode({"status": status}) if status else "",
        "page_param": PAGE_PARAM,
    }
    return render(request, "support/questions/staff_list.html", context)


def _status_form(question: Question, data=None) -> QuestionStatusForm:
    return QuestionStatusForm(
        data,
        targets=TRANSITIONS.get(question.status, ()),
        initial={"answer": question.answer},
        auto_id="status-%s",
    )


@capability_required(MANAGE)
def question_detail(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(Question.objects.select_related("initiative", "entered_by"), pk=pk)
    form = _status_form(question, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            question_status_set(
                actor=request.user,
                question=question,
                status=form.cleaned_data["status"],
                answer=form.cleaned_data["answer"],
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("The status is changed."))
            return redirect("support:question_detail", pk=question.pk)
    context = {"question": question, "form": form}
    return render(request, "support/questions/detail.html", context)


@capability_required(MANAGE)
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(Question.objects.select_related("initiative"), pk=pk)
    form = QuestionForm(request.POST or None, initial=QuestionForm.initial_for(question))
    if request.method == "POST" and form.is_valid():
        try:
            question_update(actor=request.user, question=question, data=form.question_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect("support:question_detail", pk=question.pk)
    context = {"form": form, "question": question, "initiative": question.initiative}
    return render(request, "support/questions/form.html", context)


@capability_required(MANAGE)
def question_new_on_behalf(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = get_object_or_404(Initiative, pk=pk)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            question = question_create(
                actor=request.user, initiative=initiative, data=form.question_data()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The question is added on the initiative's behalf."))
            return redirect("support:question_detail", pk=question.pk)
    context = {"form": form, "question": None, "initiative": initiative, "on_behalf": True}
    return render(request, "support/questions/form.html", context)


# --- initiator -----------------------------------------------------------------------------


@login_required
def my_initiatives(request: HttpRequest) -> HttpResponse:
    context = {"initiatives": initiatives_of_initiator(request.user)}
    return render(request, "support/questions/my_initiatives.html", context)


def _own_initiative(request: HttpRequest, slug: str) -> Initiative:
    initiative = get_object_or_404(Initiative, slug=slug)
    if not is_initiator(request.user, initiative):
        raise PermissionDenied(_("This page is for the initiative's own account."))
    return initiative


@login_required
def initiator_questions(request: HttpRequest, slug: str) -> HttpResponse:
    initiative = _own_initiative(request, slug)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            question_create(actor=request.user, initiative=initiative, data=form.question_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your question is sent. The contact team will respond."))
            return redirect("support:initiator_questions", slug=initiative.slug)
    context = {
        "initiative": initiative,
        "questions": questions_for_initiative(initiative),
        "form": form,
    }
    return render(request, "support/questions/initiator.html", context)


@require_POST
@login_required
def initiator_question_status(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    initiative = _own_initiative(request, slug)
    question = get_object_or_404(Question, pk=pk, initiative=initiative)
    status = request.POST.get("status", "")
    try:
        question_status_set(actor=request.user, question=question, status=status)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The status is changed."))
    return redirect("support:initiator_questions", slug=initiative.slug)


# --- public --------------------------------------------------------------------------------


def question_public_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(questions_public(), PAGE_SIZE).get_page(request.GET.get(PAGE_PARAM))
    context = {"page": page, "page_query": "", "page_param": PAGE_PARAM}
    return render(request, "support/questions/public_list.html", context)


urlpatterns = [
    path("ondersteuning/vragen/", question_list, name="question_list"),
    path("ondersteuning/vragen/openbaar/", question_public_list, name="question_public_list"),
    path("ondersteuning/vragen/<int:pk>/", question_detail, name="question_detail"),
    path("ondersteuning/vragen/<int:pk>/bewerken/", question_edit, name="question_edit"),
    path(
        "ondersteuning/vragen/initiatief/<int:pk>/nieuw/",
        question_new_on_behalf,
        name="question_new_on_behalf",
    ),
    path("mijn-initiatief/", my_initiatives, name="my_initiatives"),
    path("mijn-initiatief/<slug:slug>/vragen/", initiator_questions, name="initiator_questions"),
    path(
        "mijn-initiatief/<slug:slug>/vragen/<int:pk>/status/",
        initiator_question_status,
        name="initiator_question_status",
    ),
]
