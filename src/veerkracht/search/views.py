"""The search page, /zoeken/?q=…: one search over everything public."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from .models import Kind
from .selectors import search as search_index

PAGE_SIZE = 20
PAGE_PARAM = "pagina"
KIND_PARAM = "soort"


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get(PAGE_PARAM, "1")))
    except ValueError:
        return 1


def search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:200]
    kinds = [k for k in request.GET.getlist(KIND_PARAM) if k in Kind.values]
    number = _page_number(request)
    result = None
    page = None
    if q:
        result = search_index(q, kinds, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)
        page = Paginator(range(result.total), PAGE_SIZE).get_page(number)
        if page.number != number and result.total:
            result = search_index(q, kinds, limit=PAGE_SIZE, offset=(page.number - 1) * PAGE_SIZE)
    kind_options = [
        {
            "value": value,
            "label": label,
            "count": result.counts.get(value, 0) if result else None,
            "checked": value in kinds,
        }
        for value, label in Kind.choices
    ]
    labels = dict(Kind.choices)
    query = [("q", q), *((KIND_PARAM, k) for k in kinds)]
    context = {
        "q": q,
        "result": result,
        "page": page,
        "hits": [{"hit": h, "kind_label": labels[h.kind]} for h in result.hits] if result else [],
        "kind_options": kind_options,
        "page_param": PAGE_PARAM,
        "page_query": urlencode(query),
        "suggestion_query": urlencode([("q", result.suggestion), *((KIND_PARAM, k) for k in kinds)])
        if result and result.suggestion
        else "",
    }
    return render(request, "search/search.html", context)


urlpatterns = [path("zoeken/", search, name="search")]
