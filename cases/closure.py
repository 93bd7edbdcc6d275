"""What stands in the way of closing a case, told by the apps above cases.

cases decides who may close a case and records the closing; whether something is still owed is
for the apps that own it (entitlements: a Code duty still open). Each registers a function in
its AppConfig.ready(): given the case and the moment, it returns what is still open, in words
a reader can act on. Imports no models, so an app config may import it.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Obstacle:
    """One thing still open on the case, as the close form and the API's refusal list it."""

    label: str  # e.g. "Right 6: ... Tell the victim of the arrest, for Jo Bloggs (victim): missed"
    kind: str = "duty"
    id: int | None = None


Source = Callable[[Any, datetime.datetime], list[Obstacle]]

_sources: list[Source] = []


def register(source: Source) -> None:
    if source not in _sources:
        _sources.append(source)


def obstacles(case: Any, *, now: datetime.datetime) -> list[Obstacle]:
    return [item for source in _sources for item in source(case, now)]
