"""Admin (/beheer/) for the knowledge base.

Articles are written and edited on the pages (/kennisbank/), where every change becomes
a version; the admin shows them read-only and can publish or unpublish them through
the services. Tags may be renamed or merged away here (audited).
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from veerkracht.core.admin import AuditedAdmin, ReadOnlyAdmin

from . import services
from .models import Article, ArticleAttachment, ArticleVersion, Tag

EDIT = "article.edit"


@admin.register(Tag)
class TagAdmin(AuditedAdmin):
    view_capability = EDIT
    change_capability = EDIT
    list_display = ("name", "slug")
    search_fields = ("name", "slug")


class VersionInline(admin.TabularInline):
    model = ArticleVersion
    fields = ("number", "title", "edited_at", "edited_by", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class AttachmentInline(VersionInline):
    model = ArticleAttachment
    fields = ("title", "file", "uploaded_at", "uploaded_by")
    readonly_fields = fields


@admin.register(Article)
class ArticleAdmin(ReadOnlyAdmin):
    view_capability = EDIT
    list_display = ("title", "kind", "published", "current_version", "updated_at")
    list_filter = ("kind", "published", "themes")
    search_fields = ("title", "summary", "slug")
    readonly_fields = (
        "slug",
        "title",
        "kind",
        "summary",
        "body",
        "published",
        "author",
        "current_version",
        "created_at",
        "updated_at",
    )
    fields = readonly_fields
    inlines = (VersionInline, AttachmentInline)
    actions = ("publish", "unpublish")

    def get_actions(self, request):
        # Actions are allowed to editors, though the model is read-only otherwise.
        return admin.ModelAdmin.get_actions(self, request)

    @admin.action(description=_("Publish the selected articles"))
    def publish(self, request, queryset):
        for article in queryset:
            services.article_publish(actor=request.user, article=article)
        self._done(request, queryset.count())

    @admin.action(description=_("Unpublish the selected articles"))
    def unpublish(self, request, queryset):
        for article in queryset:
            services.article_unpublish(actor=request.user, article=article)
        self._done(request, queryset.count())

    def _done(self, request, count: int) -> None:
        self.message_user(
            request,
            ngettext("%(count)d article handled.", "%(count)d articles handled.", count)
            % {"count": count},
            messages.SUCCESS,
        )
