"""``hercl``: a HERCL program classifying an image's Vickers metrics as real or fake, evolved by supervised
HERCsearch (Vickers, Soderlund & Blair 2017)."""

from critics.hercl.critic import HERCLCritic

__all__ = ["HERCLCritic"]
