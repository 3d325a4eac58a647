"""The forum in a real browser: asking and answering, reporting and hiding, pre-moderation.

Every forum page visited (home, thread, moderation queue, forms) passes axe-core with no
serious or critical issues. Selectors use ids, data attributes and form actions rather
than text, so the tests hold in Dutch and in English.
"""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from playwright.sync_api import expect

from veerkracht.support.models import Post, Report, Thread, Visibility
from veerkracht.support.tests.forum_factories import (
    ForumCategoryFactory,
    MemberFactory,
    ModeratorFactory,
    PostFactory,
    ThreadFactory,
)

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def _forum_setup(transactional_db, settings):
    settings.FORUM_MIN_INTERVAL_SECONDS = 0
    cache.clear()
    yield
    cache.clear()


def log_in(page, user) -> None:
    page.context.clear_cookies()
    page.goto(reverse("core:login"))
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/inloggen/"))


def start_thread(page, *, category, title: str, body: str) -> None:
    page.goto(reverse("support:forum_thread_new"))
    page.select_option("#id_category", str(category.pk))
    page.check("#id_kind_0")  # a question
    page.fill("#id_title", title)
    page.fill("#id_body", body)
    page.locator("#thread-form button[type=submit]").click()
    page.wait_for_load_state()


def test_question_reply_and_accepted_answer(page, axe):
    category = ForumCategoryFactory(name="Hulpvragen", slug="hulpvragen")
    asker = MemberFactory(email="vrager@example.org", full_name="Fatima Bakker")
    helper = MemberFactory(email="helper@example.org", full_name="Joost Verhoeven")

    # The asker starts a question thread (and follows it automatically).
    log_in(page, asker)
    page.goto(reverse("support:forum"))
    axe(page)
    page.locator("#new-thread-link").click()
    axe(page)
    start_thread(
        page,
        category=category,
        title="Hoe vinden jullie een vaste vergaderplek?",
        body="Ons buurtinitiatief zoekt een ruimte voor de maandelijkse bijeenkomst.",
    )
    thread = Thread.objects.get()
    expect(page.locator(f'h1[data-thread-id="{thread.pk}"]')).to_be_visible()
    expect(page.locator("#follow-form")).to_have_attribute("data-followed", "true")
    axe(page)

    # Someone else replies.
    log_in(page, helper)
    page.goto(reverse("support:forum"))
    page.locator(f'[data-thread-id="{thread.pk}"] a').first.click()
    page.fill("#id_body", "Het buurthuis aan de Kerkstraat verhuurt ruimtes voor weinig geld.")
    page.locator("#reply-form button[type=submit]").click()
    page.wait_for_load_state()
    reply = Post.objects.get(author=helper)
    expect(page.locator(f"#post-{reply.pk}")).to_be_visible()
    axe(page)
    # The helper follows the thread too (htmx swaps the button in place).
    expect(page.locator("#follow-form")).to_have_attribute("data-followed", "false")
    page.locator("#follow-button").click()
    expect(page.locator("#follow-form")).to_have_attribute("data-followed", "true")
    assert thread.follows.filter(user=helper).exists()

    # The follower (the asker) receives an e-mail with a link to the reply.
    assert [m.to for m in mail.outbox] == [[asker.email]]
    assert f"#post-{reply.pk}" in mail.outbox[0].body

    # The asker accepts the answer.
    log_in(page, asker)
    page.goto(reverse("support:forum_thread", args=[thread.pk, "x"]))
    page.locator(f'#post-{reply.pk} [data-action="accept"]').click()
    page.wait_for_load_state()
    expect(page.locator(f'#post-{reply.pk}[data-accepted="true"]')).to_be_visible()
    expect(page.locator('[data-testid="accepted-answer"]')).to_be_visible()
    axe(page)
    thread.refresh_from_db()
    assert thread.accepted_post == reply


def test_report_hide_and_placeholder(page, axe):
    thread = ThreadFactory(title="Tips voor een buurtfeest")
    bad = PostFactory(thread=thread, body="Koop nu goedkope horloges op onze webshop!")
    reporter = MemberFactory(email="melder@example.org")
    moderator = ModeratorFactory(email="moderator@example.org")

    # A member reports the post.
    log_in(page, reporter)
    page.goto(reverse("support:forum_thread", args=[thread.pk, "x"]))
    page.locator(f'#post-{bad.pk} [data-action="report"]').click()
    axe(page)
    page.fill("#id_reason", "Dit is reclame voor een webshop.")
    page.locator("#report-form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator(f'#post-{bad.pk} [data-testid="reported"]')).to_be_visible()
    assert Report.objects.filter(post=bad, reporter=reporter).exists()
    assert [m.to for m in mail.outbox] == [[moderator.email]]

    # The moderator finds it in the queue and hides it, with a reason.
    log_in(page, moderator)
    page.goto(reverse("support:forum_moderation"))
    item = page.locator(f'[data-testid="reported-item"][data-post-id="{bad.pk}"]')
    expect(item).to_be_visible()
    axe(page)
    item.locator(f"#reason-{bad.pk}").fill("Reclame hoort niet op het forum.")
    item.locator('[data-action="hide"]').click()
    page.wait_for_load_state()
    expect(page.locator(f'[data-testid="reported-item"][data-post-id="{bad.pk}"]')).to_have_count(0)
    axe(page)
    bad.refresh_from_db()
    assert bad.visibility == Visibility.HIDDEN

    # Everyone else sees a placeholder in its place.
    page.context.clear_cookies()
    page.goto(reverse("support:forum_thread", args=[thread.pk, "x"]))
    expect(page.locator(f'#post-{bad.pk} [data-testid="hidden-placeholder"]')).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("horloges")
    axe(page)


def test_premoderated_thread_is_approved_then_public(page, axe):
    category = ForumCategoryFactory(
        name="Nieuwe initiatieven voorstellen", slug="nieuwe-initiatieven", premoderated=True
    )
    author = MemberFactory(email="nieuw@example.org")
    moderator = ModeratorFactory(email="moderator@example.org")

    log_in(page, author)
    start_thread(
        page,
        category=category,
        title="Repair café in het dorpshuis",
        body="Wie denkt mee over de opzet van een repair café?",
    )
    thread = Thread.objects.get()
    assert thread.visibility == Visibility.PENDING
    expect(page.locator('[data-testid="thread-pending"]')).to_be_visible()
    assert [m.to for m in mail.outbox] == [[moderator.email]]

    # Not on the forum for others yet.
    page.context.clear_cookies()
    page.goto(reverse("support:forum"))
    expect(page.locator(f'[data-thread-id="{thread.pk}"]')).to_have_count(0)

    # The moderator approves it from the queue.
    log_in(page, moderator)
    page.goto(reverse("support:forum_moderation"))
    opening = thread.posts.get()
    item = page.locator(f'[data-testid="pending-item"][data-post-id="{opening.pk}"]')
    expect(item).to_be_visible()
    axe(page)
    item.locator('[data-action="approve"]').click()
    page.wait_for_load_state()
    expect(page.locator("#no-pending")).to_be_visible()

    # Now everyone sees it.
    page.context.clear_cookies()
    page.goto(reverse("support:forum"))
    expect(page.locator(f'[data-thread-id="{thread.pk}"]')).to_be_visible()
    page.locator(f'[data-thread-id="{thread.pk}"] a').first.click()
    expect(page.locator(f'h1[data-thread-id="{thread.pk}"]')).to_be_visible()
    axe(page)
    assert [m.to for m in mail.outbox][-1] == [author.email]  # told it was published
