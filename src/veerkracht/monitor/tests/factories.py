"""factory_boy factories for the monitor app.

    IndicatorFactory()                          # "up" indicator in a fresh index domain
    IndicatorFactory(domain=d, direction="down", min_value=0, max_value=100)
    ObservationFactory(indicator=i, area_code="GM0828", year=2023, value=12.5, n=40)

Other monitor helpers add their own factories below.
"""

import factory

from veerkracht.core.models.geography import AreaLevel
from veerkracht.monitor.models import Domain, Indicator, Observation, ObservationImport

factory.Faker._DEFAULT_LOCALE = "nl_NL"


class DomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Domain
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"domein-{n}")
    name = factory.Sequence(lambda n: f"Domein {n}")
    name_en = factory.Sequence(lambda n: f"Domain {n}")
    in_index = True
    expert_weight = 1.0
    position = factory.Sequence(lambda n: n)


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"indicator-{n}")
    name = factory.Sequence(lambda n: f"Indicator {n}")
    name_en = factory.Sequence(lambda n: f"Indicator {n}")
    domain = factory.SubFactory(DomainFactory)
    definition = "Testindicator."
    unit = "%"
    direction = Indicator.Direction.HIGHER_BETTER
    source = "Test"
    licence = "CC BY 4.0"
    levels = factory.LazyFunction(lambda: [AreaLevel.MUNICIPALITY.value])
    min_value = 0.0
    max_value = 100.0
    position = factory.Sequence(lambda n: n)


class ObservationImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ObservationImport

    file_name = "waarnemingen.csv"
    checksum = "0" * 64
    status = ObservationImport.Status.STORED


class ObservationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Observation

    indicator = factory.SubFactory(IndicatorFactory)
    level = AreaLevel.MUNICIPALITY
    area_code = factory.Sequence(lambda n: f"GM{9000 + n:04d}")
    year = 2023
    value = 50.0
    n = None
