"""Forum pages: who sees what, the forms, HTTP 429 on rate limits, moderation pages."""

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from veerkracht.core.tests.factories import ThemeFactory
from veerkracht.support.models import Follow, Post, Report, Thread, Visibility
from veerkracht.support.services import forum as services
from veerkracht.support.views.forum import thread_url

from .forum_factories import (
    ForumCategoryFactory,
    MemberFactory,
    ModeratorFactory,
    PostFactory,
    ThreadFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean_cache(settings):
    settings.FORUM_MIN_INTERVAL_SECONDS = 0
    cache.clear()
    yield
    cache.clear()


def english(client):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# --- lists --------------------------------------------------------------------------------


def test_home_lists_published_threads_and_categories(client):
    published = ThreadFactory(title="Zichtbaar onderwerp")
    ThreadFactory(title="Wacht op moderator", visibility=Visibility.PENDING)
    response = client.get(reverse("support:forum"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-thread-id="{published.pk}"' in html
    assert "Wacht op moderator" not in html
    assert published.category.name in html
    assert thread_url(published) in html


def test_home_filters_on_kind_and_theme(client):
    theme = ThemeFactory()
    question = ThreadFactory(themes=[theme])
    offer = ThreadFactory(kind=Thread.Kind.OFFER)
    html = client.get(reverse("support:forum"), {"soort": "offer"}).content.decode()
    assert f'data-thread-id="{offer.pk}"' in html
    assert f'data-thread-id="{question.pk}"' not in html
    html = client.get(reverse("support:forum"), {"thema": theme.slug}).content.decode()
    assert f'data-thread-id="{question.pk}"' in html
    assert f'data-thread-id="{offer.pk}"' not in html
    assert client.get(reverse("support:forum"), {"soort": "poll"}).status_code == 400


def test_home_query_count_does_not_grow_with_threads(client, django_assert_max_num_queries):
    theme = ThemeFactory()
    for _n in range(25):
        thread = ThreadFactory(themes=[theme])
        PostFactory(thread=thread)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("support:forum"))
    assert response.status_code == 200
    assert response.content.decode().count("data-thread-id=") == 20  # one page
    page2 = client.get(reverse("support:forum"), {"pagina": 2})
    assert page2.content.decode().count("data-thread-id=") == 5


def test_category_page(client):
    category = ForumCategoryFactory(premoderated=True)
    inside = ThreadFactory(category=category)
    outside = ThreadFactory()
    response = client.get(reverse("support:forum_category", args=[category.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-thread-id="{inside.pk}"' in html
    assert f'data-thread-id="{outside.pk}"' not in html
    assert 'id="premoderated-note"' in html
    assert client.get(reverse("support:forum_category", args=["bestaat-niet"])).status_code == 404


# --- thread page --------------------------------------------------------------------------


def test_thread_page_for_anonymous_visitor(client):
    thread = ThreadFactory()
    reply = PostFactory(thread=thread)
    hidden = PostFactory(thread=thread, visibility=Visibility.HIDDEN, body="Geheime scheldpartij")
    pending = PostFactory(thread=thread, visibility=Visibility.PENDING, body="Nog niet goedgekeurd")
    response = client.get(thread_url(thread))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="post-{reply.pk}"' in html
    assert f'id="post-{hidden.pk}"' in html and "Geheime scheldpartij" not in html
    assert 'data-testid="hidden-placeholder"' in html
    assert f'id="post-{pending.pk}"' not in html and "Nog niet goedgekeurd" not in html
    assert "follow-form" not in html and "reply-form" not in html
    assert thread.author.email not in html


def test_thread_page_for_moderator_shows_hidden_text_and_controls(client):
    thread = ThreadFactory()
    hidden = PostFactory(thread=thread, visibility=Visibility.HIDDEN, body="Geheime scheldpartij")
    client.force_login(ModeratorFactory())
    html = client.get(thread_url(thread)).content.decode()
    assert "Geheime scheldpartij" in html
    assert f'data-moderate="{hidden.pk}"' in html
    assert 'id="thread-moderation-form"' in html


def test_pending_post_visible_to_its_author(client):
    thread = ThreadFactory()
    pending = PostFactory(thread=thread, visibility=Visibility.PENDING)
    client.force_login(pending.author)
    html = client.get(thread_url(thread)).content.decode()
    assert f'id="post-{pending.pk}"' in html and 'data-testid="pending-note"' in html


def test_pending_thread_only_for_author_and_moderators(client):
    thread = ThreadFactory(visibility=Visibility.PENDING)
    assert client.get(thread_url(thread)).status_code == 404
    client.force_login(MemberFactory())
    assert client.get(thread_url(thread)).status_code == 404
    client.force_login(thread.author)
    assert client.get(thread_url(thread)).status_code == 200
    client.force_login(ModeratorFactory())
    assert client.get(thread_url(thread)).status_code == 200


def test_wrong_slug_redirects_to_canonical_address(client):
    thread = ThreadFactory(title="Buurtmoestuin zoekt vrijwilligers")
    response = client.get(reverse("support:forum_thread", args=[thread.pk, "oud"]))
    assert response.status_code == 301
    assert response["Location"] == thread_url(thread)
    assert thread_url(thread).endswith(f"/forum/{thread.pk}-buurtmoestuin-zoekt-vrijwilligers/")


# --- taking part --------------------------------------------------------------------------


def test_new_thread_needs_login(client):
    response = client.get(reverse("support:forum_thread_new"))
    assert response.status_code == 302 and "/inloggen/" in response["Location"]


def test_new_thread_form_creates_thread(client):
    category = ForumCategoryFactory()
    theme = ThemeFactory()
    member = MemberFactory()
    client.force_login(member)
    assert client.get(reverse("support:forum_thread_new")).status_code == 200
    response = client.post(
        reverse("support:forum_thread_new"),
        {
            "category": category.pk,
            "kind": "offer",
            "title": "Wij bieden gratis vergaderruimte",
            "body": "In ons buurthuis in Oss is op dinsdag ruimte.",
            "themes": [theme.pk],
        },
    )
    thread = Thread.objects.get()
    assert response.status_code == 302 and response["Location"] == thread_url(thread)
    assert thread.kind == "offer" and thread.author == member
    assert list(thread.themes.all()) == [theme]


def test_new_thread_invalid_form_is_400(client):
    client.force_login(MemberFactory())
    response = client.post(reverse("support:forum_thread_new"), {"title": ""})
    assert response.status_code == 400
    assert not Thread.objects.exists()


def test_new_thread_rate_limited_is_429(client, settings):
    settings.FORUM_THREADS_PER_HOUR = 1
    category = ForumCategoryFactory()
    client.force_login(MemberFactory())
    data = {"category": category.pk, "kind": "question", "title": "Vraag", "body": "Tekst"}
    assert client.post(reverse("support:forum_thread_new"), data).status_code == 302
    response = english(client).post(reverse("support:forum_thread_new"), data)
    assert response.status_code == 429
    assert "in the last hour" in response.content.decode()
    assert Thread.objects.count() == 1


def test_reply_posts_and_rate_limit_is_429(client, settings):
    settings.FORUM_REPLIES_PER_HOUR = 1
    thread = ThreadFactory()
    member = MemberFactory()
    client.force_login(member)
    response = client.post(thread_url(thread), {"body": "Wij doen mee!"})
    post = Post.objects.get(author=member)
    assert response.status_code == 302 and response["Location"].endswith(f"#post-{post.pk}")
    response = client.post(thread_url(thread), {"body": "Nog een keer"})
    assert response.status_code == 429
    assert Post.objects.filter(author=member).count() == 1


def test_reply_by_anonymous_visitor_goes_to_login(client):
    thread = ThreadFactory()
    response = client.post(thread_url(thread), {"body": "Hallo"})
    assert response.status_code == 302 and "/inloggen/" in response["Location"]
    assert Post.objects.count() == 1


def test_follow_with_htmx_and_without(client):
    thread = ThreadFactory()
    member = MemberFactory()
    client.force_login(member)
    url = reverse("support:forum_follow", args=[thread.pk])
    response = client.post(url, {"action": "follow"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'data-followed="true"' in response.content.decode()
    assert Follow.objects.filter(thread=thread, user=member).exists()
    response = client.post(url, {"action": "unfollow"})
    assert response.status_code == 302
    assert not Follow.objects.filter(thread=thread, user=member).exists()
    assert client.get(url).status_code == 405


def test_report_page(client):
    post = PostFactory()
    reporter = MemberFactory()
    client.force_login(reporter)
    url = reverse("support:forum_post_report", args=[post.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": ""}).status_code == 400
    response = client.post(url, {"reason": "Dit is reclame"})
    assert response.status_code == 302
    assert Report.objects.get(post=post).reporter == reporter
    assert client.post(url, {"reason": "Nog eens"}).status_code == 400
    html = client.get(thread_url(post.thread)).content.decode()
    assert 'data-testid="reported"' in html


def test_accept_answer_button(client):
    thread = ThreadFactory()
    reply = PostFactory(thread=thread)
    client.force_login(thread.author)
    html = client.get(thread_url(thread)).content.decode()
    assert 'data-action="accept"' in html
    client.post(reverse("support:forum_post_accept", args=[reply.pk]))
    thread.refresh_from_db()
    assert thread.accepted_post == reply
    html = client.get(thread_url(thread)).content.decode()
    assert 'data-accepted="true"' in html


def test_edit_own_post(client):
    post = PostFactory(created_at=timezone.now())
    client.force_login(post.author)
    url = reverse("support:forum_post_edit", args=[post.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"body": "Verbeterde tekst"}).status_code == 302
    post.refresh_from_db()
    assert post.body == "Verbeterde tekst"
    client.force_login(MemberFactory())
    assert client.get(url).status_code == 403


def test_unfollow_link_asks_before_unfollowing(client):
    thread = ThreadFactory()
    member = MemberFactory()
    Follow.objects.create(thread=thread, user=member)
    token = services.follow_token(thread_id=thread.pk, user_id=member.pk)
    url = reverse("support:forum_unfollow", args=[token])
    assert client.get(url).status_code == 200
    assert Follow.objects.filter(thread=thread, user=member).exists()
    response = client.post(url)
    assert response.status_code == 200 and 'data-testid="unfollowed"' in response.content.decode()
    assert not Follow.objects.exists()
    assert client.post(reverse("support:forum_unfollow", args=["kapot"])).status_code == 400


# --- moderation ---------------------------------------------------------------------------


def test_moderation_queue_access(client):
    url = reverse("support:forum_moderation")
    assert client.get(url).status_code == 302
    client.force_login(MemberFactory())
    assert client.get(url).status_code == 403


def test_moderation_queue_lists_pending_and_reported(client, django_assert_max_num_queries):
    pending = PostFactory(visibility=Visibility.PENDING)
    reported = PostFactory()
    for _n in range(2):
        Report.objects.create(post=reported, reporter=MemberFactory(), reason="Spam")
    client.force_login(ModeratorFactory())
    with django_assert_max_num_queries(10):
        response = client.get(reverse("support:forum_moderation"))
    html = response.content.decode()
    assert f'data-testid="pending-item" data-post-id="{pending.pk}"' in html
    assert f'data-testid="reported-item" data-post-id="{reported.pk}"' in html


def test_moderate_hide_needs_reason_then_hides(client):
    post = PostFactory()
    client.force_login(ModeratorFactory())
    url = reverse("support:forum_post_moderate", args=[post.pk])
    next_url = reverse("support:forum_moderation")
    response = client.post(url, {"action": "hide", "reason": "", "next": next_url})
    assert response.status_code == 302 and response["Location"] == next_url
    post.refresh_from_db()
    assert post.visibility == Visibility.PUBLISHED
    client.post(url, {"action": "hide", "reason": "Reclame"})
    post.refresh_from_db()
    assert post.visibility == Visibility.HIDDEN
    client.post(url, {"action": "restore", "reason": ""})
    post.refresh_from_db()
    assert post.visibility == Visibility.PUBLISHED


def test_moderate_refused_for_members(client):
    post = PostFactory()
    client.force_login(MemberFactory())
    response = client.post(
        reverse("support:forum_post_moderate", args=[post.pk]), {"action": "hide", "reason": "x"}
    )
    assert response.status_code == 403


def test_close_thread_page(client):
    thread = ThreadFactory()
    client.force_login(ModeratorFactory())
    client.post(reverse("support:forum_thread_moderate", args=[thread.pk]), {"action": "close"})
    thread.refresh_from_db()
    assert thread.closed
    html = client.get(thread_url(thread)).content.decode()
    assert 'data-testid="closed"' in html and 'id="reply-form"' not in html


def test_new_thread_offers_own_initiatives_and_links_them(client):
    from veerkracht.initiatives.tests.factories import InitiativeFactory

    member = MemberFactory()
    own = InitiativeFactory(initiator=member, name="Buurtmoestuin Oost")
    InitiativeFactory(name="Van iemand anders")
    client.force_login(member)
    html = client.get(reverse("support:forum_thread_new")).content.decode()
    assert 'name="initiative"' in html and "Buurtmoestuin Oost" in html
    assert "Van iemand anders" not in html
    assert 'name="offer"' not in html  # no organisation, no offers
    category = ForumCategoryFactory()
    client.post(
        reverse("support:forum_thread_new"),
        {
            "category": category.pk,
            "kind": "question",
            "title": "Vraag namens de moestuin",
            "body": "Wie heeft zaden over?",
            "initiative": own.pk,
        },
    )
    thread = Thread.objects.get()
    assert thread.initiative == own
    html = client.get(thread_url(thread)).content.decode()
    assert reverse("initiatives:detail", args=[own.slug]) in html


def test_thread_page_query_count_does_not_grow_with_posts(client, django_assert_max_num_queries):
    thread = ThreadFactory()
    for _n in range(30):
        PostFactory(thread=thread)
    client.force_login(MemberFactory())
    with django_assert_max_num_queries(14):
        response = client.get(thread_url(thread))
    assert response.content.decode().count('class="vk-record vk-forum-post"') == 31
    client.force_login(ModeratorFactory())
    with django_assert_max_num_queries(14):
        assert client.get(thread_url(thread)).status_code == 200
