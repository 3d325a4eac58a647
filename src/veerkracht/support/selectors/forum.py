"""Read queries of the forum: lists, one thread with its posts, the moderation queue.

Who sees what:
- published threads and posts: everyone, also anonymous visitors;
- pending (pre-moderated) threads and posts: their author and moderators;
- hidden posts: everyone sees a placeholder in their place; moderators see the text;
- hidden threads (opening post hidden): their author and moderators only.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from veerkracht.core.models import Role, Theme
from veerkracht.core.permissions import CAPABILITIES, has_capability

from ..models import Follow, ForumCategory, Post, Report, Thread, Visibility

MODERATE = "forum.moderate"


def is_moderator(user: Any) -> bool:
    return has_capability(user, MODERATE)


def thread_slug(thread: Thread) -> str:
    return slugify(thread.title)[:80] or "onderwerp"


def thread_url(thread: Thread) -> str:
    """The thread's page (path only)."""
    return reverse("support:forum_thread", kwargs={"pk": thread.pk, "slug": thread_slug(thread)})


def author_display_name(user: Any) -> str:
    """How a person is named on the forum: first name and organisation, never an address.

    The new-thread and reply forms tell people that this is shown with their posts.
    """
    if user is None or getattr(user, "anonymised_at", None):
        return _("former member")
    first = user.full_name.split()[0] if user.full_name.strip() else _("forum member")
    organisation = getattr(user, "organisation", None)
    return f"{first} ({organisation.name})" if organisation else first


# --- lists --------------------------------------------------------------------------------


@dataclass
class ThreadFilter:
    """The forum's list filter from the query string: kind, theme and category."""

    PARAMS = {"kind": "soort", "theme": "thema", "category": "categorie"}

    kind: str = ""
    theme: str = ""
    category: str = ""

    @classmethod
    def from_query(cls, query: Any) -> "ThreadFilter":
        return cls(
            kind=(query.get(cls.PARAMS["kind"]) or "").strip(),
            theme=(query.get(cls.PARAMS["theme"]) or "").strip(),
            category=(query.get(cls.PARAMS["category"]) or "").strip(),
        )

    def is_valid(self) -> bool:
        if self.kind and self.kind not in Thread.Kind.values:
            return False
        if self.theme and not Theme.objects.filter(slug=self.theme).exists():
            return False
        return not (self.category and not ForumCategory.objects.filter(slug=self.category).exists())

    def as_query(self) -> dict[str, str]:
        return {
            self.PARAMS[name]: getattr(self, name) for name in self.PARAMS if getattr(self, name)
        }


def forum_category_list() -> QuerySet[ForumCategory]:
    """Categories in their order, each with its number of published threads."""
    return ForumCategory.objects.annotate(
        thread_count=Count("threads", filter=Q(threads__visibility=Visibility.PUBLISHED))
    ).order_by("position", "name")


def forum_category_get(*, slug: str) -> ForumCategory | None:
    return ForumCategory.objects.filter(slug=slug).first()


def thread_list_public(flt: ThreadFilter | None = None) -> QuerySet[Thread]:
    """Published threads, most recent activity first, with what a list row shows.

    A fixed number of queries per page: the threads (with category, author and the
    number of published replies) and one for their themes.
    """
    flt = flt or ThreadFilter()
    threads = Thread.objects.filter(visibility=Visibility.PUBLISHED)
    if flt.kind:
        threads = threads.filter(kind=flt.kind)
    if flt.theme:
        threads = threads.filter(themes__slug=flt.theme)
    if flt.category:
        threads = threads.filter(category__slug=flt.category)
    return (
        threads.select_related("category", "author", "author__organisation")
        .prefetch_related(Prefetch("themes", queryset=Theme.objects.order_by("position", "name")))
        .annotate(
            post_count=Count("posts", filter=Q(posts__visibility=Visibility.PUBLISHED)),
        )
        .order_by("-last_activity_at", "-pk")
    )


# --- one thread ---------------------------------------------------------------------------


def thread_get_visible(*, pk: int, user: Any) -> Thread | None:
    """The thread if this person may see it (see the module docstring)."""
    thread = (
        Thread.objects.select_related(
            "category", "author", "author__organisation", "initiative", "offer"
        )
        .filter(pk=pk)
        .first()
    )
    if thread is None:
        return None
    if thread.visibility == Visibility.PUBLISHED or is_moderator(user):
        return thread
    if getattr(user, "is_authenticated", False) and thread.author_id == user.pk:
        return thread
    return None


def thread_posts(*, thread: Thread, user: Any) -> list[Post]:
    """The posts this person may see, oldest first; hidden posts are kept as placeholders.

    Pending posts are listed only for their author and for moderators.
    """
    posts = Post.objects.filter(thread=thread).select_related("author", "author__organisation")
    if not is_moderator(user):
        own = Q(author_id=user.pk) if getattr(user, "is_authenticated", False) else Q(pk=None)
        posts = posts.filter(~Q(visibility=Visibility.PENDING) | own)
    else:
        posts = posts.annotate(open_reports=Count("reports", filter=Q(reports__resolution="")))
    return list(posts.order_by("created_at", "pk"))


def thread_first_post(thread: Thread) -> Post | None:
    return Post.objects.filter(thread=thread).order_by("created_at", "pk").first()


def thread_is_followed(*, thread: Thread, user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Follow.objects.filter(thread=thread, user=user).exists()


def reported_post_ids(*, thread: Thread, user: Any) -> set[int]:
    """The posts of this thread that this person has already reported."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        Report.objects.filter(post__thread=thread, reporter=user).values_list("post_id", flat=True)
    )


def post_get(*, pk: int) -> Post | None:
    return Post.objects.select_related("thread", "thread__category", "author").filter(pk=pk).first()


def post_is_first(post: Post) -> bool:
    first = thread_first_post(post.thread)
    return first is not None and first.pk == post.pk


def post_editable_until(post: Post):
    minutes = int(getattr(settings, "FORUM_EDIT_WINDOW_MINUTES", 60))
    return post.created_at + timedelta(minutes=minutes)


def post_can_edit(*, post: Post, user: Any) -> bool:
    if is_moderator(user):
        return True
    if not getattr(user, "is_authenticated", False) or post.author_id != user.pk:
        return False
    if post.visibility == Visibility.HIDDEN or post.thread.closed:
        return False
    return timezone.now() <= post_editable_until(post)


# --- moderation ---------------------------------------------------------------------------


def moderation_pending_posts() -> QuerySet[Post]:
    """Posts waiting for approval in pre-moderated categories or from new accounts."""
    return (
        Post.objects.filter(visibility=Visibility.PENDING)
        .select_related("thread", "thread__category", "author", "author__organisation")
        .order_by("created_at", "pk")
    )


def moderation_reported_posts() -> QuerySet[Post]:
    """Posts with at least one open report, most reported first, with those reports."""
    open_reports = Report.objects.filter(resolution="").order_by("created_at", "pk")
    return (
        Post.objects.filter(Exists(open_reports.filter(post=OuterRef("pk"))))
        .select_related("thread", "thread__category", "author", "author__organisation")
        .annotate(open_reports=Count("reports", filter=Q(reports__resolution="")))
        .prefetch_related(Prefetch("reports", queryset=open_reports, to_attr="open_report_list"))
        .order_by("-open_reports", "pk")
    )


def forum_moderators() -> QuerySet:
    """Active people holding forum.moderate (administrators and superusers included)."""
    roles = set(CAPABILITIES[MODERATE]) | {Role.Code.ADMINISTRATOR}
    return (
        get_user_model()
        .objects.filter(is_active=True, anonymised_at__isnull=True)
        .filter(Q(roles__code__in=roles) | Q(is_superuser=True))
        .distinct()
        .order_by("pk")
    )
