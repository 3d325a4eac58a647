"""Pages of the knowledge base (kennisbank).

Everyone reads published articles; holders of `article.edit` (editors) also see
unpublished ones, write and edit articles, publish them, manage attachments and
restore versions. Public pages show no names of authors or editors: editors see them.
"""

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from veerkracht.core import selectors as core_selectors
from veerkracht.core.forms import add_service_errors
from veerkracht.core.permissions import capability_required, has_capability

from . import selectors, services
from .forms import ArticleForm, AttachmentForm
from .models import Article, ArticleAttachment

EDIT = "article.edit"
PAGE_SIZE = 20
PAGE_PARAM = "pagina"
# URL parameter -> selector argument (Dutch names in the address bar).
FILTER_PARAMS = {"soort": "kind", "tag": "tag", "thema": "theme", "hulpbron": "factor", "q": "q"}


def _is_editor(request: HttpRequest) -> bool:
    return has_capability(request.user, EDIT)


def _article_or_404(request: HttpRequest, slug: str) -> Article:
    article = selectors.article_get(slug=slug, published_only=not _is_editor(request))
    if article is None:
        raise Http404(_("There is no article at this address."))
    return article


def article_list(request: HttpRequest) -> HttpResponse:
    """The list with filters; a fixed number of queries whatever the number of articles."""
    editor = _is_editor(request)
    values = {param: request.GET.get(param, "").strip()[:200] for param in FILTER_PARAMS}
    if values["soort"] not in Article.Kind.values:
        values["soort"] = ""
    articles = selectors.article_list(
        published_only=not editor, **{FILTER_PARAMS[k]: v for k, v in values.items()}
    )
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get(PAGE_PARAM))
    query = {k: v for k, v in values.items() if v}
    fields = [
        {
            "name": "soort",
            "label": _("Kind"),
            "options": [(value, str(label).capitalize()) for value, label in Article.Kind.choices],
        },
        {
            "name": "tag",
            "label": _("Tag"),
            "options": list(
                selectors.tag_list(published_only=not editor).values_list("slug", "name")
            ),
        },
        {
            "name": "thema",
            "label": _("Theme"),
            "options": list(core_selectors.theme_list().values_list("slug", "name")),
        },
        {
            "name": "hulpbron",
            "label": _("Resilience factor"),
            "options": list(core_selectors.resilience_factor_list().values_list("slug", "name")),
        },
    ]
    for item in fields:
        item["id"] = f"filter-{item['name']}"
        item["value"] = values[item["name"]]
    context = {
        "page": page,
        "fields": fields,
        "q": values["q"],
        "filter_active": bool(query),
        "page_query": urlencode(query),
        "page_param": PAGE_PARAM,
        "editor": editor,
    }
    return render(request, "knowledge/article_list.html", context)


def _attachment_rows(article: Article) -> list[dict[str, Any]]:
    rows = []
    for attachment in article.attachments.all():
        try:
            size = attachment.file.size
        except (FileNotFoundError, ValueError):
            size = None
        rows.append(
            {
                "title": attachment.title,
                "url": reverse(
                    "knowledge:attachment_download",
                    kwargs={"slug": article.slug, "pk": attachment.pk},
                ),
                "type": Path(attachment.file.name).suffix.lstrip(".").upper(),
                "size": size,
            }
        )
    return rows


def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = _article_or_404(request, slug)
    context = {
        "article": article,
        "editor": _is_editor(request),
        "versions": selectors.article_versions(article=article),
        "attachments": _attachment_rows(article),
    }
    return render(request, "knowledge/article_detail.html", context)


def article_history(request: HttpRequest, slug: str) -> HttpResponse:
    """The versions and the differences between two of them (?van=&naar=)."""
    article = _article_or_404(request, slug)
    versions = selectors.article_versions(article=article)
    by_number = {v.number: v for v in versions}
    numbers = list(by_number)

    def number(param: str, default: int) -> int:
        try:
            value = int(request.GET.get(param, default))
        except (TypeError, ValueError):
            return default
        return value if value in numbers else default

    newest = numbers[0] if numbers else 0
    new = number("naar", newest)
    old = number("van", max((n for n in numbers if n < new), default=new))
    diff = None
    if len(numbers) > 1:  # old and new are then numbers of loaded versions
        diff = selectors.version_diff(old=by_number[old], new=by_number[new])
    context = {
        "article": article,
        "versions": versions,
        "diff": diff,
        "old": old,
        "new": new,
        "editor": _is_editor(request),
    }
    return render(request, "knowledge/article_history.html", context)


@capability_required(EDIT)
def article_create(request: HttpRequest) -> HttpResponse:
    form = ArticleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        kwargs = form.service_kwargs()
        try:
            article = services.article_create(actor=request.user, **kwargs)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The article is saved. It is not published yet."))
            return redirect("knowledge:article_detail", slug=article.slug)
    return render(request, "knowledge/article_form.html", {"form": form, "article": None})


@capability_required(EDIT)
def article_edit(request: HttpRequest, slug: str) -> HttpResponse:
    article = _article_or_404(request, slug)
    form = ArticleForm(request.POST or None, initial=ArticleForm.initial_for(article))
    if request.method == "POST" and form.is_valid():
        before = article.current_version
        try:
            article = services.article_update(
                actor=request.user, article=article, **form.service_kwargs()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if article.current_version != before:
                messages.success(
                    request,
                    _("The changes are saved as version %(number)s.")
                    % {"number": article.current_version},
                )
            else:
                messages.success(request, _("The changes are saved."))
            return redirect("knowledge:article_detail", slug=article.slug)
    return render(request, "knowledge/article_form.html", {"form": form, "article": article})


@require_POST
@capability_required(EDIT)
def article_publication(request: HttpRequest, slug: str) -> HttpResponse:
    """Publish (publish=1) or unpublish (publish=0) the article."""
    article = _article_or_404(request, slug)
    if request.POST.get("publish") == "1":
        services.article_publish(actor=request.user, article=article)
        messages.success(request, _("The article is published."))
    else:
        services.article_unpublish(actor=request.user, article=article)
        messages.success(request, _("The article is no longer published."))
    return redirect("knowledge:article_detail", slug=article.slug)


@require_POST
@capability_required(EDIT)
def version_restore(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    article = _article_or_404(request, slug)
    try:
        article = services.article_version_restore(
            actor=request.user, article=article, number=number
        )
    except ValidationError:
        raise Http404(_("This version does not exist.")) from None
    messages.success(
        request,
        _("Version %(number)s is restored as version %(current)s.")
        % {"number": number, "current": article.current_version},
    )
    return redirect("knowledge:article_history", slug=article.slug)


@capability_required(EDIT)
def attachment_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The article's attachments: upload and remove."""
    article = _article_or_404(request, slug)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.attachment_add(
                    actor=request.user,
                    article=article,
                    file=form.cleaned_data["file"],
                    title=form.cleaned_data["title"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The attachment is added."))
                return redirect("knowledge:attachment_list", slug=article.slug)
        status = 400
    context = {"article": article, "form": form, "attachments": article.attachments.all()}
    return render(request, "knowledge/attachment_list.html", context, status=status)


@require_POST
@capability_required(EDIT)
def attachment_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    article = _article_or_404(request, slug)
    attachment = ArticleAttachment.objects.filter(article=article, pk=pk).first()
    if attachment is None:
        raise Http404(_("There is no such attachment."))
    services.attachment_remove(actor=request.user, attachment=attachment)
    messages.success(request, _("The attachment is removed."))
    return redirect("knowledge:attachment_list", slug=article.slug)


def attachment_download(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    """The file itself, for whoever may read the article."""
    article = _article_or_404(request, slug)
    attachment = ArticleAttachment.objects.filter(article=article, pk=pk).first()
    if attachment is None or not attachment.file:
        raise Http404(_("There is no such attachment."))
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("There is no such attachment.")) from None
    return FileResponse(handle, filename=Path(attachment.file.name).name)


urlpatterns = [
    path("kennisbank/", article_list, name="article_list"),
    path("kennisbank/nieuw/", article_create, name="article_create"),
    path("kennisbank/<slug:slug>/", article_detail, name="article_detail"),
    path("kennisbank/<slug:slug>/bewerken/", article_edit, name="article_edit"),
    path("kennisbank/<slug:slug>/publicatie/", article_publication, name="article_publication"),
    path("kennisbank/<slug:slug>/versies/", article_history, name="article_history"),
    path(
        "kennisbank/<slug:slug>/versies/<int:number>/terugzetten/",
        version_restore,
        name="version_restore",
    ),
    path("kennisbank/<slug:slug>/bijlagen/", attachment_list, name="attachment_list"),
    path(
        "kennisbank/<slug:slug>/bijlagen/<int:pk>/verwijderen/",
        attachment_remove,
        name="attachment_remove",
    ),
    path(
        "kennisbank/<slug:slug>/bijlagen/<int:pk>/",
        attachment_download,
        name="attachment_download",
    ),
]
