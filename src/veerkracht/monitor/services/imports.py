"""CSV import of observations: `area_code, year, indicator, value[, n]`.

The whole file is checked first (header, area codes and levels, years, values in the
indicator's valid range, n, duplicates within the file); any error refuses the whole
file and nothing is stored. A dry run only checks. Every run, dry or not, is recorded as
an `ObservationImport` with its error report (line numbers as in the file, header = 1)
and audited. Observations are upserted on (indicator, area, year) in bulk.
"""

import csv
import hashlib
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connections, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from veerkracht.core.models.geography import area_model_for_code
from veerkracht.core.permissions import check_capability
from veerkracht.core.services.audit import audit_record

from ..models import Indicator, Observation, ObservationImport

REQUIRED_COLUMNS = ("area_code", "year", "indicator", "value")
OPTIONAL_COLUMNS = ("n",)
MIN_YEAR = 1990
MAX_ERRORS = 500
BATCH_SIZE = 1000  # rows per INSERT: 8,000 parameters


@dataclass
class _Row:
    line: int
    indicator_id: int
    level: str
    area_code: str
    year: int
    value: float
    n: int | None


class _Areas:
    """CBS codes known in core geography, loaded per level on first use."""

    def __init__(self) -> None:
        self._codes: dict[str, set[str]] = {}

    def level_of(self, code: str) -> str | None:
        model = area_model_for_code(code)
        if model is None:
            return None
        level = model.level.value
        if level not in self._codes:
            self._codes[level] = set(model.objects.values_list("pk", flat=True))
        return level if code in self._codes[level] else None


def _read(file: Any) -> tuple[bytes, str]:
    if isinstance(file, bytes):
        return file, "upload.csv"
    if isinstance(file, (str, Path)):
        path = Path(file)
        return path.read_bytes(), path.name
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read()
    if isinstance(data, str):
        data = data.encode("utf-8")
    return data, Path(getattr(file, "name", "") or "upload.csv").name


def _number(text: str) -> float | None:
    text = text.strip().replace("\u00a0", "").replace(" ", "")
    if "," in text:
        if "." in text:
            return None
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


class _Errors:
    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        self.count = 0

    def add(self, line: int | None, column: str, message: str) -> None:
        self.count += 1
        if len(self.items) < MAX_ERRORS:
            self.items.append({"line": line, "column": column, "message": str(message)})

    def as_list(self) -> list[dict[str, Any]]:
        if self.count > len(self.items):
            more = self.count - len(self.items)
            return [
                *self.items,
                {
                    "line": None,
                    "column": "",
                    "message": _("… and %(count)s more errors.") % {"count": more},
                },
            ]
        return self.items


def _parse(data: bytes, errors: _Errors) -> list[_Row]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        errors.add(None, "", _("The file is not UTF-8 text (byte %(pos)s).") % {"pos": exc.start})
        return []
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if not header or not any(h.strip() for h in header):
        errors.add(1, "", _("The file is empty or has no header line."))
        return []
    names = [h.strip().lower() for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    unknown = [h for h in names if h not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if missing or unknown or len(set(names)) != len(names):
        errors.add(
            1,
            "",
            _(
                "The header must be area_code, year, indicator, value and optionally n "
                "(missing: %(missing)s; unknown or repeated: %(unknown)s)."
            )
            % {
                "missing": ", ".join(missing) or "-",
                "unknown": ", ".join(unknown or sorted({h for h in names if names.count(h) > 1}))
                or "-",
            },
        )
        return []
    col = {name: names.index(name) for name in names}
    has_n = "n" in col
    indicators = {
        code: (pk, levels, lo, hi)
        for code, pk, levels, lo, hi in Indicator.objects.values_list(
            "code", "pk", "levels", "min_value", "max_value"
        )
    }
    areas = _Areas()
    max_year = timezone.now().year
    seen: dict[tuple[int, str, int], int] = {}
    rows: list[_Row] = []
    width = len(names)
    for record in reader:
        line = reader.line_num
        if not record or (not record[0].strip() and not any(c.strip() for c in record)):
            continue
        if len(record) != width:
            errors.add(
                line,
                "",
                _("Expected %(expected)s fields, found %(found)s.")
                % {"expected": width, "found": len(record)},
            )
            continue
        ok = True
        code = record[col["indicator"]].strip()
        spec = indicators.get(code)
        if spec is None:
            errors.add(line, "indicator", _("Unknown indicator %(code)r.") % {"code": code})
            ok = False
        area = record[col["area_code"]].strip().upper()
        level = areas.level_of(area)
        if level is None:
            errors.add(line, "area_code", _("Unknown CBS area code %(code)r.") % {"code": area})
            ok = False
        elif spec is not None and spec[1] and level not in spec[1]:
            errors.add(
                line,
                "area_code",
                _("Indicator %(indicator)s has no data at level %(level)s.")
                % {"indicator": code, "level": level},
            )
            ok = False
        year_text = record[col["year"]].strip()
        year = int(year_text) if year_text.isdigit() else None
        if year is None or not MIN_YEAR <= year <= max_year:
            errors.add(
                line,
                "year",
                _("Year %(year)r is not a year from %(min)s to %(max)s.")
                % {"year": year_text, "min": MIN_YEAR, "max": max_year},
            )
            ok = False
        value_text = record[col["value"]]
        value = _number(value_text)
        if value is None:
            errors.add(line, "value", _("Value %(value)r is not a number.") % {"value": value_text})
            ok = False
        elif spec is not None and (
            (spec[2] is not None and value < spec[2]) or (spec[3] is not None and value > spec[3])
        ):
            errors.add(
                line,
                "value",
                _("Value %(value)s is outside the valid range %(low)s – %(high)s.")
                % {
                    "value": value_text.strip(),
                    "low": "-" if spec[2] is None else f"{spec[2]:g}",
                    "high": "-" if spec[3] is None else f"{spec[3]:g}",
                },
            )
            ok = False
        n = None
        if has_n:
            n_text = record[col["n"]].strip()
            if n_text:
                if n_text.isdigit():
                    n = int(n_text)
                else:
                    errors.add(
                        line,
                        "n",
                        _("n %(n)r is not a whole number of 0 or more.") % {"n": n_text},
                    )
                    ok = False
        if not ok:
            continue
        key = (spec[0], area, year)
        first_line = seen.get(key)
        if first_line is not None:
            errors.add(
                line,
                "",
                _("Duplicate of line %(line)s (same indicator, area and year).")
                % {"line": first_line},
            )
            continue
        seen[key] = line
        rows.append(_Row(line, spec[0], level, area, year, value, n))
    if not rows and not errors.count:
        errors.add(None, "", _("The file has no data lines."))
    return rows


def _pg_array(values: list[Any]) -> str:
    """A PostgreSQL array literal. Safe here: the values are numbers and checked CBS codes
    and level names (letters and digits only), so nothing needs quoting."""
    return "{" + ",".join("NULL" if v is None else str(v) for v in values) + "}"


def _upsert(rows: list[_Row], record: ObservationImport) -> None:
    """INSERT … ON CONFLICT DO UPDATE in multi-row batches (SQLite and PostgreSQL): the
    ORM's bulk_create spends most of its time building model instances."""
    meta = Observation._meta
    connection = connections[router.db_for_write(Observation)]
    qn = connection.ops.quote_name
    columns = [
        meta.get_field(name).column
        for name in ("indicator", "level", "area_code", "year", "value", "n")
    ] + [meta.get_field("source_import").column, meta.get_field("updated_at").column]
    unique = [meta.get_field(name).column for name in ("indicator", "area_code", "year")]
    updates = [c for c in columns if c not in unique]
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    placeholder = "(" + ", ".join(["%s"] * len(columns)) + ")"
    head = f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(c) for c in columns)}) VALUES "
    tail = f" ON CONFLICT ({', '.join(qn(c) for c in unique)}) DO UPDATE SET " + ", ".join(
        f"{qn(c)} = excluded.{qn(c)}" for c in updates
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement per 20,000 rows with eight array parameters: psycopg's
            # parsing of thousands of placeholders would dominate otherwise.
            types = ["bigint", "text", "text", "integer", "float8", "bigint", "bigint"]
            select = ", ".join(f"%s::text::{t}[]" for t in types)
            sql = (
                f"{head.removesuffix(' VALUES ')} SELECT *, %s FROM unnest({select})"
                f" AS t({', '.join(qn(c) for c in columns[:-1])}){tail}"
            )
            for start in range(0, len(rows), 20 * BATCH_SIZE):
                batch = rows[start : start + 20 * BATCH_SIZE]
                cursor.execute(
                    sql,
                    [
                        now,
                        *(
                            _pg_array(column)
                            for column in (
                                [r.indicator_id for r in batch],
                                [r.level for r in batch],
                                [r.area_code for r in batch],
                                [r.year for r in batch],
                                [repr(r.value) for r in batch],
                                [r.n for r in batch],
                                [record.pk] * len(batch),
                            )
                        ),
                    ],
                )
            return
        for start in range(0, len(rows), BATCH_SIZE):
            batch = rows[start : start + BATCH_SIZE]
            params: list[Any] = []
            for r in batch:
                params.extend(
                    (r.indicator_id, r.level, r.area_code, r.year, r.value, r.n, record.pk, now)
                )
            cursor.execute(head + ", ".join([placeholder] * len(batch)) + tail, params)


def _store(rows: list[_Row], record: ObservationImport) -> tuple[int, int]:
    indicator_ids = {r.indicator_id for r in rows}
    years = {r.year for r in rows}
    existing = set(
        Observation.objects.filter(indicator_id__in=indicator_ids, year__in=years).values_list(
            "indicator_id", "area_code", "year"
        )
    )
    _upsert(rows, record)
    updated = sum(1 for r in rows if (r.indicator_id, r.area_code, r.year) in existing)
    return len(rows) - updated, updated


def observations_import(*, actor: Any, file: Any, dry_run: bool = False) -> ObservationImport:
    """Check and (unless `dry_run` or the file has errors) store a CSV of observations.

    `file` is an uploaded file, a path or bytes. `actor=None` is the system (management
    command). Returns the `ObservationImport` record: status `stored`, `valid` (dry run
    without errors) or `invalid` (with `errors`: line, column, message)."""
    if actor is not None:
        check_capability(actor, "monitor.import")
    data, name = _read(file)
    errors = _Errors()
    rows = _parse(data, errors)
    if errors.count:
        status = ObservationImport.Status.INVALID
    elif dry_run:
        status = ObservationImport.Status.VALID
    else:
        status = ObservationImport.Status.STORED
    with transaction.atomic():
        record = ObservationImport.objects.create(
            file_name=name[:200],
            checksum=hashlib.sha256(data).hexdigest(),
            dry_run=dry_run,
            status=status,
            rows=len(rows) if not errors.count else 0,
            errors=errors.as_list(),
            imported_by=actor,
        )
        if status == ObservationImport.Status.STORED:
            record.created, record.updated = _store(rows, record)
            record.save(update_fields=["created", "updated"])
        audit_record(
            actor=actor,
            action="monitor.observations_import",
            obj=record,
            after={
                "status": record.status,
                "dry_run": dry_run,
                "rows": record.rows,
                "created": record.created,
                "updated": record.updated,
                "errors": errors.count,
            },
            note=name[:200],
        )
    record.error_count = errors.count
    return record
