"""Serves a built gallery site on 127.0.0.1 with the standard library's HTTP server."""

from __future__ import annotations

import functools
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from coevo.errors import CoevoError
from coevo.store.untrusted import contained_file, inside


class SiteHandler(SimpleHTTPRequestHandler):
    """The standard file handler, but only for the site's own files: a path that a symlink leads out of the site,
    or that is a FIFO or device, is 404 (the site may hold files a run linked to)."""

    def send_head(self) -> Any:
        path = Path(self.translate_path(self.path))
        root = Path(self.directory)
        if path.is_dir() and inside(path, root):
            index = path / "index.html"
            if not index.exists() or contained_file(index, root):
                return super().send_head()  # a folder listing, or its own index page
        elif contained_file(path, root):
            return super().send_head()
        self.send_error(HTTPStatus.NOT_FOUND, "File not found")
        return None


def make_server(site: Path, port: int = 8000) -> ThreadingHTTPServer:
    """A server for the files under ``site``, bound to 127.0.0.1 only (``port`` 0 picks a free port)."""
    handler = functools.partial(SiteHandler, directory=str(site))
    try:
        return ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as exc:
        raise CoevoError(f"cannot serve on 127.0.0.1:{port} ({exc.strerror}); pick another --port") from None
