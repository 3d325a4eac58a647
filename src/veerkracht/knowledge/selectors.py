"""Knowledge base: read queries for pages, the API and other apps."""

import difflib
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet

from veerkracht.core.models import ResilienceFactor, Theme
from veerkracht.initiatives.models import Initiative, SupportOffer

from .models import Article, ArticleVersion, Tag

VOCABULARY_ORDER = ("position", "name")


def _vocabulary_prefetches() -> list[Prefetch]:
    """The article's tags, themes and factors, each in display order."""
    return [
        Prefetch("tags", queryset=Tag.objects.order_by("name")),
        Prefetch("themes", queryset=Theme.objects.order_by(*VOCABULARY_ORDER)),
        Prefetch("factors", queryset=ResilienceFactor.objects.order_by(*VOCABULARY_ORDER)),
    ]


def article_list(
    *,
    published_only: bool = True,
    kind: str = "",
    tag: str = "",
    theme: str = "",
    factor: str = "",
    q: str = "",
) -> QuerySet[Article]:
    """Articles filtered by kind, tag slug, theme slug, factor slug and text (icontains).

    Ordered by title; tags and themes are prefetched, so a page of articles costs a
    fixed number of queries. `published_only=False` is for editors.
    """
    articles = Article.objects.all()
    if published_only:
        articles = articles.filter(published=True)
    if kind:
        articles = articles.filter(kind=kind)
    if tag:
        articles = articles.filter(tags__slug=tag)
    if theme:
        articles = articles.filter(themes__slug=theme)
    if factor:
        articles = articles.filter(factors__slug=factor)
    q = q.strip()
    if q:
        articles = articles.filter(
            Q(title__icontains=q) | Q(summary__icontains=q) | Q(body__icontains=q)
        )
    if tag or theme or factor:
        articles = articles.distinct()
    return articles.prefetch_related(*_vocabulary_prefetches()).order_by("title", "pk")


def tag_list(*, published_only: bool = True) -> QuerySet[Tag]:
    """Tags used by at least one (published) article, by name."""
    tags = Tag.objects.all()
    if published_only:
        tags = tags.filter(articles__published=True)
    else:
        tags = tags.filter(articles__isnull=False)
    return tags.distinct().order_by("name")


def article_get(*, slug: str, published_only: bool = True) -> Article | None:
    """One article with everything its page shows, or None.

    Linked initiatives: published ones only; linked offers: published, active ones only.
    """
    articles = Article.objects.select_related("author").prefetch_related(
        *_vocabulary_prefetches(),
        Prefetch(
            "initiatives",
            queryset=Initiative.objects.filter(published=True)
            .only("pk", "slug", "name", "summary")
            .order_by("name"),
            to_attr="public_initiatives",
        ),
        Prefetch(
            "offers",
            queryset=SupportOffer.objects.filter(status=SupportOffer.Status.PUBLISHED, active=True)
            .select_related("provider")
            .order_by("title"),
            to_attr="public_offers",
        ),
        "attachments",
    )
    if published_only:
        articles = articles.filter(published=True)
    return articles.filter(slug=slug).first()


def article_versions(*, article: Article) -> list[ArticleVersion]:
    """The article's versions, newest first, with who saved them."""
    return list(article.versions.select_related("edited_by").order_by("-number"))


# --- differences between two versions ---------------------------------------------------

CONTEXT_LINES = 1
# Below this similarity two lines are shown as one removed and one added line rather
# than as one changed line: word-level marks on unrelated lines are only noise.
PAIR_RATIO = 0.5


@dataclass
class DiffRow:
    """One line of a comparison.

    kind: "equal", "delete", "insert", "change" (parts holds the word-level changes as
    (op, text) with op "equal", "delete" or "insert") or "gap" (`skipped` unchanged lines).
    """

    kind: str
    old: str = ""
    new: str = ""
    parts: list[tuple[str, str]] = field(default_factory=list)
    skipped: int = 0


@dataclass
class VersionDiff:
    old: ArticleVersion
    new: ArticleVersion
    rows: list[DiffRow]

    @property
    def changed(self) -> bool:
        return any(row.kind not in ("equal", "gap") for row in self.rows)


def _lines(version: ArticleVersion) -> list[str]:
    body = [line.strip() for line in version.body.splitlines()]
    return [version.title, version.summary, *(line for line in body if line)]


def _word_matcher(old: str, new: str) -> difflib.SequenceMatcher:
    """Compares the lines word by word (spaces are not compared)."""
    return difflib.SequenceMatcher(a=old.split(), b=new.split(), autojunk=False)


def _word_parts(matcher: difflib.SequenceMatcher) -> list[tuple[str, str]]:
    """(op, text) runs; words are joined by single spaces, each run but the last ends in one."""
    a, b = matcher.a, matcher.b
    runs: list[tuple[str, list[str]]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            runs.append(("equal", a[i1:i2]))
            continue
        if op in ("delete", "replace"):
            runs.append(("delete", a[i1:i2]))
        if op in ("insert", "replace"):
            runs.append(("insert", b[j1:j2]))
    last = len(runs) - 1
    return [
        (op, " ".join(words) + ("" if n == last else " ")) for n, (op, words) in enumerate(runs)
    ]


def _equal_rows(lines: list[str], *, first: bool, last: bool) -> list[DiffRow]:
    """Unchanged lines, keeping CONTEXT_LINES next to each change and a gap in between."""
    keep_start = 0 if first else CONTEXT_LINES
    keep_end = 0 if last else CONTEXT_LINES
    if len(lines) <= keep_start + keep_end + 1:
        return [DiffRow("equal", old=line, new=line) for line in lines]
    rows = [DiffRow("equal", old=line, new=line) for line in lines[:keep_start]]
    rows.append(DiffRow("gap", skipped=len(lines) - keep_start - keep_end))
    rows += [DiffRow("equal", old=line, new=line) for line in lines[len(lines) - keep_end :]]
    return rows


def diff_lines(old: list[str], new: list[str]) -> list[DiffRow]:
    """Line-by-line comparison; changed lines paired up get word-level parts."""
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    opcodes = matcher.get_opcodes()
    rows: list[DiffRow] = []
    for index, (op, i1, i2, j1, j2) in enumerate(opcodes):
        if op == "equal":
            rows += _equal_rows(old[i1:i2], first=index == 0, last=index == len(opcodes) - 1)
        elif op == "delete":
            rows += [DiffRow("delete", old=line) for line in old[i1:i2]]
        elif op == "insert":
            rows += [DiffRow("insert", new=line) for line in new[j1:j2]]
        else:
            pairs = min(i2 - i1, j2 - j1)
            for k in range(pairs):
                a, b = old[i1 + k], new[j1 + k]
                words = _word_matcher(a, b)
                if words.ratio() >= PAIR_RATIO:
                    rows.append(DiffRow("change", old=a, new=b, parts=_word_parts(words)))
                else:
                    rows += [DiffRow("delete", old=a), DiffRow("insert", new=b)]
            rows += [DiffRow("delete", old=line) for line in old[i1 + pairs : i2]]
            rows += [DiffRow("insert", new=line) for line in new[j1 + pairs : j2]]
    return rows


def version_diff(*, old: ArticleVersion, new: ArticleVersion) -> VersionDiff:
    """The differences between two versions already loaded."""
    return VersionDiff(old=old, new=new, rows=diff_lines(_lines(old), _lines(new)))


def article_version_diff(*, article: Article, old: int, new: int) -> VersionDiff | None:
    """The differences between two versions of the article (None when one is missing)."""
    versions = {
        v.number: v
        for v in article.versions.select_related("edited_by").filter(number__in=[old, new])
    }
    if old not in versions or new not in versions:
        return None
    return version_diff(old=versions[old], new=versions[new])
