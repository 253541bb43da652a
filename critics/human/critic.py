"""``HumanCritic``: a person judges images in a Pygame window, as in Dawkins' Blind Watchmaker.

``score`` shows the images (the parent, image 0, in the centre box) and pumps window events until the
person chooses: click a box to choose it, shift-click (or right-click) a second one to mate them, then
Enter or space breeds. The chosen image scores 1, the second 0.5, the rest 0. Session keys (undo, save,
export, strength, restart, breed for me, quit) raise ``coevo.toolkits.interactive.SessionRequest`` for the breeding
session. ``show_pick`` shows another critic's choice (framed) while it breeds for the person ("breed for me").
"""

from __future__ import annotations

import io
import os
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
import pygame

from coevo.errors import CoevoError
from coevo.store.atomic import atomic_write_bytes
from coevo.toolkits.interactive import SessionRequest, parse_grid
from critics.human.layout import STATUS, Layout
from critics.human.pixels import rgb_pixels

KEYS = {  # key name -> session action
    "u": "undo", "backspace": "undo", "y": "redo", "s": "save", "e": "export", "r": "restart", "a": "auto",
    "escape": "quit",
    "+": "stronger", "=": "stronger", "[+]": "stronger", "-": "weaker", "[-]": "weaker",
}
BREED_KEYS = ("return", "enter", "space")
FIRST_FRAME = "COEVO_FIRST_FRAME"  # set (to anything) in the environment: the window prints FIRST_FRAME_LINE to stderr
FIRST_FRAME_LINE = "coevo: first frame drawn"  # once, when it first shows images (bench/startup.py waits for it)
SHIFTS = (pygame.K_LSHIFT, pygame.K_RSHIFT)
HELP = [
    ("click", "choose the parent of the next generation"),
    ("shift-click", "choose a second parent to mate with (crossover)"),
    ("Enter / space", "breed (from the centre parent if nothing is chosen)"),
    ("U / Backspace", "undo (as far back as you like)"),
    ("Y", "redo what the last undo took back"),
    ("S", "save the chosen genome file"),
    ("E", "export the chosen image at high resolution (PNG; SVG for biomorphs)"),
    ("+ / -", "stronger / weaker mutation"),
    ("R", "restart from a random parent"),
    ("A", "breed for me: your learned critic picks for a while (any key or click takes over)"),
    ("H", "show or hide this help"),
    ("Esc / close", "save the session and quit"),
]
HINTS = ("click choose · shift-click mate · Enter breed · U undo · S save · E export · +/- strength · R random · "
         "A breed for me · H help")
COLOURS = {"back": (38, 40, 44), "parent": (120, 160, 255), "first": (255, 150, 0), "second": (80, 220, 120),
           "critic": (230, 70, 200),
           "text": (230, 230, 230), "dim": (150, 150, 160)}


class HumanCritic:
    """A Pygame window in which a person chooses among images (see the module docstring)."""

    # called on every pass of the event loop (scripts, tests, benchmarks); set on the class, it gets the window
    idle: Callable[[], None] | None = None

    def __init__(self, grid: str = "5x3", box: int = 256, title: str = "coevo breed",
                 timeout: float | None = None, shape: tuple[int, int, int] | None = None) -> None:
        del shape  # accepted so that `coevo run --critic human` can build it; any image shape is shown
        self.cols, self.rows = parse_grid(grid)
        self.timeout = timeout  # seconds to wait for a choice before giving up (scripted use), None = forever
        self.status = ""  # left part of the status line (set by the session)
        self.session_keys = False  # True under a breeding session; else Esc/close interrupts and others are off
        self.timing: dict[str, float] = {}  # perf_counter of the last "choice" and the last "drawn" frame
        self.selected: list[int] = []
        self._images: torch.Tensor | None = None
        self._pixels = np.zeros((0, 1, 1, 3), dtype=np.uint8)
        self._pictures: list[pygame.Surface] = []
        self._scaled: dict[int, pygame.Surface] = {}  # pictures scaled to the current box side
        self._scaled_side = 0
        self._message, self._message_until = "", 0.0
        self._help = self._shift = False
        self._pick: int | None = None  # the box another critic chose, while it breeds for the person
        self._announce = bool(os.environ.get(FIRST_FRAME))  # print FIRST_FRAME_LINE on the first frame with images
        self.surface = self._open(box, title)
        self.font = pygame.font.Font(None, 22)

    @property
    def capacity(self) -> int:
        """How many images the grid shows."""
        return self.cols * self.rows

    def _open(self, box: int, title: str) -> pygame.Surface:
        try:
            pygame.display.init()
            pygame.font.init()
            size = Layout.window_for(self.cols, self.rows, box)
            headless = pygame.display.get_driver() in ("dummy", "offscreen")
            if headless and not os.environ.get("SDL_VIDEODRIVER"):
                raise pygame.error("no display found: SDL fell back to an invisible window")
            if not headless:
                screen_w, screen_h = pygame.display.get_desktop_sizes()[0]
                shrink = min(1.0, 0.92 * screen_w / size[0], 0.88 * screen_h / size[1])
                size = Layout.window_for(self.cols, self.rows, int(box * shrink))
            surface = pygame.display.set_mode(size, pygame.RESIZABLE)
        except pygame.error as exc:
            raise CoevoError(f"cannot open a window ({exc}); run on a desktop, or set SDL_VIDEODRIVER") from None
        pygame.display.set_caption(title)
        return surface

    @property
    def layout(self) -> Layout:
        width, height = self.surface.get_size()
        return Layout(self.cols, self.rows, width, height)

    def box_centre(self, index: int) -> tuple[int, int]:
        """Window coordinates of the centre of image ``index``'s box (for scripts and tests)."""
        x, y, side, _ = self.layout.box(index)
        return x + side // 2, y + side // 2

    # --- the Critic protocol -------------------------------------------------------------------

    def score(self, images: torch.Tensor) -> torch.Tensor:
        """Show the images and wait for the person's choice; returns 1 chosen, 0.5 second, 0 others."""
        count = int(images.shape[0])
        if count > self.capacity:
            raise CoevoError(f"{count} images do not fit a {self.cols}x{self.rows} grid; "
                             "pass a bigger --grid or a smaller population")
        if images is not self._images:
            self._take(images)
        self._draw(count)
        started = time.perf_counter()
        while True:
            for event in self._events():
                scores = self._handle(event, count)
                if scores is not None:
                    return scores
            if self.idle is not None:
                self.idle()
            if self.timeout is not None and time.perf_counter() - started > self.timeout:
                raise CoevoError(f"no choice made within {self.timeout:g} s; raise or drop the critic's timeout")

    def learn(self, real: torch.Tensor, fake: torch.Tensor) -> dict[str, float]:
        return {}  # a person's taste is not trained here

    # --- another critic choosing (coevo.protocols.ShowsPicks) -------------------------------------

    def show_pick(self, images: torch.Tensor, chosen: int, note: str, seconds: float) -> bool:
        """Show the images with box ``chosen`` framed as the critic's pick and ``note`` in the status line for
        ``seconds``; True as soon as the person presses a key or clicks (a clicked box stays selected)."""
        count = int(images.shape[0])
        if images is not self._images:
            self._take(images)
        self._pick, status, self.status = chosen, self.status, note
        try:
            self._draw(count)
            ends = time.perf_counter() + seconds
            while True:
                for event in self._events():
                    if self._takes_over(event, count):
                        return True
                if self.idle is not None:
                    self.idle()
                if time.perf_counter() >= ends:
                    return False
        finally:
            self._pick, self.status = None, status

    def _takes_over(self, event: pygame.event.Event, count: int) -> bool:
        """Whether an event during another critic's turn hands the window back to the person."""
        if event.type == pygame.QUIT:
            self._request("quit")
        if event.type in (pygame.VIDEORESIZE, pygame.VIDEOEXPOSE, pygame.WINDOWSIZECHANGED):
            self.surface = pygame.display.get_surface()
            self._draw(count)
        if event.type == pygame.MOUSEBUTTONDOWN and getattr(event, "button", 0) in (1, 3):
            self._pick = None
            self._click(event.pos, count, False)
            return True
        return event.type == pygame.KEYDOWN and getattr(event, "key", None) not in SHIFTS

    def state_dict(self) -> dict[str, Any]:
        return {}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        pass

    # --- window ---------------------------------------------------------------------------------

    def notify(self, text: str, seconds: float = 4.0) -> None:
        """Show a message in the status line for a few seconds."""
        self._message, self._message_until = text, time.perf_counter() + seconds

    def screenshot(self, path: os.PathLike[str] | str) -> None:
        """Save the window as it is now as a PNG."""
        buffer = io.BytesIO()
        pygame.image.save(self.surface, buffer, "png")
        atomic_write_bytes(path, buffer.getvalue())

    def close(self) -> None:
        pygame.display.quit()

    def _take(self, images: torch.Tensor) -> None:
        """New images: convert them to surfaces once and forget the old choice."""
        self._pixels = rgb_pixels(images)  # the surfaces below share this memory
        height, width = self._pixels.shape[1:3]
        self._pictures = [pygame.image.frombuffer(p, (width, height), "RGB") for p in self._pixels]
        self._scaled, self._images, self.selected = {}, images, []

    def _picture(self, index: int, side: int) -> pygame.Surface:
        picture = self._pictures[index]
        if picture.get_width() == side:
            return picture
        if self._scaled_side != side:  # the window was resized: scale everything anew
            self._scaled, self._scaled_side = {}, side
        if index not in self._scaled:
            self._scaled[index] = pygame.transform.smoothscale(picture, (side, side))
        return self._scaled[index]

    def _draw(self, count: int) -> None:
        surface, layout = self.surface, self.layout
        surface.fill(COLOURS["back"])
        for index in range(count):
            x, y, side, _ = layout.box(index)
            surface.blit(self._picture(index, side), (x, y))
            frame = ("critic" if index == self._pick else "first" if self.selected[:1] == [index]
                     else "second" if index in self.selected[1:] else "parent" if index == 0 else None)
            if frame is not None:
                width = 2 if frame == "parent" else 5
                pygame.draw.rect(surface, COLOURS[frame], (x - 3, y - 3, side + 6, side + 6), width)
        self._draw_status()
        if self._help:
            self._draw_help()
        pygame.display.flip()
        self.timing["drawn"] = time.perf_counter()
        if self._announce and count:
            self._announce = False
            print(f"{FIRST_FRAME_LINE} ({count} images)", file=sys.stderr, flush=True)

    def _draw_status(self) -> None:
        width, height = self.surface.get_size()
        message = self._message if time.perf_counter() < self._message_until else ""
        left = self.font.render(message or self.status, True, COLOURS["text"])
        self.surface.blit(left, (8, height - STATUS + 8))
        for text in (HINTS, "click choose · Enter breed · H help"):
            hints = self.font.render(text, True, COLOURS["dim"])
            if left.get_width() + hints.get_width() + 40 < width:
                self.surface.blit(hints, (width - hints.get_width() - 8, height - STATUS + 8))
                break

    def _draw_help(self) -> None:
        width, height = self.surface.get_size()
        shade = pygame.Surface((width, height), pygame.SRCALPHA)
        shade.fill((0, 0, 0, 200))
        self.surface.blit(shade, (0, 0))
        big = pygame.font.Font(None, 30)
        left = max(10, (width - 800) // 2)
        top = max(10, (height - 34 * (len(HELP) + 1)) // 2)
        self.surface.blit(big.render("coevo breed: keys", True, COLOURS["first"]), (left, top))
        for i, (key, text) in enumerate(HELP, start=1):
            self.surface.blit(big.render(key, True, COLOURS["first"]), (left, top + 34 * i))
            self.surface.blit(big.render(text, True, COLOURS["text"]), (left + 170, top + 34 * i))

    # --- events ---------------------------------------------------------------------------------

    def _events(self) -> list[pygame.event.Event]:
        """Waiting events, or the next one within 50 ms (so an idle window costs no CPU)."""
        events = pygame.event.get()
        if not events:
            event = pygame.event.wait(50)
            events = [] if event.type == pygame.NOEVENT else [event]
        if time.perf_counter() > self._message_until and self._message:
            self._message = ""
            events.append(pygame.event.Event(pygame.VIDEOEXPOSE))
        return events

    def _handle(self, event: pygame.event.Event, count: int) -> torch.Tensor | None:
        """React to one event; returns the scores once the person has chosen."""
        if event.type == pygame.QUIT:
            self._request("quit")
        elif event.type in (pygame.VIDEORESIZE, pygame.VIDEOEXPOSE, pygame.WINDOWSIZECHANGED):
            self.surface = pygame.display.get_surface()
            self._draw(count)
        elif event.type == pygame.MOUSEBUTTONDOWN and getattr(event, "button", 0) in (1, 3):
            self._click(event.pos, count, event.button == 3 or self._shifted())
        elif event.type in (pygame.KEYDOWN, pygame.KEYUP) and getattr(event, "key", None) in SHIFTS:
            self._shift = event.type == pygame.KEYDOWN
        elif event.type == pygame.KEYDOWN and hasattr(event, "key"):
            return self._key(event, count)
        return None

    def _shifted(self) -> bool:
        return self._shift or bool(pygame.key.get_mods() & pygame.KMOD_SHIFT)

    def _click(self, pos: tuple[int, int], count: int, second: bool) -> None:
        index = self.layout.hit(pos[0], pos[1], count)
        if index is None:
            return
        if not second or not self.selected:
            self.selected = [index]
        elif index in self.selected:
            self.selected.remove(index)
        else:
            self.selected = [self.selected[0], index]
        self._draw(count)

    def _key(self, event: pygame.event.Event, count: int) -> torch.Tensor | None:
        name = getattr(event, "unicode", "") or ""
        key = pygame.key.name(event.key)
        if key in BREED_KEYS:
            return self._choose(count)
        if key == "h":
            self._help = not self._help
            self._draw(count)
            return None
        action = KEYS.get(name) or KEYS.get(key)
        if action is not None:
            self._request(action)
        return None

    def _choose(self, count: int) -> torch.Tensor:
        self.timing["choice"] = time.perf_counter()
        chosen = self.selected or [0]
        scores = torch.zeros(count)
        scores[chosen[0]] = 1.0
        for index in chosen[1:]:
            scores[index] = 0.5
        self.selected = []
        return scores

    def _request(self, action: str) -> None:
        if not self.session_keys:
            if action == "quit":
                raise KeyboardInterrupt
            self.notify("that key works under `coevo breed`")
            return
        if action == "export":  # rendering at full size takes a while: say so before the window stops answering
            self.show_now("exporting the chosen image at full size...")
        raise SessionRequest(action, list(self.selected) or [0])

    def show_now(self, text: str) -> None:
        """Put ``text`` in the status line and on screen at once (before a long action)."""
        self.notify(text)
        width, height = self.surface.get_size()
        self.surface.fill(COLOURS["back"], (0, height - STATUS, width, STATUS))
        self._draw_status()
        pygame.display.flip()
