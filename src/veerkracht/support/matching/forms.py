"""Forms of the matching pages (staff): try a query, record feedback on a proposal."""

from django import forms
from django.utils.translation import gettext_lazy as _

from veerkracht.core.models import Municipality, ResilienceFactor, Theme
from veerkracht.initiatives.models import Phase

from .engine import MAX_TEXT_CHARS

YES_NO_UNKNOWN = [("", _("not known yet")), ("yes", _("yes")), ("no", _("no"))]


class MatchTryForm(forms.Form):
    text = forms.CharField(
        label=_("Question"),
        required=False,
        max_length=MAX_TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("In the initiative's own words, in Dutch."),
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.filter(active=True),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    factors = forms.ModelMultipleChoiceField(
        label=_("Resilience factors"),
        queryset=ResilienceFactor.objects.filter(active=True),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality of the initiative"),
        queryset=Municipality.objects.order_by("name"),
        to_field_name="code",
        required=False,
    )
    phase = forms.ChoiceField(
        label=_("Phase of the initiative"),
        choices=[("", _("not known")), *Phase.choices],
        required=False,
    )

    def clean(self):
        data = super().clean()
        if (
            not (data.get("text") or "").strip()
            and not data.get("themes")
            and not data.get("factors")
        ):
            raise forms.ValidationError(_("Give a question, or at least one theme or factor."))
        return data


class FeedbackForm(forms.Form):
    taken_up = forms.ChoiceField(label=_("Taken up?"), choices=YES_NO_UNKNOWN, required=False)
    helped = forms.ChoiceField(label=_("Did it help?"), choices=YES_NO_UNKNOWN, required=False)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    @staticmethod
    def as_bool(value: str) -> bool | None:
        return {"yes": True, "no": False}.get(value)
