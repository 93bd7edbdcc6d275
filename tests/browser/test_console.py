"""The clean-console check itself: it sees what the issue asked it to see (a missing file, a
script error, a Content Security Policy refusal), and a test can allow what it means to cause."""

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_console_check_sees_a_404_a_script_error_and_a_csp_refusal(page, live_server, console):
    page.goto(live_server.url + reverse("login"))
    assert console.dirty() == []

    with page.expect_response("**/no-such-file.css"):
        page.evaluate("fetch('/static/no-such-file.css')")
    with page.expect_event("pageerror"):
        page.evaluate("setTimeout(() => { throw new Error('boom') }, 0)")
    with page.expect_console_message(lambda message: "Content Security Policy" in message.text):
        page.evaluate(
            "document.head.insertAdjacentHTML('beforeend', '<style>p { color: red }</style>')"
        )

    problems = "\n".join(console.dirty())
    assert "404: GET " + live_server.url + "/static/no-such-file.css" in problems
    assert "script error: boom" in problems
    assert "Content Security Policy" in problems
    console.allow("no-such-file", "boom", "Content Security Policy")
    assert console.dirty() == []
