"""The search behaves the same on SQLite (FTS5) and PostgreSQL (tsvector): run on both."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from veerkracht.core.models import Theme
from veerkracht.core.text import terms
from veerkracht.search.models import Kind, SearchDocument, SearchTerm
from veerkracht.search.selectors import search
from veerkracht.search.services import search_index_rebuild
from veerkracht.support.models import Post, Visibility

from .factories import (
    SearchArticleFactory,
    SearchInitiativeFactory,
    SearchOfferFactory,
    SearchQuestionFactory,
    SearchThreadFactory,
)

pytestmark = pytest.mark.django_db


def found(result) -> list[tuple[str, int]]:
    return [(h.kind, h.object_id) for h in result.hits]


def test_stemming_finds_other_forms(indexed):
    with indexed():
        article = SearchArticleFactory(title="Trainingen voor vrijwilligers")
        offer = SearchOfferFactory(title="Een training over buurtbudgetten")
    assert set(found(search("training"))) == {("article", article.pk), ("offer", offer.pk)}
    assert set(found(search("trainingen"))) == {("article", article.pk), ("offer", offer.pk)}
    assert found(search("vrijwilliger")) == [("article", article.pk)]


def test_accents_are_ignored(indexed):
    with indexed():
        article = SearchArticleFactory(title="Een coöperatie van bewoners")
        initiative = SearchInitiativeFactory(name="Energie", description="De cooperatie draait")
    expected = {("article", article.pk), ("initiative", initiative.pk)}
    assert set(found(search("cooperatie"))) == expected
    assert set(found(search("Coöperatie"))) == expected
    assert set(found(search("COÖPERATIES"))) == expected


def test_typo_is_corrected_with_a_suggestion(indexed):
    with indexed():
        article = SearchArticleFactory(title="Vrijwilligers werven in de wijk")
        SearchArticleFactory(title="Ouderen in beweging")
    result = search("vrijwiligers werven")
    assert result.suggestion == "vrijwilligers werven"
    assert found(result) == [("article", article.pk)]
    assert search("vrijwilligers werven").suggestion == ""


def test_typo_prefers_the_more_frequent_word(indexed):
    with indexed():
        for _ in range(3):
            SearchArticleFactory(title="Buurthuis open")
        SearchArticleFactory(title="Buurtkuis gehouden")
    # "buurtduis" is one edit from both "buurthuis" and "buurtkuis": the frequent one wins.
    assert search("buurtduis").suggestion == "buurthuis"


def test_unknown_word_without_near_neighbour_finds_nothing(indexed):
    with indexed():
        SearchArticleFactory(title="Vrijwilligers werven")
    result = search("xylofoon")
    assert result.hits == [] and result.total == 0 and result.suggestion == ""


def test_only_public_items_are_found(indexed):
    with indexed():
        SearchInitiativeFactory(name="Moestuin verborgen", published=False)
        SearchOfferFactory(title="Moestuin concept", status="draft")
        SearchOfferFactory(title="Moestuin gestopt", active=False)
        SearchOfferFactory(title="Moestuin verlopen", active_until=datetime.date(2020, 1, 1))
        SearchOfferFactory(title="Moestuin later", active_from=datetime.date(2999, 1, 1))
        SearchQuestionFactory(title="Moestuin prive", public=False)
        SearchThreadFactory(title="Moestuin verstopt", visibility=Visibility.HIDDEN)
        SearchThreadFactory(title="Moestuin wachtend", visibility=Visibility.PENDING)
        SearchArticleFactory(title="Moestuin klad", published=False)
        public = SearchQuestionFactory(title="Moestuin openbaar", public=True)
    assert found(search("moestuin")) == [("question", public.pk)]


def test_contact_details_are_not_indexed(indexed):
    with indexed():
        SearchInitiativeFactory(
            name="Taalcafé", contact_name="Pietersma", contact_email="pietersma@voorbeeld.nl"
        )
    assert search("pietersma").total == 0
    assert search("voorbeeld").total == 0


def test_unpublished_posts_are_not_indexed(indexed):
    with indexed():
        thread = SearchThreadFactory(title="Subsidie aanvragen", opening="Wie weet raad?")
        Post.objects.create(thread=thread, body="Kijk bij het fonds", visibility="published")
        Post.objects.create(thread=thread, body="Geheime tip kwartiermaker", visibility="hidden")
    assert found(search("fonds")) == [("thread", thread.pk)]
    assert search("kwartiermaker").total == 0


def test_item_becoming_non_public_leaves_the_index(indexed):
    with indexed():
        initiative = SearchInitiativeFactory(name="Repair café Oss")
    assert search("repair").total == 1
    initiative.published = False
    with indexed():
        initiative.save()
    assert search("repair").total == 0
    assert not SearchDocument.objects.filter(kind=Kind.INITIATIVE).exists()
    assert not SearchTerm.objects.filter(term="repair").exists()


def test_changes_reach_the_index_through_signals(indexed):
    with indexed():
        offer = SearchOfferFactory(title="Workshop verhalen vertellen")
    offer.title = "Workshop fondsenwerving"
    with indexed():
        offer.save()
    assert search("verhalen").total == 0
    assert found(search("fondsenwerving")) == [("offer", offer.pk)]
    theme = Theme.objects.create(slug="zeldzaam", name="Zeldzaamheid")
    with indexed():
        offer.themes.add(theme)
    assert found(search("zeldzaamheid")) == [("offer", offer.pk)]
    with indexed():
        offer.delete()
    assert search("fondsenwerving").total == 0


def test_new_reply_makes_the_thread_findable(indexed):
    with indexed():
        thread = SearchThreadFactory(title="Ruimte gezocht")
    assert search("gymzaal").total == 0
    with indexed():
        Post.objects.create(thread=thread, body="Vraag de gymzaal van de school")
    assert found(search("gymzaal")) == [("thread", thread.pk)]


def test_title_hit_ranks_above_body_hit(indexed):
    with indexed():
        in_body = SearchArticleFactory(
            title="Verslag van de avond", body="We spraken ook over eenzaamheid bij ouderen."
        )
        in_title = SearchArticleFactory(title="Eenzaamheid", body="Een lange tekst over iets.")
    result = search("eenzaamheid")
    assert found(result) == [("article", in_title.pk), ("article", in_body.pk)]
    assert result.hits[0].score > result.hits[1].score


def test_all_words_must_occur_and_or_and_minus_work(indexed):
    with indexed():
        both = SearchArticleFactory(title="Moestuin en kookclub")
        garden = SearchArticleFactory(title="Moestuin aanleggen")
        kitchen = SearchArticleFactory(title="Kookclub starten")
    assert found(search("moestuin kookclub")) == [("article", both.pk)]
    assert {h.object_id for h in search("moestuin OR kookclub").hits} == {
        both.pk,
        garden.pk,
        kitchen.pk,
    }
    assert found(search("moestuin -kookclub")) == [("article", garden.pk)]
    assert found(search('"kookclub starten"')) == [("article", kitchen.pk)]
    assert search('"starten kookclub"').total == 0


def test_stop_words_alone_give_no_query(indexed):
    with indexed():
        SearchArticleFactory(title="De wijk en het dorp")
    result = search("de en het")
    assert result.total == 0 and result.hits == []


def test_prefix_matching_while_typing(indexed):
    with indexed():
        article = SearchArticleFactory(title="Dementievriendelijke gemeenten")
    assert search("dementievriend").total == 0 or search("dementievriend").suggestion
    assert found(search("dementievrien", prefix=True)) == [("article", article.pk)]
    assert found(search("gemeenten dementievr", prefix=True)) == [("article", article.pk)]


def test_kind_filter_and_counts(indexed):
    with indexed():
        SearchArticleFactory(title="Impact meten")
        SearchArticleFactory(title="Impact zichtbaar maken")
        offer = SearchOfferFactory(title="Training impact")
        SearchInitiativeFactory(name="Impactcafé")  # another word: not counted
    result = search("impact", ["offer"])
    assert found(result) == [("offer", offer.pk)]
    assert result.total == 1
    assert result.counts == {
        "initiative": 0,
        "offer": 1,
        "question": 0,
        "thread": 0,
        "article": 2,
    }
    assert search("impact").total == 3


def test_limit_and_offset_page_through_hits(indexed):
    with indexed():
        for n in range(5):
            SearchArticleFactory(title=f"Buurtpreventie deel {n}")
    first = search("buurtpreventie", limit=2)
    second = search("buurtpreventie", limit=2, offset=2)
    third = search("buurtpreventie", limit=2, offset=4)
    ids = [h.object_id for r in (first, second, third) for h in r.hits]
    assert len(ids) == 5 and len(set(ids)) == 5
    assert first.total == 5


def test_snippet_is_escaped_and_marks_the_words(indexed):
    with indexed():
        SearchArticleFactory(
            title="Veilig <b>samen</b>",
            body="Een tekst met <script>alert(1)</script> en buurtpreventie in de straat.",
        )
    hit = search("buurtpreventie samen").hits[0]
    assert "<script>" not in hit.snippet and "&lt;script&gt;" in hit.snippet
    assert "<mark>buurtpreventie</mark>" in hit.snippet
    assert str(hit.title_html) == "Veilig &lt;b&gt;<mark>samen</mark>&lt;/b&gt;"


def test_snippet_shows_the_text_around_the_first_hit(indexed):
    words = " ".join(f"woord{n}" for n in range(200))
    with indexed():
        SearchArticleFactory(title="Lang verhaal", body=f"{words} kwartiermaker {words}")
    snippet = str(search("kwartiermaker").hits[0].snippet)
    assert snippet.startswith("… ") and snippet.endswith(" …")
    assert "<mark>kwartiermaker</mark>" in snippet


def test_urls_point_to_the_public_pages(indexed):
    with indexed():
        SearchInitiativeFactory(name="Wijkleerbedrijf", slug="wijkleerbedrijf")
    hit = search("wijkleerbedrijf").hits[0]
    assert hit.url == "/initiatieven/wijkleerbedrijf/"


def test_rebuild_indexes_everything_public():
    initiative = SearchInitiativeFactory(name="Voedselbank")
    SearchInitiativeFactory(name="Voedselbank verborgen", published=False)
    SearchOfferFactory(title="Voedselbank advies")
    SearchQuestionFactory(title="Voedselbank vraag", initiative=initiative)
    SearchThreadFactory(title="Voedselbank forum")
    SearchArticleFactory(title="Voedselbank artikel")
    # nothing committed through signals in this test: the index is still empty
    assert search("voedselbank").total == 0
    counts = search_index_rebuild()
    assert counts == {"initiative": 1, "offer": 1, "question": 1, "thread": 1, "article": 1}
    result = search("voedselbank")
    assert result.total == 5
    assert SearchTerm.objects.get(term="voedselbank").documents == 5
    # a second rebuild gives the same index (no duplicates)
    search_index_rebuild()
    assert search("voedselbank").total == 5


def test_rebuild_command_prints_progress():
    from io import StringIO

    SearchArticleFactory(title="Zorgcoöperatie")
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    text = out.getvalue()
    assert "article: 1 indexed" in text and "1 documents" in text
    assert search("zorgcooperatie").total == 1


def test_index_terms_are_the_shared_dutch_terms(indexed):
    with indexed():
        article = SearchArticleFactory(
            title="Wij willen laten zien wat ons wijkleerbedrijf oplevert"
        )
    document = SearchDocument.objects.get(kind=Kind.ARTICLE, object_id=article.pk)
    assert document.title_terms.split() == terms(article.title)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own stemmer")
def test_postgresql_lexemes_equal_the_python_stems(indexed):
    text = (
        "Gemeenten trainingen vrijwilligers coöperaties ondersteuning eenzaamheid ouderen "
        "initiatieven bewoners wijkleerbedrijven verbindingen gezondheid buurthuizen"
    )
    with indexed():
        article = SearchArticleFactory(title="Woorden", body=text)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array_to_string(tsvector_to_array(search_vector), ' ')"
            " FROM search_searchdocument WHERE kind = 'article' AND object_id = %s",
            [article.pk],
        )
        lexemes = set(cursor.fetchone()[0].split())
    assert lexemes == set(terms(text)) | set(terms("Woorden"))


def test_one_word_counts_from_the_vocabulary_equal_counting(indexed):
    from veerkracht.search import backends
    from veerkracht.search.query import parse

    with indexed():
        offers = [SearchOfferFactory(title=f"Kwartiermaker {n}") for n in range(3)]
        article = SearchArticleFactory(title="Over de kwartiermaker", body="kwartiermakers")
        SearchThreadFactory(title="Kwartiermaker gezocht")
    with indexed():
        offers[0].delete()
        article.published = False
        article.save()
    parsed = parse("kwartiermaker")
    assert parsed.single_term == "kwartiermaker"
    _, counted = backends.run_query(parsed.clauses, [], kinds=None, limit=5, offset=0)
    result = search("kwartiermaker")
    assert result.counts == {k: counted.get(k, 0) for k in Kind.values}
    assert result.counts["offer"] == 2 and result.counts["thread"] == 1
    assert result.counts["article"] == 0 and result.total == 3


def test_urls_of_every_kind(indexed):
    with indexed():
        initiative = SearchInitiativeFactory(name="Zwerfvuil", slug="zwerfvuil")
        offer = SearchOfferFactory(title="Zwerfvuil opruimen", slug="zwerfvuil-opruimen")
        question = SearchQuestionFactory(title="Zwerfvuil vraag", initiative=initiative)
        thread = SearchThreadFactory(title="Zwerfvuil acties")
        article = SearchArticleFactory(title="Zwerfvuil aanpak", slug="zwerfvuil-aanpak")
    urls = {h.kind: h.url for h in search("zwerfvuil").hits}
    assert urls == {
        "initiative": "/initiatieven/zwerfvuil/",
        "offer": reverse("support:offer_detail", kwargs={"slug": offer.slug}),
        "question": reverse("support:question_public_list") + f"#question-{question.pk}",
        "thread": reverse(
            "support:forum_thread", kwargs={"pk": thread.pk, "slug": "zwerfvuil-acties"}
        ),
        "article": reverse("knowledge:article_detail", kwargs={"slug": article.slug}),
    }


def test_when_nothing_has_every_word_items_with_any_word_are_shown(indexed):
    with indexed():
        both = SearchArticleFactory(title="Eenzaamheid onder ouderen", body="")
        lonely = SearchArticleFactory(title="Eenzaamheid", body="")
        SearchArticleFactory(title="Ouderen en sport", body="")
    assert search("eenzaamheid ouderen").any_word is False
    result = search("eenzaamheid ouderen jongeren")
    assert result.any_word is True
    assert result.total == 3
    assert found(result)[0] == ("article", both.pk)
    assert ("article", lonely.pk) in found(result)
    assert search("eenzaamheid -ouderen").any_word is False


def test_a_word_new_to_this_process_is_not_corrected_away(indexed):
    from veerkracht.search import vocabulary

    with indexed():
        SearchArticleFactory(title="Kwartiermakers gezocht")
    assert vocabulary.is_known("kwartiermaker")
    assert parse_suggestion("kwartiermakr") == "kwartiermakers"
    # Another process indexed a new word; this process's copy has not been reloaded.
    SearchTerm.objects.create(term="kwartiermakr", word="kwartiermakr", documents=1)
    assert "kwartiermakr" not in vocabulary._load().documents
    assert parse_suggestion("kwartiermakr") == ""


def parse_suggestion(text: str) -> str:
    from veerkracht.search.query import parse

    return parse(text).suggestion


def test_questions_of_unpublished_initiatives_are_not_found(indexed):
    with indexed():
        initiative = SearchInitiativeFactory(name="Buurtbus")
        question = SearchQuestionFactory(title="Chauffeurs gezocht", initiative=initiative)
    assert found(search("chauffeurs")) == [("question", question.pk)]
    initiative.published = False
    with indexed():
        initiative.save()
    assert search("chauffeurs").total == 0
    initiative.published = True
    with indexed():
        initiative.save()
    assert found(search("chauffeurs")) == [("question", question.pk)]
    question.status = "closed"
    with indexed():
        question.save()
    assert search("chauffeurs").total == 0


def test_vocabulary_counts_every_document_of_one_sync():
    from veerkracht.search.services import search_document_sync

    offers = [SearchOfferFactory(title="Boekenruil") for _ in range(3)]
    ids = [o.pk for o in offers]
    search_document_sync(kind="offer", object_ids=ids)
    term = SearchTerm.objects.get(term="boekenruil")
    assert (term.documents, term.offer) == (3, 3)
    offers[0].delete()
    search_document_sync(kind="offer", object_ids=ids)
    term.refresh_from_db()
    assert (term.documents, term.offer) == (2, 2)
    assert search("boekenruil").counts["offer"] == 2
