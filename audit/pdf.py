"""Files handed out of the portal as PDF: a letter or a pack printed from the page's own template.

A page that offers a PDF renders the same template with the same context as its HTML, laid out
by ``pdf_base.html`` (a print stylesheet, no menus, no scripts) instead of ``base.html``, and
WeasyPrint turns it into a PDF. WeasyPrint may fetch only the portal's own static files, read
from disk: the fetcher refuses every other address, so rendering never reaches the network
(nothing on the page can make the server call out, and a PDF is the same offline).
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

PDF_LAYOUT = "pdf_base.html"
# A reserved name that can never resolve (RFC 2606): relative links in the page are read against
# it, and only the static files under it are served, from disk.
BASE_URL = "https://victimcare.invalid/"


class StaticFilesOnly(URLFetcher):
    """Serves the portal's static files from disk and refuses everything else."""

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        path = static_file(url)
        if path is None:
            raise ValueError("Only the portal's own static files are used in a PDF.")
        mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime_type})


def static_file(url: str) -> Path | None:
    """The file on disk behind a static file's address in the rendered page, or None."""
    prefix = urljoin(BASE_URL, settings.STATIC_URL)
    if not url.startswith(prefix):
        return None
    name = unquote(urlsplit(url[len(prefix) :]).path)
    try:
        # Collected (and, in production, hashed) files first, then the apps' own folders.
        if staticfiles_storage.exists(name):
            return Path(staticfiles_storage.path(name))
        found = finders.find(name)
    except (SuspiciousFileOperation, NotImplementedError):
        return None
    return Path(found) if isinstance(found, str) else None


def render_pdf(request: HttpRequest, template_name: str, context: dict[str, Any]) -> bytes:
    """The page's template and context, laid out for print, as a PDF."""
    html = render_to_string(template_name, {**context, "layout": PDF_LAYOUT}, request=request)
    document = HTML(
        string=html, base_url=BASE_URL, url_fetcher=StaticFilesOnly(), media_type="print"
    )
    return document.write_pdf()


def pdf_response(
    request: HttpRequest, template_name: str, context: dict[str, Any], *, filename: str
) -> HttpResponse:
    """A PDF download of the page's template. The file name must carry no personal data: it is
    kept in the audit trail, the browser's download list and wherever the file is saved."""
    return pdf_download(render_pdf(request, template_name, context), filename=filename)


def pdf_download(document: bytes, *, filename: str) -> HttpResponse:
    """A PDF already made (a letter drawn by its own service) as a download; the same rule on
    the file name as pdf_response."""
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    add_never_cache_headers(response)  # a letter about a victim is never kept by a cache
    return response
