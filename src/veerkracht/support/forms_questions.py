"""Forms for questions: asking or changing one, moving its status, the staff filter."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from veerkracht.core.forms import UtrechtFormMixin
from veerkracht.core.models import ResilienceFactor, Theme
from veerkracht.initiatives.forms import VocabularyField

from .models import Question
from .services.questions import QuestionData


class QuestionForm(UtrechtFormMixin, forms.Form):
    title = forms.CharField(label=_("Your question in one line"), max_length=200)
    text = forms.CharField(
        label=_("Explanation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What have you tried, what do you need, by when?"),
    )
    kind = forms.ChoiceField(
        label=_("Kind of question"),
        choices=Question.Kind.choices,
        initial=Question.Kind.HELP,
        widget=forms.RadioSelect,
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Question.Urgency.choices, initial=Question.Urgency.NORMAL
    )
    themes = VocabularyField(Theme, label=_("Themes"))
    factors = VocabularyField(ResilienceFactor, label=_("Resilience factors"))
    public = forms.BooleanField(
        label=_("Other initiatives and providers may see this question"),
        required=False,
        help_text=_("Only the question and your initiative's name are shown, no personal data."),
    )

    @classmethod
    def initial_for(cls, question: Question) -> dict[str, Any]:
        data = QuestionData.from_question(question)
        initial = {name: getattr(data, name) for name in QuestionData.SCALAR_FIELDS}
        initial["themes"] = [t.slug for t in data.themes]
        initial["factors"] = [f.slug for f in data.factors]
        return initial

    def question_data(self) -> QuestionData:
        cleaned = self.cleaned_data
        return QuestionData(
            **{name: cleaned[name] for name in QuestionData.SCALAR_FIELDS},
            themes=tuple(cleaned.get("themes") or ()),
            factors=tuple(cleaned.get("factors") or ()),
        )


class QuestionStatusForm(UtrechtFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    answer = forms.CharField(
        label=_("Answer or outcome"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, targets: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(t, Question.Status(t).label) for t in targets]


class QuestionFilterForm(UtrechtFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *Question.Status.choices], required=False
    )
