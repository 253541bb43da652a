"""Serves a built gallery site on 127.0.0.1 with the standard library's HTTP server."""

from __future__ import annotations

import functools
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from coevo.errors import CoevoError


def make_server(site: Path, port: int = 8000) -> ThreadingHTTPServer:
    """A server for the files under ``site``, bound to 127.0.0.1 only (``port`` 0 picks a free port)."""
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(site))
    try:
        return ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as exc:
        raise CoevoError(f"cannot serve on 127.0.0.1:{port} ({exc.strerror}); pick another --port") from None
