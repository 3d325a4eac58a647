"""Knowledge base services: versions, publication, attachments, restore, audit."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from veerkracht.core.models import AuditRecord
from veerkracht.core.tests.factories import ResilienceFactorFactory, ThemeFactory
from veerkracht.initiatives.tests.factories import InitiativeFactory, SupportOfferFactory
from veerkracht.knowledge import services
from veerkracht.knowledge.models import (
    MAX_ATTACHMENT_BYTES,
    Article,
    ArticleAttachment,
    ArticleVersion,
    Tag,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%test\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20


def create(actor, **kwargs):
    data = {"title": "De Veerkrachtdialoog", "kind": Article.Kind.METHOD, "body": "Eerste tekst."}
    return services.article_create(actor=actor, **{**data, **kwargs})


def actions(article):
    return list(
        AuditRecord.objects.filter(object_id=str(article.pk), object_type="knowledge.article")
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_create_writes_article_first_version_relations_and_audit(editor):
    theme, factor = ThemeFactory(), ResilienceFactorFactory()
    initiative, offer = InitiativeFactory(), SupportOfferFactory()
    article = create(
        editor,
        summary="Samen praten",
        tags=["Dialoog", " dialoog ", "Leersleutels", ""],
        themes=[theme],
        factors=[factor],
        initiatives=[initiative],
        offers=[offer],
    )
    assert article.slug == "de-veerkrachtdialoog"
    assert article.author == editor
    assert article.published is False
    assert article.current_version == 1
    version = article.versions.get()
    assert (version.number, version.title, version.body, version.edited_by) == (
        1,
        "De Veerkrachtdialoog",
        "Eerste tekst.",
        editor,
    )
    assert sorted(article.tags.values_list("slug", flat=True)) == ["dialoog", "leersleutels"]
    assert list(article.themes.all()) == [theme]
    assert list(article.factors.all()) == [factor]
    assert list(article.initiatives.all()) == [initiative]
    assert list(article.offers.all()) == [offer]
    record = AuditRecord.objects.get(action="knowledge.article_create")
    assert record.actor == editor
    assert record.after["tags"] == ["dialoog", "leersleutels"]


def test_create_gives_unique_slugs_and_avoids_reserved_ones(editor):
    first = create(editor)
    second = create(editor)
    reserved = create(editor, title="Nieuw")
    assert first.slug == "de-veerkrachtdialoog"
    assert second.slug == "de-veerkrachtdialoog-2"
    assert reserved.slug == "nieuw-2"
    with pytest.raises(ValidationError):
        create(editor, slug="nieuw")


def test_create_refuses_an_unknown_kind_and_an_empty_title(editor):
    with pytest.raises(ValidationError):
        create(editor, kind="poem")
    with pytest.raises(ValidationError):
        create(editor, title="  ")
    assert not Article.objects.exists()


@pytest.mark.parametrize("user_fixture", ["reader", None])
def test_services_need_article_edit(request, editor, user_fixture):
    from django.contrib.auth.models import AnonymousUser

    actor = request.getfixturevalue(user_fixture) if user_fixture else AnonymousUser()
    article = create(editor)
    with pytest.raises(PermissionDenied):
        create(actor)
    with pytest.raises(PermissionDenied):
        services.article_update(actor=actor, article=article, title="x", kind="method")
    with pytest.raises(PermissionDenied):
        services.article_publish(actor=actor, article=article)
    with pytest.raises(PermissionDenied):
        services.article_version_restore(actor=actor, article=article, number=1)
    with pytest.raises(PermissionDenied):
        services.attachment_add(actor=actor, article=article, file=SimpleUploadedFile("a.pdf", PDF))


def test_update_with_new_content_writes_a_version(editor):
    article = create(editor)
    updated = services.article_update(
        actor=editor,
        article=article,
        title="De Veerkrachtdialoog",
        kind=Article.Kind.METHOD,
        body="Tweede tekst.",
        note="Tekst aangevuld",
    )
    assert updated.current_version == 2
    version = updated.versions.get(number=2)
    assert (version.body, version.note, version.edited_by) == (
        "Tweede tekst.",
        "Tekst aangevuld",
        editor,
    )
    assert updated.versions.get(number=1).body == "Eerste tekst."
    assert actions(article) == ["knowledge.article_create", "knowledge.article_update"]
    record = AuditRecord.objects.get(action="knowledge.article_update")
    assert record.before == {"body": "Eerste tekst.", "current_version": 1}
    assert record.after == {"body": "Tweede tekst.", "current_version": 2}


def test_update_without_changes_writes_no_version_and_no_audit(editor):
    article = create(editor, tags=["dialoog"])
    services.article_update(
        actor=editor,
        article=article,
        title="De Veerkrachtdialoog",
        kind=Article.Kind.METHOD,
        body="Eerste tekst.",
        tags=["Dialoog"],
    )
    article.refresh_from_db()
    assert article.current_version == 1
    assert ArticleVersion.objects.filter(article=article).count() == 1
    assert actions(article) == ["knowledge.article_create"]


def test_update_of_relations_only_is_audited_without_a_version(editor):
    article = create(editor)
    theme = ThemeFactory()
    services.article_update(
        actor=editor,
        article=article,
        title=article.title,
        kind=Article.Kind.LESSON,
        body=article.body,
        themes=[theme],
        tags=["nieuw label"],
    )
    article.refresh_from_db()
    assert article.current_version == 1
    assert article.kind == Article.Kind.LESSON
    record = AuditRecord.objects.get(action="knowledge.article_update")
    assert record.after == {"kind": "lesson", "tags": ["nieuw-label"], "themes": [theme.slug]}


def test_update_leaves_relations_passed_as_none(editor):
    theme = ThemeFactory()
    article = create(editor, themes=[theme], tags=["dialoog"])
    services.article_update(actor=editor, article=article, title="Ander", kind="method", body="x")
    assert list(article.themes.all()) == [theme]
    assert list(article.tags.values_list("slug", flat=True)) == ["dialoog"]


def test_publish_and_unpublish_are_audited_and_idempotent(editor):
    article = create(editor)
    services.article_publish(actor=editor, article=article)
    services.article_publish(actor=editor, article=article)
    article.refresh_from_db()
    assert article.published is True
    services.article_unpublish(actor=editor, article=article)
    article.refresh_from_db()
    assert article.published is False
    assert actions(article) == [
        "knowledge.article_create",
        "knowledge.article_publish",
        "knowledge.article_unpublish",
    ]


def test_restore_brings_back_old_content_as_a_new_version(editor):
    article = create(editor)
    services.article_update(
        actor=editor, article=article, title="Nieuwe titel", kind="method", body="Twee"
    )
    restored = services.article_version_restore(actor=editor, article=article, number=1)
    assert (restored.title, restored.body, restored.current_version) == (
        "De Veerkrachtdialoog",
        "Eerste tekst.",
        3,
    )
    assert restored.versions.get(number=3).note  # says which version came back
    assert AuditRecord.objects.filter(action="knowledge.version_restore", note="v1").exists()
    # Restoring what is already current changes nothing.
    services.article_version_restore(actor=editor, article=article, number=3)
    assert ArticleVersion.objects.filter(article=article).count() == 3
    with pytest.raises(ValidationError):
        services.article_version_restore(actor=editor, article=article, number=9)


def test_attachment_add_stores_the_file_under_media_root(editor, _media_root):
    article = create(editor)
    attachment = services.attachment_add(
        actor=editor, article=article, file=SimpleUploadedFile("handleiding.pdf", PDF), title=""
    )
    assert attachment.title == "handleiding.pdf"
    assert attachment.uploaded_by == editor
    path = _media_root / attachment.file.name
    assert attachment.file.name.startswith("knowledge/")
    assert path.read_bytes() == PDF
    record = AuditRecord.objects.get(action="knowledge.attachment_add")
    assert record.after["article"] == article.pk


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("script.exe", b"MZ\x90\x00"),
        ("pagina.html", b"<html></html>"),
        ("nep.pdf", b"<html>not a pdf</html>"),
        ("plaatje.png", PDF),
        ("tekst.docx", b"plain text"),
    ],
)
def test_attachment_add_refuses_wrong_types(editor, name, content):
    article = create(editor)
    with pytest.raises(ValidationError):
        services.attachment_add(
            actor=editor, article=article, file=SimpleUploadedFile(name, content)
        )
    assert not ArticleAttachment.objects.exists()


def test_attachment_add_refuses_files_over_10_mb(editor):
    article = create(editor)
    big = SimpleUploadedFile("groot.png", PNG + b"\x00" * MAX_ATTACHMENT_BYTES)
    with pytest.raises(ValidationError):
        services.attachment_add(actor=editor, article=article, file=big)
    assert not ArticleAttachment.objects.exists()


def test_attachment_remove_deletes_the_record_and_the_file(editor, _media_root):
    article = create(editor)
    attachment = services.attachment_add(
        actor=editor, article=article, file=SimpleUploadedFile("foto.png", PNG), title="Foto"
    )
    path = _media_root / attachment.file.name
    assert path.exists()
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        services.attachment_remove(actor=editor, attachment=attachment)
    assert not ArticleAttachment.objects.exists()
    assert not path.exists()
    assert AuditRecord.objects.filter(action="knowledge.attachment_remove").exists()


def test_tags_for_reuses_tags_by_slug(editor):
    first = services.tags_for(["Sociaal ondernemen"])
    second = services.tags_for(["sociaal-ondernemen", "SOCIAAL ONDERNEMEN"])
    assert first == second
    assert Tag.objects.count() == 1
