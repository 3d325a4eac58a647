"""Knowledge base admin: read-only articles, publish action through the service."""

import pytest

from veerkracht.core.models import AuditRecord

from .factories import ArticleFactory, TagFactory

pytestmark = pytest.mark.django_db


def test_editor_sees_articles_and_publishes_through_the_action(client, editor):
    article = ArticleFactory(published=False)
    TagFactory(name="dialoog")
    client.force_login(editor)
    assert client.get("/beheer/knowledge/article/").status_code == 200
    assert client.get(f"/beheer/knowledge/article/{article.pk}/change/").status_code == 200
    assert client.get("/beheer/knowledge/tag/").status_code == 200
    response = client.post(
        "/beheer/knowledge/article/",
        {"action": "publish", "_selected_action": [article.pk]},
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.published
    assert AuditRecord.objects.filter(action="knowledge.article_publish").exists()
    assert client.get("/beheer/knowledge/article/add/").status_code == 403
