"""hercl's message lines (coevo/toolkits/hercl/channel.py): input lines read, and messages printed, as hercl's
interpreter reads and prints them (the expected forms follow its ``scan_next_input`` and ``print_message``)."""

import math

import pytest

from coevo.errors import CoevoError
from coevo.toolkits.hercl.channel import format_message, input_lines, read_message, read_messages


def test_input_lines_are_messages_of_numbers_and_characters():
    assert read_message("\\") is None                       # a non-message
    assert read_message(",") == [] and read_message("") == []
    assert read_message(",3.7,-2,0.456e-06") == [3.7, -2.0, 0.456e-06]
    assert read_message("hercl") == [104.0, 101.0, 114.0, 99.0, 108.0]
    assert read_message(",?,1") == [0.0, 1.0]
    assert read_message("a\\,b ,5") == [97.0, 44.0, 98.0, 32.0, 5.0]
    assert read_message(",1 ,2") == [1.0, 2.0]               # one space after a number is skipped


def test_files_lose_newlines_as_hercls_fgets_loop_does():
    assert input_lines("ab\ncd\n") == ["ab", "cd"]
    assert input_lines("ab\n\ncd\n") == ["ab\n", "cd"]   # a blank line is skipped; the line before keeps '\n'
    assert input_lines("ab\ncd") == ["ab", "c"]          # no final newline: the last character goes
    assert read_messages("\\\n,1\n") == [None, [1.0]]


def test_messages_print_as_hercl_prints_them():
    assert format_message([]) == ","
    assert format_message([104.0, 105.0]) == "hi"
    assert format_message([1.0, 2.5, 65.0, 3e9, -math.inf]) == ",1,2.50 A,3000000000.00,-inf"
    assert format_message([44.0, 92.0, -0.0]) == "\\,\\\\,0"


def test_an_overlong_line_is_refused():
    with pytest.raises(CoevoError, match="at most"):
        read_message("x" * 5000)
