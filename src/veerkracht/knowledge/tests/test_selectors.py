"""Knowledge base selectors: filters, visibility and version differences."""

import pytest

from veerkracht.core.tests.factories import ResilienceFactorFactory, ThemeFactory
from veerkracht.initiatives.models import SupportOffer
from veerkracht.initiatives.tests.factories import InitiativeFactory, SupportOfferFactory
from veerkracht.knowledge import selectors, services
from veerkracht.knowledge.models import Article

from .factories import ArticleFactory, TagFactory

pytestmark = pytest.mark.django_db


def slugs(articles):
    return sorted(a.slug for a in articles)


def test_article_list_filters():
    theme, factor, tag = ThemeFactory(), ResilienceFactorFactory(), TagFactory()
    a = ArticleFactory(slug="a", kind=Article.Kind.LESSON, themes=[theme], tags=[tag])
    b = ArticleFactory(slug="b", title="Het impactspel", factors=[factor], tags=[tag])
    ArticleFactory(slug="c", body="Over de Veerkrachtvlogger", themes=[theme])
    ArticleFactory(slug="d", published=False, themes=[theme])
    assert slugs(selectors.article_list()) == ["a", "b", "c"]
    assert slugs(selectors.article_list(published_only=False)) == ["a", "b", "c", "d"]
    assert slugs(selectors.article_list(kind="lesson")) == ["a"]
    assert slugs(selectors.article_list(tag=tag.slug)) == ["a", "b"]
    assert slugs(selectors.article_list(theme=theme.slug)) == ["a", "c"]
    assert slugs(selectors.article_list(factor=factor.slug)) == ["b"]
    assert slugs(selectors.article_list(q="IMPACTSPEL")) == ["b"]
    assert slugs(selectors.article_list(q="veerkrachtvlogger")) == ["c"]
    assert slugs(selectors.article_list(theme=theme.slug, kind="lesson")) == [a.slug]
    assert b in selectors.article_list(tag=tag.slug)


def test_tag_list_counts_only_tags_in_use():
    used, hidden = TagFactory(name="zichtbaar"), TagFactory(name="verborgen")
    TagFactory(name="ongebruikt")
    ArticleFactory(tags=[used])
    ArticleFactory(tags=[hidden], published=False)
    assert [t.name for t in selectors.tag_list()] == ["zichtbaar"]
    assert [t.name for t in selectors.tag_list(published_only=False)] == ["verborgen", "zichtbaar"]


def test_article_get_shows_only_public_links():
    public, hidden = (
        InitiativeFactory(name="Open"),
        InitiativeFactory(name="Dicht", published=False),
    )
    offer = SupportOfferFactory(title="Gepubliceerd aanbod")
    draft = SupportOfferFactory(title="Concept aanbod", status=SupportOffer.Status.DRAFT)
    ArticleFactory(slug="x", initiatives=[public, hidden], offers=[offer, draft])
    ArticleFactory(slug="y", published=False)
    article = selectors.article_get(slug="x")
    assert article.public_initiatives == [public]
    assert article.public_offers == [offer]
    assert selectors.article_get(slug="y") is None
    assert selectors.article_get(slug="y", published_only=False).slug == "y"
    assert selectors.article_get(slug="bestaat-niet") is None


def test_version_diff_marks_changed_words_and_lines(editor):
    article = services.article_create(
        actor=editor,
        title="Titel",
        kind="method",
        body="Regel een over de buurt.\n\nRegel twee blijft.\n\nRegel drie gaat weg.",
    )
    services.article_update(
        actor=editor,
        article=article,
        title="Titel",
        kind="method",
        body=(
            "Regel een over de hele buurt.\n\nRegel twee blijft.\n\n"
            "Een nieuwe regel.\n\nNog een regel."
        ),
    )
    diff = selectors.article_version_diff(article=article, old=1, new=2)
    assert diff.changed
    kinds = [row.kind for row in diff.rows]
    assert "change" in kinds
    assert "insert" in kinds
    change = next(row for row in diff.rows if row.kind == "change")
    assert change.parts == [
        ("equal", "Regel een over de "),
        ("insert", "hele "),
        ("equal", "buurt."),
    ]
    assert any(row.kind == "delete" and row.old == "Regel drie gaat weg." for row in diff.rows)
    assert selectors.article_version_diff(article=article, old=1, new=7) is None
    same = selectors.article_version_diff(article=article, old=2, new=2)
    assert not same.changed


def test_diff_lines_collapses_long_unchanged_runs():
    old = [f"regel {n}" for n in range(10)]
    new = [*old[:9], "regel 9 gewijzigd"]
    rows = selectors.diff_lines(old, new)
    assert [row.kind for row in rows] == ["gap", "equal", "change"]
    assert rows[0].skipped == 8


def test_article_versions_newest_first(editor):
    article = services.article_create(actor=editor, title="T", kind="method", body="1")
    services.article_update(actor=editor, article=article, title="T", kind="method", body="2")
    assert [v.number for v in selectors.article_versions(article=article)] == [2, 1]


def test_diff_lines_shows_unrelated_lines_as_removed_and_added():
    rows = selectors.diff_lines(
        ["Titel", "Een heel andere zin over iets."], ["Titel", "Volkomen nieuwe tekst hier."]
    )
    assert [row.kind for row in rows] == ["equal", "delete", "insert"]


def test_word_parts_never_match_spaces_alone():
    rows = selectors.diff_lines(["de kat zit op de mat"], ["de hond zit op de mat"])
    assert rows[0].kind == "change"
    assert rows[0].parts == [
        ("equal", "de "),
        ("delete", "kat "),
        ("insert", "hond "),
        ("equal", "zit op de mat"),
    ]
