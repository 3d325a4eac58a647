"""Bulk inserts outside the ORM (veerkracht.core.db)."""

import datetime as dt

import pytest
from django.utils import timezone

from veerkracht.core.db import bulk_insert
from veerkracht.monitor.models import IndexResult, IndexRun, Observation
from veerkracht.monitor.services.index import RESULT_FIELDS
from veerkracht.monitor.tests.factories import IndicatorFactory

pytestmark = pytest.mark.django_db


def test_bulk_insert_writes_rows_the_orm_reads_back():
    indicator = IndicatorFactory()
    now = timezone.now().replace(microsecond=0)
    bulk_insert(
        Observation,
        ("indicator", "level", "area_code", "year", "value", "n", "updated_at"),
        [
            (indicator.pk, "gemeente", "GM0828", 2023, 0.1 + 0.2, 120, now),
            (indicator.pk, "buurt", "BU08280100", 2022, -3.5, None, now),
        ],
    )

    rows = list(Observation.objects.order_by("area_code"))
    assert [(o.level, o.area_code, o.year, o.value, o.n) for o in rows] == [
        ("buurt", "BU08280100", 2022, -3.5, None),
        ("gemeente", "GM0828", 2023, 0.1 + 0.2, 120),
    ]
    assert rows[0].updated_at == now
    assert rows[0].indicator == indicator


def test_bulk_insert_takes_json_as_text_and_nothing_for_no_rows():
    run = IndexRun.objects.create(level="gemeente", years=[2023], created_at=timezone.now())
    bulk_insert(IndexResult, RESULT_FIELDS, [])
    assert not IndexResult.objects.exists()

    bulk_insert(
        IndexResult,
        RESULT_FIELDS,
        [(run.pk, "GM0828", 2023, 0.25, 5, 4, 6, '{"sociaal": -0.5, "t\\u00e9st": 1}', '["a"]')],
    )

    result = run.results.get()
    assert result.contributions == {"sociaal": -0.5, "tést": 1}
    assert result.imputed == ["a"]
    assert isinstance(result.run.created_at, dt.datetime)
