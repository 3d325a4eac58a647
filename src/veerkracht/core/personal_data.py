"""A registry through which every app takes part in AVG export and erasure.

`core` imports no other app, so apps register here (in their AppConfig.ready):

    personal_data.register(
        "initiatives", exporter=lambda user: {...}, eraser=lambda user: None
    )

An exporter returns JSON-safe data about the person; an eraser blanks or
anonymises that app's personal data about the person while keeping decisions and
money records intact. Erasers run inside the erasure transaction.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PersonalDataHandler:
    name: str
    exporter: Callable[[Any], Any]
    eraser: Callable[[Any], None] | None = None


_handlers: dict[str, PersonalDataHandler] = {}


def register(
    name: str,
    *,
    exporter: Callable[[Any], Any],
    eraser: Callable[[Any], None] | None = None,
) -> None:
    _handlers[name] = PersonalDataHandler(name=name, exporter=exporter, eraser=eraser)


def handlers() -> list[PersonalDataHandler]:
    return [_handlers[name] for name in sorted(_handlers)]
