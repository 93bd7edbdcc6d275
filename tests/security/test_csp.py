"""The Content Security Policy, and templates that keep to it: no inline <script>, no <style>
blocks, no style="..." attributes, no on...= event handlers (nor htmx's hx-on, which evaluates
code), no javascript: links. A template that breaks the policy fails here before a browser
silently ignores the code."""

import io
import re
import tokenize
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.models import Role
from tests.factories import make_user

ROOT = Path(__file__).resolve().parents[2]
SKIP_DIRS = {".venv", "var", ".git", "node_modules", "test-artifacts", "static", "__pycache__"}

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}

_COMMENT_BLOCK = re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.S)
_TEMPLATE_TAG = re.compile(r"{%.*?%}|{#.*?#}", re.S)
_VARIABLE = re.compile(r"{{.*?}}", re.S)
_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)((?:[^<>\"']|\"[^\"]*\"|'[^']*')*)>", re.S)
_DATA_SCRIPT = re.compile(r"""\btype\s*=\s*["']application/(ld\+)?json["']""")
_ATTRIBUTE_RULES = [
    (re.compile(r"(?:^|\s)style\s*=", re.I), 'a style="..." attribute'),
    (re.compile(r"(?:^|\s)on[a-z]+\s*=", re.I), "an inline event handler (on...=)"),
    (re.compile(r"(?:^|\s)(?:data-)?hx-on", re.I), "htmx hx-on (evaluated as script)"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
]


def violations(text: str) -> list[str]:
    """What in this template text the CSP would block."""
    text = _COMMENT_BLOCK.sub(" ", text)
    text = _TEMPLATE_TAG.sub(" ", text)  # {% include ... style="primary" %} is not HTML
    text = _VARIABLE.sub("x", text)
    found = []
    for match in _TAG.finditer(text):
        name, attributes = match.group(1).lower(), match.group(2)
        line = text.count("\n", 0, match.start()) + 1
        inline = not re.search(r"\bsrc\s*=", attributes) and not _DATA_SCRIPT.search(attributes)
        if name == "script" and inline:
            found.append(f"line {line}: an inline <script> (give it a src)")
        if name == "style":
            found.append(f"line {line}: a <style> block (use a static CSS file)")
        for rule, what in _ATTRIBUTE_RULES:
            if rule.search(attributes):
                found.append(f"line {line}: {what}")
    return found


def _python_strings(source: str) -> str:
    """The string literals of a module (where HTML such as an admin page may hide), without its
    comments and docstrings, which may speak of <script> in prose."""
    strings, previous = [], tokenize.NEWLINE
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.STRING and previous not in STATEMENT_START:
            strings.append(token.string)
        if token.type not in (tokenize.COMMENT, tokenize.NL):
            previous = token.type
    return "\n".join(strings)


STATEMENT_START = (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING)


def _repository_files():
    for path in ROOT.rglob("*"):
        if SKIP_DIRS & set(path.relative_to(ROOT).parts) or not path.is_file():
            continue
        if path.suffix == ".html" or (path.suffix == ".py" and "tests" not in path.parts):
            yield path


def test_no_template_in_the_repository_breaks_the_policy():
    broken, scanned = [], 0
    for path in _repository_files():
        scanned += path.suffix == ".html"
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".py":
            text = _python_strings(text)
        for problem in violations(text):
            where = "string " if path.suffix == ".py" else ""
            broken.append(f"{path.relative_to(ROOT)} {where}{problem}")
    assert scanned >= 40
    assert not broken, (
        "The Content Security Policy blocks these; move scripts and styles to static files and "
        "use classes (Bootstrap's, or static/css):\n" + "\n".join(broken)
    )


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        '<script type="text/javascript">go()</script>',
        "<style>p { color: red }</style>",
        '<p class="lead" style="color: red">',
        '<button type="button" onclick="go()">',
        "<a href=x onmouseover='go()'>",
        '<form hx-on::after-request="go()">',
        '<a href="javascript:go()">',
        '<div {% if x %}style="display:none"{% endif %}>',
    ],
)
def test_the_scan_finds_what_the_policy_blocks(text):
    assert violations(text)


@pytest.mark.parametrize(
    "text",
    [
        '<script src="/static/js/app.js" defer></script>',
        '<script id="data" type="application/json">{"a": 1}</script>',
        '{% include "x.html" with style="outline-primary" %}',
        '<svg viewBox="0 0 10 10"><rect fill="#000" stroke-width="1" width="4" height="4"/></svg>',
        '<a href="{% url "x" %}" class="{{ style }}" data-online="yes">',
        "{% comment %}<script>old()</script>{% endcomment %}",
    ],
)
def test_the_scan_allows_what_the_policy_allows(text):
    assert violations(text) == []


def _policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


@pytest.mark.django_db
def test_the_sign_in_page_carries_the_policy(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert _policy(response) == POLICY


@pytest.mark.django_db
def test_a_signed_in_page_carries_the_policy_and_htmx_adds_no_inline_style(client):
    client.force_login(make_user(Role.OFFICER))
    response = client.get(reverse("home-officer"))
    assert _policy(response) == POLICY
    page = response.content.decode()
    assert """<meta name="htmx-config" content='{"includeIndicatorStyles": false}'>""" in page
    assert not violations(page)


@pytest.mark.django_db
def test_the_api_docs_load_their_script_from_a_url_under_the_policy(client):
    client.force_login(make_user(Role.OFFICER))
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    assert _policy(response) == POLICY
    page = response.content.decode()
    assert not violations(page)
    script_url = re.search(r'<script src="([^"]*\bscript=[^"]*)"', page).group(1)
    script = client.get(script_url.replace("&amp;", "&"))
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()
