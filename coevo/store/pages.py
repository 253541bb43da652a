"""What the gallery's site and the comparison report share: Jinja2 templates from a package (HTML autoescaped,
Markdown as written) and the one stylesheet, written beside the pages so both look alike."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import jinja2

from coevo.store.atomic import atomic_write_text

STYLESHEET = "style.css"  # its name beside the pages, and in this package


def templates(package: str) -> jinja2.Environment:
    """The templates in ``package``'s ``templates`` folder; ``*.html`` escape every value, others (Markdown) do not.
    Every template knows the stylesheet's link as ``stylesheet``."""
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader(package, "templates"), undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(["html"], default_for_string=True, default=False),
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    environment.globals["stylesheet"] = STYLESHEET
    return environment


def write_stylesheet(folder: Path) -> str:
    """Write the stylesheet into ``folder``; returns its link relative to the pages there."""
    atomic_write_text(Path(folder) / STYLESHEET, resources.files("coevo.store").joinpath(STYLESHEET).read_text("utf-8"))
    return STYLESHEET
