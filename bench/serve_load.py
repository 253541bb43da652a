"""Load on ``coevo serve``: many simulated people breeding at once on the loopback address, per artist.

Starts the real server (its own process, ``--size 256``), then for each artist ``--people`` threads, each a visitor
with their own cookie, start a session and breed ``--generations`` generations: a generation is the form post of a
click (``POST /breed/SID/choose``, answered by a redirect once the next generation is bred, rendered, encoded and
stored) and the breeding page it leads to (``GET /breed/SID``, the fifteen PNGs inline). Reports p50/p95 of the
whole next generation and of its two halves (the page alone is the baseline: serving without breeding), counts
5xx and other failures, and checks the database afterwards: every session at its last generation with every
state stored (no lost rows). Goal (issue 26): p95 next generation <= 300 ms at 256² with 20 people on 2 cores.

    PYTHONPATH=. python bench/serve_load.py [--people 20] [--generations 20] [--artists biomorph,gp,cppn]
                                            [--think SECONDS]  (0: clicks back to back, the worst case)
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GOAL_MS = 300.0


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Person:
    """One simulated visitor: a cookie jar, a CSRF token, a session, and the times and statuses they saw."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                                  NoRedirect)
        self.choose_ms: list[float] = []
        self.page_ms: list[float] = []
        self.statuses: list[int] = []
        self.session = ""

    def call(self, path: str, fields: dict[str, object] | None = None) -> tuple[int, str, str]:
        data = None if fields is None else urllib.parse.urlencode(fields).encode()
        try:
            with self.opener.open(urllib.request.Request(self.url + path, data=data), timeout=600) as answer:
                return answer.status, answer.read().decode(), answer.headers.get("location", "")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace"), error.headers.get("location", "")

    def breed(self, artist: str, generations: int, rng: int, think: float = 0.0) -> None:
        status, front, _ = self.call("/")
        csrf = re.search(r'name="csrf" value="([^"]+)"', front).group(1)
        status, _, self.session = self.call("/start", {"csrf": csrf, "artist": artist})
        self.statuses.append(status)
        self.call(self.session)
        for generation in range(generations):
            if think:  # a person looks at the fifteen children before clicking one (staggered start)
                time.sleep(think * (0.5 + ((rng * 7919 + generation * 104729) % 1000) / 1000))
            start = time.perf_counter()
            status, _, _ = self.call(f"{self.session}/choose", {"csrf": csrf, "child": (rng + generation * 7) % 15})
            middle = time.perf_counter()
            page, text, _ = self.call(self.session)
            end = time.perf_counter()
            self.statuses += [status, page]
            if status == 303 and page == 200 and f'data-generation="{generation + 1}"' in text:
                self.choose_ms.append((middle - start) * 1000)
                self.page_ms.append((end - middle) * 1000)


def cpu_seconds(pid: int) -> float:
    """The server's CPU time so far (user + system, Linux): per generation, what one costs whatever the load."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


def rss_mb(pid: int) -> float:
    """The server's resident memory (Linux), to see that sessions do not pile up."""
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * 4096 / 2**20
    except (OSError, IndexError, ValueError):
        return float("nan")


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def lost_rows(root: Path, people: list[Person], generations: int) -> int:
    """Sessions whose stored state is not at their last generation with every step kept."""
    sys.path.insert(0, str(REPO))
    from gallery.store import Store

    lost = 0
    with Store(root, create=False) as store:
        for person in people:
            sid = person.session.rsplit("/", 1)[-1]
            step = store.db.execute("SELECT step FROM web_sessions WHERE id = ?", (sid,)).fetchone()
            states = store.db.execute("SELECT count(*) FROM web_states WHERE session = ?", (sid,)).fetchone()[0]
            lost += step is None or step[0] != generations or states != generations + 1
    return lost


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=20)
    parser.add_argument("--generations", type=int, default=20)
    parser.add_argument("--artists", default="biomorph,gp,cppn")
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--think", type=float, default=0.0,
                        help="mean seconds a person looks before clicking (0: back to back, the server saturated)")
    args = parser.parse_args()
    if not (1 <= args.people <= 200 and 1 <= args.generations <= 200):
        parser.error("--people and --generations must be between 1 and 200")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "runs"
        server = subprocess.Popen([sys.executable, "-m", "coevo", "serve", "--root", str(root), "--port", "0",
                                   "--size", str(args.size), "--workers", str(args.workers)], cwd=REPO,
                                  stdout=subprocess.PIPE, text=True)
        try:
            url = re.search(r"(http://127\.0\.0\.1:\d+)/", server.stdout.readline()).group(1)
            for _ in range(600):  # ready once it answers
                try:
                    urllib.request.urlopen(f"{url}/healthz", timeout=5).close()
                    break
                except OSError:
                    time.sleep(0.05)
            load = open("/proc/loadavg").read().split()[:3] if Path("/proc/loadavg").exists() else ["?"]
            print(f"coevo serve at {url}: {args.people} people x {args.generations} generations, {args.size}², "
                  f"{args.workers} workers, think {args.think:g} s; load before: {' '.join(load)}")
            print(f"{'artist':10} {'p50 ms':>8} {'p95 ms':>8} {'choose p95':>11} {'page p95':>9} {'5xx':>4} "
                  f"{'failed':>6} {'lost':>5} {'wall s':>7} {'RSS MB':>7} {'CPU ms/gen':>10}")
            for artist in args.artists.split(","):
                warm = Person(url)
                warm.breed(artist, 1, 0)  # compiles the artist's kernels before the clock starts
                people = [Person(url) for _ in range(args.people)]
                threads = [threading.Thread(target=p.breed, args=(artist, args.generations, k, args.think))
                           for k, p in enumerate(people)]
                began, cpu = time.perf_counter(), cpu_seconds(server.pid)
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                wall = time.perf_counter() - began
                per_generation = (cpu_seconds(server.pid) - cpu) * 1000 / max(1, args.people * args.generations)
                total = [c + p for person in people for c, p in zip(person.choose_ms, person.page_ms)]
                choose = [c for person in people for c in person.choose_ms]
                page = [p for person in people for p in person.page_ms]
                statuses = [s for person in people for s in person.statuses]
                server_errors = sum(s >= 500 for s in statuses)
                failed = args.people * args.generations - len(total)
                lost = lost_rows(root, people, args.generations)
                print(f"{artist:10} {percentile(total, 50):8.0f} {percentile(total, 95):8.0f} "
                      f"{percentile(choose, 95):11.0f} {percentile(page, 95):9.0f} {server_errors:4d} {failed:6d} "
                      f"{lost:5d} {wall:7.1f} {rss_mb(server.pid):7.0f} {per_generation:10.0f}", flush=True)
            print(f"goal: p95 <= {GOAL_MS:.0f} ms; load after: {open('/proc/loadavg').read().split()[:3]}")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
