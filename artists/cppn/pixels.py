"""Output node values to pixels, byte for byte as CPPN-X (Picbreeder's C++ viewer, Qt 4.8) draws them.

Each node's image holds three bytes per pixel (``Node::setPixel``): red = (byte)(|v| * 255), 255 from |v| >= 1;
blue = (byte)(clamp(v, 0, 1) * 255), for v > 1 (byte)((1 - clamp((|v| - 1) / 5, 0, 1)) * 255) and for v < -1
(byte)(clamp((|v| - 1) / 5, 0, 1) * 255); the casts truncate. The final image (``FinalNodeView``) reads grey as
the ink node's red byte, RGB as each node's red byte, and HSV as: value = brightness's red byte, saturation =
saturation's blue byte, hue = hue's red byte t as whole degrees int(t * 360/255 + 360) when hue's blue byte is
above 0 or else int(360 - t * 360/255), mod 360; then Qt's ``QColor::setHsv`` and ``toRgb`` (16-bit channels,
rounded, then shifted back to bytes). Everything here runs in float64, as the C++ does.
"""

from __future__ import annotations

import torch

DEGREES_PER_LEVEL = 360.0 / 255.0  # the C++ constant 360.0/255.0, folded in double
USHRT_MAX = 65535.0


def red_byte(v: torch.Tensor) -> torch.Tensor:
    """CPPN-X's red byte of node values (float64 of whole numbers): |v| * 255 truncated, 255 from |v| >= 1 (and for
    NaN, as ``abs(NaN) < 1`` is false). The grey level, an RGB channel, and hue's and brightness's byte."""
    magnitude = v.abs()
    return torch.where(magnitude < 1.0, torch.trunc(magnitude * 255.0), torch.full_like(v, 255.0))


def blue_byte(v: torch.Tensor) -> torch.Tensor:
    """CPPN-X's blue byte of node values (float64 of whole numbers): saturation's byte and hue's sign (above 0:
    positive). NaN gives 0, what x86's truncating conversion leaves of (byte)NaN."""
    beyond = ((v.abs() - 1.0) / 5.0).clamp(0.0, 1.0)
    inside = v.clamp(0.0, 1.0) * 255.0
    blue = torch.where(v > 1.0, (1.0 - beyond) * 255.0, torch.where(v < -1.0, beyond * 255.0, inside))
    return torch.nan_to_num(torch.trunc(blue), nan=0.0)


def hue_degrees(hue: torch.Tensor) -> torch.Tensor:
    """Whole degrees 0..359 of hue node values: the red byte t turned clockwise (blue byte above 0) as
    int(t * 360/255 + 360) or counter-clockwise as int(-(t * 360/255) + 360), then mod 360 as ``setHsv`` does."""
    turn = red_byte(hue) * DEGREES_PER_LEVEL
    degrees = torch.where(blue_byte(hue) > 0.0, turn + 360.0, -turn + 360.0)
    return torch.trunc(degrees) % 360.0


def qt_hsv_to_rgb(hue: torch.Tensor, saturation: torch.Tensor, value: torch.Tensor) -> torch.Tensor:
    """Qt 4.8's ``QColor::setHsv(h, s, v)`` then ``red()``, ``green()``, ``blue()``: whole degrees and bytes in,
    RGB bytes out (float64, stacked on a new dim 1). Qt keeps hue * 100 and bytes * 257 as 16-bit numbers,
    converts with doubles, rounds each channel to 16 bits and returns its high byte."""
    h = hue * 100.0 / 6000.0
    s = saturation * 257.0 / USHRT_MAX
    v = value * 257.0 / USHRT_MAX
    sector = torch.trunc(h)
    f = h - sector
    p, q, t = v * (1.0 - s), v * (1.0 - s * f), v * (1.0 - s * (1.0 - f))
    pick = sector.long().clamp(0, 5)[None]
    channels = [torch.stack(c).gather(0, pick)[0] for c in ((v, q, p, p, t, v), (t, v, v, q, p, p),
                                                              (p, p, t, v, v, q))]
    rgb = torch.stack([torch.div(torch.trunc(c * USHRT_MAX + 0.5), 256, rounding_mode="floor") for c in channels],
                      dim=1)
    grey = torch.div(value * 257.0, 256, rounding_mode="floor")[:, None]  # achromatic: Qt copies the value
    return torch.where((saturation == 0.0)[:, None], grey.expand_as(rgb), rgb)


def to_bytes(outputs: torch.Tensor, mode: str) -> torch.Tensor:
    """Output node values ``(N, C, pixels)`` (grey: ink; hsv: hue, saturation, brightness; rgb) to CPPN-X's
    pixel bytes ``(N, 1 or 3, pixels)`` as float64 whole numbers 0..255."""
    values = outputs.to(torch.float64)
    if mode == "hsv":
        return qt_hsv_to_rgb(hue_degrees(values[:, 0]), blue_byte(values[:, 1]), red_byte(values[:, 2]))
    return red_byte(values)


def to_image(outputs: torch.Tensor, mode: str, size: int) -> torch.Tensor:
    """Output node values ``(N, C, pixels)`` to images ``(N, channels, size, size)`` float32 in [-1, 1]: CPPN-X's
    byte b as b / 127.5 - 1, which coevo's PNG writer, (x + 1) * 127.5 rounded, turns back into b."""
    levels = to_bytes(outputs, mode).to(torch.float32)
    return (levels / 127.5 - 1.0).reshape(outputs.shape[0], -1, size, size)
