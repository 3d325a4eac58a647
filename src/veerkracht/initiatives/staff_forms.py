"""Forms of the staff pages (werkbak): the intake, the match team, support needs and trajectories.

The forms only parse and validate input; the services in `services.py` decide whether a
step is allowed and do the work. A refused step comes back as an `IntakeError`, which
the view adds to the form (`form.add_error(None, error)`) and shows again.
"""

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.db import models
from django.forms.models import fields_for_model, model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from veerkracht.core.models import Organisation, ResilienceFactor, Role, User

from .models import ContactMoment, Initiative, IntakeState, MatchDecision, Phase, SupportOffer
from .services import EDITABLE_FIELDS, OfferChoice
from .workflows import INTAKE, TRAJECTORY

# --- widgets and fields ---------------------------------------------------------------------


class TextInput(forms.TextInput):
    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__({"class": "utrecht-textbox utrecht-textbox--html-input", **(attrs or {})})


class Textarea(forms.Textarea):
    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(
            {
                "class": "utrecht-textarea utrecht-textarea--html-textarea",
                "rows": 4,
                **(attrs or {}),
            }
        )


class Select(forms.Select):
    def __init__(self, attrs: dict | None = None, choices: Any = ()) -> None:
        super().__init__({"class": "utrecht-select utrecht-select--html-select", **(attrs or {})})
        self.choices = list(choices)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(
            {"class": "utrecht-textbox utrecht-textbox--html-input", **(attrs or {})},
            format="%Y-%m-%d",
        )


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(
            {"class": "utrecht-textbox utrecht-textbox--html-input", **(attrs or {})},
            format="%Y-%m-%dT%H:%M",
        )


_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")


def parse_decimal(text: str) -> Decimal:
    """Read an amount the way people type it in the Netherlands, or in English.

    "1.250,50", "1250,50", "€ 1.250" and "1250.50" all work: a comma is the decimal
    separator; a point is one too, unless it separates groups of three digits
    ("1.250" is one thousand two hundred and fifty).
    """
    cleaned = re.sub(r"[\s€\u00a0]", "", text or "").replace("EUR", "")
    if not cleaned:
        raise ValueError("empty")
    sign = ""
    if cleaned[0] in "+-":
        sign, cleaned = cleaned[0], cleaned[1:]
    if "," in cleaned and "." in cleaned:
        decimal_mark = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        cleaned = cleaned.replace(thousands, "").replace(decimal_mark, ".")
    elif "," in cleaned:
        if cleaned.count(",") > 1:
            raise ValueError("several decimal commas")
        cleaned = cleaned.replace(",", ".")
    elif "." in cleaned and _THOUSANDS.match(cleaned):
        cleaned = cleaned.replace(".", "")
    if not re.fullmatch(r"\d+(\.\d+)?", cleaned):
        raise ValueError("not a number")
    try:
        return Decimal(sign + cleaned)
    except InvalidOperation as error:  # pragma: no cover - the pattern above rules it out
        raise ValueError("not a number") from error


class DecimalTextField(forms.CharField):
    """An amount or a number of hours as `Decimal` with two places; accepts a Dutch comma."""

    default_error_messages = {
        "invalid": gettext_lazy("Enter a number, for example 1.250,50."),
        "negative": gettext_lazy("Enter a number of zero or more."),
        "places": gettext_lazy("Use at most two decimals."),
    }

    def __init__(self, *, max_digits: int = 12, **kwargs: Any) -> None:
        self.max_digits = max_digits
        kwargs.setdefault("widget", TextInput({"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            number = parse_decimal(value)
        except ValueError as error:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from error
        if number < 0:
            raise forms.ValidationError(self.error_messages["negative"], code="negative")
        if number != number.quantize(Decimal("0.01")):
            raise forms.ValidationError(self.error_messages["places"], code="places")
        number = number.quantize(Decimal("0.01"))
        if len(number.as_tuple().digits) > self.max_digits:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number


def _style(form: forms.Form) -> None:
    """Give fields the Utrecht classes they lack (fields made from the model)."""
    for field in form.fields.values():
        widget = field.widget
        css = widget.attrs.get("class", "")
        if css:
            continue
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
            widget.attrs["class"] = "vk-choice-list"
        elif isinstance(widget, forms.CheckboxInput):
            widget.attrs["class"] = "utrecht-checkbox utrecht-checkbox--html-input"
        elif isinstance(widget, forms.Select):
            widget.attrs["class"] = "utrecht-select utrecht-select--html-select"
        elif isinstance(widget, forms.Textarea):
            widget.attrs.update(
                {"class": "utrecht-textarea utrecht-textarea--html-textarea", "rows": 4}
            )
        elif isinstance(widget, forms.ClearableFileInput | forms.FileInput):
            widget.attrs["class"] = "utrecht-file-input"
        else:
            widget.attrs["class"] = "utrecht-textbox utrecht-textbox--html-input"


class StaffForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


# --- the internal list -----------------------------------------------------------------------


class InitiativeListFilterForm(StaffForm):
    """The map's filter (same URL parameters as `selectors.InitiativeFilter`) plus the intake
    state. The choices are read by the view, once per page."""

    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=200)
    thema = forms.ChoiceField(label=gettext_lazy("Theme"), required=False)
    hulpbron = forms.ChoiceField(label=gettext_lazy("Resilience factor"), required=False)
    gemeente = forms.ChoiceField(label=gettext_lazy("Municipality"), required=False)
    regio = forms.ChoiceField(label=gettext_lazy("Region"), required=False)
    opgave = forms.ChoiceField(label=gettext_lazy("Policy agenda"), required=False)
    fase = forms.ChoiceField(label=gettext_lazy("Phase"), required=False)
    stap = forms.ChoiceField(label=gettext_lazy("Intake state"), required=False)

    def __init__(
        self,
        *args: Any,
        themes: list,
        factors: list,
        municipalities: list,
        groups: list,
        agendas: list,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("auto_id", "filter-%s")
        super().__init__(*args, **kwargs)
        everything = [("", _("all"))]
        self.fields["thema"].choices = everything + themes
        self.fields["hulpbron"].choices = everything + factors
        self.fields["gemeente"].choices = everything + municipalities
        self.fields["regio"].choices = everything + groups
        self.fields["opgave"].choices = everything + agendas
        self.fields["fase"].choices = everything + list(Phase.choices)
        self.fields["stap"].choices = everything + list(IntakeState.choices)
        self.fields["q"].widget.attrs["type"] = "search"


# --- the intake ------------------------------------------------------------------------------


class TransitionForm(StaffForm):
    """One manual intake or trajectory step, with the note some steps require."""

    transition = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        widget=Textarea({"rows": 2}),
        help_text=gettext_lazy("Recorded in the timeline."),
    )

    def __init__(self, *args: Any, workflow=INTAKE, transition=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workflow = workflow
        self.step = transition
        if transition is not None:
            self.fields["transition"].initial = transition.name
            if transition.needs_note:
                self.fields["note"].label = _("Reason")
                self.fields["note"].help_text = _("Required: explain why.")

    def clean_transition(self) -> str:
        name = self.cleaned_data["transition"]
        try:
            self.step = self.workflow.get(name)
        except KeyError as error:
            raise forms.ValidationError(_("Unknown step.")) from error
        return name


class ContactMomentForm(StaffForm):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind of contact"), choices=ContactMoment.Kind.choices
    )
    at = forms.DateTimeField(
        label=gettext_lazy("When"),
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d-%m-%Y %H:%M"],
    )
    summary = forms.CharField(label=gettext_lazy("Summary"), widget=Textarea(), required=False)
    contribution = forms.CharField(
        label=gettext_lazy("Contribution to social resilience"),
        widget=Textarea(),
        required=False,
        help_text=gettext_lazy("Required for a visit."),
    )
    learning_questions = forms.CharField(
        label=gettext_lazy("Learning questions"), widget=Textarea(), required=False
    )
    factors = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Resilience factors it strengthens"),
        queryset=ResilienceFactor.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    VISIT_REPORT_FIELDS = ("contribution", "learning_questions", "factors")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["at"].initial = timezone.localtime().replace(second=0, microsecond=0)

    def contact_fields(self) -> list:
        return [self[name] for name in ("kind", "at", "summary")]

    def visit_fields(self) -> list:
        return [self[name] for name in self.VISIT_REPORT_FIELDS]


class NoteForm(StaffForm):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    body = forms.CharField(label=gettext_lazy("Text"), widget=Textarea(), required=False)
    attachment = forms.FileField(
        label=gettext_lazy("File (optional)"),
        required=False,
        help_text=gettext_lazy("For example a visit report, a plan or a photo; at most 20 MB."),
    )

    MAX_SIZE = 20 * 1024 * 1024

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload and upload.size > self.MAX_SIZE:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload


class AgendaAddForm(StaffForm):
    meeting = forms.ModelChoiceField(
        label=gettext_lazy("Match team meeting"), queryset=None, empty_label=None
    )

    def __init__(self, *args: Any, meetings=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings


def _staff_users():
    staff_roles = [Role.Code.CONTACT_TEAM, Role.Code.MATCH_TEAM, Role.Code.PROGRAMME_STAFF]
    return User.objects.filter(is_active=True, roles__code__in=staff_roles).distinct()


def _formfield(model_field, **kwargs):
    if isinstance(model_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return model_field.formfield(**kwargs)


class InitiativeEditForm(StaffForm):
    """The initiative's fields, public and internal; only changed fields go to the service."""

    RELATIONS = ("themes", "factors", "policy_agendas", "municipalities")
    FIELDS = tuple(f for f in EDITABLE_FIELDS if f != "published") + RELATIONS

    def __init__(self, *args: Any, initiative: Initiative, **kwargs: Any) -> None:
        initial = model_to_dict(initiative, fields=self.FIELDS)
        super().__init__(*args, initial=initial, **kwargs)
        self.fields.update(
            fields_for_model(Initiative, fields=self.FIELDS, formfield_callback=_formfield)
        )
        for name in self.RELATIONS:
            self.fields[name].widget = forms.CheckboxSelectMultiple()
            self.fields[name].queryset = self.fields[name].queryset.order_by("name")
        self.fields["owner"].queryset = _staff_users().order_by("full_name", "email")
        # The choices show names: leave every municipality's boundary in the database.
        for name in ("municipality", "municipalities"):
            self.fields[name].queryset = self.fields[name].queryset.defer("boundary")
        self.fields["municipality"].queryset = self.fields["municipality"].queryset.order_by("name")
        for name in ("description", "goals", "learning_questions", "internal_notes"):
            self.fields[name].widget = Textarea()
        _style(self)

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.changed_data if name in self.fields}

    GROUPS = (
        (gettext_lazy("About the initiative"), ("name", "summary", "description", "goals",
                                                 "organiser_type", "legal_form", "start_year",
                                                 "website", "learning_questions")),
        (gettext_lazy("Where"), ("latitude", "longitude", "municipality", "scope",
                                 "municipalities")),
        (gettext_lazy("Themes and resilience factors"), ("themes", "factors", "policy_agendas")),
        (gettext_lazy("Contact person of the initiative"), ("contact_name", "contact_email",
                                                            "contact_phone", "contact_public")),
        (gettext_lazy("Internal"), ("owner", "internal_notes")),
    )  # fmt: skip

    def fieldsets(self) -> list[tuple[str, list]]:
        return [(legend, [self[name] for name in names]) for legend, names in self.GROUPS]


# --- the match team --------------------------------------------------------------------------


class MeetingCreateForm(StaffForm):
    date = forms.DateField(label=gettext_lazy("Date of the meeting"), widget=DateInput())


class MeetingCloseForm(StaffForm):
    notes = forms.CharField(
        label=gettext_lazy("Notes for the minutes"), widget=Textarea({"rows": 3}), required=False
    )


class AgendaCandidateForm(StaffForm):
    initiative = forms.IntegerField(widget=forms.HiddenInput)


class OfferRow:
    """One support offer in a decision form: the tick box and who delivers it."""

    def __init__(self, form: "DecisionForm", offer: SupportOffer) -> None:
        self.offer = offer
        self.chosen = form[f"offer_{offer.pk}"]
        self.delivered_by = form[f"provider_{offer.pk}"]


class DecisionForm(StaffForm):
    """The match team's decision on one agenda item.

    Active offers and organisations are read once per page and passed in, so that every
    agenda item's form costs no queries of its own.
    """

    outcome = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=MatchDecision.Outcome.choices,
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(
        label=gettext_lazy("Considerations"), widget=Textarea({"rows": 3}), required=False
    )
    phase = forms.ChoiceField(
        label=gettext_lazy("Support"),
        choices=[(Phase.SHORT_SUPPORT, Phase.SHORT_SUPPORT.label),
                 (Phase.INTENSIVE_SUPPORT, Phase.INTENSIVE_SUPPORT.label)],
        initial=Phase.SHORT_SUPPORT,
        required=False,
        widget=forms.RadioSelect,
        help_text=gettext_lazy("Only when the initiative fits."),
    )  # fmt: skip
    new_support_needed = forms.BooleanField(
        label=gettext_lazy("New support is needed that is not on offer yet"), required=False
    )
    support_need_description = forms.CharField(
        label=gettext_lazy("What support is needed"),
        widget=Textarea({"rows": 2}),
        required=False,
        help_text=gettext_lazy("The programme decides whether it organises and finances it."),
    )

    def __init__(
        self,
        *args: Any,
        offers: list[SupportOffer],
        organisations: list[Organisation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.offers = offers
        self.organisations = {str(o.pk): o for o in organisations}
        choices = [(str(o.pk), o.name) for o in organisations]
        for offer in offers:
            self.fields[f"offer_{offer.pk}"] = forms.BooleanField(
                label=offer.title,
                required=False,
                widget=forms.CheckboxInput(
                    {"class": "utrecht-checkbox utrecht-checkbox--html-input"}
                ),
            )
            self.fields[f"provider_{offer.pk}"] = forms.ChoiceField(
                label=_("Delivered by (%(offer)s)") % {"offer": offer.title},
                choices=choices,
                initial=str(offer.provider_id),
                required=False,
                widget=Select(),
            )
        _style(self)

    def offer_rows(self) -> list[OfferRow]:
        return [OfferRow(self, offer) for offer in self.offers]

    def offer_choices(self) -> tuple[OfferChoice, ...]:
        chosen = []
        for offer in self.offers:
            if self.cleaned_data.get(f"offer_{offer.pk}"):
                provider = self.organisations.get(self.cleaned_data.get(f"provider_{offer.pk}"))
                chosen.append(OfferChoice(offer=offer, delivered_by=provider or offer.provider))
        return tuple(chosen)

    def phase_value(self) -> str | None:
        if self.cleaned_data.get("outcome") != MatchDecision.Outcome.FITS:
            return None
        return self.cleaned_data.get("phase") or Phase.SHORT_SUPPORT


# --- support needs -------------------------------------------------------------------------


class SupportNeedDecideForm(StaffForm):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            ("approve", gettext_lazy("Approve: the programme organises and finances it")),
            ("decline", gettext_lazy("Decline")),
        ],
        widget=forms.RadioSelect,
    )
    amount = DecimalTextField(
        label=gettext_lazy("Amount in euros"),
        required=False,
        help_text=gettext_lazy("When approving. For example 1.250,50."),
    )
    note = forms.CharField(
        label=gettext_lazy("Reason or note"),
        widget=Textarea({"rows": 2}),
        required=False,
        help_text=gettext_lazy("Required when declining."),
    )


# --- trajectories --------------------------------------------------------------------------


class TrajectoryStepForm(TransitionForm):
    """Start, finish or break off a trajectory; the page shows the fields a step needs."""

    on = forms.DateField(label=gettext_lazy("Date"), widget=DateInput(), required=False)
    hours = DecimalTextField(label=gettext_lazy("Hours spent"), max_digits=8, required=False)
    costs = DecimalTextField(label=gettext_lazy("Costs in euros"), required=False)
    outcome = forms.CharField(
        label=gettext_lazy("Outcome"), widget=Textarea({"rows": 2}), required=False
    )

    STEP_FIELDS = {
        "start": ("on",),
        "finish": ("on", "hours", "costs", "outcome"),
        "break_off": ("on", "note"),
    }

    def __init__(self, *args: Any, with_costs: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("workflow", TRAJECTORY)
        super().__init__(*args, **kwargs)
        if not with_costs:
            # Support providers report hours and outcome; costs are the programme's.
            del self.fields["costs"]
        if not self.is_bound:
            self.fields["on"].initial = timezone.localdate()

    def visible_step_fields(self) -> list:
        name = self.step.name if self.step else ""
        return [
            self[field] for field in self.STEP_FIELDS.get(name, ("note",)) if field in self.fields
        ]


class TrajectoryNoteForm(StaffForm):
    text = forms.CharField(
        label=gettext_lazy("Progress note"),
        widget=Textarea({"rows": 3}),
        max_length=5000,
        help_text=gettext_lazy("What was done, what comes next. Visible to the programme team."),
    )


class RatingForm(StaffForm):
    rating = forms.TypedChoiceField(
        label=gettext_lazy("Rating by the initiative"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=gettext_lazy("1 is poor, 5 is excellent."),
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment by the initiative"),
        widget=Textarea({"rows": 2}),
        required=False,
    )


class TrajectoryProposeForm(StaffForm):
    offer = forms.ModelChoiceField(
        label=gettext_lazy("Support offer"),
        queryset=SupportOffer.objects.filter(active=True).select_related("provider"),
    )
    delivered_by = forms.ModelChoiceField(
        label=gettext_lazy("Delivered by"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label=gettext_lazy("the offer's provider"),
    )
