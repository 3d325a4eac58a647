"""Staff exports: who may export, the map's filter, the columns, CSV and XLSX, streaming."""

import csv
import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from veerkracht.core.models import AuditRecord, Role
from veerkracht.core.tests.factories import ThemeFactory, UserFactory
from veerkracht.initiatives.models import Initiative, IntakeState, Phase, Source
from veerkracht.initiatives.views import export

from .factories import InitiativeFactory, served_areas

pytestmark = pytest.mark.django_db

CSV_URL = reverse("initiatives:export_csv")
XLSX_URL = reverse("initiatives:export_xlsx")


@pytest.fixture
def areas():
    return served_areas()


@pytest.fixture
def world(areas):
    theme = ThemeFactory(name="Gezondheid", slug="gezondheid")
    owner = UserFactory(full_name="Voorbeeld Contactteamlid", roles=[Role.Code.CONTACT_TEAM])
    published = InitiativeFactory(
        name="Slowcare",
        municipality=areas.oss,
        themes=[theme],
        owner=owner,
        phase=Phase.INTENSIVE_SUPPORT,
        intake_state=IntakeState.IN_SUPPORT,
        start_year=2016,
        last_contact_at=timezone.now() - timedelta(days=3),
    )
    hidden = InitiativeFactory(name="Net aangemeld in Oss", municipality=areas.oss, signed_up=True)
    elsewhere = InitiativeFactory(name="Lokaal Plus", municipality=areas.tilburg)
    return {"owner": owner, "published": published, "hidden": hidden, "elsewhere": elsewhere}


def login(client, *roles):
    user = UserFactory(roles=list(roles))
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return user


def csv_rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM, for Excel
    text = content.decode("utf-8-sig")
    assert "\r\n" in text
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


# --- who may export ----------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.Code.INITIATOR, Role.Code.JUROR, Role.Code.INVESTOR])
def test_roles_without_the_capability_get_403(client, world, role):
    login(client, role)

    assert client.get(CSV_URL).status_code == 403
    assert client.get(XLSX_URL).status_code == 403
    assert not AuditRecord.objects.filter(action="initiative.export").exists()


def test_anonymous_visitors_go_to_the_login_page(client, world):
    response = client.get(CSV_URL)

    assert response.status_code == 302
    assert reverse("core:login") in response["Location"]


# --- CSV ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", [Role.Code.CONTACT_TEAM, Role.Code.ANALYST, Role.Code.PROGRAMME_STAFF]
)
def test_the_csv_holds_all_initiatives_with_the_internal_columns(client, world, role):
    user = login(client, role)

    response = client.get(CSV_URL)

    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="initiatieven-{today}.csv"'
    rows = csv_rows(response)
    header, body = rows[0], rows[1:]
    assert header == [
        "Name",
        "Municipality code",
        "Municipality",
        "Scope",
        "Phase",
        "Intake state",
        "Themes",
        "Resilience factors",
        "Policy agendas",
        "Organised by",
        "Start year",
        "Website",
        "Contact person in the team",
        "Created",
        "Last contact",
        "Published",
    ]
    # Published or not: staff export everything.
    assert [row[0] for row in body] == ["Lokaal Plus", "Net aangemeld in Oss", "Slowcare"]
    slowcare = dict(zip(header, body[2], strict=True))
    assert slowcare["Municipality code"] == "GM0828"
    assert slowcare["Municipality"] == "Oss"
    assert slowcare["Intake state"] == "in support"
    assert slowcare["Themes"] == "Gezondheid"
    assert slowcare["Start year"] == "2016"
    assert slowcare["Contact person in the team"] == "Voorbeeld Contactteamlid"
    assert slowcare["Published"] == "yes"
    assert slowcare["Last contact"][:4].isdigit()
    hidden = dict(zip(header, body[1], strict=True))
    assert hidden["Published"] == "no" and hidden["Intake state"] == "signed up"
    # Contact details of initiatives are not part of this export.
    assert "example.org" not in "".join(";".join(row) for row in rows)

    record = AuditRecord.objects.get(action="initiative.export")
    assert record.actor == user
    assert record.note == "(no filter)"


def test_the_map_filter_applies(client, world):
    login(client, Role.Code.ANALYST)

    rows = csv_rows(client.get(CSV_URL, {"gemeente": "GM0828", "thema": "gezondheid"}))

    assert [row[0] for row in rows[1:]] == ["Slowcare"]
    record = AuditRecord.objects.get(action="initiative.export")
    assert record.note == "gemeente=GM0828&thema=gezondheid"
    assert record.after["format"] == "csv"


def test_an_unknown_filter_value_gives_400_with_the_reason(client, world):
    login(client, Role.Code.ANALYST)

    response = client.get(CSV_URL, {"thema": "bestaat-niet"})

    assert response.status_code == 400
    assert "bestaat-niet" in response.content.decode()
    assert client.get(XLSX_URL, {"fase": "onbekend"}).status_code == 400
    assert not AuditRecord.objects.filter(action="initiative.export").exists()


def test_text_that_looks_like_a_formula_is_neutralised(client, areas):
    InitiativeFactory(name='=HYPERLINK("http://example.org","klik")', municipality=areas.oss)
    login(client, Role.Code.ANALYST)

    rows = csv_rows(client.get(CSV_URL))

    assert rows[1][0] == '\'=HYPERLINK("http://example.org","klik")'

    workbook = load_workbook(io.BytesIO(b"".join(client.get(XLSX_URL).streaming_content)))
    cell = workbook.active["A2"]
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://example.org","klik")'


# --- XLSX --------------------------------------------------------------------------------


def test_the_xlsx_opens_and_has_the_rows(client, world):
    login(client, Role.Code.MATCH_TEAM)

    response = client.get(XLSX_URL, {"gemeente": "GM0828"})

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    today = timezone.localdate().isoformat()
    assert f'filename="initiatieven-{today}.xlsx"' in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][0] == "Name" and rows[0][12] == "Contact person in the team"
    assert [row[0] for row in rows[1:]] == ["Net aangemeld in Oss", "Slowcare"]
    slowcare = rows[2]
    assert slowcare[1] == "GM0828"
    assert slowcare[10] == 2016  # numbers stay numbers
    assert slowcare[13].year == timezone.localdate().year  # dates stay dates
    assert slowcare[15] == "yes"
    assert AuditRecord.objects.get(action="initiative.export").after["format"] == "xlsx"


# --- streaming with constant memory ------------------------------------------------------


def test_the_csv_streams_in_chunks_without_loading_every_row(client, areas):
    theme = ThemeFactory(name="Verbinding", slug="verbinding")
    Initiative.objects.bulk_create(
        Initiative(
            slug=f"initiatief-{n:04d}",
            name=f"Initiatief {n:04d}",
            summary="Test",
            municipality=areas.oss,
            intake_state=IntakeState.SIGNED_UP,
            source=Source.SIGNUP,
        )
        for n in range(2500)
    )
    Initiative.themes.through.objects.bulk_create(
        Initiative.themes.through(initiative_id=pk, theme_id=theme.pk)
        for pk in Initiative.objects.values_list("pk", flat=True)
    )
    login(client, Role.Code.ANALYST)

    with CaptureQueriesContext(connection) as during_view:
        response = client.get(CSV_URL)
    # The view itself reads no initiatives: the rows come while the response streams.
    assert isinstance(response, StreamingHttpResponse)
    assert not any(
        'FROM "initiatives_initiative"' in q["sql"] and "SELECT" in q["sql"]
        for q in during_view.captured_queries
    )

    with CaptureQueriesContext(connection) as during_stream:
        rows = csv_rows(response)

    assert len(rows) == 2501
    assert rows[1][0] == "Initiatief 0000" and rows[-1][0] == "Initiatief 2499"
    assert rows[-1][6] == "Verbinding"
    # One query for the rows, and per chunk of 2,000 one per many-to-many column.
    chunks = 2
    assert len(during_stream.captured_queries) == 1 + chunks * 3


def test_the_row_generator_does_not_fill_the_querysets_cache(areas):
    InitiativeFactory.create_batch(3, municipality=areas.oss)
    queryset = export.export_queryset(export.selectors.InitiativeFilter())

    rows = list(export.export_rows(queryset))

    assert len(rows) == 4
    assert queryset._result_cache is None
