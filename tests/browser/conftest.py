"""Browser fixtures: the repository's center built once, served on 127.0.0.1, and a headless
Chromium driven through chromedriver (both from the system; nothing is downloaded here)."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "build" / "screenshots"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_browser() -> tuple[str, str] | None:
    """(chromium, chromedriver) from $CHROMIUM/$CHROMEDRIVER or the PATH; None if missing."""
    chromium = os.environ.get("CHROMIUM") or next(
        filter(None, map(shutil.which, CHROMIUM_NAMES)), None)
    driver = os.environ.get("CHROMEDRIVER") or shutil.which("chromedriver")
    if chromium and driver and os.access(chromium, os.X_OK) and os.access(driver, os.X_OK):
        return chromium, driver
    return None


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built HTML of this repository's center.

    ``make test-browser`` builds ``build/html`` first and points $DOCSCENTER_HTML at it;
    otherwise the center is built here, strictly, into a temporary folder."""
    given = os.environ.get("DOCSCENTER_HTML")
    if given:
        html = Path(given)
        assert (html / "source" / "index.html").is_file(), f"{html} holds no built center"
        return html
    out = tmp_path_factory.mktemp("site")
    command = [sys.executable, "-m", "sphinx", "build", "-b", "html", "-W", "-n", "-q",
               "-j", "2", "-d", str(out / "doctrees"), str(REPO), str(out / "html")]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"the center does not build:\n{result.stderr}"
    return out / "html"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        pass  # the test output is not the place for an access log


@pytest.fixture(scope="session")
def base_url(site: Path) -> Iterator[str]:
    """The site served by a real HTTP server on 127.0.0.1 (search needs http://, not file://)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 functools.partial(_QuietHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """A headless Chromium; the tests skip, saying why, only when none is installed."""
    found = find_browser()
    if found is None:
        pytest.skip("no Chromium and chromedriver on this machine: install the Debian packages "
                    "'chromium' and 'chromium-driver' (.ci/run does) to run the browser tests")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, chromedriver = found
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # An explicit driver path: selenium-manager never looks for (or downloads) a driver.
    driver = webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
