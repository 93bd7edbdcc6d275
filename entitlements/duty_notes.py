"""Lines that apps above entitlements add to a duty's page, without entitlements knowing them.

An app registers a function in its AppConfig.ready(): given the duty shown, it returns sentences
in plain words (or none). referrals adds the victim's choice about the Right 4 referral and why
it has not been sent. Imports no models, so an app config may import it.
"""

from collections.abc import Callable
from typing import Any

_sources: list[Callable[[Any], list[str]]] = []


def register(source: Callable[[Any], list[str]]) -> None:
    if source not in _sources:
        _sources.append(source)


def for_duty(duty) -> list[str]:
    return [line for source in _sources for line in source(duty)]
