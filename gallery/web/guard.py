"""What the breeding site refuses, and how: its bounds, the refusal with its one-line message, the CSRF token,
the cookie secret and the per-visitor request rate."""

from __future__ import annotations

import hmac
import os
import secrets
import threading
import time
from pathlib import Path

from coevo.store.atomic import atomic_write_text

MAX_EXPORT = 4096  # pixels a side of an exported PNG or SVG (a 4096² render holds ~200 MB of floats)
MAX_TITLE = 120  # characters of a published title
MAX_NAME = 40  # characters of the name a visitor may give
MAX_BODY = 16 * 1024  # bytes of a request body: every form here is a few fields
MAX_AUTO = 20  # generations "breed for me" breeds in one request (each is rendered: about a second's work)
GENES, GENE_RANGE = 5, 3.0  # a latent session's sliders: principal directions, each -3..3 latent deviations
MAX_FRAMES, MAX_ANIMATION = 60, 512  # frames and pixels a side of an interpolation GIF
MAX_STEPS = 500  # choices and restarts one session keeps (its undo history lives in memory while it is open)
MAX_SESSIONS = 200  # breeding sessions one visitor may start
MIN_STRENGTH, MAX_STRENGTH = 0.05, 20.0  # mutation strength, as the Pygame window's +/- keys bound it
RATE, BURST = 20.0, 60  # requests a second a visitor may make on average, and in one burst
ADDRESS_RATE, ADDRESS_BURST = 100.0, 300  # and one address, whatever cookies it sends (people behind one router)
SECRET_FILE = "web-secret"  # beside gallery.db: signs the visitors' cookies, so they outlive a restart


class Refused(Exception):
    """A request the site will not carry out: an HTTP status and one line naming the problem and the fix."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def secret_key(root: Path) -> str:
    """The gallery's cookie-signing secret (made once, readable by its owner only)."""
    path = Path(root) / SECRET_FILE
    if not path.is_file():
        old = os.umask(0o077)
        try:
            atomic_write_text(path, secrets.token_hex(32) + "\n")
        finally:
            os.umask(old)
    key = path.read_text(encoding="utf-8").strip()
    if len(key) < 32:
        raise Refused(500, f"{path} holds no usable secret; delete it and start the server again")
    return key


def new_token() -> str:
    return secrets.token_urlsafe(24)


def check_csrf(expected: str | None, given: object) -> None:
    """The form's token must be the one in the visitor's signed cookie."""
    if not expected or not isinstance(given, str) or not hmac.compare_digest(expected, given):
        raise Refused(403, "missing or wrong CSRF token; reload the page and try again")


class RateLimit:
    """A token bucket per visitor: ``rate`` requests a second on average, ``burst`` at once."""

    def __init__(self, rate: float = RATE, burst: int = BURST, clock=time.monotonic) -> None:
        self.rate, self.burst, self.clock = rate, burst, clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def check(self, visitor: str) -> None:
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.get(visitor, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens < 1.0:
                self._buckets[visitor] = (tokens, now)
                raise Refused(429, f"too many requests (more than {self.rate:g} a second); wait a moment")
            self._buckets[visitor] = (tokens - 1.0, now)
            if len(self._buckets) > 10000:  # forget the quietest visitors rather than grow without bound
                for key in sorted(self._buckets, key=lambda k: self._buckets[k][1])[:5000]:
                    del self._buckets[key]


def parse_int(value: object, name: str, low: int, high: int) -> int:
    """A form or query field as an integer in ``low..high``, or a 400 naming the field and its range."""
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        raise Refused(400, f"{name} must be a whole number from {low} to {high} (got {str(value)[:40]!r})"
                      ) from None
    if not low <= number <= high:
        raise Refused(400, f"{name} must be from {low} to {high} (got {number})")
    return number


def parse_float(value: object, name: str, low: float, high: float) -> float:
    try:
        number = float(str(value))
    except (TypeError, ValueError):
        raise Refused(400, f"{name} must be a number from {low:g} to {high:g} (got {str(value)[:40]!r})") from None
    if not low <= number <= high:  # NaN fails this too
        raise Refused(400, f"{name} must be from {low:g} to {high:g} (got {str(value)[:40]})")
    return number
