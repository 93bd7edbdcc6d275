"""Which pages are the victim's, and which language they are shown in.

Staff pages stay in English. A victim's page (public information, the survey link, the coming
"track my case") is shown in the language the victim chose with the switch on every such page,
kept in a cookie; with no choice made it is English. The browser's Accept-Language is not
followed: the switch is visible on every page, and a page that changes language by itself on a
shared or borrowed phone is a surprise."""

from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme

DEFAULT = "en-gb"


def codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


# How a person's record may name Welsh (the field is free text, typed by staff or a referral).
_WELSH_NAMES = {"welsh", "cymraeg", "cy"}


def for_preference(preferred_language: str | None) -> str:
    """The language to send a person, from the preferred language on their record: Welsh, or
    English for anything else (the only two the portal writes in)."""
    return "cy" if (preferred_language or "").strip().lower() in _WELSH_NAMES else DEFAULT


def is_victim_path(path: str) -> bool:
    return any(path.startswith(prefix) for prefix in settings.VICTIM_PATH_PREFIXES)


def chosen(cookie_value: str | None) -> str:
    """The language a victim chose, or English for anything else (an old or forged cookie)."""
    return cookie_value if cookie_value in codes() else DEFAULT


def safe_return_path(candidate: str | None, *, host: str, secure: bool) -> str:
    """Where the switch sends the victim back to: a victim page on this site, never elsewhere
    (no open redirect) and never a staff page."""
    if (
        candidate
        and url_has_allowed_host_and_scheme(candidate, allowed_hosts={host}, require_https=secure)
        and candidate.startswith("/")
        and is_victim_path(candidate)
    ):
        return candidate
    return settings.VICTIM_HOME_PATH
