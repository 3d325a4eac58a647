"""Staff exports of ALL initiatives (published or not) as CSV and Excel.

The filter is the map's (`?thema=…&gemeente=…&fase=…`, see `selectors.InitiativeFilter`);
an unknown value gives 400 with the reason. Both formats stream with constant memory:
rows come from `.iterator(chunk_size=CHUNK_SIZE)`, with the many-to-many columns
prefetched per chunk.

CSV dialect: semicolon-separated, UTF-8 with a byte-order mark and CRLF line ends —
what Excel with Dutch regional settings opens correctly by double-clicking (it takes
the comma as the decimal separator and expects ";" between fields). Cells that a
spreadsheet would run as a formula (starting with = + - @ or a tab/CR) get a leading
apostrophe; in the XLSX file such text is stored as text, never as a formula.

Every export writes an audit record (action "initiative.export", note: the filter).
"""

import csv
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from veerkracht.core.filters import FilterError
from veerkracht.core.models import Theme
from veerkracht.core.permissions import capability_required
from veerkracht.core.services.audit import audit_record

from .. import selectors
from ..models import Initiative

CHUNK_SIZE = 2000
CSV_DELIMITER = ";"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _names(items: Iterable[Any]) -> str:
    return ", ".join(item.name for item in items)


def _local(value: datetime | None) -> datetime | None:
    return timezone.localtime(value).replace(tzinfo=None, microsecond=0) if value else None


# (header, value of one initiative). Values are str, int, bool, datetime or None.
COLUMNS: list[tuple[Any, Callable[[Initiative], Any]]] = [
    (gettext_lazy("Name"), lambda i: i.name),
    (gettext_lazy("Municipality code"), lambda i: i.municipality_id or ""),
    (gettext_lazy("Municipality"), lambda i: i.municipality.name if i.municipality else ""),
    (gettext_lazy("Scope"), lambda i: i.get_scope_display()),
    (gettext_lazy("Phase"), lambda i: i.get_phase_display()),
    (gettext_lazy("Intake state"), lambda i: i.get_intake_state_display()),
    (gettext_lazy("Themes"), lambda i: _names(i.themes.all())),
    (gettext_lazy("Resilience factors"), lambda i: _names(i.factors.all())),
    (gettext_lazy("Policy agendas"), lambda i: _names(i.policy_agendas.all())),
    (gettext_lazy("Organised by"), lambda i: i.get_organiser_type_display()),
    (gettext_lazy("Start year"), lambda i: i.start_year),
    (gettext_lazy("Website"), lambda i: i.website),
    (
        gettext_lazy("Contact person in the team"),
        lambda i: i.owner.get_full_name() if i.owner else "",
    ),
    (gettext_lazy("Created"), lambda i: _local(i.created_at)),
    (gettext_lazy("Last contact"), lambda i: _local(i.last_contact_at)),
    (gettext_lazy("Published"), lambda i: i.published),
]


def export_queryset(flt: selectors.InitiativeFilter) -> QuerySet[Initiative]:
    """Every initiative matching the filter, with what the columns need."""
    return (
        selectors.initiatives_filtered(flt, public=False)
        .select_related("municipality", "owner")
        .defer("municipality__boundary")
        .prefetch_related(
            Prefetch("themes", queryset=Theme.objects.order_by("position", "name")),
            "factors",
            "policy_agendas",
        )
        .order_by("name", "pk")
    )


def export_rows(queryset: QuerySet[Initiative]) -> Iterator[list[Any]]:
    """The header, then one row per initiative, fetched CHUNK_SIZE at a time."""
    yield [str(header) for header, _value in COLUMNS]
    for initiative in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield [value(initiative) for _header, value in COLUMNS]


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Echo:
    """A file-like object whose write() hands the line back to the csv writer's caller."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[list[Any]]) -> Iterator[bytes]:
    writer = csv.writer(_Echo(), delimiter=CSV_DELIMITER, lineterminator="\r\n")
    yield "\ufeff".encode()
    for row in rows:
        yield writer.writerow([_csv_cell(value) for value in row]).encode("utf-8")


def _filter_or_error(request: HttpRequest) -> selectors.InitiativeFilter | HttpResponse:
    try:
        return selectors.InitiativeFilter.from_query(request.GET).validate()
    except FilterError as error:
        return render(
            request, "initiatives/export/invalid_filter.html", {"error": str(error)}, status=400
        )


def _audit(request: HttpRequest, flt: selectors.InitiativeFilter, fmt: str) -> None:
    query = flt.as_query()
    note = "&".join(f"{key}={value}" for key, value in sorted(query.items())) or "(no filter)"
    with transaction.atomic():
        audit_record(
            actor=request.user,
            action="initiative.export",
            object_type="initiatives.initiative",
            after={"format": fmt, "filter": query},
            note=note,
        )


def _filename(extension: str) -> str:
    return f"initiatieven-{timezone.localdate():%Y-%m-%d}.{extension}"


@capability_required("initiative.export")
def export_csv(request: HttpRequest) -> HttpResponse:
    flt = _filter_or_error(request)
    if isinstance(flt, HttpResponse):
        return flt
    _audit(request, flt, "csv")
    response = StreamingHttpResponse(
        csv_lines(export_rows(export_queryset(flt))), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    response["Cache-Control"] = "no-store"
    return response


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    if isinstance(value, bool):
        value = _("yes") if value else _("no")
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text that looks like a formula stays text
    return cell


@capability_required("initiative.export")
def export_xlsx(request: HttpRequest) -> HttpResponse:
    flt = _filter_or_error(request)
    if isinstance(flt, HttpResponse):
        return flt
    _audit(request, flt, "xlsx")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Initiatives")[:31])
    rows = export_rows(export_queryset(flt))
    header = next(rows)
    sheet.append([_xlsx_cell(sheet, value) for value in header])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    # Written to an anonymous temporary file (deleted when closed), streamed from there;
    # FileResponse closes it when the response is done.
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    try:
        workbook.save(handle)
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=_filename("xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Cache-Control"] = "no-store"
    return response


urlpatterns = [
    path("initiatieven/export.csv", export_csv, name="export_csv"),
    path("initiatieven/export.xlsx", export_xlsx, name="export_xlsx"),
]
