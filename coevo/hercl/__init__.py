"""HERCL, Alan Blair's evolvable language: programs, their text format, an interpreter and HERCsearch-style
variation. In the core because artists and critics both run HERCL programs."""

from coevo.hercl.machine import Result, run
from coevo.hercl.program import Bar, Instr, Program, parse

__all__ = ["Bar", "Instr", "Program", "Result", "parse", "run"]
