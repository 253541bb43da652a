"""``coevo serve`` in a real headless Chromium (Debian's, driven by Selenium through /usr/bin/chromedriver; no
browser download): breed five generations by clicks, undo, branch an individual another visitor published, publish,
find it on the front page, and see both sessions in its lineage. Screenshots go to ``$COEVO_WEB_SCREENSHOTS``
when it names a folder."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
REPO = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.skipif(CHROMIUM is None or CHROMEDRIVER is None,
                                reason="Debian's `chromium` and `chromium-driver` are not installed "
                                "(apt-get install chromium chromium-driver; .ci/run installs them)")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """``coevo serve`` on a free port of 127.0.0.1 in its own process; its address once it answers."""
    process = subprocess.Popen([sys.executable, "-m", "coevo", "serve", "--root", str(tmp_path / "runs"), "--port",
                                "0", "--size", "64"], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        line = process.stdout.readline() if process.stdout else ""
        found = re.search(r"(http://127\.0\.0\.1:\d+)/", line)
        assert found, f"coevo serve did not start: {line}{process.stdout.read() if process.stdout else ''}"
        url = found.group(1)
        deadline = time.monotonic() + 60
        while True:  # the socket listens before the app starts: wait until it answers
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=5) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                assert time.monotonic() < deadline and process.poll() is None, "coevo serve never answered"
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # -> selenium WebDriver
    webdriver = pytest.importorskip("selenium.webdriver")
    monkeypatch.setenv("SE_OFFLINE", "true")  # Selenium Manager downloads nothing: both paths are given
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM or ""
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1200,1100"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER or ""), options=options)
    driver.set_page_load_timeout(120)
    try:
        yield driver
    finally:
        driver.quit()


def other_visitor_publishes(url: str, title: str) -> int:
    """Another visitor (their own cookie) breeds two generations and publishes; the individual's id."""
    import http.cookiejar
    import urllib.parse

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    front = opener.open(f"{url}/").read().decode()
    csrf = re.search(r'name="csrf" value="([^"]+)"', front).group(1)

    def post(path: str, **fields: object) -> str:
        body = urllib.parse.urlencode({"csrf": csrf, **fields}).encode()
        with opener.open(urllib.request.Request(f"{url}{path}", data=body)) as answer:
            return answer.geturl()

    session = urllib.parse.urlparse(post("/start", artist="biomorph")).path
    post(f"{session}/choose", child=3)
    post(f"{session}/choose", child=8)
    return int(post(f"{session}/publish", child=2, title=title).rsplit("/", 1)[1])


def generation(driver) -> int:
    from selenium.webdriver.common.by import By

    return int(driver.find_element(By.ID, "status").get_attribute("data-generation"))


def click_and_wait(driver, element, until) -> None:
    """Click, then wait for the next page to have loaded and satisfy ``until`` (no fixed sleep)."""
    from selenium.webdriver.support.ui import WebDriverWait

    old = driver.find_element("tag name", "html")
    element.click()
    WebDriverWait(driver, 120).until(lambda d: old.id != d.find_element("tag name", "html").id and until(d))


def shot(driver, name: str, tmp_path: Path) -> None:
    folder = Path(os.environ.get("COEVO_WEB_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(folder / f"web-{name}.png"))


def test_breed_branch_publish_and_find_it_in_a_real_browser(server: str, browser, tmp_path: Path) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    theirs = other_visitor_publishes(server, "Someone else's spider")
    browser.get(f"{server}/")
    click_and_wait(browser, browser.find_element(By.ID, "start-button"), lambda d: generation(d) == 0)
    for step in range(1, 6):  # five generations, each a click on a child
        child = browser.find_elements(By.CSS_SELECTOR, "label.child img")[step]
        click_and_wait(browser, child, lambda d, s=step: generation(d) == s)
    click_and_wait(browser, browser.find_element(By.ID, "undo"), lambda d: generation(d) == 4)
    assert browser.find_element(By.ID, "status").get_attribute("data-redo") == "1"
    shot(browser, "breeding", tmp_path)

    browser.get(f"{server}/")
    tile = browser.find_element(By.CSS_SELECTOR, f'#published a.tile[data-id="{theirs}"]')
    click_and_wait(browser, tile, lambda d: "Someone else's spider" in d.find_element(By.ID, "title").text)
    assert "(another visitor's)" in browser.page_source
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "button.branch"), lambda d: generation(d) == 0)
    assert browser.find_element(By.ID, "origin").text == f"#{theirs}"
    click_and_wait(browser, browser.find_elements(By.CSS_SELECTOR, "label.child img")[4],
                   lambda d: generation(d) == 1)
    ActionChains(browser).key_down(Keys.SHIFT).click(
        browser.find_elements(By.CSS_SELECTOR, "label.child img")[6]).key_up(Keys.SHIFT).perform()
    browser.find_element(By.ID, "title").send_keys("Branched in a browser")
    click_and_wait(browser, browser.find_element(By.ID, "publish"),
                   lambda d: "Branched in a browser" in d.find_element(By.ID, "title").text)
    sessions = {row.get_attribute("data-session") for row in
                browser.find_elements(By.CSS_SELECTOR, "#lineage-table tr[data-session]")}
    assert len(sessions - {""}) == 2, sessions  # the lineage runs through both visitors' sessions
    table = browser.find_element(By.ID, "lineage-table").text
    assert "(yours)" in table and "(another visitor's)" in table and f"#{theirs}" in table
    assert browser.execute_script("return document.getElementById('lineage').naturalWidth") > 0
    shot(browser, "lineage", tmp_path)

    click_and_wait(browser, browser.find_element(By.ID, "home"), lambda d: d.find_element(By.ID, "published"))
    assert "Branched in a browser" in browser.find_element(By.ID, "published").text
    assert browser.execute_script("return Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
    shot(browser, "front", tmp_path)
