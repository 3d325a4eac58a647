"""Forms of the public sign-up and of scouting.

Both describe an initiative the same way and turn their cleaned data into
`services.InitiativeData`; the services decide and store. Widgets get the Utrecht
classes through `UtrechtFormMixin`; Django ties help texts and errors to the inputs
with aria-describedby (checkbox and radio groups: the templates put it on the
fieldset, see `initiatives/signup/_group.html`).

Location: the municipality (of the served province) is what matters. An optional
point (latitude/longitude, hidden fields a map picker may fill) must lie inside it;
no address is asked and nothing is geocoded.
"""

from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from veerkracht.core.forms import UtrechtFormMixin
from veerkracht.core.geo import locate
from veerkracht.core.models import Municipality, PolicyAgenda, ResilienceFactor, Theme

from .models import LegalForm, OrganiserType, Scope, ScoutingSource
from .services import InitiativeData

PHONE = RegexValidator(
    r"^\+?[0-9 ()\-]{6,20}$",
    _("Enter a phone number with digits only (spaces, dashes and a leading + are fine)."),
)


def served_municipalities() -> QuerySet[Municipality]:
    """Municipalities of the served province, in their newest CBS year (merged ones drop out)."""
    # Not the boundaries: the forms list names (twice); `_clean_point` loads one if needed.
    qs = Municipality.objects.filter(province_id=settings.VEERKRACHT_PROVINCE).defer("boundary")
    latest = qs.aggregate(year=Max("year"))["year"]
    if latest is not None:
        qs = qs.filter(Q(year=latest) | Q(year__isnull=True))
    return qs.order_by("name")


class MunicipalityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Municipality) -> str:
        return obj.name


class MunicipalitiesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Municipality) -> str:
        return obj.name


class VocabularyField(forms.ModelMultipleChoiceField):
    """Active themes, resilience factors or policy agendas, chosen by slug."""

    def __init__(self, model: type, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        super().__init__(
            queryset=model.objects.filter(active=True).order_by("position", "name"),
            to_field_name="slug",
            **kwargs,
        )

    def label_from_instance(self, obj: Any) -> str:
        return obj.name


def _blank(choices: Any) -> list[tuple[str, Any]]:
    return [("", _("(choose)")), *choices]


class InitiativeForm(UtrechtFormMixin, forms.Form):
    """What every way in asks about an initiative (the fields of `InitiativeData`)."""

    name = forms.CharField(label=_("Name of the initiative"), max_length=200)
    summary = forms.CharField(
        label=_("Short description"),
        max_length=300,
        help_text=_("One or two sentences (at most 300 characters), shown on the map."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        help_text=_("What does the initiative do, for whom, and with whom?"),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    goals = forms.CharField(
        label=_("Goals"),
        required=False,
        help_text=_("What do you want to have achieved in a few years?"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    organiser_type = forms.ChoiceField(
        label=_("Who organises the initiative?"),
        choices=_blank(OrganiserType.choices),
        required=False,
    )
    legal_form = forms.ChoiceField(
        label=_("Legal form"), choices=_blank(LegalForm.choices), required=False
    )
    start_year = forms.IntegerField(
        label=_("Year started"),
        required=False,
        validators=[MinValueValidator(1900)],
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    website = forms.URLField(
        label=_("Website"),
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )
    municipality = MunicipalityChoiceField(
        label=_("Municipality where the initiative is based"),
        queryset=Municipality.objects.none(),
        empty_label=_("(choose a municipality)"),
    )
    scope = forms.ChoiceField(
        label=_("Where is the initiative active?"),
        choices=Scope.choices,
        initial=Scope.LOCAL,
        widget=forms.RadioSelect,
    )
    municipalities = MunicipalitiesField(
        label=_("Municipalities where the initiative is active"),
        queryset=Municipality.objects.none(),
        required=False,
        help_text=_("Only when it is active in several municipalities."),
        widget=forms.CheckboxSelectMultiple,
    )
    latitude = forms.FloatField(
        required=False,
        widget=forms.HiddenInput,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = forms.FloatField(
        required=False,
        widget=forms.HiddenInput,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    themes = VocabularyField(Theme, label=_("Themes"))
    factors = VocabularyField(
        ResilienceFactor,
        label=_("Which resources (hulpbronnen) does the initiative strengthen?"),
    )
    learning_questions = forms.CharField(
        label=_("Learning questions: what do you want to learn, what do you need help with?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    contact_name = forms.CharField(
        label=_("Contact person"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    contact_email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    contact_phone = forms.CharField(
        label=_("Phone number"),
        max_length=40,
        required=False,
        validators=[PHONE],
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    contact_public = forms.BooleanField(
        label=_("Show the contact details on the Initiatievenkaart"),
        required=False,
        initial=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        municipalities = served_municipalities()
        self.fields["municipality"].queryset = municipalities
        self.fields["municipalities"].queryset = municipalities
        self.fields["start_year"].validators.append(
            MaxValueValidator(timezone.localdate().year + 1)
        )
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxSelectMultiple):
                field.widget.attrs["class"] = "utrecht-checkbox utrecht-checkbox--html-input"
            elif isinstance(field.widget, forms.RadioSelect):
                field.widget.attrs["class"] = (
                    "utrecht-radio-button utrecht-radio-button--html-input"
                )

    # --- validation ---------------------------------------------------------------------

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Give the initiative a name."))
        return name

    def clean_contact_email(self) -> str:
        return (self.cleaned_data.get("contact_email") or "").strip().lower()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self._clean_scope(cleaned)
        self._clean_point(cleaned)
        return cleaned

    def _clean_scope(self, cleaned: dict[str, Any]) -> None:
        scope = cleaned.get("scope")
        municipality = cleaned.get("municipality")
        chosen = list(cleaned.get("municipalities") or [])
        if scope == Scope.MUNICIPALITIES:
            if municipality is not None and municipality not in chosen:
                chosen.insert(0, municipality)
            if len(chosen) < 2:
                self.add_error(
                    "municipalities",
                    _("Choose the municipalities where the initiative is active (at least two)."),
                )
            cleaned["municipalities"] = chosen
        else:
            # One municipality or the whole province: no list of municipalities.
            cleaned["municipalities"] = []

    def _clean_point(self, cleaned: dict[str, Any]) -> None:
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        if latitude is None and longitude is None:
            return
        municipality = cleaned.get("municipality")
        if latitude is None or longitude is None:
            self.add_error(
                "municipality", _("The point on the map is incomplete; choose it again.")
            )
            return
        if municipality is None or municipality.boundary is None:
            return
        found = locate(latitude, longitude)
        if found is None or found.municipality_code != municipality.code:
            self.add_error(
                "municipality",
                _(
                    "The point on the map lies outside %(municipality)s. "
                    "Choose it again, or leave it out."
                )
                % {"municipality": municipality.name},
            )

    # --- output -------------------------------------------------------------------------

    def to_data(self) -> InitiativeData:
        """The cleaned form as the services' input."""
        data = self.cleaned_data
        return InitiativeData(
            name=data["name"],
            summary=data["summary"],
            description=data.get("description", ""),
            goals=data.get("goals", ""),
            organiser_type=data.get("organiser_type", ""),
            legal_form=data.get("legal_form", ""),
            start_year=data.get("start_year"),
            website=data.get("website", ""),
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            municipality=data.get("municipality"),
            scope=data.get("scope") or Scope.LOCAL,
            municipalities=tuple(data.get("municipalities") or ()),
            themes=tuple(data.get("themes") or ()),
            factors=tuple(data.get("factors") or ()),
            policy_agendas=tuple(data.get("policy_agendas") or ()),
            learning_questions=data.get("learning_questions", ""),
            contact_name=data.get("contact_name", ""),
            contact_email=data.get("contact_email", ""),
            contact_phone=data.get("contact_phone", ""),
            contact_public=bool(data.get("contact_public")),
        )


class SignupForm(InitiativeForm):
    """The public sign-up: a contact person with an e-mail address is required."""

    confirm_different = forms.BooleanField(
        label=_("Yes, my initiative is a different one: sign it up"),
        required=False,
    )

    field_order = [
        "name",
        "summary",
        "description",
        "goals",
        "organiser_type",
        "legal_form",
        "start_year",
        "website",
        "municipality",
        "scope",
        "municipalities",
        "themes",
        "factors",
        "learning_questions",
        "contact_name",
        "contact_email",
        "contact_phone",
        "contact_public",
        "confirm_different",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact_name"].required = True
        self.fields["contact_email"].required = True
        self.fields["contact_email"].help_text = _(
            "We send a link to this address to confirm the sign-up."
        )
        self.fields["contact_public"].help_text = _(
            "Only if you tick this box, visitors of the Initiatievenkaart see the name, "
            "e-mail address and phone number of the contact person. You can withdraw "
            "this at any time."
        )

    SECTIONS = (
        (
            _("About the initiative"),
            (
                "name",
                "summary",
                "description",
                "goals",
                "organiser_type",
                "legal_form",
                "start_year",
                "website",
            ),
        ),
        (_("Where"), ("municipality", "scope", "municipalities", "latitude", "longitude")),
        (_("Themes and resources"), ("themes", "factors")),
        (_("What you would like to learn"), ("learning_questions",)),
        (_("Contact person"), ("contact_name", "contact_email", "contact_phone", "contact_public")),
    )

    def sections(self) -> list[tuple[Any, list[forms.BoundField]]]:
        """The page's sections: a heading and the bound fields under it."""
        return [(legend, [self[name] for name in names]) for legend, names in self.SECTIONS]


class ScoutingForm(InitiativeForm):
    """Staff register an initiative they found; contact details are optional here."""

    policy_agendas = VocabularyField(
        PolicyAgenda, label=_("Cross-overs with provincial policy agendas")
    )
    scouting_source = forms.ChoiceField(
        label=_("Found through"), choices=_blank(ScoutingSource.choices)
    )
    scouting_note = forms.CharField(
        label=_("Scouting note"),
        required=False,
        help_text=_("How you came across it, and why it may fit (internal)."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    field_order = [
        "name",
        "summary",
        "description",
        "goals",
        "organiser_type",
        "legal_form",
        "start_year",
        "website",
        "municipality",
        "scope",
        "municipalities",
        "themes",
        "factors",
        "policy_agendas",
        "learning_questions",
        "contact_name",
        "contact_email",
        "contact_phone",
        "contact_public",
        "scouting_source",
        "scouting_note",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact_public"].help_text = _(
            "Only with the contact person's explicit consent."
        )

    def scouting_kwargs(self) -> dict[str, str]:
        """The extra arguments of `services.initiative_scout`."""
        return {
            "scouting_source": self.cleaned_data["scouting_source"],
            "scouting_note": self.cleaned_data.get("scouting_note", ""),
        }


__all__ = ["InitiativeForm", "ScoutingForm", "SignupForm", "served_municipalities"]
