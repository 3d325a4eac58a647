"""Readable, unique slugs for public URLs."""

from collections.abc import Collection

from django.db.models import QuerySet
from django.utils.text import slugify


def unique_slug(
    queryset: QuerySet,
    text: str,
    *,
    fallback: str,
    reserved: Collection[str] = (),
    exclude_pk: int | None = None,
    max_length: int = 100,
) -> str:
    """A slug of `text` not yet used in `queryset` ("naam", "naam-2", "naam-3" …).

    `reserved` holds path segments that are pages, not objects; `exclude_pk` leaves the
    object being renamed out of the check.
    """
    base = slugify(text)[:max_length] or fallback
    taken = queryset.exclude(pk=exclude_pk) if exclude_pk else queryset
    slug, n = base, 2
    while slug in reserved or taken.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug
