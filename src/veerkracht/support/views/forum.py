"""Forum pages: the question-and-offer forum, its threads and the moderation queue.

Anonymous visitors read published threads; logged-in, active people start threads,
reply, follow, report and accept answers; moderators (``forum.moderate``) work through
the moderation queue. Thin views: the services check and do the work. A rate limit
shows the form again with the message and HTTP 429; nothing is stored.
"""

from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from veerkracht.core import selectors as core_selectors
from veerkracht.core.http import safe_next_url
from veerkracht.core.permissions import capability_required

from ..forms_forum import EditForm, ModerationForm, ReplyForm, ReportForm, ThreadForm
from ..models import Thread, Visibility
from ..selectors import forum as selectors
from ..selectors.forum import thread_url
from ..services import forum as services
from ..services.forum import ForumError, ForumRateLimited

PAGE_SIZE = 20
PAGE_PARAM = "pagina"
TEMPLATES = "support/forum/"


def member_required(view):
    """Anonymous visitors go to the login page; inactive accounts get 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_active:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _refused(form: Any, error: ForumError) -> None:
    for message in error.messages:
        form.add_error(None, message)


# --- lists --------------------------------------------------------------------------------


def _list_context(
    request: HttpRequest, flt: selectors.ThreadFilter, *, base_url: str, fixed: tuple = ()
) -> tuple[dict[str, Any], int]:
    status = 200
    error = ""
    page = None
    if flt.is_valid():
        page = Paginator(selectors.thread_list_public(flt), PAGE_SIZE).get_page(
            request.GET.get(PAGE_PARAM)
        )
        page.object_list = list(page.object_list)
        for thread in page.object_list:
            thread.url = thread_url(thread)
    else:
        status = 400
        error = _("The filter contains a value that does not exist. Choose again below.")
    query = {k: v for k, v in flt.as_query().items() if k not in fixed}
    themes = list(core_selectors.theme_list().only("slug", "name"))
    context = {
        "filter": flt,
        "filter_active": bool(query),
        "error": error,
        "page": page,
        "page_query": urlencode(query),
        "page_param": PAGE_PARAM,
        "base_url": base_url,
        "kinds": [(value, str(label)) for value, label in Thread.Kind.choices],
        "themes": [(t.slug, t.name) for t in themes],
        "params": selectors.ThreadFilter.PARAMS,
    }
    return context, status


def forum_home(request: HttpRequest) -> HttpResponse:
    """Categories and the latest threads, filtered on kind, theme or category.

    A fixed number of queries: categories, themes, the count, one page and its themes.
    """
    flt = selectors.ThreadFilter.from_query(request.GET)
    context, status = _list_context(request, flt, base_url=reverse("support:forum"))
    context["categories"] = list(selectors.forum_category_list())
    return render(request, TEMPLATES + "home.html", context, status=status)


def forum_category(request: HttpRequest, slug: str) -> HttpResponse:
    category = selectors.forum_category_get(slug=slug)
    if category is None:
        raise Http404(_("There is no forum category at this address."))
    flt = selectors.ThreadFilter.from_query(request.GET)
    flt.category = category.slug
    context, status = _list_context(
        request,
        flt,
        base_url=reverse("support:forum_category", kwargs={"slug": slug}),
        fixed=(selectors.ThreadFilter.PARAMS["category"],),
    )
    context["category"] = category
    return render(request, TEMPLATES + "category.html", context, status=status)


# --- starting a thread --------------------------------------------------------------------


@member_required
def thread_new(request: HttpRequest) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = ThreadForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                thread = services.thread_start(
                    actor=request.user,
                    category=data["category"],
                    kind=data["kind"],
                    title=data["title"],
                    body=data["body"],
                    themes=list(data["themes"]),
                    initiative=data.get("initiative"),
                    offer=data.get("offer"),
                )
            except ForumRateLimited as error:
                _refused(form, error)
                status = 429
            except ForumError as error:
                _refused(form, error)
                status = 400
            else:
                if thread.visibility == Visibility.PENDING:
                    messages.info(
                        request,
                        _(
                            "Thank you. A moderator will look at your thread; it appears "
                            "in the forum once approved."
                        ),
                    )
                else:
                    messages.success(request, _("Your thread has been published."))
                return redirect(thread_url(thread))
        else:
            status = 400
    else:
        initial: dict[str, Any] = {"kind": request.GET.get("soort") or Thread.Kind.QUESTION}
        category = selectors.forum_category_get(slug=request.GET.get("categorie") or "")
        if category is not None:
            initial["category"] = category
        form = ThreadForm(initial=initial, user=request.user)
    return render(request, TEMPLATES + "thread_form.html", {"form": form}, status=status)


# --- one thread ---------------------------------------------------------------------------


def _thread_or_404(request: HttpRequest, pk: int) -> Thread:
    thread = selectors.thread_get_visible(pk=pk, user=request.user)
    if thread is None:
        raise Http404(_("There is no forum thread at this address."))
    return thread


def thread_detail(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    """A thread with its posts; logged-in people reply here (POST)."""
    thread = _thread_or_404(request, pk)
    canonical = thread_url(thread)
    if slug != selectors.thread_slug(thread) and request.method != "POST":
        return redirect(canonical, permanent=True)
    user = request.user
    status = 200
    reply_form = ReplyForm()
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect_to_login(canonical)
        reply_form = ReplyForm(request.POST)
        if reply_form.is_valid():
            try:
                post = services.post_reply(
                    actor=user, thread=thread, body=reply_form.cleaned_data["body"]
                )
            except ForumRateLimited as error:
                _refused(reply_form, error)
                status = 429
            except ForumError as error:
                _refused(reply_form, error)
                status = 400
            else:
                if post.visibility == Visibility.PENDING:
                    messages.info(
                        request,
                        _("Thank you. Your reply appears once a moderator has approved it."),
                    )
                else:
                    messages.success(request, _("Your reply has been posted."))
                return redirect(f"{canonical}#post-{post.pk}")
        else:
            status = 400
    moderator = selectors.is_moderator(user)
    posts = selectors.thread_posts(thread=thread, user=user)
    for post in posts:
        post.author_name = selectors.author_display_name(post.author)
    opening = posts[0] if posts and posts[0].pk == _first_pk(thread) else None
    editable = {p.pk for p in posts if user.is_authenticated and _can_edit(p, thread, user)}
    context = {
        "thread": thread,
        "canonical": canonical,
        "opening": opening,
        "replies": posts[1:] if opening else posts,
        "reply_form": reply_form,
        "moderator": moderator,
        "followed": selectors.thread_is_followed(thread=thread, user=user),
        "reported": selectors.reported_post_ids(thread=thread, user=user),
        "editable": editable,
        "can_accept": thread.kind == Thread.Kind.QUESTION
        and user.is_authenticated
        and (thread.author_id == user.pk or moderator),
        "can_reply": thread.visibility == Visibility.PUBLISHED and not thread.closed,
        "themes": list(thread.themes.order_by("position", "name")),
    }
    return render(request, TEMPLATES + "thread.html", context, status=status)


def _first_pk(thread: Thread) -> int | None:
    first = selectors.thread_first_post(thread)
    return first.pk if first else None


def _can_edit(post: Any, thread: Thread, user: Any) -> bool:
    post.thread = thread
    return selectors.post_can_edit(post=post, user=user)


@require_POST
@member_required
def thread_follow(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow or stop following (``action``); htmx gets the button back, others a redirect."""
    thread = _thread_or_404(request, pk)
    if request.POST.get("action") == "unfollow":
        services.thread_unfollow(actor=request.user, thread=thread)
        followed = False
        message = _("You no longer follow this thread.")
    else:
        services.thread_follow(actor=request.user, thread=thread)
        followed = True
        message = _("You follow this thread: you get an e-mail when someone replies.")
    if request.headers.get("HX-Request"):
        return render(
            request,
            TEMPLATES + "_follow.html",
            {"thread": thread, "followed": followed, "announce": message},
        )
    messages.success(request, message)
    return redirect(thread_url(thread))


def unfollow_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link in notification e-mails: GET asks to confirm, POST stops following."""
    done = False
    error = ""
    thread = None
    if request.method == "POST":
        try:
            thread = services.thread_unfollow_by_token(token=token)
            done = True
        except ForumError as refused:
            error = refused.messages[0]
    context = {"token": token, "done": done, "error": error, "thread": thread}
    return render(request, TEMPLATES + "unfollow.html", context, status=400 if error else 200)


# --- one post -----------------------------------------------------------------------------


def _post_or_404(request: HttpRequest, pk: int) -> Any:
    post = selectors.post_get(pk=pk)
    if post is None or selectors.thread_get_visible(pk=post.thread_id, user=request.user) is None:
        raise Http404(_("There is no forum post at this address."))
    return post


@member_required
def post_report(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post_or_404(request, pk)
    status = 200
    form = ReportForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.post_report(
                    actor=request.user, post=post, reason=form.cleaned_data["reason"]
                )
            except ForumError as error:
                _refused(form, error)
                status = 400
            else:
                messages.success(
                    request, _("Thank you. A moderator will look at the post you reported.")
                )
                return redirect(f"{thread_url(post.thread)}#post-{post.pk}")
        else:
            status = 400
    context = {"post": post, "form": form, "thread_url": thread_url(post.thread)}
    return render(request, TEMPLATES + "report.html", context, status=status)


@member_required
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post_or_404(request, pk)
    if not selectors.post_can_edit(post=post, user=request.user):
        raise PermissionDenied(_("This post can no longer be changed."))
    status = 200
    form = EditForm(request.POST or None, initial={"body": post.body})
    if request.method == "POST":
        if form.is_valid():
            try:
                services.post_edit(actor=request.user, post=post, body=form.cleaned_data["body"])
            except ForumError as error:
                _refused(form, error)
                status = 400
            else:
                messages.success(request, _("Your changes are saved."))
                return redirect(f"{thread_url(post.thread)}#post-{post.pk}")
        else:
            status = 400
    context = {"post": post, "form": form, "thread_url": thread_url(post.thread)}
    return render(request, TEMPLATES + "edit.html", context, status=status)


@require_POST
@member_required
def post_accept(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post_or_404(request, pk)
    try:
        services.answer_accept(actor=request.user, post=post)
    except ForumError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("The reply is marked as the answer."))
    return redirect(f"{thread_url(post.thread)}#post-{post.pk}")


@require_POST
@capability_required(selectors.MODERATE)
def post_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    """A moderator's decision on a post: hide, restore, approve or dismiss its reports."""
    post = selectors.post_get(pk=pk)
    if post is None:
        raise Http404
    fallback = f"{thread_url(post.thread)}#post-{post.pk}"
    form = ModerationForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(safe_next_url(request, fallback))
    action = form.cleaned_data["action"]
    reason = form.cleaned_data["reason"]
    done = {
        "hide": (services.post_hide, _("The post is hidden.")),
        "restore": (services.post_restore, _("The post is visible again.")),
        "approve": (services.post_approve, _("The post is approved and published.")),
        "dismiss": (services.report_dismiss, _("The reports are dismissed.")),
    }
    service, message = done[action]
    try:
        service(actor=request.user, post=post, reason=reason)
    except ForumError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, message)
    return redirect(safe_next_url(request, fallback))


@require_POST
@capability_required(selectors.MODERATE)
def thread_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    """Close or reopen a thread (``action``), with an optional reason."""
    thread = Thread.objects.filter(pk=pk).first()
    if thread is None:
        raise Http404
    reason = (request.POST.get("reason") or "").strip()[:300]
    try:
        if request.POST.get("action") == "reopen":
            services.thread_reopen(actor=request.user, thread=thread, reason=reason)
            messages.success(request, _("The thread is open again."))
        else:
            services.thread_close(actor=request.user, thread=thread, reason=reason)
            messages.success(request, _("The thread is closed."))
    except ForumError as error:
        messages.error(request, error.messages[0])
    return redirect(thread_url(thread))


@capability_required(selectors.MODERATE)
def moderation_queue(request: HttpRequest) -> HttpResponse:
    """Pending posts and reported posts, each with its actions and a reason field."""
    context = {
        "pending": list(selectors.moderation_pending_posts()[:100]),
        "reported": list(selectors.moderation_reported_posts()[:100]),
    }
    for post in [*context["pending"], *context["reported"]]:
        post.thread_url = thread_url(post.thread)
        post.author_name = selectors.author_display_name(post.author)
    return render(request, TEMPLATES + "moderation.html", context)


urlpatterns = [
    path("forum/", forum_home, name="forum"),
    path("forum/nieuw/", thread_new, name="forum_thread_new"),
    path("forum/moderatie/", moderation_queue, name="forum_moderation"),
    path("forum/categorie/<slug:slug>/", forum_category, name="forum_category"),
    path("forum/<int:pk>-<slug:slug>/", thread_detail, name="forum_thread"),
    path("forum/<int:pk>/volgen/", thread_follow, name="forum_follow"),
    path("forum/<int:pk>/modereren/", thread_moderate, name="forum_thread_moderate"),
    path("forum/bericht/<int:pk>/melden/", post_report, name="forum_post_report"),
    path("forum/bericht/<int:pk>/bewerken/", post_edit, name="forum_post_edit"),
    path("forum/bericht/<int:pk>/antwoord/", post_accept, name="forum_post_accept"),
    path("forum/bericht/<int:pk>/modereren/", post_moderate, name="forum_post_moderate"),
    path("forum/niet-meer-volgen/<str:token>/", unfollow_link, name="forum_unfollow"),
]
