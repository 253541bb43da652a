"""What a HERCL run leaves: its outputs, stack, registers and steps (both engines return one)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Result:
    outputs: list[list[float]]
    stack: list[float]  # bottom to top
    registers: list[float]
    steps: int
    halted: bool  # finished by itself, rather than stopped at a limit
    buffer: list[float] = field(default_factory=list)  # written but not sent
