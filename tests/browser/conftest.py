"""Browser fixtures: the session's app served on 127.0.0.1 in a thread, Debian's Chromium driven by
Playwright (never a downloaded browser), a fresh browser context per test, and a log-in helper that
goes through the real login form.

The server serves the same `app` (and so the same database) as the `db` and `make` fixtures: data
made with `make` is committed by the factories and is what the browser sees.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from servicecenter.pdf import fonts

from ..factories import PASSWORD

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
# Chromium's own network chatter is refused on a closed network; these flags keep it quiet.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.skip(
            "browser tests need Debian's Chromium at /usr/bin/chromium "
            "(apt-get install chromium, or `make browser`); Playwright's download is not used"
        )
    return path


@pytest.fixture(scope="session")
def live_server(app):
    """The app on a free port of 127.0.0.1, threaded like a real server; its base URL."""
    # Cut the PDF fonts before any page waits on a print (seconds, once per machine).
    fonts.font_files(Path(app.instance_path) / "fonts")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
    except Exception:
        playwright.stop()
        raise
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def csrf_on(app, monkeypatch):
    """Forms carry and check their CSRF token, as in production (the testing config turns it off
    for the test client). Flask-WTF reads the setting on every request, so this is per test."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


@pytest.fixture
def page(browser, live_server, db, csrf_on):
    """A page in a fresh browser context (no cookies), English, desktop size.

    The test fails if a page throws a JavaScript error or a stylesheet, script, image or font it
    loads is missing: a broken page can still pass text assertions.
    """
    context = browser.new_context(
        base_url=live_server, locale="en-US", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    problems: list[str] = []
    context.on("weberror", lambda error: problems.append(f"JavaScript error: {error.error}"))

    def check(response) -> None:
        # Pages answer 404 or 422 on purpose (not found, form errors); what they load must not.
        if response.status >= 400 and response.request.resource_type != "document":
            problems.append(f"{response.status} for {response.url}")

    context.on("response", check)
    page = context.new_page()
    yield page
    context.close()
    assert not problems, problems


@pytest.fixture
def screenshot(page):
    """Save a full-page screenshot to test-artifacts/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> None:
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)

    return take


@pytest.fixture
def log_in(page):
    """Log in through the login form as a user of `make.net` (password tests.factories.PASSWORD)."""

    def log_in_as(user) -> None:
        page.goto("/login")
        page.get_by_label("Login", exact=True).fill(user.username)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(lambda url: "/login" not in url)

    return log_in_as
