"""Knowledge base forms (editors).

Initiatives and offers to link are limited to published ones: editors include support
providers, who must not learn of initiatives that are not public.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from veerkracht.core.models import ResilienceFactor, Theme
from veerkracht.initiatives.models import Initiative, SupportOffer

from .models import Article, validate_attachment

TEXTBOX = {"class": "utrecht-textbox utrecht-textbox--html-input"}
TEXTAREA = {"class": "utrecht-textarea utrecht-textarea--html-textarea"}
SELECT = {"class": "utrecht-select utrecht-select--html-select"}


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, widget=forms.TextInput(TEXTBOX))
    kind = forms.ChoiceField(
        label=_("Kind"), choices=Article.Kind.choices, widget=forms.Select(SELECT)
    )
    summary = forms.CharField(
        label=_("Summary"), max_length=300, required=False, widget=forms.TextInput(TEXTBOX)
    )
    body = forms.CharField(
        label=_("Text"),
        required=False,
        help_text=_("Plain text; an empty line starts a new paragraph."),
        widget=forms.Textarea({**TEXTAREA, "rows": 14}),
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        help_text=_("Separate tags with commas."),
        max_length=500,
        widget=forms.TextInput(TEXTBOX),
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.filter(active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple({"class": "vk-choice-list"}),
    )
    factors = forms.ModelMultipleChoiceField(
        label=_("Resilience factors"),
        queryset=ResilienceFactor.objects.filter(active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple({"class": "vk-choice-list"}),
    )
    initiatives = forms.ModelMultipleChoiceField(
        label=_("Initiatives"),
        queryset=Initiative.objects.filter(published=True).order_by("name"),
        required=False,
        widget=forms.SelectMultiple(SELECT),
    )
    offers = forms.ModelMultipleChoiceField(
        label=_("Support offers"),
        queryset=SupportOffer.objects.filter(status=SupportOffer.Status.PUBLISHED).order_by(
            "title"
        ),
        required=False,
        widget=forms.SelectMultiple(SELECT),
    )
    note = forms.CharField(
        label=_("What changed"), max_length=300, required=False, widget=forms.TextInput(TEXTBOX)
    )

    @staticmethod
    def initial_for(article: Article) -> dict:
        return {
            "title": article.title,
            "kind": article.kind,
            "summary": article.summary,
            "body": article.body,
            "tags": ", ".join(tag.name for tag in article.tags.all()),
            "themes": list(article.themes.all()),
            "factors": list(article.factors.all()),
            "initiatives": list(article.initiatives.all()),
            "offers": list(article.offers.all()),
        }

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "kind": data["kind"],
            "summary": data["summary"],
            "body": data["body"],
            "tags": [name for name in data["tags"].split(",") if name.strip()],
            "themes": data["themes"],
            "factors": data["factors"],
            "initiatives": data["initiatives"],
            "offers": data["offers"],
            "note": data["note"],
        }


class AttachmentForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=200, required=False, widget=forms.TextInput(TEXTBOX)
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, Word, Excel, PowerPoint, OpenDocument text, PNG or JPG; at most 10 MB."),
        validators=[validate_attachment],
        widget=forms.ClearableFileInput({"class": "utrecht-file-input"}),
    )
