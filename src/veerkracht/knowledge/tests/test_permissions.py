"""Who may edit the knowledge base: every role against the editor's pages, from the
declared capability table (never a second copy of it)."""

import pytest
from django.urls import reverse

from veerkracht.core.models import Role
from veerkracht.core.permissions import CAPABILITIES
from veerkracht.core.tests.factories import UserFactory

from .factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_article_edit_is_declared():
    assert CAPABILITIES["article.edit"] >= {Role.Code.PROGRAMME_STAFF}


@pytest.mark.parametrize("role", Role.Code.values)
def test_role_matrix(client, role):
    article = ArticleFactory(published=False)
    client.force_login(UserFactory(roles=[role]))
    allowed = role in CAPABILITIES["article.edit"] or role == Role.Code.ADMINISTRATOR
    expected = 200 if allowed else 403
    assert client.get(reverse("knowledge:article_create")).status_code == expected
    edit = reverse("knowledge:article_edit", kwargs={"slug": article.slug})
    assert client.get(edit).status_code == expected
    detail = reverse("knowledge:article_detail", kwargs={"slug": article.slug})
    assert client.get(detail).status_code == (200 if allowed else 404)
