"""What a reader sees, checked in a real headless Chromium against the built center: the
catalogue, navigation to a service, search, the glossary's "Used by" links, a clean console,
and screenshots of the front page and a service page under build/screenshots/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from docscenter.core.services import discover

pytestmark = pytest.mark.browser
REPO = Path(__file__).resolve().parents[2]
FRONT = "source/index.html"
SERVICES = discover(REPO / "services")


def open_page(driver: Any, url: str, width: int = 1280, height: int = 900) -> None:
    driver.set_window_size(width, height)
    driver.get(url)
    WebDriverWait(driver, 15).until(
        lambda d: d.execute_script("return document.readyState") == "complete")


def severe_console_entries(driver: Any) -> list[str]:
    """Errors the page logged since the last call (JavaScript errors, failed loads)."""
    return [entry["message"] for entry in driver.get_log("browser")
            if entry["level"] == "SEVERE"]


def search(driver: Any, base_url: str, query: str) -> list[str]:
    """Type ``query`` into the sidebar's search box; return the result URLs once Sphinx's
    search says it has finished."""
    open_page(driver, base_url + FRONT)
    box = driver.find_element(By.CSS_SELECTOR, "form.sidebar-search-container input[name=q]")
    box.send_keys(query, Keys.ENTER)
    WebDriverWait(driver, 20).until(lambda d: d.find_elements(
        By.CSS_SELECTOR, "#search-results p.search-summary") and "finished" in d.find_element(
        By.CSS_SELECTOR, "#search-results p.search-summary").text)
    return [a.get_attribute("href") or "" for a in
            driver.find_elements(By.CSS_SELECTOR, "#search-results ul.search li a")]


def full_page_screenshot(driver: Any, path: Path, width: int = 1280) -> None:
    """The whole page, not just the window: the viewport is grown to the document's height."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
    try:
        driver.save_screenshot(str(path))
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert path.stat().st_size > 10_000


def test_front_page_lists_every_service(browser: Any, base_url: str, screenshots: Path) -> None:
    assert SERVICES, "the repository's center has services"
    open_page(browser, base_url + FRONT)
    cards = browser.find_elements(By.CSS_SELECTOR, ".docscenter-catalogue .docscenter-card")
    titles = [card.find_element(By.CSS_SELECTOR, ".docscenter-card-title a").text
              for card in cards]
    assert sorted(titles) == sorted(meta.title for meta in SERVICES)
    for card, meta in zip(cards, sorted(SERVICES, key=lambda m: titles.index(m.title)),
                          strict=True):
        assert meta.lifecycle in card.text and meta.owners[0].name in card.text
        api_links = card.find_elements(By.CSS_SELECTOR, ".docscenter-card-apis a")
        assert len(api_links) == len(meta.api_versions)
    # The sidebar lists every service, under its lifecycle's caption.
    sidebar = browser.find_element(By.CSS_SELECTOR, ".sidebar-tree").text
    assert "Services in production".upper() in sidebar.upper()
    assert all(meta.title in sidebar for meta in SERVICES)
    # Reference pages are one click away.
    article = browser.find_element(By.CSS_SELECTOR, "article")
    for text in ("Glossary", "HTTP routing table"):
        assert article.find_element(By.LINK_TEXT, text).is_displayed()
    # The whole page, for people to look at.
    full_page_screenshot(browser, screenshots / "front.png")


def test_clicking_a_service_reaches_its_landing_page(browser: Any, base_url: str,
                                                      screenshots: Path) -> None:
    meta = next(m for m in SERVICES if m.name == "tokenserver")
    open_page(browser, base_url + FRONT)
    browser.find_element(By.CSS_SELECTOR, ".docscenter-catalogue").find_element(
        By.LINK_TEXT, meta.title).click()
    WebDriverWait(browser, 15).until(lambda d: d.current_url.endswith(
        "services/tokenserver/index.html"))
    assert browser.find_element(By.CSS_SELECTOR, "article h1").text.startswith(meta.title)
    header = browser.find_element(By.CSS_SELECTOR, ".docscenter-service-header")
    assert meta.lifecycle in header.text and meta.owners[0].name in header.text
    # The sidebar shows the service's own pages.
    sidebar = browser.find_element(By.CSS_SELECTOR, ".sidebar-tree").text
    assert f"{meta.title} API v{meta.api_versions[0]}" in sidebar
    full_page_screenshot(browser, screenshots / "service.png")


def test_every_page_of_a_service_has_the_header(browser: Any, base_url: str) -> None:
    open_page(browser, base_url + "services/storage/apis-1.1.html")
    header = browser.find_element(By.CSS_SELECTOR, ".docscenter-service-header")
    header.find_element(By.LINK_TEXT, "Storage").click()
    WebDriverWait(browser, 15).until(lambda d: d.current_url.endswith(
        "services/storage/index.html"))


def test_search_finds_a_glossary_term(browser: Any, base_url: str) -> None:
    found = search(browser, base_url, "assertion")
    assert any("source/glossary.html" in link for link in found), found
    assert any("services/tokenserver/" in link for link in found), found


def test_search_finds_an_endpoint_path(browser: Any, base_url: str) -> None:
    found = search(browser, base_url, "info/collections")
    # The endpoint itself (an httpdomain object, with its anchor), in both API versions.
    for page in ("apis-1.0.html", "apis-1.1.html"):
        assert any(f"services/storage/{page}" in link and "info-collections" in link
                   for link in found), found


def test_glossary_used_by_link_leads_to_the_service(browser: Any, base_url: str) -> None:
    open_page(browser, base_url + "source/glossary.html")
    # Links inside the block that says "Used by", under a term's definition.
    links = browser.execute_script("""
        const out = [];
        for (const dd of document.querySelectorAll("article dl.glossary > dd")) {
          for (const el of dd.querySelectorAll("p, div, li, dd")) {
            if (el.textContent.includes("Used by")) {
              out.push(...[...el.querySelectorAll("a")].map(a => a.href));
            }
          }
        }
        return out;""")
    to_services = [link for link in links if "/services/" in link]
    assert to_services, "no 'Used by' link to a service under any glossary term"
    browser.get(to_services[0])
    assert "/services/" in browser.current_url
    assert browser.find_element(By.CSS_SELECTOR, ".docscenter-service-header").is_displayed()


def test_no_javascript_errors(browser: Any, base_url: str) -> None:
    severe_console_entries(browser)  # start from a clean log
    pages = [FRONT, "services/storage/index.html", "services/storage/apis-1.1.html",
             "source/glossary.html", "http-routingtable.html", "genindex.html",
             "search.html?q=token"]
    errors = {}
    for page in pages:
        open_page(browser, base_url + page)
        if page.startswith("search.html"):
            WebDriverWait(browser, 15).until(lambda d: d.find_elements(
                By.CSS_SELECTOR, "#search-results ul.search li"))
        if found := severe_console_entries(browser):
            errors[page] = found
    assert errors == {}


def test_phone_layout_has_no_horizontal_scroll(browser: Any, base_url: str) -> None:
    for page in (FRONT, "services/tokenserver/index.html"):
        open_page(browser, base_url + page, width=390, height=844)
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{page} scrolls sideways on a phone by {overflow}px"
