"""Veerkrachtdialogen: the public list and detail pages, and staff pages to record a
dialogue, what came up and the actions proposed (capability `dialogue.record`)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from veerkracht.core import selectors as core_selectors
from veerkracht.core.forms import add_service_errors
from veerkracht.core.permissions import capability_required, has_capability

from ..forms_dialogues import ActionForm, ActionStatusForm, DialogueForm, StatementForm
from ..models import Dialogue, DialogueAction
from ..selectors import dialogues as selectors
from ..services import dialogues as services


def _area_name(code: str) -> str:
    area = core_selectors.area_get(code=code)
    return area.name if area else code


def dialogue_list(request: HttpRequest) -> HttpResponse:
    area_code = request.GET.get("area", "").strip().upper()
    dialogues = list(selectors.dialogue_list(area_code=area_code or None))
    codes = {dialogue.area_code for dialogue in dialogues} | ({area_code} if area_code else set())
    names = core_selectors.area_names(codes=codes)  # one query per area level
    for dialogue in dialogues:
        dialogue.area_name = names.get(dialogue.area_code, dialogue.area_code)
    context = {
        "dialogues": dialogues,
        "area_code": area_code,
        "area_name": names.get(area_code, area_code) if area_code else "",
        "key_counts": selectors.dialogue_key_counts(area_code=area_code or None),
        "any_synthetic": any(dialogue.synthetic for dialogue in dialogues),
    }
    return render(request, "monitor/dialogues/list.html", context)


def _detail_page(request, dialogue, *, statement_form=None, action_form=None, status=200):
    can_record = has_capability(request.user, "dialogue.record")
    context = {
        "dialogue": dialogue,
        "area_name": _area_name(dialogue.area_code),
        "can_record": can_record,
        "statement_form": statement_form or StatementForm(prefix="statement"),
        "action_form": action_form or ActionForm(prefix="action"),
        "action_statuses": DialogueAction.Status.choices,
    }
    return render(request, "monitor/dialogues/detail.html", context, status=status)


def dialogue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dialogue = selectors.dialogue_get(pk=pk)
    if dialogue is None:
        raise Http404(_("There is no dialogue with this number."))
    return _detail_page(request, dialogue)


@capability_required("dialogue.record")
def dialogue_create(request: HttpRequest) -> HttpResponse:
    form = DialogueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dialogue = services.dialogue_record(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The dialogue is recorded."))
            return redirect("monitor:dialogue_detail", pk=dialogue.pk)
    status = 400 if form.is_bound else 200
    return render(
        request,
        "monitor/dialogues/form.html",
        {"form": form, "heading": _("Record a dialogue")},
        status=status,
    )


@capability_required("dialogue.record")
def dialogue_edit(request: HttpRequest, pk: int) -> HttpResponse:
    dialogue = get_object_or_404(Dialogue, pk=pk)
    initial = {name: getattr(dialogue, name) for name in DialogueForm.base_fields}
    form = DialogueForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.dialogue_update(actor=request.user, dialogue=dialogue, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The dialogue is saved."))
            return redirect("monitor:dialogue_detail", pk=dialogue.pk)
    status = 400 if form.is_bound else 200
    return render(
        request,
        "monitor/dialogues/form.html",
        {"form": form, "heading": _("Edit the dialogue")},
        status=status,
    )


def _add_to_dialogue(
    request: HttpRequest, pk: int, *, form_class, prefix: str, service, done: str
) -> HttpResponse:
    """Add a statement or a proposed action (`service`) from its form on the dialogue
    page; on errors, the page again with that form and its messages."""
    dialogue = get_object_or_404(Dialogue, pk=pk)
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            service(actor=request.user, dialogue=dialogue, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("monitor:dialogue_detail", pk=dialogue.pk)
    return _detail_page(
        request, selectors.dialogue_get(pk=pk), **{f"{prefix}_form": form}, status=400
    )


@require_POST
@capability_required("dialogue.record")
def statement_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _add_to_dialogue(
        request,
        pk,
        form_class=StatementForm,
        prefix="statement",
        service=services.statement_add,
        done=_("The statement is added."),
    )


@require_POST
@capability_required("dialogue.record")
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _add_to_dialogue(
        request,
        pk,
        form_class=ActionForm,
        prefix="action",
        service=services.action_add,
        done=_("The proposed action is added."),
    )


@require_POST
@capability_required("dialogue.record")
def action_status(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(DialogueAction, pk=pk)
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        services.action_status_set(
            actor=request.user, action=action, status=form.cleaned_data["status"]
        )
        messages.success(request, _("The status is saved."))
    else:
        messages.error(request, _("Choose a valid status."))
    return redirect("monitor:dialogue_detail", pk=action.dialogue_id)


urlpatterns = [
    path("monitor/dialogen/", dialogue_list, name="dialogue_list"),
    path("monitor/dialogen/nieuw/", dialogue_create, name="dialogue_create"),
    path("monitor/dialogen/<int:pk>/", dialogue_detail, name="dialogue_detail"),
    path("monitor/dialogen/<int:pk>/bewerken/", dialogue_edit, name="dialogue_edit"),
    path("monitor/dialogen/<int:pk>/uitspraak/", statement_add, name="statement_add"),
    path("monitor/dialogen/<int:pk>/actie/", action_add, name="action_add"),
    path("monitor/dialogen/acties/<int:pk>/status/", action_status, name="action_status"),
]
