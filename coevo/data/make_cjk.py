"""Writes a folder of colour Chinese characters, the positives of ``coevo run --config vickers2017`` (Vickers,
Soderlund & Blair 2017 trained their critics on 100-200 colour images of Chinese characters; wofnot/hercl's
``settings.template`` names ``train_data: data/chinese data/colour``; the images themselves are not published).

Each of the ``count`` most frequent characters of modern Chinese (the list below, in frequency order) is drawn
from a CJK font (Debian's ``fonts-wqy-zenhei``: ``apt-get install fonts-wqy-zenhei``) at 80% of the canvas,
centred on white, in one colour of its own: hue stepped by the golden ratio from character to character (so
neighbours differ and every hue is used), HLS lightness 0.4 and saturation 0.85 (a strong ink on white, as a
brush or marker). No random numbers: the same font gives the same files. ``coevo`` reads the folder with
``--data DIR`` (``coevo.data.folder``)::

    python -m coevo.data.make_cjk --out data/cjk     # 200 characters, 128x128 PNG
"""

from __future__ import annotations

import argparse
import colorsys
import sys
from pathlib import Path

from coevo.errors import CoevoError

# the most frequent characters of modern Chinese, most frequent first (duplicates are dropped when read)
FREQUENT = ("的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心"
            "多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分"
            "将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因"
            "重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书"
            "比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今"
            "京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六")
FONTS = ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
         "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
GOLDEN = 0.6180339887498949
LIGHTNESS, SATURATION, SCALE = 0.4, 0.85, 0.8
MAX_COUNT, MAX_SIZE = len(set(FREQUENT)), 1024


def characters(count: int) -> list[str]:
    """The ``count`` most frequent characters, each once."""
    return list(dict.fromkeys(FREQUENT))[:count]


def find_font(path: Path | None = None) -> Path:
    """The font to draw with: ``path``, or the first Debian CJK font installed; ``CoevoError`` with the fix."""
    candidates = [path] if path is not None else [Path(p) for p in FONTS]
    for candidate in candidates:
        if candidate is not None and candidate.is_file():
            return candidate
    raise CoevoError(f"no CJK font at {', '.join(str(c) for c in candidates)}; install one "
                     "(apt-get install fonts-wqy-zenhei) or pass --font PATH")


def ink(index: int) -> tuple[int, int, int]:
    """The ``index``-th character's colour, 8-bit RGB: golden-ratio hue steps at fixed lightness and saturation."""
    r, g, b = colorsys.hls_to_rgb((index * GOLDEN) % 1.0, LIGHTNESS, SATURATION)
    return round(r * 255), round(g * 255), round(b * 255)


def render(character: str, colour: tuple[int, int, int], size: int, font_path: Path):
    """One character in ``colour``, centred on a white ``size``² RGB canvas (a PIL image)."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(font_path), max(1, round(size * SCALE)))
    image = Image.new("RGB", (size, size), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    left, top, right, bottom = draw.textbbox((0, 0), character, font=font)
    draw.text(((size - (right - left)) / 2 - left, (size - (bottom - top)) / 2 - top), character, font=font,
              fill=colour)
    return image


def make(out: Path, count: int = 200, size: int = 128, font: Path | None = None) -> list[Path]:
    """Write ``count`` characters as ``NNN-U+XXXX.png`` into ``out``; returns the files, in order."""
    if not 1 <= count <= MAX_COUNT or not 8 <= size <= MAX_SIZE:
        raise CoevoError(f"--count lies in [1, {MAX_COUNT}] and --size in [8, {MAX_SIZE}]")
    font_path = find_font(font)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for index, character in enumerate(characters(count)):
        path = out / f"{index:03d}-U+{ord(character):04X}.png"
        render(character, ink(index), size, font_path).save(path, "PNG", optimize=False)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m coevo.data.make_cjk", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("data/cjk"), help="folder to write (default data/cjk)")
    parser.add_argument("--count", type=int, default=200, help=f"characters, most frequent first (1..{MAX_COUNT})")
    parser.add_argument("--size", type=int, default=128, help="image side in pixels (Vickers: 128)")
    parser.add_argument("--font", type=Path, help="a TrueType/OpenType CJK font (default: Debian's WenQuanYi)")
    args = parser.parse_args(argv)
    try:
        written = make(args.out, args.count, args.size, args.font)
    except CoevoError as exc:
        sys.stderr.write(f"make_cjk: error: {exc}\n")
        return 2
    print(f"wrote {len(written)} characters to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
