"""HERCL, Alan Blair's evolvable language: programs, their text format, an interpreter (the plain-Python
reference and a compiled engine, ``fast``, with the same results), HERCsearch-style variation and its library
of successful programs. In the core because artists and critics both run HERCL programs."""

from coevo.toolkits.hercl.machine import ENGINES, run, run_python
from coevo.toolkits.hercl.program import Bar, Instr, Program, parse
from coevo.toolkits.hercl.result import Result

__all__ = ["ENGINES", "Bar", "Instr", "Program", "Result", "parse", "run", "run_python"]
