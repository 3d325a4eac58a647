"""The forum services: taking part, moderation, rate limits, audit and notifications."""

import datetime

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from veerkracht.core.models import AuditRecord
from veerkracht.core.tests.factories import ThemeFactory, UserFactory
from veerkracht.support.models import Follow, Post, Report, Thread, Visibility
from veerkracht.support.services import forum as services
from veerkracht.support.services.forum import ForumError, ForumRateLimited

from .forum_factories import (
    ForumCategoryFactory,
    MemberFactory,
    ModeratorFactory,
    NewMemberFactory,
    PostFactory,
    ThreadFactory,
)

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture(autouse=True)
def _clean_cache(settings):
    settings.FORUM_MIN_INTERVAL_SECONDS = 0
    cache.clear()
    yield
    cache.clear()


def start(actor, category=None, **kwargs):
    return services.thread_start(
        actor=actor,
        category=category or ForumCategoryFactory(),
        kind=kwargs.pop("kind", Thread.Kind.QUESTION),
        title=kwargs.pop("title", "Wie helpt met fondsenwerving?"),
        body=kwargs.pop("body", "Wij zoeken een fonds voor onze buurtmoestuin."),
        **kwargs,
    )


# --- starting and replying ----------------------------------------------------------------


def test_thread_start_creates_thread_post_follow_and_audit(django_capture_on_commit_callbacks):
    author = MemberFactory()
    theme = ThemeFactory()
    with django_capture_on_commit_callbacks(execute=True):
        thread = start(author, themes=[theme])
    assert thread.visibility == Visibility.PUBLISHED
    post = thread.posts.get()
    assert post.author == author and post.visibility == Visibility.PUBLISHED
    assert list(thread.themes.all()) == [theme]
    assert Follow.objects.filter(thread=thread, user=author).exists()
    record = AuditRecord.objects.get(action="forum.thread_start")
    assert record.actor == author and record.object_id == str(thread.pk)
    assert mail.outbox == []  # nothing to moderate, nobody else follows


def test_premoderated_category_keeps_thread_pending_and_tells_moderators(
    django_capture_on_commit_callbacks,
):
    moderator = ModeratorFactory(email="moderator@example.org")
    author = MemberFactory()
    category = ForumCategoryFactory(premoderated=True)
    with django_capture_on_commit_callbacks(execute=True):
        thread = start(author, category)
    assert thread.visibility == Visibility.PENDING
    assert thread.posts.get().visibility == Visibility.PENDING
    assert [m.to for m in mail.outbox] == [[moderator.email]]
    assert "moderatie" in mail.outbox[0].body  # the queue's URL
    assert mail.outbox[0].alternatives[0][1] == "text/html"


def test_moderators_post_directly_in_premoderated_category():
    thread = start(ModeratorFactory(), ForumCategoryFactory(premoderated=True))
    assert thread.visibility == Visibility.PUBLISHED


def test_new_account_first_post_is_premoderated_then_trusted():
    newcomer = NewMemberFactory()
    thread = start(newcomer)
    assert thread.visibility == Visibility.PENDING
    services.post_approve(actor=ModeratorFactory(), post=thread.posts.get())
    second = start(newcomer, title="Nog een vraag")
    assert second.visibility == Visibility.PUBLISHED


def test_old_account_without_role_is_not_new(settings):
    old = NewMemberFactory(date_joined=timezone.now() - datetime.timedelta(days=30))
    assert start(old).visibility == Visibility.PUBLISHED
    settings.FORUM_PREMODERATE_NEW_ACCOUNTS = False
    assert start(NewMemberFactory(), title="Zonder voormoderatie").visibility == "published"


def test_anonymous_and_inactive_people_cannot_post():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        start(AnonymousUser())
    with pytest.raises(PermissionDenied):
        start(MemberFactory(is_active=False))
    assert not Thread.objects.exists()


def test_thread_start_validates_kind_and_text():
    with pytest.raises(ForumError):
        start(MemberFactory(), kind="poll")
    with pytest.raises(ForumError):
        start(MemberFactory(), title="   ")
    assert not Thread.objects.exists()


def test_reply_notifies_followers_except_author(django_capture_on_commit_callbacks):
    thread = ThreadFactory()
    Follow.objects.create(thread=thread, user=thread.author)
    other_follower = MemberFactory(preferred_language="en")
    Follow.objects.create(thread=thread, user=other_follower)
    replier = MemberFactory()
    Follow.objects.create(thread=thread, user=replier)
    before = thread.last_activity_at
    with django_capture_on_commit_callbacks(execute=True):
        post = services.post_reply(actor=replier, thread=thread, body="Probeer het Oranje Fonds.")
    thread.refresh_from_db()
    assert thread.last_activity_at > before
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([thread.author.email, other_follower.email])
    english = next(m for m in mail.outbox if m.to == [other_follower.email])
    assert english.subject.startswith("New reply in")
    assert f"#post-{post.pk}" in english.body
    assert "/forum/niet-meer-volgen/" in english.body
    assert AuditRecord.objects.filter(action="forum.post_reply", object_id=str(post.pk)).exists()


def test_reply_in_premoderated_category_is_pending_and_does_not_bump(
    django_capture_on_commit_callbacks,
):
    moderator = ModeratorFactory()
    thread = ThreadFactory(category=ForumCategoryFactory(premoderated=True))
    Follow.objects.create(thread=thread, user=thread.author)
    before = thread.last_activity_at
    with django_capture_on_commit_callbacks(execute=True):
        post = services.post_reply(actor=MemberFactory(), thread=thread, body="Goed idee!")
    thread.refresh_from_db()
    assert post.visibility == Visibility.PENDING
    assert thread.last_activity_at == before
    assert [m.to for m in mail.outbox] == [[moderator.email]]  # not the follower yet


def test_reply_refused_on_closed_or_pending_thread():
    closed = ThreadFactory(closed=True)
    with pytest.raises(ForumError):
        services.post_reply(actor=MemberFactory(), thread=closed, body="Hallo")
    pending = ThreadFactory(visibility=Visibility.PENDING)
    with pytest.raises(ForumError):
        services.post_reply(actor=MemberFactory(), thread=pending, body="Hallo")
    assert Post.objects.count() == 2  # only the opening posts


# --- editing and answers --------------------------------------------------------------------


def test_post_edit_within_window_by_author_and_later_only_by_moderator(settings):
    settings.FORUM_EDIT_WINDOW_MINUTES = 30
    post = PostFactory(created_at=timezone.now() - datetime.timedelta(minutes=5))
    services.post_edit(actor=post.author, post=post, body="Aangepaste tekst")
    post.refresh_from_db()
    assert post.body == "Aangepaste tekst" and post.edited_at is not None
    Post.objects.filter(pk=post.pk).update(created_at=timezone.now() - datetime.timedelta(hours=2))
    post.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.post_edit(actor=post.author, post=post, body="Te laat")
    with pytest.raises(PermissionDenied):
        services.post_edit(actor=MemberFactory(), post=post, body="Niet van mij")
    services.post_edit(actor=ModeratorFactory(), post=post, body="Door moderator", reason="typo")
    post.refresh_from_db()
    assert post.body == "Door moderator"
    record = AuditRecord.objects.filter(action="forum.post_edit").latest("pk")
    assert record.after["by_moderator"] is True and record.note == "typo"
    assert "Door moderator" not in str(record.after)  # no text in the trail


def test_answer_accept_by_thread_author_only_on_questions():
    thread = ThreadFactory()
    reply = PostFactory(thread=thread)
    with pytest.raises(PermissionDenied):
        services.answer_accept(actor=MemberFactory(), post=reply)
    services.answer_accept(actor=thread.author, post=reply)
    thread.refresh_from_db()
    assert thread.accepted_post == reply
    with pytest.raises(ForumError):  # the opening post is not an answer
        services.answer_accept(actor=thread.author, post=thread.posts.first())
    offer = ThreadFactory(kind=Thread.Kind.OFFER)
    with pytest.raises(ForumError):
        services.answer_accept(actor=offer.author, post=PostFactory(thread=offer))


def test_moderator_may_accept_answer():
    reply = PostFactory()
    services.answer_accept(actor=ModeratorFactory(), post=reply)
    assert Thread.objects.get(pk=reply.thread_id).accepted_post_id == reply.pk


def test_accepting_an_answer_answers_the_linked_question():
    from veerkracht.support.models import Question

    from .factories import QuestionFactory

    question = QuestionFactory(status=Question.Status.OPEN, answer="")
    reply = PostFactory(body="Probeer de impact quick scan.")
    Thread.objects.filter(pk=reply.thread_id).update(question=question)
    services.answer_accept(actor=ModeratorFactory(), post=reply)
    question.refresh_from_db()
    assert question.status == Question.Status.ANSWERED
    assert question.answer == "Probeer de impact quick scan."
    assert AuditRecord.objects.filter(action="question.status", object_id=str(question.pk)).exists()


# --- following ------------------------------------------------------------------------------


def test_follow_unfollow_and_unfollow_link():
    thread = ThreadFactory()
    member = MemberFactory()
    services.thread_follow(actor=member, thread=thread)
    services.thread_follow(actor=member, thread=thread)  # idempotent
    assert Follow.objects.filter(thread=thread, user=member).count() == 1
    services.thread_unfollow(actor=member, thread=thread)
    assert not Follow.objects.filter(thread=thread, user=member).exists()
    services.thread_follow(actor=member, thread=thread)
    token = services.follow_token(thread_id=thread.pk, user_id=member.pk)
    assert services.thread_unfollow_by_token(token=token) == thread
    assert not Follow.objects.filter(thread=thread, user=member).exists()
    with pytest.raises(ForumError):
        services.thread_unfollow_by_token(token=token + "x")


# --- reports and moderation -----------------------------------------------------------------


def test_report_once_per_person_and_moderators_told(django_capture_on_commit_callbacks):
    moderator = ModeratorFactory()
    post = PostFactory()
    reporter = MemberFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_report(actor=reporter, post=post, reason="Reclame")
    assert [m.to for m in mail.outbox] == [[moderator.email]]
    with pytest.raises(ForumError):
        services.post_report(actor=reporter, post=post, reason="Nog eens")
    with pytest.raises(ForumError):
        services.post_report(actor=post.author, post=post, reason="Eigen bericht")
    assert Report.objects.filter(post=post).count() == 1


def test_post_hidden_automatically_after_threshold_reports(settings):
    settings.FORUM_AUTO_HIDE_REPORTS = 2
    post = PostFactory()
    services.post_report(actor=MemberFactory(), post=post, reason="Beledigend")
    post.refresh_from_db()
    assert post.visibility == Visibility.PUBLISHED
    services.post_report(actor=MemberFactory(), post=post, reason="Beledigend")
    post.refresh_from_db()
    assert post.visibility == Visibility.HIDDEN and post.moderated_by is None
    assert AuditRecord.objects.filter(action="forum.post_hide", actor=None).exists()
    # Reports stay open for the moderator's review; dismissing them restores the post.
    assert Report.objects.filter(post=post, resolution="").count() == 2
    assert services.report_dismiss(actor=ModeratorFactory(), post=post, reason="Valt mee") == 2
    post.refresh_from_db()
    assert post.visibility == Visibility.PUBLISHED


def test_hide_resolves_reports_notifies_author_and_is_audited(django_capture_on_commit_callbacks):
    moderator = ModeratorFactory()
    post = PostFactory(author=MemberFactory(preferred_language="en"))
    services.post_report(actor=MemberFactory(), post=post, reason="Scheldwoorden")
    with pytest.raises(ForumError):
        services.post_hide(actor=moderator, post=post, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.post_hide(actor=moderator, post=post, reason="Scheldwoorden")
    post.refresh_from_db()
    assert post.visibility == Visibility.HIDDEN and post.moderated_by == moderator
    assert post.moderation_note == "Scheldwoorden"
    report = Report.objects.get(post=post)
    assert report.resolution == Report.Resolution.HIDDEN and report.resolved_by == moderator
    record = AuditRecord.objects.get(action="forum.post_hide")
    assert record.actor == moderator and record.note == "Scheldwoorden"
    assert [m.to for m in mail.outbox] == [[post.author.email]]
    assert "hidden" in mail.outbox[0].subject
    services.post_restore(actor=moderator, post=post, reason="Toch oké")
    post.refresh_from_db()
    assert post.visibility == Visibility.PUBLISHED


def test_hiding_the_opening_post_hides_the_thread():
    thread = ThreadFactory()
    services.post_hide(actor=ModeratorFactory(), post=thread.posts.get(), reason="Spam")
    thread.refresh_from_db()
    assert thread.visibility == Visibility.HIDDEN


def test_only_moderators_moderate():
    post = PostFactory()
    member = MemberFactory()
    for call in (
        lambda: services.post_hide(actor=member, post=post, reason="x"),
        lambda: services.post_restore(actor=member, post=post),
        lambda: services.post_approve(actor=member, post=post),
        lambda: services.report_dismiss(actor=member, post=post),
        lambda: services.thread_close(actor=member, thread=post.thread),
    ):
        with pytest.raises(PermissionDenied):
            call()


def test_approve_pending_reply_publishes_and_notifies(django_capture_on_commit_callbacks):
    moderator = ModeratorFactory()
    thread = ThreadFactory(category=ForumCategoryFactory(premoderated=True))
    Follow.objects.create(thread=thread, user=thread.author)
    post = PostFactory(thread=thread, visibility=Visibility.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        services.post_approve(actor=moderator, post=post, reason="Prima")
    post.refresh_from_db()
    assert post.visibility == Visibility.PUBLISHED
    assert sorted(m.to[0] for m in mail.outbox) == sorted([post.author.email, thread.author.email])
    with pytest.raises(ForumError):
        services.post_approve(actor=moderator, post=post)


def test_approve_opening_post_publishes_thread():
    thread = ThreadFactory(visibility=Visibility.PENDING)
    services.post_approve(actor=ModeratorFactory(), post=thread.posts.get())
    thread.refresh_from_db()
    assert thread.visibility == Visibility.PUBLISHED


def test_close_and_reopen_thread():
    moderator = ModeratorFactory()
    thread = ThreadFactory()
    services.thread_close(actor=moderator, thread=thread, reason="Beantwoord")
    thread.refresh_from_db()
    assert thread.closed
    with pytest.raises(ForumError):
        services.thread_close(actor=moderator, thread=thread)
    services.thread_reopen(actor=moderator, thread=thread)
    thread.refresh_from_db()
    assert not thread.closed
    actions = list(
        AuditRecord.objects.filter(object_id=str(thread.pk)).values_list("action", "note")
    )
    assert ("forum.thread_close", "Beantwoord") in actions and (
        "forum.thread_reopen",
        "",
    ) in actions


# --- rate limits ----------------------------------------------------------------------------


def test_thread_rate_limit_stores_nothing(settings, django_capture_on_commit_callbacks):
    settings.FORUM_THREADS_PER_HOUR = 2
    author = MemberFactory()
    category = ForumCategoryFactory()
    for n in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            start(author, category, title=f"Vraag {n}")
    with pytest.raises(ForumRateLimited) as caught:
        start(author, category, title="Vraag 3")
    assert caught.value.limit.kind == "thread"
    assert Thread.objects.count() == 2
    # Others and moderators are not affected.
    start(MemberFactory(), category, title="Andere persoon")
    moderator = ModeratorFactory()
    for n in range(3):
        start(moderator, category, title=f"Moderator {n}")


def test_reply_rate_limit_and_minimum_interval(settings, django_capture_on_commit_callbacks):
    settings.FORUM_REPLIES_PER_HOUR = 1
    thread = ThreadFactory()
    member = MemberFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_reply(actor=member, thread=thread, body="Eerste")
    with pytest.raises(ForumRateLimited):
        services.post_reply(actor=member, thread=thread, body="Tweede")
    settings.FORUM_REPLIES_PER_HOUR = 20
    settings.FORUM_MIN_INTERVAL_SECONDS = 60
    other = MemberFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_reply(actor=other, thread=thread, body="Eerste")
    with pytest.raises(ForumRateLimited) as caught:
        services.post_reply(actor=other, thread=thread, body="Meteen nog een")
    assert caught.value.limit.kind == "interval"
    assert Post.objects.filter(thread=thread).count() == 3


def test_moderators_list_includes_admins_not_members():
    from veerkracht.core.models import Role
    from veerkracht.support.selectors.forum import forum_moderators

    moderator = ModeratorFactory()
    admin = UserFactory(roles=[Role.Code.ADMINISTRATOR])
    MemberFactory()
    ModeratorFactory(is_active=False)
    assert set(forum_moderators()) == {moderator, admin}


def test_thread_on_behalf_of_own_initiative_and_offer_only():
    from veerkracht.initiatives.tests.factories import InitiativeFactory
    from veerkracht.support.tests.factories import OfferFactory

    member = MemberFactory()
    own = InitiativeFactory(initiator=member)
    thread = start(member, initiative=own)
    assert thread.initiative == own
    with pytest.raises(ForumError):
        start(member, initiative=InitiativeFactory(), title="Namens een ander")
    offer = OfferFactory()
    with pytest.raises(ForumError):
        start(member, kind=Thread.Kind.OFFER, offer=offer, title="Niet mijn aanbod")
    provider_person = MemberFactory(organisation=offer.provider)
    assert start(provider_person, kind="offer", offer=offer, title="Ons aanbod").offer == offer
