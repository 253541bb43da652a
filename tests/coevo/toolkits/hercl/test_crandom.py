"""hercl's random numbers (coevo/toolkits/hercl/crandom.py): glibc's ``random()`` after ``srandom``."""

from coevo.toolkits.hercl.crandom import CRandom, uniforms
from coevo.toolkits.hercl.fast import _randoms


def test_the_stream_is_glibcs():
    """Values printed by a C program calling srandom(seed) then random() (glibc 2.x, x86-64)."""
    first = CRandom(0)
    assert [first.next() for _ in range(5)] == [1804289383, 846930886, 1681692777, 1714636915, 1957747793]
    assert [CRandom(1).next()] == [1804289383]  # glibc takes 1 for 0
    second = CRandom(12345)
    assert [second.next(), second.next()] == [383100999, 858300821]
    third = CRandom(4000000000)
    assert [third.next(), third.next()] == [1111130805, 1380198982]


def test_both_engines_draw_the_same_numbers():
    assert uniforms(12345, 2000) == _randoms(12345, 2000).tolist()
    assert uniforms(3, 1)[0] == CRandom(3).next() / 2**31
