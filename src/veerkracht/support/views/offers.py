"""Pages of the support catalogue.

- Public: the catalogue `/ondersteuning/` (filter, count, pagination) and a page per offer.
- Providers (`support_offer.manage` with an organisation): their own offers, new, edit,
  submit for curation — `/ondersteuning/mijn-aanbod/`.
- Curators (`support_offer.curate`): the queue, publish and withdraw —
  `/ondersteuning/beheer/`.

Thin views: the services decide who may do what and validate.
"""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, re_path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from veerkracht.core import selectors as core_selectors
from veerkracht.core.filters import FilterError, select_fields
from veerkracht.core.forms import add_service_errors
from veerkracht.core.permissions import capability_required
from veerkracht.initiatives.models import Phase, SupportOffer

from ..forms_offers import CurationFilterForm, CurationForm, OfferForm
from ..selectors.offers import (
    OfferFilter,
    offer_articles,
    offer_counts_by_status,
    offer_get_public,
    offer_list_public,
    offers_for_curation,
    offers_for_provider,
)
from ..services.offers import (
    RESERVED_SLUGS,
    can_curate,
    can_manage_offer,
    offer_create,
    offer_publish,
    offer_submit,
    offer_update,
    offer_withdraw,
)

PAGE_SIZE = 20
PAGE_PARAM = "pagina"
CURATION_PAGE_SIZE = 50


# --- public ----------------------------------------------------------------------------------


def _filter_fields(flt: OfferFilter) -> list[dict[str, Any]]:
    options = {
        "kind": [(value, str(label)) for value, label in SupportOffer.Kind.choices],
        "theme": [(t.slug, t.name) for t in core_selectors.theme_list().only("slug", "name")],
        "factor": [
            (f.slug, f.name) for f in core_selectors.resilience_factor_list().only("slug", "name")
        ],
        "municipality": list(
            core_selectors.municipality_list(
                province=core_selectors.served_province_code()
            ).values_list("code", "name")
        ),
        "phase": [(value, str(label)) for value, label in Phase.choices],
    }
    labels = {
        "kind": _("Kind of support"),
        "theme": _("Theme"),
        "factor": _("Resilience factor"),
        "municipality": _("Municipality"),
        "phase": _("Phase of the initiative"),
    }
    return select_fields(flt, labels, options)


def offer_list(request: HttpRequest) -> HttpResponse:
    """The public catalogue: filter, result count and one page of offers.

    A fixed number of queries whatever the number of offers (the choices, the count,
    one page, its themes and factors).
    """
    flt = OfferFilter.from_query(request.GET)
    status, error, page = 200, "", None
    try:
        flt.validate()
    except FilterError:
        status = 400
        error = _("The filter contains a value that does not exist. Choose again below.")
    if not error:
        page = Paginator(offer_list_public(flt), PAGE_SIZE).get_page(request.GET.get(PAGE_PARAM))
    query = flt.as_query()
    context = {
        "filter": flt,
        "filter_active": bool(query),
        "error": error,
        "page": page,
        "page_query": urlencode(query),
        "page_param": PAGE_PARAM,
        "fields": _filter_fields(flt),
        "hsds_url": reverse("api-v1:offers_hsds"),
    }
    return render(request, "support/offers/list.html", context, status=status)


def offer_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One offer of the public catalogue."""
    offer = offer_get_public(slug=slug)
    if offer is None:
        raise Http404(_("There is no offer in the catalogue at this address."))
    context = {
        "offer": offer,
        "themes": list(offer.themes.all()),
        "factors": list(offer.factors.all()),
        "phases": [Phase(p).label for p in offer.phases if p in Phase.values],
        "municipalities": list(offer.municipalities.all()),
        "articles": offer_articles(offer),
        "can_manage": can_manage_offer(request.user, offer),
    }
    return render(request, "support/offers/detail.html", context)


# --- providers and curators ------------------------------------------------------------------


def _managed_offer(request: HttpRequest, slug: str) -> SupportOffer:
    offer = get_object_or_404(SupportOffer.objects.select_related("provider"), slug=slug)
    if not can_manage_offer(request.user, offer):
        raise PermissionDenied(_("You can only manage your own organisation's offers."))
    return offer


@capability_required("support_offer.manage")
def provider_offer_list(request: HttpRequest) -> HttpResponse:
    """A provider's own offers, every status."""
    organisation = request.user.organisation
    context = {
        "organisation": organisation,
        "offers": offers_for_provider(organisation),
        "curator": can_curate(request.user),
    }
    return render(request, "support/offers/provider_list.html", context)


@capability_required("support_offer.manage")
def offer_new(request: HttpRequest) -> HttpResponse:
    curator = can_curate(request.user)
    if not curator and request.user.organisation_id is None:
        raise PermissionDenied(_("Your account is not linked to an organisation."))
    form = OfferForm(request.POST or None, curator=curator)
    if request.method == "POST" and form.is_valid():
        try:
            offer = offer_create(
                actor=request.user,
                data=form.offer_data(),
                provider=form.cleaned_data.get("provider"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The offer is saved as a draft. Submit it when it is complete.")
            )
            return redirect("support:offer_edit", slug=offer.slug)
    return render(request, "support/offers/form.html", {"form": form, "offer": None})


@login_required
def offer_edit(request: HttpRequest, slug: str) -> HttpResponse:
    offer = _managed_offer(request, slug)
    curator = can_curate(request.user)
    form = OfferForm(request.POST or None, curator=curator, initial=OfferForm.initial_for(offer))
    if request.method == "POST" and form.is_valid():
        try:
            offer = offer_update(
                actor=request.user,
                offer=offer,
                data=form.offer_data(),
                provider=form.cleaned_data.get("provider"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect("support:offer_edit", slug=offer.slug)
    context = {"form": form, "offer": offer, "curator": curator, "curation_form": CurationForm()}
    return render(request, "support/offers/form.html", context)


@require_POST
@login_required
def offer_submit_view(request: HttpRequest, slug: str) -> HttpResponse:
    offer = _managed_offer(request, slug)
    try:
        offer_submit(actor=request.user, offer=offer)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The offer is submitted. A curator will review it."))
    return redirect("support:offer_edit", slug=offer.slug)


@capability_required("support_offer.curate")
def curation_queue(request: HttpRequest) -> HttpResponse:
    """Curators' list: by default the offers awaiting curation."""
    params = request.GET if "status" in request.GET else {"status": SupportOffer.Status.SUBMITTED}
    form = CurationFilterForm(params)
    status = form.cleaned_data["status"] if form.is_valid() else SupportOffer.Status.SUBMITTED
    page = Paginator(offers_for_curation(status=status), CURATION_PAGE_SIZE).get_page(
        request.GET.get(PAGE_PARAM)
    )
    context = {
        "form": form,
        "page": page,
        "status": status,
        "counts": offer_counts_by_status(),
        "page_query": urlencode({"status": status}),
        "page_param": PAGE_PARAM,
    }
    return render(request, "support/offers/curation.html", context)


def _curation_step(request: HttpRequest, slug: str, step: Any) -> HttpResponse | None:
    """Run a curation step; on refusal, the message and the way back to the offer."""
    offer = get_object_or_404(SupportOffer, slug=slug)
    form = CurationForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        step(actor=request.user, offer=offer, note=note)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("support:offer_edit", slug=offer.slug)
    return None


@require_POST
@capability_required("support_offer.curate")
def offer_publish_view(request: HttpRequest, slug: str) -> HttpResponse:
    refused = _curation_step(request, slug, offer_publish)
    if refused is not None:
        return refused
    messages.success(request, _("The offer is published in the catalogue."))
    return redirect("support:curation")


@require_POST
@capability_required("support_offer.curate")
def offer_withdraw_view(request: HttpRequest, slug: str) -> HttpResponse:
    refused = _curation_step(request, slug, offer_withdraw)
    if refused is not None:
        return refused
    messages.success(request, _("The offer is withdrawn from the catalogue."))
    return redirect("support:curation")


urlpatterns = [
    path("ondersteuning/", offer_list, name="offer_list"),
    path("ondersteuning/mijn-aanbod/", provider_offer_list, name="provider_offers"),
    path("ondersteuning/mijn-aanbod/nieuw/", offer_new, name="offer_new"),
    path("ondersteuning/mijn-aanbod/<slug:slug>/", offer_edit, name="offer_edit"),
    path("ondersteuning/mijn-aanbod/<slug:slug>/indienen/", offer_submit_view, name="offer_submit"),
    path("ondersteuning/beheer/", curation_queue, name="curation"),
    path("ondersteuning/beheer/<slug:slug>/publiceren/", offer_publish_view, name="offer_publish"),
    path("ondersteuning/beheer/<slug:slug>/intrekken/", offer_withdraw_view, name="offer_withdraw"),
    # Last, and never one of the page names above (the questions pages live under "vragen/").
    re_path(
        rf"^ondersteuning/(?!(?:{'|'.join(RESERVED_SLUGS)})/)(?P<slug>[-a-zA-Z0-9_]+)/$",
        offer_detail,
        name="offer_detail",
    ),
]
