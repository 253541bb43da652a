"""What ``coevo serve`` offers beyond the default artists (gallery/web/serve.py): a dcgan run's latent space as a
start, and a Blind Watchmaker album's biomorph imported for visitors to branch, both bred through the site."""

from __future__ import annotations

import http.cookiejar
import io
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import warnings
from pathlib import Path

import pytest
from PIL import Image

from coevo.commands.main import main
from gallery.store import Store
from gallery.web.serve import prepare

warnings.filterwarnings("ignore", message=".*httpx.*")  # Starlette's TestClient prefers httpx2; httpx works
from starlette.testclient import TestClient  # noqa: E402

from gallery.web.app import make_app  # noqa: E402
from tests.gallery.web.test_app import Visitor, message  # noqa: E402

REPO = Path(__file__).resolve().parents[3]


def test_a_latent_run_is_offered_and_bred_in_the_browser(tmp_path: Path) -> None:
    run = tmp_path / "dcgan"
    assert main(["run", "--artist", "dcgan", "--critic", "cnn", "--size", "28", "--fakes", "latest", "--rounds", "1",
                 "--pop", "4", "--batch", "4", "--warmup", "0", "--device", "cpu", "--artist-option", "ngf=8",
                 "--critic-option", "width=8", "--out", str(run)]) == 0
    root = tmp_path / "runs"
    starts = prepare(root, [], [run])
    latent = starts[-1]
    assert latent.artist == "latent" and latent.options["run"] == str(run.resolve()) and "dcgan" in latent.label
    with TestClient(make_app(root, size=32, starts=starts), follow_redirects=False) as client:
        visitor = Visitor(client)
        assert f'value="{latent.key}"' in client.get("/").text
        session = visitor.start(artist=latent.key)
        visitor.post(f"{session}/choose", child=4)
        assert visitor.status(session)["generation"] == 1
        page = client.get(session).text
        assert page.count('name="gene"') == 5 and "animation.gif" in page
        moved = client.post(f"{session}/genes", data={"csrf": visitor.csrf, "child": "3",
                                                      "gene": ["2", "0", "-1.5", "0", "0"]})
        assert moved.status_code == 303
        assert visitor.status(session) == {"generation": 1, "undo": 2, "redo": 0}
        too_far = client.post(f"{session}/genes", data={"csrf": visitor.csrf, "child": "3", "gene": ["9"]})
        assert too_far.status_code == 400 and "gene must be from -3 to 3" in message(too_far)
        gif = client.get(f"{session}/animation.gif?from=0&to=5&frames=6&size=32")
        with Image.open(io.BytesIO(gif.content)) as animation:
            assert animation.format == "GIF" and animation.n_frames == 10 and animation.size == (32, 32)
        assert client.get(f"{session}/animation.gif?frames=500").status_code == 400
        individual = visitor.post(f"{session}/save", child=2).headers["location"]
    with Store(root) as store:
        row = store.get(int(individual.rsplit("/", 1)[1]))
    assert row.artist == "latent" and len(row.genome["z"]) > 0


def test_an_album_biomorph_is_imported_and_branched(shared_data: Path, tmp_path: Path) -> None:
    album = next(p for p in sorted((shared_data / "dawkins-albums").iterdir()) if p.is_file() and not p.suffix
                 and p.name != "LICENSE")
    root = tmp_path / "runs"
    prepare(root, [f"{album}#1"], [], size=32)
    with Store(root) as store:
        imported = store.individuals()[0]
    assert imported.artist == "biomorph"
    with TestClient(make_app(root, size=32), follow_redirects=False) as client:
        visitor = Visitor(client)
        session = visitor.start(parent=imported.id)
        visitor.post(f"{session}/choose", child=1)
        refused = visitor.post(f"{session}/genes", child=1, gene=1)
        assert refused.status_code == 400 and "sliders move a generator's latent space" in message(refused)
        saved = int(visitor.post(f"{session}/save", child=0).headers["location"].rsplit("/", 1)[1])
    with Store(root) as store:
        assert imported.id in [row.id for row in store.lineage(saved)]


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "0.0.0.0", "localhost"])
def test_addresses_that_are_accepted(host: str) -> None:
    from gallery.web.serve import check_address

    check_address(host, 8000)


def serve_process(root: Path, size: int = 64) -> tuple[subprocess.Popen, str]:
    """``coevo serve`` on a free port of 127.0.0.1 in its own process, and its address once it answers."""
    process = subprocess.Popen([sys.executable, "-m", "coevo", "serve", "--root", str(root), "--port", "0",
                                "--size", str(size)], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    line = process.stdout.readline() if process.stdout else ""
    found = re.search(r"(http://127\.0\.0\.1:\d+)/", line)
    if not found:
        process.kill()
        raise AssertionError(f"coevo serve did not start: {line}{process.stdout.read() if process.stdout else ''}")
    url, deadline = found.group(1), time.monotonic() + 60
    while True:  # the socket listens before the app has started: wait until it answers
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=5) as answer:
                if answer.status == 200:
                    return process, url
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise AssertionError("coevo serve never answered") from None
            time.sleep(0.05)


class Browser:
    """A visitor over HTTP: a cookie jar that outlives a server, the CSRF token, form posts."""

    def __init__(self) -> None:
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.csrf = ""

    def get(self, url: str) -> str:
        with self.opener.open(url, timeout=120) as answer:
            text = answer.read().decode()
        self.csrf = re.search(r'name="csrf" value="([^"]+)"', text).group(1)
        return text

    def post(self, url: str, **fields: object) -> str:
        body = urllib.parse.urlencode({"csrf": self.csrf, **fields}).encode()
        with self.opener.open(urllib.request.Request(url, data=body), timeout=120) as answer:
            return answer.geturl()


@pytest.mark.slow  # starts the server twice (torch and the artists imported each time): 15-50 s on 2 shared cores
def test_a_server_killed_with_sigkill_loses_no_answered_request(tmp_path: Path) -> None:
    root, visitor = tmp_path / "runs", Browser()
    process, url = serve_process(root)
    try:
        visitor.get(f"{url}/")
        session = urllib.parse.urlparse(visitor.post(f"{url}/start", artist="biomorph")).path
        for child in (2, 7, 11):
            visitor.post(f"{url}{session}/choose", child=child)
        visitor.post(f"{url}{session}/undo")
        before = re.findall(r"data:image/jpeg;base64,([^\"]+)", visitor.get(f"{url}{session}"))
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    process, url = serve_process(root)
    try:
        page = visitor.get(f"{url}{session}")
        assert 'data-generation="2" data-undo="2" data-redo="1"' in page
        assert re.findall(r"data:image/jpeg;base64,([^\"]+)", page) == before
        visitor.post(f"{url}{session}/redo")
        assert 'data-generation="3"' in visitor.get(f"{url}{session}")
    finally:
        process.terminate()
        process.wait(timeout=30)
