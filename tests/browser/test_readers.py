"""What readers see on a laptop (1280 px) and a phone (390 px): titles that wrap between
path segments, a status dashboard that fits or stacks, the routing table in the navigation,
API paths that wrap, no writers' notes, and edit/history links. Screenshots of each page at
both widths are kept under build/screenshots/."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = pytest.mark.browser
WIDTHS = {"laptop": (1280, 900), "phone": (390, 844)}
IMPORTED = "services/storage/wiki/api-1-0.html"  # wiki page "Services/Storage/API 1.0"

# For every element matched, the character before each line break inside its text: a break
# after "/", a space or a hyphen is fine, anything else is a word broken in the middle.
BREAKS_JS = """
const out = [];
for (const el of document.querySelectorAll(arguments[0])) {
  if (!el.getClientRects().length) continue;
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  let previous = null, lastTop = null;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.length; i++) {
      if (!node.data[i].trim()) { previous = " "; continue; }
      const range = document.createRange();
      range.setStart(node, i); range.setEnd(node, i + 1);
      const rect = range.getClientRects()[0];
      if (!rect) continue;
      if (lastTop !== null && rect.top > lastTop + 2) out.push([el.textContent, previous]);
      lastTop = rect.top; previous = node.data[i];
    }
  }
}
return out;"""


def open_page(driver: Any, url: str, size: tuple[int, int]) -> None:
    driver.set_window_size(*size)
    driver.get(url)
    WebDriverWait(driver, 15).until(
        lambda d: d.execute_script("return document.readyState") == "complete")


def shoot(driver: Any, screenshots: Path, name: str) -> None:
    path = screenshots / f"{name}.png"
    driver.save_screenshot(str(path))
    assert path.stat().st_size > 5_000


def horizontal_overflow(driver: Any) -> int:
    return driver.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.parametrize("width", WIDTHS)
def test_titles_wrap_between_segments(browser: Any, base_url: str, screenshots: Path,
                                      width: str) -> None:
    for page in (IMPORTED, "source/status.html", "source/writers-guide.html"):
        open_page(browser, base_url + page, WIDTHS[width])
        breaks = browser.execute_script(BREAKS_JS, "article h1, article h2, .sidebar-tree a")
        assert all(before in "/ -" for _text, before in breaks), (page, breaks)
        if page == IMPORTED:  # titled by the end of its wiki title, which the note gives
            title = browser.find_element(By.CSS_SELECTOR, "article h1").text
            assert title.rstrip("¶").strip() == "API 1.0"
            article = browser.find_element(By.CSS_SELECTOR, "article").text
            assert "Imported from the wiki page Services/Storage/API 1.0." in article
        assert horizontal_overflow(browser) <= 0
    open_page(browser, base_url + IMPORTED, WIDTHS[width])
    shoot(browser, screenshots, f"imported-page-{width}")


def test_status_dashboard_fits_a_laptop(browser: Any, base_url: str, screenshots: Path) -> None:
    open_page(browser, base_url + "source/status.html", WIDTHS["laptop"])
    wrapper = browser.find_element(By.CSS_SELECTOR, "article table.docscenter-status")
    assert "table-wrapper" in wrapper.find_element(By.XPATH, "..").get_attribute("class")
    overflow = browser.execute_script(
        "const w = arguments[0].parentElement; return w.scrollWidth - w.clientWidth;", wrapper)
    assert overflow <= 0, f"the status table scrolls sideways by {overflow}px"
    shoot(browser, screenshots, "status-laptop")


def test_status_dashboard_stacks_on_a_phone(browser: Any, base_url: str,
                                            screenshots: Path) -> None:
    open_page(browser, base_url + "source/status.html", WIDTHS["phone"])
    rows = browser.find_elements(By.CSS_SELECTOR, "table.docscenter-status tbody tr")
    assert rows
    assert all(row.value_of_css_property("display") == "block" for row in rows)
    label = browser.execute_script("return getComputedStyle(arguments[0], '::before').content",
                                   rows[0].find_element(By.CSS_SELECTOR, "td.docscenter-col-pages"))
    assert label == '"Pages"'
    assert horizontal_overflow(browser) <= 0
    shoot(browser, screenshots, "status-phone")


@pytest.mark.parametrize("width", WIDTHS)
def test_routing_table_is_in_the_navigation(browser: Any, base_url: str, width: str) -> None:
    open_page(browser, base_url + "source/glossary.html", WIDTHS[width])
    links = browser.find_elements(By.CSS_SELECTOR, ".sidebar-tree a")
    target = next(a for a in links if a.get_attribute("textContent") == "HTTP Routing Table")
    assert target.get_attribute("href").endswith("/http-routingtable.html")
    if width == "laptop":
        target.click()
        WebDriverWait(browser, 15).until(lambda d: d.current_url.endswith(
            "http-routingtable.html"))
        current = browser.find_element(By.CSS_SELECTOR, ".sidebar-tree li.current-page a")
        assert current.text == "HTTP Routing Table"


@pytest.mark.parametrize("width", WIDTHS)
def test_api_paths_wrap(browser: Any, base_url: str, screenshots: Path, width: str) -> None:
    open_page(browser, base_url + "services/storage/apis-1.1.html", WIDTHS[width])
    signatures = browser.find_elements(By.CSS_SELECTOR, "dl.http > dt")
    assert signatures
    for dt in signatures:
        assert browser.execute_script(
            "return arguments[0].scrollWidth <= arguments[0].clientWidth + 1", dt), dt.text
    assert horizontal_overflow(browser) <= 0
    shoot(browser, screenshots, f"api-{width}")


def test_writers_notes_are_not_shown(browser: Any, base_url: str) -> None:
    open_page(browser, base_url + "source/glossary.html", WIDTHS["laptop"])
    text = browser.find_element(By.CSS_SELECTOR, "article").text
    assert "Keep the entries sorted" not in text and "keep the entries sorted" not in text


@pytest.fixture(scope="module")
def github_center(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A new center in a Git clone whose origin is on GitHub, built and served."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    root = tmp_path_factory.mktemp("remote") / "center"
    run = functools.partial(subprocess.run, check=True, capture_output=True)
    run([sys.executable, "-m", "docscenter", "init", str(root), "--title", "Acme", "--no-hg"])
    for argv in (["init", "-q", "-b", "main"],
                 ["remote", "add", "origin", "git@github.com:acme/center.git"],
                 ["add", "-A"],
                 ["-c", "user.name=Ada", "-c", "user.email=ada@example.org", "commit", "-q",
                  "-m", "first"]):
        run(["git", *argv], cwd=root)
    out = root / "build/html"
    run([sys.executable, "-m", "sphinx", "build", "-b", "html", "-W", "-n", "-q", str(root),
         str(out)])
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("width", WIDTHS)
def test_edit_and_history_links(browser: Any, github_center: str, screenshots: Path,
                                width: str) -> None:
    open_page(browser, github_center + "source/glossary.html", WIDTHS[width])
    edit = browser.find_element(By.CSS_SELECTOR, "a[rel=edit]")
    assert edit.get_attribute("href") == (
        "https://github.com/acme/center/edit/main/source/glossary.rst")
    assert edit.is_displayed()
    history = browser.find_element(By.CSS_SELECTOR, ".docscenter-page-history").find_element(
        By.LINK_TEXT, "history")
    assert history.get_attribute("href") == (
        "https://github.com/acme/center/commits/main/source/glossary.rst")
    shoot(browser, screenshots, f"edit-links-{width}")
