"""Posting real Pygame events to a window (test helper; the package makes windows headless)."""

from __future__ import annotations

import pygame


def click(pos: tuple[int, int], shift: bool = False, button: int = 1) -> None:
    """A mouse click at ``pos``, with the shift key held if asked."""
    if shift:
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_LSHIFT, mod=pygame.KMOD_LSHIFT,
                                             unicode=""))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=button))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=button))
    if shift:
        pygame.event.post(pygame.event.Event(pygame.KEYUP, key=pygame.K_LSHIFT, mod=0, unicode=""))


def press(key: int, text: str = "") -> None:
    """A key press (down and up)."""
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode=text))
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=key, mod=0, unicode=text))


def breeding_window(size: int):  # -> Iterator[HumanCritic]
    """A real headless breeding window with session keys on, events cleared; closed afterwards (for fixtures)."""
    from critics.human import HumanCritic

    window = HumanCritic(box=size, timeout=10)
    window.session_keys = True
    pygame.event.clear()
    yield window
    window.close()
