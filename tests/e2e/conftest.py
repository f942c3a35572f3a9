"""Browser journeys: Debian's Chromium, driven by Playwright, against pytest-django's live server.

Every test in this folder is marked `e2e` (`pytest -m "not e2e"` leaves them out). The catalogs
and role groups come from data migrations, so each journey restores them after the previous
transactional test's flush (`serialized_rollback`).
"""

import os
import re
from io import BytesIO
from pathlib import Path

import pytest
from django.db import connections
from PIL import Image
from playwright.sync_api import BrowserContext, Page, Response, expect, sync_playwright

from tests.nu_checker import nu_errors

CHROMIUM = Path("/usr/bin/chromium")
# Without the networking flags Chromium keeps calling Google's hosts, which a closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=en-GB",
]
PASSWORD = "a-long-test-password"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))


@pytest.fixture(scope="session")
def served_documents():
    """The HTML documents the journeys' browsers were served, by request and language; when the
    run ends, the Nu checker reads them all in one Java run and fails on any error."""
    documents: dict[str, str] = {}
    yield documents
    if documents:
        errors = nu_errors(documents)
        assert not errors, f"{len(errors)} Nu checker errors in the journeys' pages:\n" + "\n".join(errors)


def keep_documents(context: BrowserContext, documents: dict[str, str], language: str) -> None:
    """Keeps each HTML document `context` is served (not its scripts, styles or htmx fragments)."""

    def keep(response: Response) -> None:
        request = response.request
        if response.status in range(300, 400):
            return  # a redirect has no body to check; the browser goes on to the page it names
        if request.resource_type == "document" and "text/html" in response.headers.get("content-type", ""):
            path = request.url.split("://", 1)[-1].partition("/")[2]
            documents[f"{request.method} /{path} ({language}, {response.status})"] = response.text()

    context.on("response", keep)


@pytest.fixture
def browser(monkeypatch):
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make e2e` installs Debian's chromium package.")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
    # between browser steps are still plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # The ORM calls a journey makes while Playwright runs leave a connection that the test
        # database's teardown does not see; PostgreSQL then refuses to drop the database
        # ("being accessed by other users").
        connections.close_all()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if report.when == "call":
        item.journey_failed = report.failed
    return report


@pytest.fixture
def page(request, browser, live_server, tmp_path, served_documents) -> Page:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(10_000)
    keep_documents(context, served_documents, "en")
    page = context.new_page()
    yield page
    if getattr(request.node, "journey_failed", False):
        picture = tmp_path / "failure.png"
        page.screenshot(path=picture, full_page=True)
        print(f"The page at {page.url} when the journey failed: {picture}")
    context.close()


@pytest.fixture
def screenshot(page, tmp_path):
    """Saves a full-page picture of where the journey is (the `page`, or `on=` a page of a
    browser context of the journey's own): into MESOPLAN_SCREENSHOTS when set (`make e2e`
    sets docs/screenshots), otherwise beside the test's temporary files."""
    folder = Path(os.environ.get("MESOPLAN_SCREENSHOTS") or tmp_path)

    def take(name: str, *, on: Page | None = None) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        picture = Image.open(BytesIO((on or page).screenshot(full_page=True)))
        # 256 colours are plenty for flat pages and make the committed PNGs about 4 times smaller.
        picture.convert("RGB").quantize(256).save(folder / f"{name}.png", optimize=True)

    return take


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def arrive(page: Page, path: str) -> None:
    """Waits until the browser shows `path` (a regular expression) and has run its scripts:
    typing into a search-as-you-type field before htmx starts would go unheard."""
    expect(page).to_have_url(re.compile(path))
    page.wait_for_load_state()
