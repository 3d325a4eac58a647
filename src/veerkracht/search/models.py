"""The search index: one row per findable item, plus the vocabulary of indexed terms.

The full-text part is vendor-specific and lives outside the ORM (see `backends.py` and
migration 0001): on SQLite an FTS5 table ``search_fts`` over the stemmed terms, on
PostgreSQL a ``search_vector`` tsvector column with a GIN index on this table.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    INITIATIVE = "initiative", _("initiative")
    OFFER = "offer", _("support offer")
    QUESTION = "question", _("question")
    THREAD = "thread", _("forum thread")
    ARTICLE = "article", _("article")


# The kind is part of a document's id (id = object_id * 8 + code), so that the full-text
# index can count and filter by kind from its own row ids, without a join.
KIND_CODES = {
    Kind.INITIATIVE: 1,
    Kind.OFFER: 2,
    Kind.QUESTION: 3,
    Kind.THREAD: 4,
    Kind.ARTICLE: 5,
}
KIND_OF_CODE = {code: kind for kind, code in KIND_CODES.items()}
KIND_BITS = 8


def document_id(kind: str, object_id: int) -> int:
    return int(object_id) * KIND_BITS + KIND_CODES[kind]


class SearchDocument(models.Model):
    """What the search shows and finds of one initiative, offer, question, thread or article.

    Only public items have a document (`public` is kept for a later staff search).
    """

    id = models.BigIntegerField(primary_key=True, editable=False)  # document_id()
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField(_("object id"))
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("address"), max_length=300, blank=True)
    public = models.BooleanField(_("public"), default=True)
    # The stemmed terms (veerkracht.core.text.terms joined by spaces): the FTS5 content on
    # SQLite and the source of the vocabulary on both databases.
    title_terms = models.TextField(blank=True, editable=False)
    body_terms = models.TextField(blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.title}"


class SearchTerm(models.Model):
    """One stem that occurs in the index, with a readable word for it and its frequency.

    Used to correct query words that occur nowhere ("Bedoelde u: ..."), and for the
    counts per kind of a one-word search (counting every match of a common word is the
    slowest part of a search on PostgreSQL).
    """

    term = models.CharField(max_length=100, unique=True)
    word = models.CharField(max_length=100)
    documents = models.PositiveIntegerField(default=0)
    # Documents per kind (field name = kind): the counts of a one-word search.
    initiative = models.PositiveIntegerField(default=0)
    offer = models.PositiveIntegerField(default=0)
    question = models.PositiveIntegerField(default=0)
    thread = models.PositiveIntegerField(default=0)
    article = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")

    def __str__(self) -> str:
        return self.term
