"""factory_boy factories for the initiatives app (Faker nl_NL).

`InitiativeFactory()` makes a published initiative (intake "fits": on the
Initiatievenkaart) without a location; pass what a test needs:

    InitiativeFactory(latitude=51.76, longitude=5.53, municipality=oss)
    InitiativeFactory(themes=[theme], factors=[factor], policy_agendas=[agenda])
    InitiativeFactory(signed_up=True)      # just signed up: unpublished, intake "signed_up"
    InitiativeFactory(published=False, intake_state=IntakeState.VISITED)
"""

import datetime

import factory
from django.utils import timezone
from django.utils.text import slugify

from veerkracht.core.tests.factories import OrganisationFactory
from veerkracht.initiatives.models import (
    ContactMoment,
    Initiative,
    IntakeState,
    MatchDecision,
    MatchMeeting,
    Phase,
    Scope,
    Source,
    SupportOffer,
    SupportTrajectory,
    TimelineEvent,
)

factory.Faker._DEFAULT_LOCALE = "nl_NL"


class InitiativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Initiative
        skip_postgeneration_save = True

    class Params:
        signed_up = factory.Trait(
            published=False, intake_state=IntakeState.SIGNED_UP, source=Source.SIGNUP
        )
        scouted = factory.Trait(
            published=False, intake_state=IntakeState.SCOUTED, source=Source.SCOUTED
        )

    name = factory.Sequence(lambda n: f"Initiatief {n}")
    slug = factory.LazyAttributeSequence(lambda o, n: f"{slugify(o.name)[:100]}-{n}")
    summary = factory.Faker("sentence", nb_words=10)
    description = factory.Faker("paragraph")
    phase = Phase.EXPLORATION
    scope = Scope.LOCAL
    intake_state = IntakeState.FITS
    source = Source.SIGNUP
    published = True
    contact_name = factory.Faker("name")
    contact_email = factory.Sequence(lambda n: f"contact{n}@example.org")
    contact_phone = "06-12345678"
    contact_public = False

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)

    @factory.post_generation
    def factors(self, create, extracted, **kwargs):
        if create and extracted:
            self.factors.set(extracted)

    @factory.post_generation
    def policy_agendas(self, create, extracted, **kwargs):
        if create and extracted:
            self.policy_agendas.set(extracted)

    @factory.post_generation
    def municipalities(self, create, extracted, **kwargs):
        if create and extracted:
            self.municipalities.set(extracted)


class SupportOfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportOffer
        django_get_or_create = ("slug",)

    title = factory.Sequence(lambda n: f"Ondersteuning {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    provider = factory.SubFactory(OrganisationFactory)
    kind = SupportOffer.Kind.ADVICE
    description = factory.Faker("sentence")


class MatchMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MatchMeeting
        django_get_or_create = ("date",)

    # A different week for every meeting, starting next week.
    date = factory.Sequence(lambda n: timezone.localdate() + datetime.timedelta(weeks=n + 1))
    status = MatchMeeting.Status.PLANNED


class MatchDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MatchDecision

    meeting = factory.SubFactory(MatchMeetingFactory)
    initiative = factory.SubFactory(
        InitiativeFactory, published=False, intake_state=IntakeState.ON_AGENDA
    )
    position = factory.Sequence(lambda n: n)


class ContactMomentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactMoment

    initiative = factory.SubFactory(InitiativeFactory)
    kind = ContactMoment.Kind.PHONE_CALL
    summary = factory.Faker("sentence")


class SupportTrajectoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportTrajectory

    initiative = factory.SubFactory(InitiativeFactory)
    offer = factory.SubFactory(SupportOfferFactory)


class TimelineEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimelineEvent

    initiative = factory.SubFactory(InitiativeFactory)
    kind = TimelineEvent.Kind.NOTE
    title = factory.Faker("sentence", nb_words=5)


# --- a small served province for map and filter tests --------------------------------------


def square(min_lon: float, min_lat: float, max_lon: float, max_lat: float) -> dict:
    """A GeoJSON Polygon for a lon/lat rectangle."""
    ring = [
        [min_lon, min_lat],
        [max_lon, min_lat],
        [max_lon, max_lat],
        [min_lon, max_lat],
        [min_lon, min_lat],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


class Areas:
    """The areas `served_areas()` made: the province, Oss and Tilburg, and the M7 group."""

    def __init__(self, province, oss, tilburg, m7):
        self.province = province
        self.oss = oss
        self.tilburg = tilburg
        self.m7 = m7


def served_areas() -> Areas:
    """The served province (PV30) with two square municipalities and an area group.

    Oss: lon 5.40–5.70, lat 51.70–51.85; Tilburg: lon 4.95–5.20, lat 51.50–51.65;
    the province: lon 4.00–6.20, lat 51.20–51.90. The real CBS codes, made-up shapes.
    """
    from veerkracht.core.tests.factories import (
        AreaGroupFactory,
        MunicipalityFactory,
        ProvinceFactory,
    )

    province = ProvinceFactory(code="PV30", boundary=square(4.0, 51.2, 6.2, 51.9))
    oss = MunicipalityFactory(
        code="GM0828",
        name="Oss",
        province=province,
        boundary=square(5.4, 51.7, 5.7, 51.85),
        centroid_lat=51.775,
        centroid_lon=5.55,
    )
    tilburg = MunicipalityFactory(
        code="GM0855",
        name="Tilburg",
        province=province,
        boundary=square(4.95, 51.5, 5.2, 51.65),
        centroid_lat=51.575,
        centroid_lon=5.075,
    )
    m7 = AreaGroupFactory(name="M7", slug="m7")
    m7.municipalities.add(oss)
    return Areas(province, oss, tilburg, m7)
