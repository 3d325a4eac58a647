"""Data in: the page where users with `monitor.import` upload a CSV of observations
(with a dry run) and see the result with its error table. Thin: the service checks,
stores and audits."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path

from veerkracht.core.permissions import capability_required

from ..forms_data import ObservationImportForm
from ..models import ObservationImport
from ..selectors.observations import observation_imports_recent
from ..services.imports import observations_import
from ..suppression import min_n


@capability_required("monitor.import")
def import_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = ObservationImportForm(request.POST, request.FILES)
        if form.is_valid():
            record = observations_import(
                actor=request.user,
                file=form.cleaned_data["file"],
                dry_run=form.cleaned_data["dry_run"],
            )
            return redirect("monitor:data_import_result", pk=record.pk)
        status = 400
    else:
        form = ObservationImportForm()
        status = 200
    return render(
        request,
        "monitor/data/import.html",
        {"form": form, "imports": observation_imports_recent(), "min_n": min_n()},
        status=status,
    )


@capability_required("monitor.import")
def import_result(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(ObservationImport.objects.select_related("imported_by"), pk=pk)
    return render(
        request, "monitor/data/result.html", {"record": record, "form": ObservationImportForm()}
    )


urlpatterns = [
    path("monitor/gegevens/importeren/", import_page, name="data_import"),
    path("monitor/gegevens/importeren/<int:pk>/", import_result, name="data_import_result"),
]
