"""The site's icon: linked from every page, and at /favicon.ico for whatever asks there (the
admin, the API docs, a browser that ignores the link) without a sign-in or a 404."""

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse


def test_favicon_ico_is_served_at_the_root_without_signing_in(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an icon file


@pytest.mark.django_db
def test_every_page_links_the_icon(client):
    page = client.get(reverse("login")).content.decode()
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in page
    assert finders.find("img/favicon.svg")
