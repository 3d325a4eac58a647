"""CSV import of observations."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from veerkracht.core.models import AuditRecord, District
from veerkracht.core.tests.factories import MunicipalityFactory, UserFactory
from veerkracht.monitor.models import Observation, ObservationImport
from veerkracht.monitor.services.imports import observations_import

from .factories import IndicatorFactory, ObservationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    gm1 = MunicipalityFactory(code="GM0828")
    MunicipalityFactory(code="GM0855")
    District.objects.create(code="WK082801", name="Centrum", municipality=gm1)
    ind = IndicatorFactory(code="eenzaamheid", min_value=0, max_value=100)
    IndicatorFactory(code="alleen-gemeente", levels=["gemeente"])
    IndicatorFactory(code="ook-wijk", levels=["gemeente", "wijk"])
    return ind


def lines(record):
    return [(e["line"], e["column"]) for e in record.errors]


def test_valid_file_with_bom_semicolon_and_decimal_comma_is_stored(setup):
    data = (
        "\ufeffarea_code;year;indicator;value;n\n"
        "GM0828;2023;eenzaamheid;12,5;40\n"
        "GM0855;2023;eenzaamheid;8;\n"
        "WK082801;2022;ook-wijk;3,25;7\n"
    ).encode()
    with translation.override("en"):
        record = observations_import(actor=None, file=data)
    assert record.status == ObservationImport.Status.STORED
    assert (record.rows, record.created, record.updated) == (3, 3, 0)
    obs = Observation.objects.get(area_code="GM0828")
    assert (obs.value, obs.n, obs.year, obs.level, obs.source_import) == (
        12.5,
        40,
        2023,
        "gemeente",
        record,
    )
    assert Observation.objects.get(area_code="GM0855").n is None
    assert Observation.objects.get(area_code="WK082801").level == "wijk"
    assert AuditRecord.objects.filter(action="monitor.observations_import").count() == 1


def test_second_import_updates_existing_observations(setup):
    ObservationFactory(indicator=setup, area_code="GM0828", year=2023, value=1.0)
    data = (
        b"area_code,year,indicator,value\nGM0828,2023,eenzaamheid,2.5\nGM0855,2023,eenzaamheid,3\n"
    )
    with translation.override("en"):
        record = observations_import(actor=None, file=data)
    assert (record.created, record.updated) == (1, 1)
    assert Observation.objects.get(area_code="GM0828").value == 2.5
    assert Observation.objects.count() == 2


def test_any_error_refuses_the_whole_file_with_line_numbers(setup):
    next_year = timezone.now().year + 1
    data = (
        "area_code,year,indicator,value,n\n"
        "GM0828,2023,eenzaamheid,10,40\n"  # 2 fine
        "GM9999,2023,eenzaamheid,10,40\n"  # 3 unknown area
        f"GM0828,{next_year},eenzaamheid,10,40\n"  # 4 future year
        "GM0828,1989,eenzaamheid,10,40\n"  # 5 too early
        "GM0828,2022,eenzaamheid,101,40\n"  # 6 out of range
        "GM0828,2021,eenzaamheid,abc,40\n"  # 7 not a number
        "GM0828,2020,eenzaamheid,5,-1\n"  # 8 negative n
        "GM0828,2019,eenzaamheid,5,2.5\n"  # 9 n not an integer
        "GM0828,2023,eenzaamheid,11,40\n"  # 10 duplicate of 2
        "GM0828,2023,onbekend,11,40\n"  # 11 unknown indicator
        "WK082801,2023,alleen-gemeente,11,40\n"  # 12 level not allowed
        "GM0828,2023\n"  # 13 wrong number of fields
    ).encode()
    with translation.override("en"):
        record = observations_import(actor=None, file=data)
    assert record.status == ObservationImport.Status.INVALID
    assert lines(record) == [
        (3, "area_code"),
        (4, "year"),
        (5, "year"),
        (6, "value"),
        (7, "value"),
        (8, "n"),
        (9, "n"),
        (10, ""),
        (11, "indicator"),
        (12, "area_code"),
        (13, ""),
    ]
    assert record.error_count == 11
    assert not Observation.objects.exists()
    assert "line 2" in record.errors[7]["message"]


def test_dry_run_stores_nothing_but_records_the_check(setup):
    ok = b"area_code,year,indicator,value\nGM0828,2023,eenzaamheid,10\n"
    record = observations_import(actor=None, file=ok, dry_run=True)
    assert record.status == ObservationImport.Status.VALID and record.dry_run
    assert record.rows == 1 and not Observation.objects.exists()
    bad = b"area_code,year,indicator,value\nGM0828,2023,eenzaamheid,1000\n"
    record = observations_import(actor=None, file=bad, dry_run=True)
    assert record.status == ObservationImport.Status.INVALID
    assert ObservationImport.objects.count() == 2
    assert not Observation.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"area_code,year,value\nGM0828,2023,1\n",
        b"area_code,year,indicator,value,extra\nGM0828,2023,eenzaamheid,1,2\n",
        b"area_code,year,indicator,value\n",
        b"area_code,year,indicator,value\nGM0828,2023,eenzaamheid,1\n\xff\xfe",
    ],
)
def test_bad_header_empty_or_undecodable_file_is_refused(setup, data):
    with translation.override("en"):
        record = observations_import(actor=None, file=data)
    assert record.status == ObservationImport.Status.INVALID and record.errors
    assert not Observation.objects.exists()


def test_users_need_monitor_import(setup):
    data = b"area_code,year,indicator,value\nGM0828,2023,eenzaamheid,10\n"
    with pytest.raises(PermissionDenied):
        observations_import(actor=UserFactory(), file=data)
    record = observations_import(actor=UserFactory(roles="analyst"), file=data)
    assert record.status == "stored" and record.imported_by is not None


def test_command_imports_and_reports_errors(setup, tmp_path):
    good = tmp_path / "goed.csv"
    good.write_text("area_code;year;indicator;value\nGM0828;2023;eenzaamheid;4,5\n")
    call_command("import_observations", str(good), "--dry-run", verbosity=0)
    assert not Observation.objects.exists()
    call_command("import_observations", str(good), verbosity=0)
    assert Observation.objects.get().value == 4.5
    bad = tmp_path / "fout.csv"
    bad.write_text("area_code;year;indicator;value\nGM0828;2023;eenzaamheid;400\n")
    with pytest.raises(CommandError):
        call_command("import_observations", str(bad), verbosity=0)


def test_100000_rows_are_all_stored_in_one_import(setup):
    # Speed is measured by benchmarks/monitor_import_benchmark.py, not here.
    codes = [f"GM{1000 + i:04d}" for i in range(1000)]
    from veerkracht.core.models import Municipality

    Municipality.objects.bulk_create([Municipality(code=c, name=c) for c in codes])
    indicators = [IndicatorFactory(code=f"snel-{i}") for i in range(4)]
    out = ["area_code;year;indicator;value;n"]
    for ind in indicators:
        for year in range(2000, 2025):
            out.extend(f"{c};{year};{ind.code};{(year % 50) + 0.5};20" for c in codes)
    data = "\n".join(out[:100001]).encode()
    with translation.override("en"):
        record = observations_import(actor=None, file=data)
    assert record.status == "stored" and record.created == 100_000
    assert Observation.objects.count() == 100_000


# --- the upload page ---------------------------------------------------------------------

IMPORT_URL = "/monitor/gegevens/importeren/"


def _upload(client, content: bytes, **data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        IMPORT_URL, {"file": SimpleUploadedFile("data.csv", content, "text/csv"), **data}
    )


def test_import_page_needs_monitor_import(client, setup):
    assert client.get(IMPORT_URL).status_code == 302  # to the login page
    client.force_login(UserFactory())
    assert client.get(IMPORT_URL).status_code == 403


def test_page_dry_run_then_store_then_errors(client, setup, settings):
    client.force_login(UserFactory(roles="analyst"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.get(IMPORT_URL).status_code == 200
    ok = b"area_code;year;indicator;value;n\nGM0828;2023;eenzaamheid;12,5;40\n"
    response = _upload(client, ok, dry_run="on")
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert 'data-status="valid"' in page.content.decode()
    assert not Observation.objects.exists()
    response = _upload(client, ok)
    page = client.get(response["Location"])
    assert 'data-status="stored"' in page.content.decode()
    assert Observation.objects.get().value == 12.5
    bad = b"area_code;year;indicator;value\nGM0828;2023;eenzaamheid;12\nGM9999;2023;x;1\n"
    response = _upload(client, bad)
    page = client.get(response["Location"]).content.decode()
    assert 'data-status="invalid"' in page and 'data-line="3"' in page
    assert 'data-column="area_code"' in page and "Unknown CBS area code" in page
    assert Observation.objects.get().value == 12.5


def test_import_list_queries_are_bounded(client, setup, django_assert_max_num_queries):
    client.force_login(UserFactory(roles="analyst"))
    for _ in range(5):
        observations_import(actor=None, file=b"area_code,year,indicator,value\n", dry_run=True)
    with django_assert_max_num_queries(12):
        response = client.get(IMPORT_URL)
    assert response.content.decode().count("data-import=") == 5


def test_form_without_file_is_shown_again(client, setup):
    client.force_login(UserFactory(roles="analyst"))
    response = client.post(IMPORT_URL, {})
    assert response.status_code == 400 and not ObservationImport.objects.exists()
