"""Running the breeding site: checking the address, importing the genomes and latent runs offered, uvicorn."""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path

from coevo.errors import CoevoError
from coevo.threads import use_threads
from gallery.store import Store
from gallery.web.breeding import DEFAULT_STARTS, Start, import_genome


def check_address(host: str, port: int) -> None:
    if not 0 <= port <= 65535:
        raise CoevoError(f"--port must be between 0 and 65535 (got {port})")
    if host != "localhost":
        try:
            ipaddress.ip_address(host)
        except ValueError:
            raise CoevoError(f"--host {host!r} is not an IP address; use 127.0.0.1 (default) or 0.0.0.0 to expose "
                             "the site") from None


def prepare(root: Path, imports: list[str], latent: list[Path], size: int = 256) -> tuple[Start, ...]:
    """Store the ``imports`` in the gallery (printing their ids) and the starts a visitor can choose: the default
    artists and each latent run."""
    starts = list(DEFAULT_STARTS)
    with Store(root) as store:
        for spec in imports:
            print(f"imported {spec} as #{import_genome(store, spec, size)}", flush=True)
    for number, run in enumerate(latent):
        if not (run / "config.toml").is_file():
            raise CoevoError(f"--latent {run} is not a run folder (no config.toml); pass a dcgan, cdcgan or vae run")
        from coevo.programs.genomes import build_genetics

        options = build_genetics("latent", {"run": str(run.resolve())})[1].options()
        starts.append(Start(f"latent{number}", f"latent space of {run.name}", "latent", options))
    return tuple(starts)


def serve(root: Path, host: str, port: int, size: int, workers: int, starts: tuple[Start, ...]) -> None:
    """Serve until Ctrl-C."""
    import uvicorn

    from gallery.web.app import make_app

    use_threads(1)  # requests run side by side in the worker pool: one torch thread each
    app = make_app(root, size, workers, starts)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
    except OSError as exc:
        listener.close()
        raise CoevoError(f"cannot serve on {host}:{port} ({exc.strerror}); pick another --port") from None
    port = listener.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", limit_concurrency=256, timeout_keep_alive=5)
    print(f"serving the breeding site of {Path(root).resolve()} at http://{host}:{port}/ (Ctrl-C stops)", flush=True)
    uvicorn.Server(config).run(sockets=[listener])
