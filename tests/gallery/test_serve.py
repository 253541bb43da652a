"""``coevo gallery serve``'s handler: the site's own files, never a file a symlink in the site leads out to."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from gallery.serve import make_server


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A served folder holding a page, a link inside it and links out of it: (base url, folder)."""
    folder = tmp_path / "site"
    (folder / "files").mkdir(parents=True)
    (folder / "index.html").write_text("<p>front</p>")
    (folder / "files" / "inner.png").symlink_to(folder / "index.html")
    (folder / "files" / "passwd.png").symlink_to("/etc/passwd")
    (folder / "files" / "etc").symlink_to("/etc")
    server = make_server(folder, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", folder
    finally:
        server.shutdown()
        server.server_close()


def status(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def test_the_site_is_served_but_no_symlink_out_of_it(site: tuple[str, Path]) -> None:
    base, _ = site
    assert status(base) == (200, b"<p>front</p>")
    assert status(base + "files/inner.png") == (200, b"<p>front</p>")  # a link that stays inside
    assert status(base + "files/passwd.png")[0] == 404
    assert status(base + "files/etc/passwd")[0] == 404
    assert status(base + "files/etc/")[0] == 404
    assert status(base + "../../../etc/passwd")[0] == 404
