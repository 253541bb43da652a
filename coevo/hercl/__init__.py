"""HERCL, Alan Blair's evolvable language: programs, their text format, an interpreter (the plain-Python
reference and a compiled engine, ``fast``, with the same results), HERCsearch-style variation and its library
of successful programs. In the core because artists and critics both run HERCL programs."""

from coevo.hercl.machine import ENGINES, Result, run, run_python
from coevo.hercl.program import Bar, Instr, Program, parse

__all__ = ["ENGINES", "Bar", "Instr", "Program", "Result", "parse", "run", "run_python"]
