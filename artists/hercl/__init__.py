"""HERCL artists on the core interpreter ``coevo.toolkits.hercl``: ``hercl-function``, a program mapping each pixel's
(x, y, r, θ) to a grey value (Soderlund & Blair 2018), and ``hercl-lines``, a program whose messages drive
Vickers' turtle (Vickers, Soderlund & Blair 2017), and ``hercl-school``, ten of those a phase, each searching on its
own (the paper's art school)."""

from artists.hercl.function import HERCLFunctionGenetics
from artists.hercl.lines import HERCLLinesGenetics
from artists.hercl.school import HERCLSchool

__all__ = ["HERCLFunctionGenetics", "HERCLLinesGenetics", "HERCLSchool"]
