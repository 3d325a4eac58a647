"""seed_forum: categories and threads from the demo accounts, idempotent."""

import io

import pytest
from django.core.management import call_command

from veerkracht.support.demo_forum import CATEGORIES, THREADS
from veerkracht.support.models import ForumCategory, Post, Thread, Visibility

pytestmark = pytest.mark.django_db


def test_seed_forum_is_idempotent():
    out = io.StringIO()
    call_command("seed_forum", stdout=out)
    assert ForumCategory.objects.count() == len(CATEGORIES)
    assert Thread.objects.count() == len(THREADS)
    expected_posts = sum(1 + len(item["replies"]) for item in THREADS)
    assert Post.objects.count() == expected_posts
    assert ForumCategory.objects.get(slug="nieuwe-initiatieven").premoderated
    assert Thread.objects.filter(visibility=Visibility.PENDING).count() == 1
    assert Thread.objects.exclude(accepted_post=None).count() == 1
    assert all(thread.author_id for thread in Thread.objects.all())
    call_command("seed_forum", stdout=out)
    assert Thread.objects.count() == len(THREADS)
    assert Post.objects.count() == expected_posts
    assert "nothing new created" in out.getvalue()
