"""The forum: every use case that changes state, one function each.

Each service takes keyword-only arguments, checks who may do it, runs in one
transaction, writes the audit record inside it and enqueues e-mail only after the
commit. A refused step raises `ForumError` (`ForumRateLimited` when a rate limit is
reached, `PermissionDenied` when the person may not do it at all) and stores nothing.

Moderation (capability ``forum.moderate``): hide, restore and approve posts, dismiss
reports, close and reopen threads. Every decision is audited with who, when and why.
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from veerkracht.core.permissions import check_capability, user_role_codes
from veerkracht.core.services.audit import audit_record

from .. import ratelimit
from ..models import Follow, ForumCategory, Post, Report, Thread, Visibility
from ..selectors.forum import MODERATE, is_moderator, post_can_edit, post_is_first
from .questions import question_answer_accepted

UNFOLLOW_SALT = "veerkracht.forum.unfollow"


class ForumError(ValidationError):
    """A forum step that is not possible (closed thread, wrong kind, already reported …)."""


class ForumRateLimited(ForumError):
    """A rate limit was reached: nothing was stored."""

    def __init__(self, limit: ratelimit.RateLimit) -> None:
        self.limit = limit
        if limit.kind == "interval":
            message = ngettext(
                "You are posting very quickly. Please wait %(count)d second and try again.",
                "You are posting very quickly. Please wait %(count)d seconds and try again.",
                limit.limit,
            ) % {"count": limit.limit}
        elif limit.kind == ratelimit.THREAD:
            message = ngettext(
                "You have started %(count)d thread in the last hour, the most we accept. "
                "Please try again later.",
                "You have started %(count)d threads in the last hour, the most we accept. "
                "Please try again later.",
                limit.limit,
            ) % {"count": limit.limit}
        else:
            message = ngettext(
                "You have posted %(count)d reply in the last hour, the most we accept. "
                "Please try again later.",
                "You have posted %(count)d replies in the last hour, the most we accept. "
                "Please try again later.",
                limit.limit,
            ) % {"count": limit.limit}
        super().__init__(message, code="rate_limited")


# --- helpers ------------------------------------------------------------------------------


def _require_member(user: Any) -> None:
    """Only logged-in, active people take part in the forum."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDenied(_("Log in to take part in the forum."))


def _clean_text(value: str, *, empty: str, max_length: int) -> str:
    """The stripped text; `empty` is the message when nothing is left."""
    value = (value or "").strip()
    if not value:
        raise ForumError(empty)
    if len(value) > max_length:
        raise ForumError(
            _("The text is too long (at most %(count)d characters).") % {"count": max_length}
        )
    return value


def _rate_check(user: Any, kind: str) -> None:
    if is_moderator(user):
        return
    limit = ratelimit.forum_rate_check(user, kind)
    if limit is not None:
        raise ForumRateLimited(limit)


def _rate_count(user: Any, kind: str) -> None:
    """Count the post at once (not on commit): a rolled-back post still counts, which errs
    on the safe side and closes the gap between two quick requests."""
    if not is_moderator(user):
        ratelimit.forum_rate_count(user.pk, kind)


def is_new_member(user: Any) -> bool:
    """Whether this person's posts are pre-moderated because the account is new.

    New: the account holds no role, is younger than ``FORUM_NEW_ACCOUNT_DAYS`` (default 7)
    and has no published post yet. Switched off with ``FORUM_PREMODERATE_NEW_ACCOUNTS``.
    """
    if not getattr(settings, "FORUM_PREMODERATE_NEW_ACCOUNTS", True):
        return False
    if is_moderator(user) or user_role_codes(user):
        return False
    days = int(getattr(settings, "FORUM_NEW_ACCOUNT_DAYS", 7))
    if user.date_joined <= timezone.now() - timedelta(days=days):
        return False
    return not Post.objects.filter(author=user, visibility=Visibility.PUBLISHED).exists()


def _premoderated(user: Any, category: ForumCategory) -> bool:
    if is_moderator(user):
        return False
    return category.premoderated or is_new_member(user)


def _notify_moderators(post: Post, reason: str) -> None:
    from ..tasks import forum_notify_moderators

    post_id = post.pk
    transaction.on_commit(lambda: forum_notify_moderators.enqueue(post_id=post_id, reason=reason))


def _notify_followers(post: Post) -> None:
    from ..tasks import forum_notify_reply

    post_id = post.pk
    transaction.on_commit(lambda: forum_notify_reply.enqueue(post_id=post_id))


def _notify_author(post: Post, decision: str, note: str) -> None:
    if post.author_id is None:
        return
    from ..tasks import forum_notify_author

    post_id = post.pk
    transaction.on_commit(
        lambda: forum_notify_author.enqueue(post_id=post_id, decision=decision, note=note)
    )


def _moderation(post: Post, *, actor: Any, visibility: str, note: str) -> None:
    post.visibility = visibility
    post.moderation_note = note[:300]
    post.moderated_by = actor if getattr(actor, "is_authenticated", False) else None
    post.moderated_at = timezone.now()
    post.save(update_fields=["visibility", "moderation_note", "moderated_by", "moderated_at"])


def _lock_post(post: Post) -> Post:
    return (
        Post.objects.select_for_update()
        .select_related("thread", "thread__category")
        .get(pk=post.pk)
    )


# --- taking part --------------------------------------------------------------------------


@transaction.atomic
def thread_start(
    *,
    actor: Any,
    category: ForumCategory,
    kind: str,
    title: str,
    body: str,
    themes: Any = (),
    initiative: Any = None,
    offer: Any = None,
    question: Any = None,
) -> Thread:
    """Start a thread with its opening post; the author follows it from then on.

    In a pre-moderated category (or for a new account) thread and post wait for a
    moderator, who is told by e-mail.
    """
    _require_member(actor)
    if kind not in Thread.Kind.values:
        raise ForumError(_("Choose whether you ask a question or make an offer."))
    title = _clean_text(title, empty=_("Please give your thread a title."), max_length=200)
    body = _clean_text(body, empty=_("Please write a message."), max_length=10000)
    moderator = is_moderator(actor)
    if initiative is not None and initiative.initiator_id != actor.pk and not moderator:
        raise ForumError(_("You can only post on behalf of your own initiative."))
    if offer is not None and offer.provider_id != actor.organisation_id and not moderator:
        raise ForumError(_("You can only refer to your own organisation's support offers."))
    _rate_check(actor, ratelimit.THREAD)
    pending = _premoderated(actor, category)
    visibility = Visibility.PENDING if pending else Visibility.PUBLISHED
    now = timezone.now()
    thread = Thread.objects.create(
        category=category,
        kind=kind,
        title=title,
        author=actor,
        initiative=initiative,
        offer=offer,
        question=question,
        visibility=visibility,
        created_at=now,
        last_activity_at=now,
    )
    if themes:
        thread.themes.set(themes)
    post = Post.objects.create(
        thread=thread, author=actor, body=body, visibility=visibility, created_at=now
    )
    Follow.objects.get_or_create(thread=thread, user=actor)
    audit_record(
        actor=actor,
        action="forum.thread_start",
        obj=thread,
        after={
            "category": category.slug,
            "kind": kind,
            "visibility": visibility,
            "post": post.pk,
        },
    )
    _rate_count(actor, ratelimit.THREAD)
    if pending:
        _notify_moderators(post, "pending")
    return thread


@transaction.atomic
def post_reply(*, actor: Any, thread: Thread, body: str) -> Post:
    """Reply to a thread; followers other than the author hear of a published reply."""
    _require_member(actor)
    thread = Thread.objects.select_for_update().select_related("category").get(pk=thread.pk)
    moderator = is_moderator(actor)
    if thread.closed:
        raise ForumError(_("This thread is closed: no new replies are possible."))
    if thread.visibility != Visibility.PUBLISHED and not moderator:
        raise ForumError(_("Replies are possible once the thread has been published."))
    body = _clean_text(body, empty=_("Please write a message."), max_length=10000)
    _rate_check(actor, ratelimit.REPLY)
    pending = _premoderated(actor, thread.category)
    now = timezone.now()
    post = Post.objects.create(
        thread=thread,
        author=actor,
        body=body,
        visibility=Visibility.PENDING if pending else Visibility.PUBLISHED,
        created_at=now,
    )
    if not pending:
        thread.last_activity_at = now
        thread.save(update_fields=["last_activity_at"])
    audit_record(
        actor=actor,
        action="forum.post_reply",
        obj=post,
        after={"thread": thread.pk, "visibility": post.visibility},
    )
    _rate_count(actor, ratelimit.REPLY)
    if pending:
        _notify_moderators(post, "pending")
    else:
        _notify_followers(post)
    return post


@transaction.atomic
def post_edit(*, actor: Any, post: Post, body: str, reason: str = "") -> Post:
    """Change a post's text: its author within the edit window, or a moderator."""
    _require_member(actor)
    post = _lock_post(post)
    if not post_can_edit(post=post, user=actor):
        raise PermissionDenied(_("This post can no longer be changed."))
    body = _clean_text(body, empty=_("Please write a message."), max_length=10000)
    if body == post.body:
        return post
    before_length = len(post.body)
    post.body = body
    post.edited_at = timezone.now()
    post.save(update_fields=["body", "edited_at"])
    # The text itself is not copied into the trail: erasure must be able to remove it.
    audit_record(
        actor=actor,
        action="forum.post_edit",
        obj=post,
        before={"length": before_length},
        after={"length": len(body), "by_moderator": actor.pk != post.author_id},
        note=reason,
    )
    return post


@transaction.atomic
def answer_accept(*, actor: Any, post: Post) -> Thread:
    """Mark a reply as the answer to a question thread (thread author or moderator)."""
    _require_member(actor)
    post = _lock_post(post)
    thread = post.thread
    if actor.pk != thread.author_id and not is_moderator(actor):
        raise PermissionDenied(_("Only the person who asked can accept an answer."))
    if thread.kind != Thread.Kind.QUESTION:
        raise ForumError(_("Only a question thread has an accepted answer."))
    if post.visibility != Visibility.PUBLISHED or post_is_first(post):
        raise ForumError(_("Choose a published reply as the answer."))
    before = thread.accepted_post_id
    thread.accepted_post = post
    thread.save(update_fields=["accepted_post"])
    audit_record(
        actor=actor,
        action="forum.answer_accept",
        obj=thread,
        before={"accepted_post": before},
        after={"accepted_post": post.pk},
    )
    if thread.question_id is not None:
        question_answer_accepted(actor=actor, question_id=thread.question_id, answer=post.body)
    return thread


@transaction.atomic
def thread_follow(*, actor: Any, thread: Thread) -> Follow:
    _require_member(actor)
    follow, created = Follow.objects.get_or_create(thread=thread, user=actor)
    if created:
        audit_record(actor=actor, action="forum.thread_follow", obj=thread)
    return follow


@transaction.atomic
def thread_unfollow(*, actor: Any, thread: Thread) -> None:
    _require_member(actor)
    deleted, _count = Follow.objects.filter(thread=thread, user=actor).delete()
    if deleted:
        audit_record(actor=actor, action="forum.thread_unfollow", obj=thread)


def follow_token(*, thread_id: int, user_id: int) -> str:
    """The signed token of the unfollow link in notification e-mails."""
    return signing.dumps({"t": thread_id, "u": user_id}, salt=UNFOLLOW_SALT)


@transaction.atomic
def thread_unfollow_by_token(*, token: str) -> Thread:
    """Stop following through the link in an e-mail (no login needed)."""
    try:
        data = signing.loads(token, salt=UNFOLLOW_SALT)
        thread_id, user_id = int(data["t"]), int(data["u"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise ForumError(_("This link is not valid.")) from error
    thread = Thread.objects.filter(pk=thread_id).first()
    if thread is None:
        raise ForumError(_("This link is not valid."))
    deleted, _count = Follow.objects.filter(thread=thread, user_id=user_id).delete()
    if deleted:
        audit_record(
            actor=None,
            action="forum.thread_unfollow",
            obj=thread,
            note="unfollow link in e-mail",
            after={"user": user_id},
        )
    return thread


@transaction.atomic
def post_report(*, actor: Any, post: Post, reason: str) -> Report:
    """Report a post to the moderators (once per person per post).

    After ``FORUM_AUTO_HIDE_REPORTS`` (default 3) open reports by different people the
    post is hidden at once, pending a moderator's review.
    """
    _require_member(actor)
    post = _lock_post(post)
    reason = _clean_text(reason, empty=_("Please give a reason."), max_length=500)
    if post.author_id == actor.pk:
        raise ForumError(_("You cannot report your own post."))
    if post.visibility == Visibility.PENDING:
        raise ForumError(_("This post is still waiting for a moderator."))
    if Report.objects.filter(post=post, reporter=actor).exists():
        raise ForumError(_("You have already reported this post."))
    report = Report.objects.create(post=post, reporter=actor, reason=reason)
    audit_record(actor=actor, action="forum.post_report", obj=post, note=reason)
    threshold = int(getattr(settings, "FORUM_AUTO_HIDE_REPORTS", 3))
    open_reports = Report.objects.filter(post=post, resolution="").count()
    if post.visibility == Visibility.PUBLISHED and threshold and open_reports >= threshold:
        note = f"automatically hidden after {open_reports} reports"
        _moderation(post, actor=None, visibility=Visibility.HIDDEN, note=note)
        _set_thread_visibility(post, Visibility.HIDDEN)
        audit_record(
            actor=None,
            action="forum.post_hide",
            obj=post,
            before={"visibility": Visibility.PUBLISHED},
            after={"visibility": Visibility.HIDDEN},
            note=note,
        )
    _notify_moderators(post, "report")
    return report


# --- moderation ---------------------------------------------------------------------------


def _resolve_reports(post: Post, *, actor: Any, resolution: str) -> int:
    return Report.objects.filter(post=post, resolution="").update(
        resolution=resolution, resolved_by=actor, resolved_at=timezone.now()
    )


def _set_thread_visibility(post: Post, visibility: str) -> bool:
    """Give the thread the visibility of its opening post; False if `post` is a reply."""
    if not post_is_first(post):
        return False
    thread = post.thread
    thread.visibility = visibility
    fields = ["visibility"]
    if visibility == Visibility.PUBLISHED and thread.last_activity_at < post.created_at:
        thread.last_activity_at = post.created_at
        fields.append("last_activity_at")
    thread.save(update_fields=fields)
    return True


@transaction.atomic
def post_hide(*, actor: Any, post: Post, reason: str) -> Post:
    """Hide a post (a placeholder shows in its place); open reports count as handled."""
    check_capability(actor, MODERATE)
    post = _lock_post(post)
    reason = _clean_text(reason, empty=_("Please give a reason."), max_length=300)
    before = post.visibility
    _moderation(post, actor=actor, visibility=Visibility.HIDDEN, note=reason)
    resolved = _resolve_reports(post, actor=actor, resolution=Report.Resolution.HIDDEN)
    _set_thread_visibility(post, Visibility.HIDDEN)
    thread = post.thread
    if thread.accepted_post_id == post.pk:
        thread.accepted_post = None
        thread.save(update_fields=["accepted_post"])
    audit_record(
        actor=actor,
        action="forum.post_hide",
        obj=post,
        before={"visibility": before},
        after={"visibility": Visibility.HIDDEN, "reports_resolved": resolved},
        note=reason,
    )
    _notify_author(post, "hidden", reason)
    return post


@transaction.atomic
def post_restore(*, actor: Any, post: Post, reason: str = "") -> Post:
    """Show a hidden post again; its open reports are dismissed."""
    check_capability(actor, MODERATE)
    post = _lock_post(post)
    if post.visibility != Visibility.HIDDEN:
        raise ForumError(_("Only a hidden post can be restored."))
    _moderation(post, actor=actor, visibility=Visibility.PUBLISHED, note=reason.strip())
    resolved = _resolve_reports(post, actor=actor, resolution=Report.Resolution.DISMISSED)
    _set_thread_visibility(post, Visibility.PUBLISHED)
    audit_record(
        actor=actor,
        action="forum.post_restore",
        obj=post,
        before={"visibility": Visibility.HIDDEN},
        after={"visibility": Visibility.PUBLISHED, "reports_dismissed": resolved},
        note=reason,
    )
    _notify_author(post, "restored", reason.strip())
    return post


@transaction.atomic
def post_approve(*, actor: Any, post: Post, reason: str = "") -> Post:
    """Publish a pre-moderated post (and its thread, if it is the opening post)."""
    check_capability(actor, MODERATE)
    post = _lock_post(post)
    if post.visibility != Visibility.PENDING:
        raise ForumError(_("This post is not waiting for approval."))
    _moderation(post, actor=actor, visibility=Visibility.PUBLISHED, note=reason.strip())
    thread = post.thread
    first = _set_thread_visibility(post, Visibility.PUBLISHED)
    if not first:
        thread.last_activity_at = timezone.now()
        thread.save(update_fields=["last_activity_at"])
    audit_record(
        actor=actor,
        action="forum.post_approve",
        obj=post,
        before={"visibility": Visibility.PENDING},
        after={"visibility": Visibility.PUBLISHED},
        note=reason,
    )
    _notify_author(post, "approved", reason.strip())
    if not first:
        _notify_followers(post)
    return post


@transaction.atomic
def report_dismiss(*, actor: Any, post: Post, reason: str = "") -> int:
    """Dismiss the open reports of a post; a post hidden only by reports shows again.

    Returns the number of reports dismissed.
    """
    check_capability(actor, MODERATE)
    post = _lock_post(post)
    dismissed = _resolve_reports(post, actor=actor, resolution=Report.Resolution.DISMISSED)
    if not dismissed:
        raise ForumError(_("There are no open reports on this post."))
    restored = post.visibility == Visibility.HIDDEN and post.moderated_by_id is None
    if restored:
        _moderation(post, actor=actor, visibility=Visibility.PUBLISHED, note=reason.strip())
        _set_thread_visibility(post, Visibility.PUBLISHED)
    audit_record(
        actor=actor,
        action="forum.report_dismiss",
        obj=post,
        after={"reports_dismissed": dismissed, "restored": restored},
        note=reason,
    )
    return dismissed


@transaction.atomic
def thread_close(*, actor: Any, thread: Thread, reason: str = "") -> Thread:
    """Close a thread: it stays readable, no new replies."""
    check_capability(actor, MODERATE)
    return _set_closed(actor=actor, thread=thread, closed=True, reason=reason)


@transaction.atomic
def thread_reopen(*, actor: Any, thread: Thread, reason: str = "") -> Thread:
    check_capability(actor, MODERATE)
    return _set_closed(actor=actor, thread=thread, closed=False, reason=reason)


def _set_closed(*, actor: Any, thread: Thread, closed: bool, reason: str) -> Thread:
    thread = Thread.objects.select_for_update().get(pk=thread.pk)
    if thread.closed == closed:
        raise ForumError(
            _("This thread is already closed.") if closed else _("This thread is already open.")
        )
    thread.closed = closed
    thread.save(update_fields=["closed"])
    audit_record(
        actor=actor,
        action="forum.thread_close" if closed else "forum.thread_reopen",
        obj=thread,
        before={"closed": not closed},
        after={"closed": closed},
        note=reason,
    )
    return thread
