"""Knowledge base: every use case that changes state, one function each.

Each service takes keyword-only arguments, checks `article.edit`, runs in one
transaction and writes its audit record inside it. Saving changed content (title,
summary or text) writes a new `ArticleVersion`; saving unchanged content writes none.
Attachment files are stored under MEDIA_ROOT (`knowledge/<year>/`); a removed
attachment's file is deleted only after the transaction commits.
"""

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from veerkracht.core.models import ResilienceFactor, Theme
from veerkracht.core.permissions import check_capability
from veerkracht.core.services.audit import audit_changes, audit_record, audit_snapshot
from veerkracht.core.slugs import unique_slug
from veerkracht.initiatives.models import Initiative, SupportOffer

from .models import Article, ArticleAttachment, ArticleVersion, Tag

CAPABILITY = "article.edit"
CONTENT_FIELDS = ("title", "summary", "body")

# The first bytes each allowed file type starts with: the extension alone proves nothing.
ZIP_MAGIC = (b"PK\x03\x04",)
FILE_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "docx": ZIP_MAGIC,
    "xlsx": ZIP_MAGIC,
    "pptx": ZIP_MAGIC,
    "odt": ZIP_MAGIC,
}


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def tags_for(names: Iterable[str]) -> list[Tag]:
    """The tags with these names, created when missing (matched on their slug)."""
    tags: dict[str, Tag] = {}
    for raw in names:
        name = raw.strip()
        slug = slugify(name)[:60]
        if not slug or slug in tags:
            continue
        tag, _created = Tag.objects.get_or_create(slug=slug, defaults={"name": name[:80]})
        tags[slug] = tag
    return list(tags.values())


# Paths under /kennisbank/ that are pages, not articles.
RESERVED_SLUGS = frozenset({"nieuw"})


def _unique_slug(title: str) -> str:
    return unique_slug(Article.objects.all(), title, fallback="artikel", reserved=RESERVED_SLUGS)


def _relations(article: Article) -> dict[str, list]:
    return {
        "tags": sorted(article.tags.values_list("slug", flat=True)),
        "themes": sorted(article.themes.values_list("slug", flat=True)),
        "factors": sorted(article.factors.values_list("slug", flat=True)),
        "initiatives": sorted(article.initiatives.values_list("pk", flat=True)),
        "offers": sorted(article.offers.values_list("pk", flat=True)),
    }


def _state(article: Article) -> dict[str, Any]:
    state = {**audit_snapshot(article), **_relations(article)}
    state.pop("updated_at", None)
    return state


def _set_relations(
    article: Article,
    *,
    tags: Iterable[str] | None,
    themes: Iterable[Theme] | None,
    factors: Iterable[ResilienceFactor] | None,
    initiatives: Iterable[Initiative] | None,
    offers: Iterable[SupportOffer] | None,
) -> None:
    """Replace the given relations; None leaves a relation as it is."""
    if tags is not None:
        article.tags.set(tags_for(tags))
    if themes is not None:
        article.themes.set(list(themes))
    if factors is not None:
        article.factors.set(list(factors))
    if initiatives is not None:
        article.initiatives.set(list(initiatives))
    if offers is not None:
        article.offers.set(list(offers))


def _version(*, article: Article, actor: Any, note: str) -> ArticleVersion:
    article.current_version += 1
    article.save(update_fields=["current_version", "updated_at"])
    return ArticleVersion.objects.create(
        article=article,
        number=article.current_version,
        title=article.title,
        summary=article.summary,
        body=article.body,
        edited_by=_actor(actor),
        note=note[:300],
    )


@transaction.atomic
def article_create(
    *,
    actor: Any,
    title: str,
    kind: str,
    summary: str = "",
    body: str = "",
    slug: str = "",
    tags: Iterable[str] = (),
    themes: Iterable[Theme] = (),
    factors: Iterable[ResilienceFactor] = (),
    initiatives: Iterable[Initiative] = (),
    offers: Iterable[SupportOffer] = (),
    published: bool = False,
    author: Any = None,
    note: str = "",
) -> Article:
    """Write a new article and its first version. `author` defaults to the actor."""
    check_capability(actor, CAPABILITY)
    article = Article(
        slug=slug or _unique_slug(title),
        title=title.strip(),
        kind=kind,
        summary=summary.strip(),
        body=body,
        published=published,
        author=author if author is not None else _actor(actor),
    )
    if article.slug in RESERVED_SLUGS:
        raise ValidationError({"slug": _("This address is reserved.")}, code="reserved")
    article.full_clean()
    article.save()
    _set_relations(
        article, tags=tags, themes=themes, factors=factors, initiatives=initiatives, offers=offers
    )
    _version(article=article, actor=actor, note=note)
    audit_record(actor=actor, action="knowledge.article_create", obj=article, after=_state(article))
    return article


@transaction.atomic
def article_update(
    *,
    actor: Any,
    article: Article,
    title: str,
    kind: str,
    summary: str = "",
    body: str = "",
    tags: Iterable[str] | None = None,
    themes: Iterable[Theme] | None = None,
    factors: Iterable[ResilienceFactor] | None = None,
    initiatives: Iterable[Initiative] | None = None,
    offers: Iterable[SupportOffer] | None = None,
    note: str = "",
) -> Article:
    """Save changes; a changed title, summary or text becomes a new version.

    Relations passed as None stay as they are. Nothing changed: no version, no audit record.
    """
    check_capability(actor, CAPABILITY)
    article = Article.objects.select_for_update().get(pk=article.pk)
    before = _state(article)
    title, summary = title.strip(), summary.strip()
    content_changed = (title, summary, body) != (article.title, article.summary, article.body)
    article.title, article.kind, article.summary, article.body = title, kind, summary, body
    article.full_clean()
    article.save()
    _set_relations(
        article, tags=tags, themes=themes, factors=factors, initiatives=initiatives, offers=offers
    )
    if content_changed:
        _version(article=article, actor=actor, note=note)
    old, new = audit_changes(before, _state(article))
    if old:
        audit_record(
            actor=actor,
            action="knowledge.article_update",
            obj=article,
            before=old,
            after=new,
            note=note,
        )
    return article


def _set_published(*, actor: Any, article: Article, published: bool) -> Article:
    check_capability(actor, CAPABILITY)
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.published == published:
        return article
    article.published = published
    article.save(update_fields=["published", "updated_at"])
    audit_record(
        actor=actor,
        action="knowledge.article_publish" if published else "knowledge.article_unpublish",
        obj=article,
        before={"published": not published},
        after={"published": published},
    )
    return article


@transaction.atomic
def article_publish(*, actor: Any, article: Article) -> Article:
    """Show the article to everyone (no-op when it is already published)."""
    return _set_published(actor=actor, article=article, published=True)


@transaction.atomic
def article_unpublish(*, actor: Any, article: Article) -> Article:
    """Show the article to editors only (no-op when it is not published)."""
    return _set_published(actor=actor, article=article, published=False)


def _check_file_content(file: Any) -> None:
    """Refuse a file whose first bytes do not match its extension."""
    extension = Path(getattr(file, "name", "") or "").suffix.lower().lstrip(".")
    signatures = FILE_SIGNATURES.get(extension)
    if signatures is None:
        return  # the model's validator reports the extension itself
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(16)
    file.seek(position)
    if not any(head.startswith(signature) for signature in signatures):
        raise ValidationError(
            {"file": _("The content of the file does not match its type (.%(ext)s).")},
            code="content",
            params={"ext": extension},
        )


@transaction.atomic
def attachment_add(
    *, actor: Any, article: Article, file: Any, title: str = ""
) -> ArticleAttachment:
    """Attach a file: allowed types only (checked on extension and content), at most 10 MB."""
    check_capability(actor, CAPABILITY)
    attachment = ArticleAttachment(
        article=article,
        file=file,
        title=(title.strip() or Path(getattr(file, "name", "") or "").name or "bijlage")[:200],
        uploaded_by=_actor(actor),
    )
    attachment.full_clean()
    _check_file_content(file)
    attachment.save()
    audit_record(
        actor=actor,
        action="knowledge.attachment_add",
        obj=attachment,
        after={"article": article.pk, "title": attachment.title, "file": attachment.file.name},
    )
    return attachment


@transaction.atomic
def attachment_remove(*, actor: Any, attachment: ArticleAttachment) -> None:
    """Remove an attachment; its file is deleted from storage once the removal commits."""
    check_capability(actor, CAPABILITY)
    attachment = ArticleAttachment.objects.select_for_update().get(pk=attachment.pk)
    storage, name = attachment.file.storage, attachment.file.name
    audit_record(
        actor=actor,
        action="knowledge.attachment_remove",
        obj=attachment,
        before={"article": attachment.article_id, "title": attachment.title, "file": name},
    )
    attachment.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def article_version_restore(*, actor: Any, article: Article, number: int) -> Article:
    """Bring back the content of an earlier version, saved as a new version."""
    check_capability(actor, CAPABILITY)
    article = Article.objects.select_for_update().get(pk=article.pk)
    old = article.versions.filter(number=number).first()
    if old is None:
        raise ValidationError(_("This version does not exist."), code="no_version")
    if (old.title, old.summary, old.body) == (article.title, article.summary, article.body):
        return article
    before = audit_snapshot(article, fields=list(CONTENT_FIELDS))
    article.title, article.summary, article.body = old.title, old.summary, old.body
    article.save(update_fields=[*CONTENT_FIELDS, "updated_at"])
    # The note is stored text, so it is written in the site's default language.
    with translation.override(settings.LANGUAGE_CODE):
        note = _("Restored version %(number)s") % {"number": number}
    _version(article=article, actor=actor, note=note)
    audit_record(
        actor=actor,
        action="knowledge.version_restore",
        obj=article,
        before=before,
        after=audit_snapshot(article, fields=list(CONTENT_FIELDS)),
        note=f"v{number}",
    )
    return article
