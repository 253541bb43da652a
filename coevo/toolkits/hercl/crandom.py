"""The random numbers hercl's ``?`` draws: glibc's ``random()`` after ``srandom(seed)`` (the additive
feedback generator of degree 31 that ``initstate`` with 128 bytes of state selects), scaled as hercl's
``random_uniform``, ``random() / 2^31``. Written from glibc's documented algorithm, so that a run with ``?``
and a seed equals hercl's run with ``-d seed``."""

from __future__ import annotations

from functools import lru_cache

_MASK = 0xFFFFFFFF


@lru_cache(maxsize=256)
def _seeded(seed: int) -> tuple[int, ...]:
    """glibc's state after ``srandom(seed)`` and its 310 discarded numbers (front at 3, rear at 0 again)."""
    seed = seed or 1  # glibc takes 1 for a seed of 0
    word = seed - (1 << 32) if seed >= 1 << 31 else seed  # an int32_t
    r = [word]
    for _ in range(30):
        hi = abs(word) // 127773 * (1 if word >= 0 else -1)  # C division truncates
        lo = word - 127773 * hi
        word = 16807 * lo - 2836 * hi
        if word < 0:
            word += 2147483647
        r.append(word)
    state = [v & _MASK for v in r]
    front, rear = 3, 0
    for _ in range(310):  # glibc discards the first 10 * 31 numbers
        state[front] = (state[front] + state[rear]) & _MASK
        front, rear = (front + 1) % 31, (rear + 1) % 31
    return tuple(state)  # 310 steps: both pointers are back where they started


class CRandom:
    """glibc's ``random()`` stream for one seed."""

    def __init__(self, seed: int) -> None:
        self.state = list(_seeded(seed & _MASK))
        self.front, self.rear = 3, 0

    def next(self) -> int:
        """The next ``random()``, 0 .. 2^31 - 1."""
        state = self.state
        state[self.front] = val = (state[self.front] + state[self.rear]) & _MASK
        self.front = (self.front + 1) % 31
        self.rear = (self.rear + 1) % 31
        return val >> 1

    def uniform(self) -> float:
        """hercl's ``random_uniform``: in [0, 1)."""
        return self.next() / 2147483648.0


def uniforms(seed: int, n: int) -> list[float]:
    """The first ``n`` numbers ``?`` pushes for ``seed``."""
    rng = CRandom(seed)
    return [rng.uniform() for _ in range(n)]
