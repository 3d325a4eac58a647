"""Factories for the monitor pages and Veerkrachtdialogen tests.

run = IndexRunFactory()                       # published, finished, municipal level
IndexResultFactory(run=run, area_code="GM9001", year=2023, index_class=7)
DialogueFactory(area_code="GM9001", synthetic=True)
StatementFactory(dialogue=d, learning_key=LearningKeyFactory(factor=f))
"""

import datetime

import factory

from veerkracht.core.models.geography import AreaLevel
from veerkracht.core.tests.factories import ResilienceFactorFactory
from veerkracht.monitor.models import (
    Dialogue,
    DialogueAction,
    DialogueStatement,
    IndexResult,
    IndexRun,
    LearningKey,
)


class IndexRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndexRun

    level = AreaLevel.MUNICIPALITY.value
    province = "PV30"
    years = factory.LazyFunction(lambda: [2023])
    status = IndexRun.Status.FINISHED
    published = True
    synthetic = False


class IndexResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndexResult

    run = factory.SubFactory(IndexRunFactory)
    area_code = factory.Sequence(lambda n: f"GM{9000 + n:04d}")
    year = 2023
    score = 0.5
    index_class = 5
    band_low = factory.LazyAttribute(lambda o: max(1, o.index_class - 1))
    band_high = factory.LazyAttribute(lambda o: min(9, o.index_class + 1))
    contributions = factory.LazyFunction(lambda: {"sociaal": 0.4, "persoonlijk": -0.1})


class LearningKeyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningKey
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"sleutel-{n}")
    name = factory.Sequence(lambda n: f"Leersleutel {n}")
    factor = factory.SubFactory(ResilienceFactorFactory)
    position = factory.Sequence(lambda n: n)


class DialogueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dialogue

    date = datetime.date(2025, 3, 12)
    place = factory.Sequence(lambda n: f"Buurthuis {n}")
    level = AreaLevel.MUNICIPALITY.value
    area_code = "GM9001"
    participants = 12
    facilitator = "Contactteam"
    summary = "Samenvatting van de dialoog."
    synthetic = False


class StatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DialogueStatement

    dialogue = factory.SubFactory(DialogueFactory)
    text = factory.Sequence(lambda n: f"Uitspraak {n}")
    learning_key = factory.SubFactory(LearningKeyFactory)
    tone = DialogueStatement.Tone.CONCERN
    mentions = 2


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DialogueAction

    dialogue = factory.SubFactory(DialogueFactory)
    description = factory.Sequence(lambda n: f"Actie {n}")
    learning_key = factory.SubFactory(LearningKeyFactory)
