"""The human critic: a real Pygame window (headless) driven by posted mouse and key events."""

from __future__ import annotations

from collections.abc import Iterator

import pygame
import pytest
import torch
from PIL import Image

from coevo.protocols import Critic
from coevo.toolkits.interactive import SessionRequest
from critics.human import HumanCritic
from critics.human.layout import Layout
from tests.conftest import patience
from tests.helpers import click, press


@pytest.fixture
def critic() -> Iterator[HumanCritic]:
    window = HumanCritic(box=48, timeout=patience(10))
    pygame.event.clear()
    yield window
    window.close()


def images(n: int = 15) -> torch.Tensor:
    return torch.linspace(-1, 1, n).view(n, 1, 1, 1).expand(n, 3, 48, 48).contiguous()


def test_is_a_critic_with_a_resizable_window(critic: HumanCritic) -> None:
    assert isinstance(critic, Critic)
    assert critic.surface.get_size() == Layout.window_for(5, 3, 48)
    assert pygame.display.get_surface().get_flags() & pygame.RESIZABLE


def test_parent_sits_in_the_centre_box(critic: HumanCritic) -> None:
    layout = critic.layout
    x, y, side, _ = layout.box(0)
    centre = layout.box(7)  # image 7 goes to the next free cell; the centre (row 1, col 2) is the parent's
    assert layout.order()[0] == 1 * 5 + 2 and (x, y) != centre[:2]
    assert layout.hit(x + side // 2, y + side // 2, 15) == 0


def test_click_then_enter_scores_the_clicked_box(critic: HumanCritic) -> None:
    click(critic.box_centre(6))
    press(pygame.K_RETURN, "\r")
    scores = critic.score(images())
    assert scores.tolist() == [1.0 if i == 6 else 0.0 for i in range(15)]


def test_shift_click_chooses_a_second_parent(critic: HumanCritic) -> None:
    click(critic.box_centre(3))
    click(critic.box_centre(9), shift=True)
    press(pygame.K_SPACE, " ")
    scores = critic.score(images())
    assert scores[3] == 1.0 and scores[9] == 0.5 and scores.sum() == 1.5


def test_right_click_also_mates_and_a_plain_click_replaces(critic: HumanCritic) -> None:
    click(critic.box_centre(3))
    click(critic.box_centre(4))
    click(critic.box_centre(11), button=3)
    press(pygame.K_KP_ENTER)
    scores = critic.score(images())
    assert scores[4] == 1.0 and scores[11] == 0.5 and scores[3] == 0.0


def test_enter_alone_breeds_from_the_parent(critic: HumanCritic) -> None:
    press(pygame.K_RETURN)
    assert critic.score(images())[0] == 1.0


def test_session_keys_ask_the_session(critic: HumanCritic) -> None:
    critic.session_keys = True
    keys = [(pygame.K_u, "u", "undo"), (pygame.K_BACKSPACE, "\b", "undo"), (pygame.K_s, "s", "save"),
            (pygame.K_e, "e", "export"), (pygame.K_r, "r", "restart"), (pygame.K_EQUALS, "+", "stronger"),
            (pygame.K_KP_PLUS, "+", "stronger"), (pygame.K_MINUS, "-", "weaker"), (pygame.K_ESCAPE, "\x1b", "quit")]
    shown = images()
    for key, text, action in keys:
        click(critic.box_centre(5))
        press(key, text)
        with pytest.raises(SessionRequest) as request:
            critic.score(shown)
        assert request.value.action == action and request.value.chosen == [5]
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    with pytest.raises(SessionRequest, match="quit"):
        critic.score(shown)


def test_outside_a_session_escape_interrupts(critic: HumanCritic) -> None:
    press(pygame.K_ESCAPE, "\x1b")
    with pytest.raises(KeyboardInterrupt):
        critic.score(images())


def test_help_overlay_and_resize_keep_clicks_working(critic: HumanCritic, tmp_path) -> None:
    shots: list[str] = []

    def shoot() -> None:
        window = critic
        if not shots:
            shots.append(str(tmp_path / "help.png"))
            window.screenshot(shots[0])
            press(pygame.K_h, "h")
            pygame.display.set_mode((900, 500), pygame.RESIZABLE)
            pygame.event.post(pygame.event.Event(pygame.VIDEORESIZE, size=(900, 500), w=900, h=500))
        elif window.surface.get_size() == (900, 500):
            click(window.box_centre(12))
            press(pygame.K_RETURN)

    critic.idle = shoot
    press(pygame.K_h, "h")
    scores = critic.score(images())
    assert scores[12] == 1.0
    assert critic.layout.side > 48  # boxes grew with the window
    assert Image.open(shots[0]).size == Layout.window_for(5, 3, 48)


def test_too_many_images_is_a_clear_error(critic: HumanCritic) -> None:
    with pytest.raises(Exception, match="do not fit a 5x3 grid"):
        critic.score(images(16))


def test_first_frame_line_is_printed_once_when_asked(monkeypatch, capsys) -> None:
    """``COEVO_FIRST_FRAME`` (bench/startup.py's signal): one stderr line on the first frame with images, none
    without the variable."""
    from critics.human.critic import FIRST_FRAME, FIRST_FRAME_LINE

    for asked in (False, True):
        if asked:
            monkeypatch.setenv(FIRST_FRAME, "1")
        else:
            monkeypatch.delenv(FIRST_FRAME, raising=False)
        window = HumanCritic(box=48, timeout=patience(10))
        pygame.event.clear()
        try:
            for _ in range(2):
                press(pygame.K_RETURN, "\r")
                window.score(images())
        finally:
            window.close()
        err = capsys.readouterr().err
        assert err.count(FIRST_FRAME_LINE) == (1 if asked else 0)
        if asked:
            assert f"{FIRST_FRAME_LINE} (15 images)" in err
