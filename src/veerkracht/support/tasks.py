"""Background tasks of the support app: the forum's e-mail notifications.

Enqueued by the forum services after the commit (Django Tasks API; RQ in production).
Each e-mail is rendered in the recipient's preferred language, as plain text with an
HTML alternative.
"""

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

TEMPLATES = "support/email/"


def _absolute(path: str) -> str:
    return settings.VEERKRACHT_SITE_URL.rstrip("/") + path


def _thread_url(thread: Any) -> str:
    from .selectors.forum import thread_url

    return _absolute(thread_url(thread))


def _send(*, recipient: Any, name: str, context: dict[str, Any]) -> None:
    """Render `forum_<name>_{subject.txt,body.txt,body.html}` for one person and send it."""
    if not recipient.email:
        return
    language = recipient.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {**context, "recipient": recipient, "site_url": settings.VEERKRACHT_SITE_URL}
        subject = render_to_string(f"{TEMPLATES}forum_{name}_subject.txt", context)
        text = render_to_string(f"{TEMPLATES}forum_{name}_body.txt", context)
        html = render_to_string(f"{TEMPLATES}forum_{name}_body.html", context)
    message = EmailMultiAlternatives(" ".join(subject.split()), text, None, [recipient.email])
    message.attach_alternative(html, "text/html")
    message.send()


def _post(post_id: int) -> Any:
    from .models import Post

    return (
        Post.objects.select_related("thread", "thread__category", "author", "author__organisation")
        .filter(pk=post_id)
        .first()
    )


@task()
def forum_notify_reply(*, post_id: int) -> None:
    """A new published reply: e-mail every follower of the thread except its author."""
    from .models import Follow, Visibility
    from .selectors.forum import author_display_name
    from .services.forum import follow_token

    post = _post(post_id)
    if post is None or post.visibility != Visibility.PUBLISHED:
        return
    thread = post.thread
    follows = (
        Follow.objects.filter(thread=thread, user__is_active=True)
        .exclude(user_id=post.author_id)
        .select_related("user")
        .order_by("pk")
    )
    thread_url = _thread_url(thread)
    for follow in follows:
        token = follow_token(thread_id=thread.pk, user_id=follow.user_id)
        context = {
            "thread": thread,
            "post": post,
            "author": author_display_name(post.author),
            "thread_url": f"{thread_url}#post-{post.pk}",
            "unfollow_url": _absolute(reverse("support:forum_unfollow", kwargs={"token": token})),
        }
        _send(recipient=follow.user, name="reply", context=context)


@task()
def forum_notify_moderators(*, post_id: int, reason: str) -> None:
    """A post waits for approval (`reason` "pending") or was reported ("report")."""
    from .selectors.forum import author_display_name, forum_moderators

    post = _post(post_id)
    if post is None:
        return
    context = {
        "thread": post.thread,
        "post": post,
        "reason": reason,
        "author": author_display_name(post.author),
        "thread_url": f"{_thread_url(post.thread)}#post-{post.pk}",
        "queue_url": _absolute(reverse("support:forum_moderation")),
    }
    for moderator in forum_moderators():
        if moderator.pk == post.author_id:
            continue
        _send(recipient=moderator, name="moderation", context=context)


@task()
def forum_notify_author(*, post_id: int, decision: str, note: str = "") -> None:
    """Tell the author a moderator hid, restored or approved their post."""
    post = _post(post_id)
    if post is None or post.author is None or not post.author.is_active:
        return
    context = {
        "thread": post.thread,
        "post": post,
        "decision": decision,
        "note": note,
        "thread_url": f"{_thread_url(post.thread)}#post-{post.pk}",
    }
    _send(recipient=post.author, name="decision", context=context)
