"""Makes docs/breed.png: the real breeding window (headless) after a few generations of biomorphs.

    PYTHONPATH=. python docs/breed_screenshot.py [--seed 7]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import tempfile
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame

from coevo.loop import StopGame
from coevo.programs.breed import BreedingSession
from coevo.programs.genomes import build_genetics
from coevo.rng import seed_everything
from critics.human import HumanCritic


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("breed.png"))
    args = parser.parse_args()
    seed_everything(args.seed)
    _, genetics = build_genetics("biomorph", {}, 3)
    critic = HumanCritic(box=180)
    with tempfile.TemporaryDirectory() as folder:
        session = BreedingSession.start("biomorph", genetics, genetics.random_genome(), 15, 180, Path(folder))
        critic.session_keys = True
        for box in (3, 9, 12, 5):
            pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=critic.box_centre(box), button=1))
            pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RETURN, mod=0, unicode="\r"))
            session.step(critic)
        critic.status = session.status()
        for box, button in ((6, 1), (10, 3)):  # a choice and a second parent to mate with
            pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=critic.box_centre(box), button=button))

        def shoot() -> None:
            critic.screenshot(args.out)
            pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_ESCAPE, mod=0, unicode="\x1b"))
            critic.idle = None

        critic.idle = shoot
        with contextlib.suppress(StopGame):  # Esc: the person quits
            session.step(critic)
    critic.close()
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
