"""Staff forms for Veerkrachtdialogen (the services do the checks that need the database)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from veerkracht.core.models.geography import AreaLevel

from .models import DialogueAction, DialogueStatement, LearningKey


class DialogueForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(
        label=_("Place"),
        max_length=200,
        help_text=_("For example the community centre and the village or district."),
    )
    level = forms.ChoiceField(
        label=_("Area level"),
        choices=[
            (AreaLevel.MUNICIPALITY.value, AreaLevel.MUNICIPALITY.label),
            (AreaLevel.DISTRICT.value, AreaLevel.DISTRICT.label),
            (AreaLevel.NEIGHBOURHOOD.value, AreaLevel.NEIGHBOURHOOD.label),
        ],
        initial=AreaLevel.MUNICIPALITY.value,
    )
    area_code = forms.CharField(
        label=_("CBS code of the area"),
        max_length=10,
        help_text=_("For example GM0794 (Helmond) or WK079401."),
    )
    participants = forms.IntegerField(label=_("Number of participants"), min_value=1)
    facilitator = forms.CharField(
        label=_("Facilitator"),
        max_length=200,
        help_text=_("Organisation or role; a person's name only with their consent."),
    )
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    synthetic = forms.BooleanField(label=_("Synthetic demo data"), required=False)


class StatementForm(forms.Form):
    text = forms.CharField(label=_("What came up"), widget=forms.Textarea(attrs={"rows": 3}))
    learning_key = forms.ModelChoiceField(
        label=_("Learning key"), queryset=LearningKey.objects.select_related("factor")
    )
    tone = forms.ChoiceField(
        label=_("Tone"),
        choices=DialogueStatement.Tone.choices,
        initial=DialogueStatement.Tone.NEUTRAL,
    )
    mentions = forms.IntegerField(label=_("Times mentioned"), min_value=1, initial=1)


class ActionForm(forms.Form):
    description = forms.CharField(
        label=_("Proposed action"), widget=forms.Textarea(attrs={"rows": 3})
    )
    learning_key = forms.ModelChoiceField(
        label=_("Learning key"),
        queryset=LearningKey.objects.select_related("factor"),
        required=False,
    )


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=DialogueAction.Status.choices)
