"""Vickers, Soderlund & Blair's (2017) turtle canvas, shared by the drawing artists (``lines``, ``hercl-lines``):
turtle programs (``program``), the art-school rules (``rules``: the readable reference, strokes), a Numba kernel
running a population's programs into strokes (``trace``), anti-aliased rasterising (``raster``) and SVG
(``svg``). In the core because artists may not import each other."""
