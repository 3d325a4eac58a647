"""Staff pages of the composite index: build a run with its choices, follow its
progress, read its log, effective weights and results, and publish it.
Thin: the services build and publish, the selectors read."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from veerkracht.core import selectors as core_selectors
from veerkracht.core.forms import UtrechtFormMixin
from veerkracht.core.models.geography import AreaLevel
from veerkracht.core.permissions import capability_required

from ..composite.pipeline import DEFAULTS
from ..models import IndexRun
from ..selectors.index import index_runs
from ..services.index import (
    IndexRunError,
    index_run_build,
    index_run_progress,
    index_run_publish,
)

CAPABILITY = "monitor.analyse"
RESULTS_PER_PAGE = 100

LEVEL_CHOICES = [
    (AreaLevel.MUNICIPALITY.value, gettext_lazy("municipalities")),
    (AreaLevel.DISTRICT.value, gettext_lazy("districts")),
    (AreaLevel.NEIGHBOURHOOD.value, gettext_lazy("neighbourhoods")),
]
IMPUTATION_CHOICES = [
    ("none", gettext_lazy("none (use the indicators an area has)")),
    ("mean", gettext_lazy("mean over all areas")),
    ("group_mean", gettext_lazy("mean over the areas of the same province or municipality")),
]
OUTLIER_CHOICES = [
    ("none", gettext_lazy("none")),
    ("winsorise", gettext_lazy("winsorise at the 5th and 95th percentile")),
    ("cap_z", gettext_lazy("cap at 3 standard deviations")),
]
NORMALISATION_CHOICES = [
    ("zscore", gettext_lazy("z-score")),
    ("minmax", gettext_lazy("min-max")),
    ("percentile_rank", gettext_lazy("percentile rank")),
    ("goalposts", gettext_lazy("fixed goalposts (comparable between years)")),
]
WEIGHTING_CHOICES = [
    ("equal", gettext_lazy("equal")),
    ("expert", gettext_lazy("expert weights")),
    ("regression", gettext_lazy("from the published explanatory model")),
]
AGGREGATION_CHOICES = [
    ("arithmetic", gettext_lazy("arithmetic")),
    ("geometric", gettext_lazy("geometric")),
]


def _year_list(value: str) -> list[int]:
    years: set[int] = set()
    for part in value.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if "-" in part:
            first, _sep, last = part.partition("-")
            if not (first.strip().isdigit() and last.strip().isdigit()):
                raise forms.ValidationError(_("Write years like 2023 or 2019-2023."))
            years.update(range(int(first), int(last) + 1))
        elif part.isdigit():
            years.add(int(part))
        else:
            raise forms.ValidationError(_("Write years like 2023 or 2019-2023."))
    if not years or min(years) < 1990 or max(years) > timezone.localdate().year + 1:
        raise forms.ValidationError(_("Choose years between 1990 and next year."))
    return sorted(years)


class IndexRunForm(UtrechtFormMixin, forms.Form):
    level = forms.ChoiceField(label=gettext_lazy("Area level"), choices=LEVEL_CHOICES)
    years = forms.CharField(
        label=gettext_lazy("Years"),
        help_text=gettext_lazy("One or more years, for example 2023 or 2019-2023."),
        max_length=60,
    )
    province = forms.RegexField(
        label=gettext_lazy("Province (CBS code)"),
        regex=r"^PV\d{2}$",
        required=False,
        help_text=gettext_lazy("For example PV30. Empty: every province."),
        max_length=4,
    )
    imputation = forms.ChoiceField(
        label=gettext_lazy("Missing values"), choices=IMPUTATION_CHOICES, initial="mean"
    )
    outliers = forms.ChoiceField(
        label=gettext_lazy("Outliers"), choices=OUTLIER_CHOICES, initial="none"
    )
    normalisation = forms.ChoiceField(
        label=gettext_lazy("Normalisation"), choices=NORMALISATION_CHOICES, initial="zscore"
    )
    weighting = forms.ChoiceField(
        label=gettext_lazy("Weighting"), choices=WEIGHTING_CHOICES, initial="equal"
    )
    aggregation = forms.ChoiceField(
        label=gettext_lazy("Aggregation"), choices=AGGREGATION_CHOICES, initial="arithmetic"
    )
    replications = forms.IntegerField(
        label=gettext_lazy("Monte Carlo replications"),
        min_value=0,
        max_value=10_000,
        initial=DEFAULTS["replications"],
        help_text=gettext_lazy("0 skips the uncertainty analysis (the band is then the class)."),
    )
    seed = forms.IntegerField(
        label=gettext_lazy("Random seed"),
        min_value=0,
        initial=DEFAULTS["seed"],
        help_text=gettext_lazy("The same seed and choices give the same results."),
    )
    background = forms.BooleanField(
        label=gettext_lazy("Build in the background"), required=False, initial=False
    )

    def clean_years(self) -> list[int]:
        return _year_list(self.cleaned_data["years"])

    def parameters(self) -> dict[str, Any]:
        keys = ("imputation", "outliers", "normalisation", "weighting", "aggregation")
        data = {key: self.cleaned_data[key] for key in keys}
        data["replications"] = self.cleaned_data["replications"]
        data["seed"] = self.cleaned_data["seed"]
        return data


@capability_required(CAPABILITY)
def run_list(request: HttpRequest) -> HttpResponse:
    year = timezone.localdate().year - 1
    form = IndexRunForm(
        request.POST or None,
        auto_id="index-%s",
        initial={"years": str(year), "province": settings.VEERKRACHT_PROVINCE, "level": "gemeente"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            run = index_run_build(
                actor=request.user,
                level=form.cleaned_data["level"],
                years=form.cleaned_data["years"],
                province=form.cleaned_data["province"],
                parameters=form.parameters(),
                background=form.cleaned_data["background"],
            )
        except IndexRunError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            if run.status == IndexRun.Status.FAILED:
                messages.error(request, _("The index run failed; its log says why."))
            elif run.status == IndexRun.Status.FINISHED:
                messages.success(request, _("The index run is finished."))
            else:
                messages.info(request, _("The index run is being built in the background."))
            return redirect("monitor:index_run", pk=run.pk)
    page = Paginator(index_runs(), 25).get_page(request.GET.get("page"))
    return render(request, "monitor/index/run_list.html", {"form": form, "page": page})


def _log_rows(run: IndexRun) -> list[dict[str, Any]]:
    rows = []
    for entry in run.log or []:
        entry = dict(entry)
        rows.append(
            {
                "year": entry.pop("year", ""),
                "step": entry.pop("step", ""),
                "choice": entry.pop("choice", ""),
                "details": ", ".join(f"{k}: {v}" for k, v in entry.items()),
            }
        )
    return rows


@capability_required(CAPABILITY)
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(IndexRun.objects.select_related("created_by"), pk=pk)
    years = run.years or []
    try:
        year = int(request.GET.get("year") or (years[-1] if years else 0))
    except ValueError:
        year = years[-1] if years else 0
    results = run.results.filter(year=year).order_by("-score", "area_code")
    page = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    names = core_selectors.area_names(level=run.level, codes=[r.area_code for r in page])
    rows = [
        {
            "result": r,
            "name": names.get(r.area_code, r.area_code),
            "contributions": sorted(r.contributions.items()),
        }
        for r in page
    ]
    domains = sorted(rows[0]["result"].contributions) if rows else []
    weights = []
    for weight_year, values in sorted((run.effective_weights or {}).items()):
        for key, value in values.items():
            kind, _sep, code = key.partition(":") if key.startswith("domain:") else ("", "", key)
            weights.append(
                {"year": weight_year, "domain": bool(kind), "code": code, "percent": value * 100}
            )
    return render(
        request,
        "monitor/index/run_detail.html",
        {
            "run": run,
            "progress": index_run_progress(run.pk) if run.status == "running" else None,
            "log_rows": _log_rows(run),
            "weights": weights,
            "year": year,
            "page": page,
            "rows": rows,
            "domains": domains,
        },
    )


@capability_required(CAPABILITY)
def run_publish(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(IndexRun, pk=pk)
    if request.method != "POST":
        return redirect("monitor:index_run", pk=run.pk)
    publish = request.POST.get("publish", "1") == "1"
    try:
        index_run_publish(actor=request.user, run=run, published=publish)
    except (IndexRunError, ValidationError) as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The index run is published.") if publish else _("The index run is withdrawn."),
        )
    return redirect("monitor:index_run", pk=run.pk)


urlpatterns = [
    path("monitor/indexberekeningen/", run_list, name="index_runs"),
    path("monitor/indexberekeningen/<int:pk>/", run_detail, name="index_run"),
    path("monitor/indexberekeningen/<int:pk>/publiceren/", run_publish, name="index_run_publish"),
]
