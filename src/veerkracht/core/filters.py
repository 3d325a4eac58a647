"""One shape for the public list filters (initiatives, support offers): read from the
query string under Dutch or English names, written back as Dutch URL parameters, and
checked against the reference data with messages that name the parameter.

A filter is a frozen dataclass of strings that subclasses `QueryFilter` and names its
URL parameter per field in `PARAMS`; fields listed in `UPPER` are upper-cased (CBS
codes).
"""

from dataclasses import fields
from typing import Any, ClassVar, Self

from django.db.models import QuerySet
from django.http import QueryDict

MAX_TEXT = 200


class FilterError(ValueError):
    """A filter value that names nothing (an unknown theme, municipality …)."""


class QueryFilter:
    PARAMS: ClassVar[dict[str, str]] = {}
    UPPER: ClassVar[tuple[str, ...]] = ("municipality",)

    @classmethod
    def from_query(cls, query: QueryDict | dict[str, Any]) -> Self:
        values = {}
        for f in fields(cls):  # type: ignore[arg-type]
            value = query.get(cls.PARAMS[f.name]) or query.get(f.name) or ""
            values[f.name] = str(value).strip()
            if f.name in cls.UPPER:
                values[f.name] = values[f.name].upper()
        return cls(**values)

    def as_query(self) -> dict[str, str]:
        """The non-empty values under their (Dutch) URL parameter names."""
        return {
            self.PARAMS[f.name]: getattr(self, f.name)
            for f in fields(self)  # type: ignore[arg-type]
            if getattr(self, f.name)
        }

    def is_empty(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self))  # type: ignore[arg-type]

    # --- checks for `validate()` in the subclasses -------------------------------------

    def check_choice(self, name: str, choices: list[str]) -> None:
        value = getattr(self, name)
        if value and value not in choices:
            raise FilterError(
                f"Unknown {self.PARAMS[name]} '{value}'; choose one of: {', '.join(choices)}."
            )

    def check_exists(self, checks: list[tuple[str, QuerySet]]) -> None:
        """Each (field, queryset that finds its value) for the fields that are set."""
        for name, qs in checks:
            if getattr(self, name) and not qs.exists():
                raise FilterError(f"Unknown {self.PARAMS[name]} '{getattr(self, name)}'.")

    def check_text(self, name: str = "q") -> None:
        if len(getattr(self, name)) > MAX_TEXT:
            raise FilterError(f"The search text is too long (at most {MAX_TEXT} characters).")


def select_fields(
    flt: QueryFilter, labels: dict[str, str], options: dict[str, list[tuple[str, str]]]
) -> list[dict[str, Any]]:
    """The filter form's select boxes, in the order of `labels`: name and id from the
    URL parameter, label, options (value, label) and the current value."""
    return [
        {
            "name": flt.PARAMS[name],
            "id": f"filter-{flt.PARAMS[name]}",
            "label": label,
            "options": options[name],
            "value": getattr(flt, name),
        }
        for name, label in labels.items()
    ]
