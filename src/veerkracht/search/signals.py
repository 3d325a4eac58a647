"""Keep the index current: after a change to a findable item is committed, sync it.

Connected in `SearchConfig.ready`. Saving or deleting an initiative, offer, question,
thread, forum post or article (or changing its themes or tags, or renaming an offer's
provider) re-indexes that item once the transaction commits; an item that is no longer
public is removed from the index. Saving an initiative also re-indexes its public
questions (they are public only while the initiative is published).
"""

import logging

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from veerkracht.core.models import Organisation
from veerkracht.initiatives.models import Initiative, SupportOffer
from veerkracht.knowledge.models import Article
from veerkracht.support.models import Post, Question, Thread

from .models import Kind

logger = logging.getLogger(__name__)

KIND_OF_MODEL = {
    Initiative: Kind.INITIATIVE,
    SupportOffer: Kind.OFFER,
    Question: Kind.QUESTION,
    Thread: Kind.THREAD,
    Article: Kind.ARTICLE,
}


def sync_on_commit(kind: str, object_ids) -> None:
    ids = [i for i in object_ids if i is not None]
    if not ids:
        return

    def run() -> None:
        from .services import search_document_sync

        try:
            search_document_sync(kind=kind, object_ids=ids)
        except Exception:  # the change itself is committed; a rebuild repairs the index
            logger.exception("search index: could not sync %s %s", kind, ids)

    transaction.on_commit(run)


def _item_changed(sender, instance, **kwargs) -> None:
    sync_on_commit(KIND_OF_MODEL[sender], [instance.pk])


def _initiative_saved(sender, instance, **kwargs) -> None:
    # Its public questions are findable only while the initiative is published.
    ids = list(
        Question.objects.filter(initiative=instance, public=True).values_list("pk", flat=True)
    )
    sync_on_commit(Kind.QUESTION, ids)


def _post_changed(sender, instance, **kwargs) -> None:
    sync_on_commit(Kind.THREAD, [instance.thread_id])


def _provider_saved(sender, instance, created=False, **kwargs) -> None:
    if not created:
        ids = list(SupportOffer.objects.filter(provider=instance).values_list("pk", flat=True))
        sync_on_commit(Kind.OFFER, ids)


def _m2m_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        kind = KIND_OF_MODEL.get(type(instance))
        if kind:
            sync_on_commit(kind, [instance.pk])
    elif pk_set and model in KIND_OF_MODEL:
        sync_on_commit(KIND_OF_MODEL[model], pk_set)


def connect() -> None:
    for model in KIND_OF_MODEL:
        post_save.connect(_item_changed, sender=model, dispatch_uid=f"search_save_{model.__name__}")
        post_delete.connect(
            _item_changed, sender=model, dispatch_uid=f"search_delete_{model.__name__}"
        )
    post_save.connect(_initiative_saved, sender=Initiative, dispatch_uid="search_initiative_q")
    post_save.connect(_post_changed, sender=Post, dispatch_uid="search_save_post")
    post_delete.connect(_post_changed, sender=Post, dispatch_uid="search_delete_post")
    post_save.connect(_provider_saved, sender=Organisation, dispatch_uid="search_provider")
    for through in (
        Initiative.themes.through,
        SupportOffer.themes.through,
        Article.tags.through,
    ):
        m2m_changed.connect(_m2m_changed, sender=through, dispatch_uid=f"search_m2m_{through}")
