"""HERCL artists: ``hercl-function``, a HERCL program mapping each pixel's (x, y, r, θ) to a grey value
(Soderlund & Blair 2018), on the core interpreter ``coevo.hercl``."""

from artists.hercl.function import HERCLFunctionGenetics

__all__ = ["HERCLFunctionGenetics"]
