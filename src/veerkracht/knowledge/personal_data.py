"""The knowledge base's part in AVG export.

Exported: the articles a person wrote and the versions they saved. There is no
eraser: authorship stays linked to the account, which erasure anonymises.
"""

from typing import Any

from veerkracht.core import personal_data

from .models import Article, ArticleVersion


def export(user: Any) -> dict[str, Any]:
    return {
        "articles_authored": [
            {"slug": slug, "title": title, "created_at": created.isoformat()}
            for slug, title, created in Article.objects.filter(author=user)
            .order_by("pk")
            .values_list("slug", "title", "created_at")
        ],
        "versions_edited": [
            {"article": slug, "number": number, "edited_at": at.isoformat(), "note": note}
            for slug, number, at, note in ArticleVersion.objects.filter(edited_by=user)
            .order_by("pk")
            .values_list("article__slug", "number", "edited_at", "note")
        ],
    }


personal_data.register("knowledge", exporter=export)
