"""factory_boy factories for core models (Faker nl_NL)."""

import factory
from django.utils.text import slugify

from veerkracht.core.models import (
    AreaGroup,
    Municipality,
    Organisation,
    OrganisationType,
    PolicyAgenda,
    Province,
    ResilienceFactor,
    Role,
    Theme,
    User,
)
from veerkracht.core.permissions import grants_admin_site

factory.Faker._DEFAULT_LOCALE = "nl_NL"

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[5.0, 51.5], [5.1, 51.5], [5.1, 51.6], [5.0, 51.6], [5.0, 51.5]]],
}


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ("code",)

    code = "PV30"
    name = "Noord-Brabant"


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"GM{9000 + n:04d}")
    name = factory.Faker("city")
    province = factory.SubFactory(ProvinceFactory)
    boundary = SQUARE
    centroid_lat = 51.55
    centroid_lon = 5.05
    year = 2023


class AreaGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AreaGroup
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Regio {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"thema {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class ResilienceFactorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResilienceFactor
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"hulpbron {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    domain = ResilienceFactor.Domain.SOCIAL


class PolicyAgendaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicyAgenda
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"opgave {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class OrganisationTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationType
        django_get_or_create = ("slug",)

    slug = "maatschappelijke-organisatie"
    name = "Maatschappelijke organisatie"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    name = factory.Faker("company")
    slug = factory.LazyAttribute(lambda o: slugify(o.name)[:80])
    type = factory.SubFactory(OrganisationTypeFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"persoon{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if not create or not extracted:
            return
        codes = [extracted] if isinstance(extracted, str) else list(extracted)
        self.roles.set([Role.objects.get_or_create(code=code)[0] for code in codes])
        if grants_admin_site(codes):
            self.is_staff = True
            self.save(update_fields=["is_staff"])
