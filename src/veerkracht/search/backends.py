"""The vendor-specific full-text part of the search index.

Both databases index and query the same terms: the text goes through
`veerkracht.core.text` (folded, stop words dropped) before it reaches the database, and
the query is built from the stems that `veerkracht.core.text.stem` makes.

- SQLite: ``search_fts``, an FTS5 table with external content (``search_searchdocument``,
  columns ``title_terms`` and ``body_terms`` holding the stems), kept in step by triggers;
  ``tokenize='unicode61 remove_diacritics 2'``; ranked with ``bm25()``, title weighted 10.
- PostgreSQL: the ``search_vector`` tsvector column on ``search_searchdocument``
  (``to_tsvector('dutch', folded text)``, title with weight A, the rest with weight D)
  with a GIN index; ranked with ``ts_rank_cd`` (weights D 0.1 … A 1.0, so title 10 ×).
  Queries are tsquery literals of the stems: PostgreSQL's ``dutch`` stemmer is the same
  Snowball algorithm as ``dutch_porter``, so the lexemes are the same strings.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection

from .models import KIND_BITS, KIND_CODES, KIND_OF_CODE

TABLE = "search_searchdocument"
FTS = "search_fts"
TITLE_WEIGHT = 10.0
BODY_WEIGHT = 1.0

SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER search_fts_ai AFTER INSERT ON {TABLE} BEGIN
        INSERT INTO {FTS}(rowid, title_terms, body_terms)
        VALUES (new.id, new.title_terms, new.body_terms);
    END""",
    f"""CREATE TRIGGER search_fts_ad AFTER DELETE ON {TABLE} BEGIN
        INSERT INTO {FTS}({FTS}, rowid, title_terms, body_terms)
        VALUES ('delete', old.id, old.title_terms, old.body_terms);
    END""",
    f"""CREATE TRIGGER search_fts_au AFTER UPDATE ON {TABLE} BEGIN
        INSERT INTO {FTS}({FTS}, rowid, title_terms, body_terms)
        VALUES ('delete', old.id, old.title_terms, old.body_terms);
        INSERT INTO {FTS}(rowid, title_terms, body_terms)
        VALUES (new.id, new.title_terms, new.body_terms);
    END""",
)
SQLITE_DROP_TRIGGERS = tuple(
    f"DROP TRIGGER IF EXISTS {name}" for name in ("search_fts_ai", "search_fts_ad", "search_fts_au")
)
SQLITE_CREATE = (
    f"""CREATE VIRTUAL TABLE {FTS} USING fts5(
        title_terms, body_terms,
        content='{TABLE}', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    )""",
    *SQLITE_TRIGGERS,
)
SQLITE_DROP = (*SQLITE_DROP_TRIGGERS, f"DROP TABLE IF EXISTS {FTS}")

PG_VECTOR = (
    "setweight(to_tsvector('dutch'::regconfig, %s), 'A')"
    " || setweight(to_tsvector('dutch'::regconfig, %s), 'D')"
)
PG_TITLE_VECTOR = "to_tsvector('dutch'::regconfig, %s)"
PG_CREATE = (
    f"ALTER TABLE {TABLE} ADD COLUMN search_vector tsvector, ADD COLUMN title_vector tsvector",
    f"CREATE INDEX search_document_vector ON {TABLE} USING GIN (search_vector)",
    f"CREATE INDEX search_document_title_vector ON {TABLE} USING GIN (title_vector)",
)
PG_DROP = (
    "DROP INDEX IF EXISTS search_document_title_vector",
    "DROP INDEX IF EXISTS search_document_vector",
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS search_vector",
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS title_vector",
)


def create_index(schema_editor) -> None:
    """Migration step: the FTS5 table (SQLite) or the tsvector column (PostgreSQL)."""
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_CREATE, "postgresql": PG_CREATE}.get(vendor, ())
    for sql in statements:
        schema_editor.execute(sql)


def drop_index(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for sql in {"sqlite": SQLITE_DROP, "postgresql": PG_DROP}.get(vendor, ()):
        schema_editor.execute(sql)


def vendor() -> str:
    return connection.vendor


def write_vectors(rows: Iterable[tuple[int, str, str]]) -> None:
    """PostgreSQL: set the tsvector of documents from (id, folded title, folded body)."""
    if connection.vendor != "postgresql":
        return
    rows = [(title, body, title, pk) for pk, title, body in rows]
    if not rows:
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {TABLE} SET search_vector = {PG_VECTOR}, title_vector = {PG_TITLE_VECTOR}"
            " WHERE id = %s",
            rows,
        )


def sqlite_bulk_begin() -> None:
    """Before a bulk load on SQLite: stop the triggers (the FTS index is rebuilt after)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for sql in SQLITE_DROP_TRIGGERS:
                cursor.execute(sql)


def sqlite_bulk_end() -> None:
    """After a bulk load on SQLite: rebuild the FTS index from the table, triggers back."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")
            for sql in SQLITE_TRIGGERS:
                cursor.execute(sql)


# --- queries ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Clause:
    """One part of a query: alternatives (OR) of phrases; a phrase is a list of stems."""

    alternatives: tuple[tuple[str, ...], ...]
    prefix: bool = False  # the last stem of the (single) phrase matches as a prefix


def _fts_phrase(stems: Sequence[str], prefix: bool) -> str:
    return '"' + " ".join(stems) + '"' + ("*" if prefix else "")


def fts5_expression(clauses: Sequence[Clause], excluded: Sequence[Clause]) -> str:
    """An FTS5 MATCH expression: clauses ANDed, alternatives ORed, excluded with NOT."""
    parts = []
    for clause in clauses:
        phrases = [_fts_phrase(p, clause.prefix) for p in clause.alternatives]
        parts.append(phrases[0] if len(phrases) == 1 else "(" + " OR ".join(phrases) + ")")
    expression = " AND ".join(parts)
    for clause in excluded:
        for phrase in clause.alternatives:
            expression = f"({expression}) NOT {_fts_phrase(phrase, False)}"
    return expression


def _ts_phrase(stems: Sequence[str], prefix: bool) -> str:
    lexemes = [f"'{s}'" for s in stems]
    if prefix:
        lexemes[-1] = f"'{stems[-1]}':*"
    return lexemes[0] if len(lexemes) == 1 else "(" + " <-> ".join(lexemes) + ")"


def tsquery_expression(clauses: Sequence[Clause], excluded: Sequence[Clause]) -> str:
    """The same query as a tsquery literal (stems are [0-9a-z]+, so no quoting issues)."""
    parts = []
    for clause in clauses:
        phrases = [_ts_phrase(p, clause.prefix) for p in clause.alternatives]
        parts.append(phrases[0] if len(phrases) == 1 else "(" + " | ".join(phrases) + ")")
    for clause in excluded:
        parts.extend(f"!{_ts_phrase(p, False)}" for p in clause.alternatives)
    return " & ".join(parts)


def run_query(
    clauses: Sequence[Clause],
    excluded: Sequence[Clause],
    *,
    kinds: Sequence[str] | None,
    limit: int,
    offset: int,
    counts: dict[str, int] | None = None,
) -> tuple[list[tuple[int, float]], dict[str, int]]:
    """(document id, score — higher is better) of one page, and the counts per kind.

    `counts`, when the caller knows them (a one-word query: the vocabulary's frequencies),
    saves counting every match.

    The ranking has two tiers: documents whose title holds every searched word come
    first, then the others; within a tier by BM25 (SQLite) or ts_rank_cd (PostgreSQL),
    title words weighing ten times as much as words in the text. Only the tiers the page
    needs are ranked, which keeps broad queries fast: ranking every match of a common
    word among 100,000 documents costs more than the whole budget.
    """
    engine = _PostgreSQL() if connection.vendor == "postgresql" else _SQLite()
    codes = [KIND_CODES[k] for k in kinds] if kinds else None
    with connection.cursor() as cursor:
        engine.cursor = cursor
        everything = engine.expression(clauses, excluded)
        if counts is None:
            counts = {
                KIND_OF_CODE[code]: n
                for code, n in engine.counts(everything)
                if code in KIND_OF_CODE
            }
        total = sum(n for k, n in counts.items() if codes is None or KIND_CODES[k] in codes)
        if total == 0 or offset >= total:
            return [], counts
        in_title = engine.title_expression(clauses, excluded)
        first = engine.count(in_title, codes)
        rows: list[tuple[int, float]] = []
        if offset < first:
            rows += engine.ranked(in_title, codes, limit=min(limit, first - offset), offset=offset)
        if offset + limit > first and total > first:
            rest = engine.without_title(clauses, excluded)
            start = max(0, offset - first)
            rows += engine.ranked(
                rest, codes, limit=offset + limit - max(offset, first), offset=start
            )
    return rows, counts


def _codes_sql(column: str, codes: Sequence[int] | None) -> str:
    if not codes:
        return ""
    return f" AND ({column} %% {KIND_BITS}) IN ({', '.join(str(int(c)) for c in codes)})"


class _SQLite:
    """FTS5 over the stems; the row id holds the kind, so nothing is joined."""

    cursor = None

    def expression(self, clauses, excluded) -> str:
        return fts5_expression(clauses, excluded)

    def title_expression(self, clauses, excluded) -> str:
        title = fts5_expression(clauses, ())
        return f"({self.expression(clauses, excluded)}) AND title_terms : ({title})"

    def without_title(self, clauses, excluded) -> str:
        title = fts5_expression(clauses, ())
        return f"({self.expression(clauses, excluded)}) NOT title_terms : ({title})"

    def counts(self, match: str) -> list[tuple[int, int]]:
        self.cursor.execute(
            f"SELECT rowid %% {KIND_BITS}, COUNT(*) FROM {FTS} WHERE {FTS} MATCH %s GROUP BY 1",
            [match],
        )
        return self.cursor.fetchall()

    def count(self, match: str, codes) -> int:
        self.cursor.execute(
            f"SELECT COUNT(*) FROM {FTS} WHERE {FTS} MATCH %s{_codes_sql('rowid', codes)}",
            [match],
        )
        return self.cursor.fetchone()[0]

    def ranked(self, match: str, codes, *, limit: int, offset: int) -> list[tuple[int, float]]:
        self.cursor.execute(
            f"SELECT rowid, bm25({FTS}, {TITLE_WEIGHT}, {BODY_WEIGHT}) AS score FROM {FTS}"
            f" WHERE {FTS} MATCH %s{_codes_sql('rowid', codes)}"
            " ORDER BY score, rowid LIMIT %s OFFSET %s",
            [match, limit, offset],
        )
        return [(pk, -score) for pk, score in self.cursor.fetchall()]


class _PostgreSQL:
    """The tsvector columns with their GIN indexes.

    The title tier is checked on `title_vector`, not with weight-restricted lexemes
    ('x':A) on `search_vector`: a GIN index cannot check weights, so PostgreSQL would
    re-read every matching row's vector.
    """

    cursor = None

    def expression(self, clauses, excluded) -> str:
        return tsquery_expression(clauses, excluded)

    def title_expression(self, clauses, excluded):
        return (tsquery_expression(clauses, excluded), tsquery_expression(clauses, ()), True)

    def without_title(self, clauses, excluded):
        return (tsquery_expression(clauses, excluded), tsquery_expression(clauses, ()), False)

    @staticmethod
    def _where(query) -> tuple[str, list[str]]:
        if isinstance(query, str):
            return "search_vector @@ CAST(%s AS tsquery)", [query]
        everything, title, inside = query
        condition = "title_vector @@ CAST(%s AS tsquery)"
        if not inside:
            condition = f"NOT ({condition})"
        return f"search_vector @@ CAST(%s AS tsquery) AND {condition}", [everything, title]

    def counts(self, query: str) -> list[tuple[int, int]]:
        where, params = self._where(query)
        self.cursor.execute(
            f"SELECT id %% {KIND_BITS}, COUNT(*) FROM {TABLE} WHERE {where} GROUP BY 1", params
        )
        return self.cursor.fetchall()

    def count(self, query, codes) -> int:
        where, params = self._where(query)
        self.cursor.execute(
            f"SELECT COUNT(*) FROM {TABLE} WHERE {where}{_codes_sql('id', codes)}", params
        )
        return self.cursor.fetchone()[0]

    def ranked(self, query, codes, *, limit: int, offset: int) -> list[tuple[int, float]]:
        where, params = self._where(query)
        rank_query = query if isinstance(query, str) else query[0]
        self.cursor.execute(
            "SELECT id, ts_rank_cd(search_vector, CAST(%s AS tsquery)) AS score"
            f" FROM {TABLE} WHERE {where}{_codes_sql('id', codes)}"
            " ORDER BY score DESC, id LIMIT %s OFFSET %s",
            [rank_query, *params, limit, offset],
        )
        return [(pk, float(score)) for pk, score in self.cursor.fetchall()]
