"""Forms of the support catalogue: the provider's and curator's offer form, curation steps.

Forms only parse input and turn it into `services.offers.OfferData`; the services decide
and validate. An `OfferError` from a service is added to the form by the view
(`core.forms.add_service_errors`).
"""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from veerkracht.core.forms import UtrechtFormMixin
from veerkracht.core.models import Municipality, Organisation, ResilienceFactor, Theme
from veerkracht.initiatives.forms import MunicipalitiesField, VocabularyField, served_municipalities
from veerkracht.initiatives.models import Phase, SupportOffer
from veerkracht.initiatives.staff_forms import DateInput, DecimalTextField

from .services.offers import OfferData


class OfferForm(UtrechtFormMixin, forms.Form):
    """An offer as a provider or curator enters it. `curator=True` adds the provider."""

    provider = forms.ModelChoiceField(
        label=_("Provider"), queryset=Organisation.objects.order_by("name"), required=False
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of support"), choices=SupportOffer.Kind.choices)
    summary = forms.CharField(
        label=_("Short description"),
        max_length=300,
        required=False,
        help_text=_("One or two sentences: what the support is and for whom."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What you offer, for which initiatives, how it works and what it yields."),
    )
    themes = VocabularyField(Theme, label=_("Themes"))
    factors = VocabularyField(ResilienceFactor, label=_("Resilience factors"))
    phases = forms.MultipleChoiceField(
        label=_("Phases it suits"),
        choices=Phase.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty when the support suits every phase."),
    )
    service_area = forms.ChoiceField(
        label=_("Area served"),
        choices=SupportOffer.ServiceArea.choices,
        widget=forms.RadioSelect,
        initial=SupportOffer.ServiceArea.PROVINCE,
    )
    municipalities = MunicipalitiesField(
        label=_("Municipalities served"),
        queryset=Municipality.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only when you serve selected municipalities."),
    )
    cost = forms.ChoiceField(
        label=_("Cost to the initiative"),
        choices=SupportOffer.Cost.choices,
        widget=forms.RadioSelect,
        initial=SupportOffer.Cost.FREE,
    )
    cost_amount = DecimalTextField(
        label=_("Amount (euro)"),
        max_digits=10,
        required=False,
        help_text=_("Required for paid support or an own contribution."),
    )
    cost_note = forms.CharField(label=_("About the cost"), max_length=300, required=False)
    capacity = forms.IntegerField(
        label=_("Capacity"),
        min_value=1,
        required=False,
        help_text=_("How many initiatives you can help per period; empty means no limit."),
    )
    capacity_period = forms.ChoiceField(
        label=_("Capacity period"),
        choices=SupportOffer.CapacityPeriod.choices,
        initial=SupportOffer.CapacityPeriod.QUARTER,
    )
    contact_name = forms.CharField(
        label=_("Contact (department or role)"),
        max_length=200,
        required=False,
        help_text=_("Shown publicly. Prefer a team or role to a person's name."),
    )
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    active_from = forms.DateField(label=_("Available from"), required=False, widget=DateInput())
    active_until = forms.DateField(label=_("Available until"), required=False, widget=DateInput())

    def __init__(self, *args: Any, curator: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.curator = curator
        if curator:
            self.fields["provider"].required = True
        else:
            del self.fields["provider"]
        # The municipalities are read when the form is made, not when the module loads.
        self.fields["municipalities"].queryset = served_municipalities()

    @classmethod
    def initial_for(cls, offer: SupportOffer) -> dict[str, Any]:
        data = OfferData.from_offer(offer)
        initial: dict[str, Any] = {name: getattr(data, name) for name in OfferData.SCALAR_FIELDS}
        initial.update(
            provider=offer.provider_id,
            themes=[t.slug for t in data.themes],
            factors=[f.slug for f in data.factors],
            phases=list(data.phases),
            municipalities=[m.pk for m in data.municipalities],
        )
        return initial

    def offer_data(self) -> OfferData:
        cleaned = self.cleaned_data
        values = {name: cleaned.get(name) for name in OfferData.SCALAR_FIELDS}
        for name, value in values.items():
            if value is None and name not in {
                "cost_amount",
                "capacity",
                "active_from",
                "active_until",
            }:
                values[name] = ""
        return OfferData(
            **values,
            themes=tuple(cleaned.get("themes") or ()),
            factors=tuple(cleaned.get("factors") or ()),
            phases=tuple(cleaned.get("phases") or ()),
            municipalities=tuple(cleaned.get("municipalities") or ()),
        )


class CurationForm(UtrechtFormMixin, forms.Form):
    """A curator's note with publishing or withdrawing."""

    note = forms.CharField(label=_("Note"), required=False, max_length=1000)


class CurationFilterForm(UtrechtFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All")), *SupportOffer.Status.choices],
        required=False,
    )
