from django.conf import settings
from django.utils import translation


def victim_page(request) -> dict:
    """What the victim base template needs: the languages to switch to, each named in itself
    (settings.LANGUAGES holds those names), and the page to come back to."""
    current = translation.get_language()
    return {
        "victim_other_languages": [
            {"code": code, "name": name} for code, name in settings.LANGUAGES if code != current
        ],
        "victim_return_path": request.get_full_path(),
    }
