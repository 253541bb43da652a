"""Draws an individual's stored ancestry as one PNG: thumbnails in rows, ancestors above, lines to parents."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw, UnidentifiedImageError

from coevo.errors import CoevoError
from coevo.store.atomic import atomic_write_bytes
from coevo.store.untrusted import contained_file, open_image
from gallery.store import IndividualRow

THUMB = 64  # thumbnail side in pixels
GAP_X, GAP_Y, LABEL = 16, 36, 26  # spacing between thumbnails and the two-line label band under each
MAX_NODES = 48  # the nearest ancestors drawn; the rest are listed on the page only


def depths(rows: list[IndividualRow]) -> dict[int, int]:
    """Longest-path depth of each row below the first (the individual, depth 0); parents are drawn above."""
    present = {row.id for row in rows}
    depth = {rows[0].id: 0}
    for row in sorted(rows, key=lambda r: r.id, reverse=True):  # parents always have smaller ids
        if row.id not in depth:
            continue
        for parent in row.parents:
            if parent in present:
                depth[parent] = max(depth.get(parent, 0), depth[row.id] + 1)
    return depth


def thumbnail(path: Path | None, root: Path | None = None) -> Image.Image:
    """The individual's image scaled to ``THUMB`` (pixels kept sharp), or a grey 'missing' tile (also for a file
    outside ``root``, the gallery's folder, when given)."""
    try:
        if path is None or (root is not None and not contained_file(path, root)):
            raise FileNotFoundError
        with open_image(path) as image:  # a bomb, a FIFO or a foreign file draws the 'missing' tile
            return image.convert("RGB").resize((THUMB, THUMB), Image.Resampling.NEAREST)
    except (OSError, UnidentifiedImageError, CoevoError):
        tile = Image.new("RGB", (THUMB, THUMB), (200, 200, 200))
        ImageDraw.Draw(tile).text((6, THUMB // 2 - 6), "missing", fill=(120, 0, 0))
        return tile


def label_lines(draw: ImageDraw.ImageDraw, label: str, width: int) -> list[str]:
    """``label`` in at most two lines of at most ``width`` pixels, the second ending in "..." when cut."""
    lines: list[str] = []
    rest = label
    while rest and len(lines) < 2:
        cut = len(rest)
        while cut > 1 and draw.textlength(rest[:cut]) > width:
            cut -= 1
        lines.append(rest[:cut])
        rest = rest[cut:].lstrip()
    if rest:
        lines[-1] = lines[-1][:-3] + "..."
    return lines


def draw_lineage(rows: list[IndividualRow], out: Path, labels: dict[int, str] | None = None,
                 root: Path | None = None) -> Path:
    """Draw ``rows`` (the individual first, then its ancestors as from ``Store.lineage``) into ``out``,
    each thumbnail captioned by ``labels`` (default ``#id r<round>``); images outside ``root`` are not read."""
    rows = rows[:MAX_NODES]
    depth = depths(rows)
    layers: dict[int, list[IndividualRow]] = {}
    for row in rows:
        if row.id in depth:
            layers.setdefault(depth[row.id], []).append(row)
    top = max(layers)
    widest = max(len(layer) for layer in layers.values())
    width = widest * (THUMB + GAP_X) + GAP_X
    height = (top + 1) * (THUMB + LABEL + GAP_Y) + GAP_Y - LABEL
    canvas = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(canvas)
    where: dict[int, tuple[int, int]] = {}
    for level, layer in layers.items():
        y = GAP_Y // 2 + (top - level) * (THUMB + LABEL + GAP_Y)
        offset = (width - len(layer) * (THUMB + GAP_X) + GAP_X) // 2
        for k, row in enumerate(sorted(layer, key=lambda r: r.id)):
            where[row.id] = (offset + k * (THUMB + GAP_X), y)
    for row in rows:
        if row.id not in where:
            continue
        x, y = where[row.id]
        for parent in row.parents:
            if parent not in where:
                continue
            px, py = where[parent]
            span = depth[parent] - depth[row.id]
            if span == 1:
                draw.line([(x + THUMB // 2, y), (px + THUMB // 2, py + THUMB + LABEL)], fill=(90, 90, 160), width=2)
            else:  # skipping levels: route around the right so the line is not hidden behind the nodes between
                side = max(x, px) + THUMB + 3 + 3 * (span % 4)
                draw.line([(x + THUMB, y + THUMB // 3), (side, y + THUMB // 3), (side, py + 2 * THUMB // 3),
                           (px + THUMB, py + 2 * THUMB // 3)], fill=(160, 90, 90), width=1)
    for row in rows:
        if row.id not in where:
            continue
        x, y = where[row.id]
        canvas.paste(thumbnail(row.image, root), (x, y))
        outline = (200, 40, 40) if row.id == rows[0].id else (60, 60, 60)
        draw.rectangle([x - 1, y - 1, x + THUMB, y + THUMB], outline=outline, width=2 if row.id == rows[0].id else 1)
        label = (labels or {}).get(row.id, f"#{row.id} r{row.round}")
        for line, text in enumerate(label_lines(draw, label, THUMB + GAP_X - 4)):
            draw.text((x, y + THUMB + 2 + 12 * line), text, fill=(0, 0, 0))
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG")
    atomic_write_bytes(out, buffer.getvalue())
    return out
