"""Forms of the forum pages. They only collect input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from veerkracht.core.models import Theme
from veerkracht.initiatives.models import Initiative, SupportOffer

from .models import ForumCategory, Thread

BODY_ATTRS = {"class": "utrecht-textarea utrecht-textarea--html-textarea", "rows": 8}
TEXT_ATTRS = {"class": "utrecht-textbox utrecht-textbox--html-input"}


class ForumForm(forms.Form):
    # No `required` attribute: an empty required box would be styled as invalid before
    # anyone typed. The server checks; optional fields say "(optional)" in their label.
    use_required_attribute = False


class ThreadForm(ForumForm):
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=ForumCategory.objects.order_by("position", "name"),
        empty_label=None,
        widget=forms.Select(attrs={"class": "utrecht-select utrecht-select--html-select"}),
    )
    kind = forms.ChoiceField(
        label=_("What do you want to post?"),
        choices=[
            (Thread.Kind.QUESTION, _("A question: I am looking for help or knowledge")),
            (Thread.Kind.OFFER, _("An offer: I have help or knowledge to share")),
        ],
        widget=forms.RadioSelect(
            attrs={"class": "utrecht-radio-button utrecht-radio-button--html-input"}
        ),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("Sum up your question or offer in one line."),
        widget=forms.TextInput(attrs=TEXT_ATTRS),
    )
    body = forms.CharField(
        label=_("Message"),
        max_length=10000,
        help_text=_("Your first name and organisation are shown with your post."),
        widget=forms.Textarea(attrs=BODY_ATTRS),
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.order_by("position", "name"),
        required=False,
        widget=forms.CheckboxSelectMultiple(
            attrs={"class": "utrecht-checkbox utrecht-checkbox--html-input"}
        ),
    )
    initiative = forms.ModelChoiceField(
        label=_("On behalf of your initiative"),
        queryset=Initiative.objects.none(),
        required=False,
        empty_label=_("Not on behalf of an initiative"),
        widget=forms.Select(attrs={"class": "utrecht-select utrecht-select--html-select"}),
    )
    offer = forms.ModelChoiceField(
        label=_("About one of your organisation's support offers"),
        queryset=SupportOffer.objects.none(),
        required=False,
        empty_label=_("Not about a support offer"),
        widget=forms.Select(attrs={"class": "utrecht-select utrecht-select--html-select"}),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the person's own published initiatives and their organisation's published
        # offers; the fields are left out when there are none.
        initiatives = Initiative.objects.none()
        offers = SupportOffer.objects.none()
        if user is not None and user.is_authenticated:
            initiatives = Initiative.objects.filter(initiator=user, published=True)
            if user.organisation_id:
                offers = SupportOffer.objects.filter(
                    provider_id=user.organisation_id, status=SupportOffer.Status.PUBLISHED
                )
        for name, queryset in (("initiative", initiatives), ("offer", offers)):
            if queryset.exists():
                self.fields[name].queryset = queryset.order_by(
                    "name" if name == "initiative" else "title"
                )
            else:
                del self.fields[name]


class ReplyForm(ForumForm):
    body = forms.CharField(
        label=_("Your reply"),
        max_length=10000,
        help_text=_("Your first name and organisation are shown with your post."),
        widget=forms.Textarea(attrs=BODY_ATTRS),
    )


class EditForm(ForumForm):
    body = forms.CharField(
        label=_("Message"), max_length=10000, widget=forms.Textarea(attrs=BODY_ATTRS)
    )


class ReportForm(ForumForm):
    reason = forms.CharField(
        label=_("Why should a moderator look at this post?"),
        max_length=500,
        widget=forms.Textarea(attrs={**BODY_ATTRS, "rows": 4}),
    )


class ModerationForm(ForumForm):
    """A moderator's decision with its reason (required for hiding)."""

    ACTIONS = ("hide", "restore", "approve", "dismiss")

    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS], widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs=TEXT_ATTRS),
    )

    def clean(self):
        data = super().clean()
        if data.get("action") == "hide" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason for hiding the post."))
        return data
