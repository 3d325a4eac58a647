"""Pages of the statistical models: the published "top 10 hulpbronnen" and small-area
estimates (public), and the analysts' page to add survey data, run the fits (as tasks)
and publish runs (`monitor.analyse`; adding survey data `monitor.import`). Thin views."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from veerkracht.core.models.geography import AreaLevel
from veerkracht.core.permissions import capability_required, has_capability

from ..models import ModelRun, SurveyDataset
from ..selectors import models as selectors
from ..services import models as services

ESTIMATE_LEVELS = [
    (AreaLevel.MUNICIPALITY.value, gettext_lazy("municipalities")),
    (AreaLevel.NEIGHBOURHOOD.value, gettext_lazy("neighbourhoods")),
]


class SurveyUploadForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=1990, max_value=2100)
    file = forms.FileField(
        label=gettext_lazy("Survey file (CSV)"),
        help_text=gettext_lazy(
            "One row per respondent: the columns veerkracht and gemeente (CBS code), one "
            "column per resilience factor (named by its code), optionally buurt, leeftijd, "
            "geslacht, opleiding."
        ),
    )
    synthetic = forms.BooleanField(
        label=gettext_lazy("These are synthetic demo data"), required=False
    )


class ExplanatoryForm(forms.Form):
    dataset = forms.ModelChoiceField(
        label=gettext_lazy("Survey data"), queryset=SurveyDataset.objects.all(), empty_label=None
    )
    random_intercept = forms.BooleanField(
        label=gettext_lazy("Add a random intercept per municipality (multilevel model)"),
        required=False,
    )


class SmallAreaForm(forms.Form):
    dataset = forms.ModelChoiceField(
        label=gettext_lazy("Survey data"), queryset=SurveyDataset.objects.all(), empty_label=None
    )
    level = forms.ChoiceField(label=gettext_lazy("Level"), choices=ESTIMATE_LEVELS)


def _refused(form: forms.Form, error: ValidationError) -> None:
    for message in error.messages:
        form.add_error(None, message)


def model_page(request: HttpRequest) -> HttpResponse:
    """The published explanatory model: top 10 resources as a bar chart and a table."""
    run = selectors.published_model_run(kind=ModelRun.Kind.EXPLANATORY)
    context = {
        "run": run,
        "effects": selectors.explanatory_effects(run, top=10) if run else [],
        "can_analyse": has_capability(request.user, "monitor.analyse"),
    }
    return render(request, "monitor/models/model.html", context)


def estimates_page(request: HttpRequest) -> HttpResponse:
    level = request.GET.get("niveau", AreaLevel.MUNICIPALITY.value)
    if level not in dict(ESTIMATE_LEVELS):
        level = AreaLevel.MUNICIPALITY.value
    run = selectors.published_model_run(kind=ModelRun.Kind.SMALL_AREA, level=level)
    context = {
        "run": run,
        "level": level,
        "levels": ESTIMATE_LEVELS,
        "estimates": selectors.small_area_estimates(run, public=True) if run else [],
        "can_analyse": has_capability(request.user, "monitor.analyse"),
    }
    return render(request, "monitor/models/estimates.html", context)


def _manage_page(request, *, upload=None, explanatory=None, small_area=None, status=200):
    context = {
        "datasets": list(selectors.survey_datasets()[:50]),
        "runs": selectors.model_runs(),
        "can_import": has_capability(request.user, "monitor.import"),
        "upload_form": upload or SurveyUploadForm(prefix="upload"),
        "explanatory_form": explanatory or ExplanatoryForm(prefix="explanatory"),
        "small_area_form": small_area or SmallAreaForm(prefix="small_area"),
    }
    return render(request, "monitor/models/manage.html", context, status=status)


@capability_required("monitor.analyse")
def manage(request: HttpRequest) -> HttpResponse:
    return _manage_page(request)


@require_POST
@capability_required("monitor.import")
def survey_upload(request: HttpRequest) -> HttpResponse:
    form = SurveyUploadForm(request.POST, request.FILES, prefix="upload")
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            dataset = services.survey_dataset_add(
                actor=request.user,
                name=form.cleaned_data["name"],
                year=form.cleaned_data["year"],
                file=upload,
                file_name=upload.name,
                synthetic=form.cleaned_data["synthetic"],
            )
        except services.ModelRunError as error:
            _refused(form, error)
        else:
            messages.success(
                request,
                _("Survey data stored: %(rows)s respondents.") % {"rows": dataset.rows},
            )
            return redirect("monitor:model_manage")
    return _manage_page(request, upload=form, status=400)


@require_POST
@capability_required("monitor.analyse")
def run_explanatory(request: HttpRequest) -> HttpResponse:
    form = ExplanatoryForm(request.POST, prefix="explanatory")
    if form.is_valid():
        try:
            run = services.model_run_explanatory(
                actor=request.user,
                dataset=form.cleaned_data["dataset"],
                random_intercept=form.cleaned_data["random_intercept"],
            )
        except services.ModelRunError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The model run has been started."))
            return redirect("monitor:model_run", pk=run.pk)
    return _manage_page(request, explanatory=form, status=400)


@require_POST
@capability_required("monitor.analyse")
def run_small_area(request: HttpRequest) -> HttpResponse:
    form = SmallAreaForm(request.POST, prefix="small_area")
    if form.is_valid():
        try:
            run = services.model_run_small_area(
                actor=request.user,
                dataset=form.cleaned_data["dataset"],
                level=form.cleaned_data["level"],
            )
        except services.ModelRunError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The model run has been started."))
            return redirect("monitor:model_run", pk=run.pk)
    return _manage_page(request, small_area=form, status=400)


@capability_required("monitor.analyse")
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(ModelRun.objects.select_related("dataset", "created_by"), pk=pk)
    context = {
        "run": run,
        "effects": selectors.explanatory_effects(run)
        if run.kind == ModelRun.Kind.EXPLANATORY
        else [],
        "estimates": selectors.small_area_estimates(run, public=False)
        if run.kind == ModelRun.Kind.SMALL_AREA
        else [],
    }
    return render(request, "monitor/models/run_detail.html", context)


@require_POST
@capability_required("monitor.analyse")
def run_publish(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(ModelRun, pk=pk)
    publish = request.POST.get("published", "1") == "1"
    try:
        services.model_run_publish(actor=request.user, run=run, published=publish)
    except services.ModelRunError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("The run has been published.") if publish else _("The run is withdrawn.")
        )
    return redirect("monitor:model_run", pk=run.pk)


urlpatterns: list = [
    path("monitor/hulpbronnen/", model_page, name="model"),
    path("monitor/schattingen/", estimates_page, name="estimates"),
    path("monitor/modellen/", manage, name="model_manage"),
    path("monitor/modellen/enquete/", survey_upload, name="survey_upload"),
    path("monitor/modellen/verklarend/", run_explanatory, name="model_run_explanatory"),
    path("monitor/modellen/kleine-gebieden/", run_small_area, name="model_run_small_area"),
    path("monitor/modellen/<int:pk>/", run_detail, name="model_run"),
    path("monitor/modellen/<int:pk>/publiceren/", run_publish, name="model_run_publish"),
]
