"""The knowledge base's part in the AVG export."""

import pytest

from veerkracht.core import personal_data
from veerkracht.knowledge import services
from veerkracht.knowledge.personal_data import export

pytestmark = pytest.mark.django_db


def test_export_lists_authored_articles_and_saved_versions(editor, reader):
    article = services.article_create(actor=editor, title="Mijn artikel", kind="method", body="a")
    services.article_update(
        actor=editor, article=article, title="Mijn artikel", kind="method", body="b", note="Kort"
    )
    data = export(editor)
    assert [a["slug"] for a in data["articles_authored"]] == [article.slug]
    assert [(v["number"], v["note"]) for v in data["versions_edited"]] == [(1, ""), (2, "Kort")]
    assert export(reader) == {"articles_authored": [], "versions_edited": []}


def test_exporter_is_registered():
    assert "knowledge" in [handler.name for handler in personal_data.handlers()]
