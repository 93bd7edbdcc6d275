"""Debian's headless Chromium (never a downloaded browser), driven by Playwright, with axe."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

CHROMIUM = os.environ.get("VICTIMCARE_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


class Console:
    """What the browser complained about while a test ran: console errors and warnings, script
    errors, and requests that failed or were answered 404. A clean console is part of every
    browser test; a test that expects a complaint (a page it means to be refused) says so with
    `allow(...)`, naming a part of the message."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.allowed: list[str] = []
        self.downloads: set[str] = set()

    def allow(self, *fragments: str) -> None:
        self.allowed.extend(fragments)

    def add(self, problem: str) -> None:
        self.problems.append(problem)

    def dirty(self) -> list[str]:
        return [p for p in self.problems if not any(a in p for a in self.allowed)]

    def watch(self, context) -> None:
        """Every page of a browser context, popups included."""
        context.on("console", self._on_console)
        context.on("weberror", lambda error: self.add(f"script error: {error.error}"))
        context.on("requestfailed", self._on_request_failed)
        context.on("response", self._on_response)

    def _on_console(self, message) -> None:
        if message.type in ("error", "warning"):
            where = message.location.get("url", "") if message.location else ""
            self.add(f"console {message.type}: {message.text} [{where}]")

    def _on_request_failed(self, request) -> None:
        # A file handed out as an attachment ends its navigation as "aborted": that is the
        # download, not a failure.
        if request.url in self.downloads:
            return
        # An image or style still loading when the test moves to the next page is cancelled by
        # the browser (net::ERR_ABORTED): the page's fault would show as a 404 or a console
        # error, which are caught apart.
        if request.failure == "net::ERR_ABORTED" and request.resource_type != "document":
            return
        self.add(f"request failed: {request.method} {request.url} ({request.failure})")

    def _on_response(self, response) -> None:
        if response.headers.get("content-disposition", "").startswith("attachment"):
            self.downloads.add(response.url)
        if response.status == 404:
            self.add(f"404: {response.request.method} {response.url}")


class WatchedBrowser:
    """The session's Chromium as a test sees it: every context it opens is watched by the
    test's Console, so a test that opens its own (a phone, a second user) is held to a clean
    console too."""

    def __init__(self, chromium, console: Console) -> None:
        self._chromium = chromium
        self.console = console
        self.contexts: list = []

    def new_context(self, **options):
        # No transitions (Bootstrap honours the setting): axe measuring a button's colours half
        # way through its hover fade read a contrast no user is shown for long.
        options.setdefault("reduced_motion", "reduce")
        context = self._chromium.new_context(**options)
        self.console.watch(context)
        self.contexts.append(context)
        return context

    def open_pages(self) -> list:
        return [page for context in self.contexts for page in context.pages if not page.is_closed()]

    def __getattr__(self, name):
        return getattr(self._chromium, name)


@pytest.fixture
def console():
    return Console()


@pytest.fixture
def browser(chromium, console, request):
    watched = WatchedBrowser(chromium, console)
    request.node.watched_browser = watched
    return watched


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = request.node.nodeid.replace("/", "_").replace("::", "__")
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Fail a browser test that leaves the console dirty (as a failure of the test itself, with
    every complaint listed)."""
    result = yield
    watched = getattr(item, "watched_browser", None)
    if watched is not None:
        for page in watched.open_pages():
            # Events reach Python while Playwright waits on the browser: one round trip
            # delivers whatever the last step caused.
            page.evaluate("0")
        if watched.console.dirty():
            pytest.fail(
                "The browser console is not clean:\n" + "\n".join(watched.console.dirty()),
                pytrace=False,
            )
    return result


@pytest.fixture
def assert_accessible():
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page) -> None:
        # A click that navigates returns before the next document exists; axe run in that gap
        # finds no document (or its context is destroyed). Wait for the page to settle and try
        # again, a few times, so the check reads the page the test meant.
        for attempt in range(3):
            page.wait_for_load_state("load")
            try:
                results = axe.run(page)
                break
            except PlaywrightError as error:
                text = str(error)
                if attempt == 2 or not (
                    "documentElement" in text or "Execution context was destroyed" in text
                ):
                    raise
        assert results.violations_count == 0, (
            f"axe found problems on {page.url}:\n{results.generate_report()}"
        )

    return check
