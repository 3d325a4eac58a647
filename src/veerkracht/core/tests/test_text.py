import pytest

from veerkracht.core import text


def test_fold_removes_accents_and_case():
    assert text.fold("Coöperatie ÉÉN Financiële") == "cooperatie een financiele"


def test_terms_drop_stop_words_and_stem():
    assert text.terms("Wij willen de trainingen voor ouderen") == ["training", "ouder"]


@pytest.mark.parametrize(
    ("variant", "base"),
    [
        ("gemeenten", "gemeente"),
        ("Coöperatie", "cooperatie"),
        ("trainingen", "training"),
        ("vrijwilligers", "vrijwilliger"),
        ("Eenzaamheid", "eenzaamheid"),
    ],
)
def test_variants_share_a_stem(variant, base):
    assert text.terms(variant) == text.terms(base)


@pytest.mark.django_db
def test_stems_equal_postgresql_dutch_lexemes(settings):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("compares with PostgreSQL's dutch configuration")
    sample = "gemeente gemeenten ouderen meebetalen impactmonitoring vrijwilligers eenzaamheid"
    with connection.cursor() as cursor:
        cursor.execute("SELECT tsvector_to_array(to_tsvector('dutch', %s))", [sample])
        lexemes = set(cursor.fetchone()[0])
    assert lexemes == set(text.terms(sample))
