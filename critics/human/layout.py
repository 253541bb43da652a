"""Where the boxes go: a grid of cells, the parent (image 0) in the centre cell as in Dawkins' program."""

from __future__ import annotations

from dataclasses import dataclass

GAP = 8  # pixels between boxes and around the grid
STATUS = 30  # height of the status line at the bottom


@dataclass(frozen=True)
class Layout:
    """Box rectangles ``(x, y, side, side)`` for each image index in a window of ``width`` x ``height``."""

    cols: int
    rows: int
    width: int
    height: int

    @property
    def side(self) -> int:
        across = (self.width - GAP * (self.cols + 1)) // self.cols
        down = (self.height - STATUS - GAP * (self.rows + 1)) // self.rows
        return max(8, min(across, down))

    def order(self) -> list[int]:
        """Cell (reading order) of each image: image 0, the parent, in the centre cell, then the rest."""
        centre = (self.rows // 2) * self.cols + self.cols // 2
        return [centre] + [c for c in range(self.cols * self.rows) if c != centre]

    def box(self, index: int) -> tuple[int, int, int, int]:
        cell = self.order()[index]
        row, col = divmod(cell, self.cols)
        side = self.side
        left = (self.width - (side * self.cols + GAP * (self.cols - 1))) // 2
        top = (self.height - STATUS - (side * self.rows + GAP * (self.rows - 1))) // 2
        return left + col * (side + GAP), top + row * (side + GAP), side, side

    def hit(self, x: int, y: int, count: int) -> int | None:
        """The image index whose box contains the point, if any."""
        for index in range(count):
            bx, by, side, _ = self.box(index)
            if bx <= x < bx + side and by <= y < by + side:
                return index
        return None

    @staticmethod
    def window_for(cols: int, rows: int, side: int) -> tuple[int, int]:
        """A window size that fits boxes of ``side`` pixels."""
        return cols * side + GAP * (cols + 1), rows * side + GAP * (rows + 1) + STATUS
