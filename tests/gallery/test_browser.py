"""The built gallery in headless Chromium, served by ``coevo gallery serve``: pages load, every image and link
resolves, and a screenshot shows something."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
from PIL import Image

from gallery.store import Store
from tests.conftest import patience
from tests.gallery.conftest import Branched

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's `chromium` is not installed "
                                "(apt-get install chromium; .ci/run installs it)")


class Links(HTMLParser):
    """Collects every href and src of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.images: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "img" and values.get("src"):
            self.images.append(values["src"] or "")
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=patience(30)) as response:
        assert response.status == 200, url
        return response.read()


def chromium(url: str, profile: Path, screenshot: Path | None = None) -> str:
    """The page's DOM after load (and a screenshot) from headless Chromium."""
    command = [CHROMIUM or "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
               "--window-size=1100,900", "--dump-dom", url]
    if screenshot is not None:
        command.insert(-2, f"--screenshot={screenshot}")
    done = subprocess.run(command, capture_output=True, text=True, timeout=patience(120))
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.fixture
def served(branched: Branched, tmp_path: Path):  # -> (base url, root, missing id)
    root = tmp_path / "runs"
    shutil.copytree(branched.root, root)
    with Store(root) as store:
        rows = store.individuals()
        store.publish(rows[-1].id, "Last light")
    assert rows[0].image is not None
    rows[0].image.unlink()  # one image lost: reported on its page, not a broken link
    log = open(tmp_path / "server.log", "w")  # closed in the finally below
    server = subprocess.Popen([sys.executable, "-m", "coevo", "gallery", "serve", "--root", str(root), "--port", "0"],
                              cwd=REPO, stdout=subprocess.PIPE, stderr=log, text=True,
                              env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        assert "serving" in line, (tmp_path / "server.log").read_text()
        yield line.split(" at ")[1].split()[0], root, rows[0].id, tmp_path
    finally:
        server.terminate()
        server.wait(patience(30))
        log.close()


def test_the_served_site_loads_in_chromium_with_every_image_and_link(served) -> None:
    base, root, missing, tmp = served
    with Store(root) as store:
        folders = [str(run.path) for run in store.runs()]  # the machine's absolute run folders: on no page
    seen, queue, pages = set(), [urljoin(base, "index.html")], {}
    while queue:  # crawl every page reachable from the front page
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        body = fetch(url)
        if not url.endswith(".html"):
            continue
        parser = Links()
        parser.feed(body.decode("utf-8"))
        assert not any(folder in body.decode("utf-8") for folder in folders), url
        pages[url] = parser
        for src in parser.images:
            assert not urlparse(src).scheme, f"{url} links an outside image {src}"
            with Image.open(io.BytesIO(fetch(urljoin(url, src)))) as image:
                assert image.width > 0
        queue += [urljoin(url, href) for href in parser.links]
    with Store(root) as store:
        expected = 1 + len(store.runs()) + len(store.individuals())
    assert len(pages) == expected  # every run and individual page is linked from somewhere

    shot = tmp / "front.png"
    front = chromium(urljoin(base, "index.html"), tmp / "profile", shot)
    assert 'data-broken-images="0"' in front and "Last light" in front
    lost = chromium(urljoin(base, f"individual-{missing}.html"), tmp / "profile")
    assert 'data-broken-images="0"' in lost and "image missing" in lost and "lineage tree" in lost
    run = chromium(urljoin(base, "run-2.html"), tmp / "profile")
    assert 'data-broken-images="0"' in run and "round-0000" in run
    assert not any(folder in dom for dom in (front, lost, run) for folder in folders)
    with Image.open(shot) as image:
        grey = image.convert("L")
        histogram = grey.histogram()
        assert grey.getextrema()[0] < 100  # text and images drawn, not an empty white page
        assert sum(histogram[:250]) > 0.01 * grey.width * grey.height
        assert len(image.convert("RGB").getcolors(1 << 20) or []) > 8
    errors = [line for line in (tmp / "server.log").read_text().splitlines() if '" 404 ' in line]
    assert not errors, errors
