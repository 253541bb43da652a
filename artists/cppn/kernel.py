"""The compiled CPU renderer: one Numba kernel running a whole population of CPPNs over pixel tiles in float32.

Work is split into (genome, span) jobs run in parallel. A job evaluates its genome node by node (topological
order) over one span of pixels: each node's row of the job's small buffer gets the weighted sum of its source rows,
then its activation in place, so every node is one tight, vectorised loop over data already in cache.
``network.py`` compiles genomes into the flat arrays this kernel reads. The kernel also maps output values to
CPPN-X's pixels (grey / RGB bytes, HSV through Qt's conversion) in double, as ``pixels.py`` states the rules, so
a render leaves no float64 temporaries behind. The activations are those of
``activations.py`` (Picbreeder / CPPN-X definitions, including the signed lookup-table sigmoid and gaussian).
Compiled once and cached on disk (``cache=True``). Every helper lives in this file on purpose: Numba's disk cache
notices changes to the kernel's own file only.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange, types
from numba.extending import intrinsic

from artists.cppn.activations import GAUSSIAN_STEPS, NAMES, SIGMOID_STEPS

# activation codes: the index of each name in activations.NAMES
SIN, COS, GAUSSIAN, SIGMOID, TANH, IDENTITY, ABS, STEP, UGAUSSIAN, USIGMOID, UBLIN = range(11)
CODES = {name: code for code, name in enumerate(NAMES)}
assert [CODES[n] for n in ("sin", "cos", "gaussian", "sigmoid", "tanh", "identity", "abs", "step", "ugaussian",
                           "usigmoid", "ublin")] == list(range(11)), "activations.NAMES changed; renumber the kernel"

TILE_BYTES = 1 << 17  # a block's buffer (4 + nodes rows of tile float32) is about this size
TILES = (64, 1024)  # the fewest and most pixels per block (few pixels per loop cost loop overhead)
SPAN = 2048  # pixels per job, a whole number of blocks: each node's loops run over the span at once (fewer calls
# per pixel); sin and cos still choose their fast or exact path block by block, so the pixels do not change

_ZERO, _ONE, _TWO, _HALF = np.float32(0.0), np.float32(1.0), np.float32(2.0), np.float32(0.5)
_D_SCALE = np.float32(1.4)  # Picbreeder's distance input is 1.4 times the radius
_THOUSAND, _MILLI = np.float32(1000.0), np.float32(0.001)
_HALF_LEVELS = np.float32(127.5)  # CPPN-X's bytes as images: b / 127.5 - 1
_DEGREES_PER_LEVEL, _USHRT_MAX = 360.0 / 255.0, 65535.0  # pixels.py's constants, in double
_INV_256 = 1.0 / 256.0  # exact: x / 256 and x * _INV_256 are the same double
RAW, INK, HSV = range(3)  # render_networks' output mappings: node values, grey / RGB levels, HSV colours
_LIMIT = np.float32(1e6)  # identity and abs outputs are clamped to +-_LIMIT (as render.LIMIT), keeping chains finite
_SIG_LO, _SIG_HI = np.float32(SIGMOID_STEPS[0]), np.float32(SIGMOID_STEPS[1])
_GAU_LO, _GAU_HI = np.float32(GAUSSIAN_STEPS[0]), np.float32(GAUSSIAN_STEPS[1])

# Transcendentals in float32 with branch-free polynomials (Cephes' sinf, cosf, expf, tanhf: within 2 ulp), so the
# loops vectorise 16 wide; libm's float32 functions are scalar calls. Tiles holding sin/cos arguments outside the
# polynomials' range (huge, infinite, NaN) take the scalar libm path.
_ROUND = np.float32(12582912.0)  # 1.5 * 2**23: (v + _ROUND) - _ROUND rounds a float32 v to the nearest integer
_TWO_OVER_PI = np.float32(0.636619772367581343)
_PIO2_1, _PIO2_2, _PIO2_3 = np.float32(1.5703125), np.float32(4.837512969970703125e-4), \
    np.float32(7.54978995489188216e-8)  # pi/2 in three parts: k * part is exact for |k| < 2**13
_TRIG_LIMIT = np.float32(8192.0)  # |x| beyond this (or not finite) goes to libm's sinf / cosf
_S1, _S2, _S3 = np.float32(-1.9515295891e-4), np.float32(8.3321608736e-3), np.float32(-1.6666654611e-1)
_C1, _C2, _C3 = np.float32(2.443315711809948e-5), np.float32(-1.388731625493765e-3), \
    np.float32(4.166664568298827e-2)
_LOG2E, _LN2_HI, _LN2_LO = np.float32(1.44269504088896341), np.float32(0.693359375), np.float32(-2.12194440e-4)
_E1, _E2, _E3, _E4, _E5, _E6 = np.float32(1.9875691500e-4), np.float32(1.3981999507e-3), \
    np.float32(8.3334519073e-3), np.float32(4.1665795894e-2), np.float32(1.6666665459e-1), np.float32(5.0000001201e-1)
_EXP_ARG = np.float32(87.0)  # exp's argument is clamped to +-_EXP_ARG (exp(-87) is 1.6e-38, exp(87) 6e37)
_T1, _T2, _T3, _T4, _T5 = np.float32(-5.70498872745e-3), np.float32(2.06390887954e-2), \
    np.float32(-5.37397155531e-2), np.float32(1.33314422036e-1), np.float32(-3.33332819422e-1)
_TANH_SMALL = np.float32(0.625)  # below this tanh is its odd polynomial, above 1 - 2 / (exp(2|x|) + 1)


@intrinsic
def _float_from_bits(typingctx, x):
    """The float32 with these IEEE bits."""
    if x != types.int32:
        return None
    return types.float32(types.int32), lambda context, builder, sig, args: builder.bitcast(
        args[0], context.get_value_type(types.float32))


@njit(cache=True, inline="always", fastmath={"contract"}, error_model="numpy")
def _sin(x, quarter):
    """sin(x + quarter * pi/2) of a float32 with |x| <= _TRIG_LIMIT (quarter 1 gives cos)."""
    k = (x * _TWO_OVER_PI + _ROUND) - _ROUND
    r = ((x - k * _PIO2_1) - k * _PIO2_2) - k * _PIO2_3
    q = np.int32(k) + np.int32(quarter)
    z = r * r
    s = ((_S1 * z + _S2) * z + _S3) * z * r + r
    c = ((_C1 * z + _C2) * z + _C3) * z * z - _HALF * z + _ONE
    v = c if (q & 1) != 0 else s
    return -v if (q & 2) != 0 else v


@njit(cache=True, inline="always", fastmath={"contract"}, error_model="numpy")
def _exp(x):
    """exp of a float32 (clamped to +-_EXP_ARG; NaN gives NaN)."""
    return _exp_near(_EXP_ARG if x > _EXP_ARG else (-_EXP_ARG if x < -_EXP_ARG else x))


@njit(cache=True, inline="always", fastmath={"contract"}, error_model="numpy")
def _exp_near(x):
    """exp of a float32 in [-_EXP_ARG, _EXP_ARG] (NaN gives NaN)."""
    k = (x * _LOG2E + _ROUND) - _ROUND
    r = (x - k * _LN2_HI) - k * _LN2_LO
    p = (((((_E1 * r + _E2) * r + _E3) * r + _E4) * r + _E5) * r + _E6) * (r * r) + r + _ONE
    return p * _float_from_bits(np.int32((np.int32(k) + np.int32(127)) << np.int32(23)))


@njit(cache=True, inline="always", error_model="numpy")
def _steps(scaled, lo, hi):
    """Picbreeder's table position from scaled = float32(v * 1000): (int)(scaled + 0.5) clamped to [lo, hi], times
    0.001. Callers scale in a separate loop, so the multiply is never fused with this add (fused, it would round
    differently from the Torch renderer at some ties)."""
    s = np.float32(np.trunc(scaled + _HALF))
    if s > hi:
        s = hi
    elif s < lo:
        s = lo
    return s * _MILLI


@njit(cache=True, inline="always", error_model="numpy")
def _scale(row, n):
    """row[:n] *= 1000 (the lookup-table activations' first step)."""
    for i in range(n):
        row[i] = row[i] * _THOUSAND


@njit(cache=True, error_model="numpy")
def _trig_slow(row, n):
    """Whether some of row[:n] is outside the polynomials' range (huge, infinite, NaN)."""
    slow = False
    for i in range(n):
        slow |= not abs(row[i]) <= _TRIG_LIMIT
    return slow


@njit(cache=True, fastmath={"contract"}, error_model="numpy")
def _trig(code, row, n, slow):
    """row[:n] = sin or cos of row[:n] in place: libm's when ``slow``, else the polynomial."""
    if slow:
        for i in range(n):
            row[i] = math.sin(row[i]) if code == SIN else math.cos(row[i])
    else:
        quarter = 0 if code == SIN else 1
        for i in range(n):
            row[i] = _sin(row[i], quarter)


@njit(cache=True, fastmath={"contract"}, error_model="numpy")
def _activate(code, row, n, tile):
    """row[:n] = activation(row[:n]) in place; sin and cos choose their path per block of ``tile`` (one pass over
    all n when no value needs libm, as then no block does)."""
    if code == SIN or code == COS:
        blocked = _trig_slow(row, n)
        step = tile if blocked else n  # one call site: LLVM inlines the polynomial loop once
        for s0 in range(0, n, step):
            s1 = min(s0 + step, n)
            part = row[s0:s1]
            _trig(code, part, s1 - s0, blocked and _trig_slow(part, s1 - s0))
    elif code == GAUSSIAN:
        _scale(row, n)
        for i in range(n):
            s = _steps(row[i], _GAU_LO, _GAU_HI)
            row[i] = _exp_near(-(s * s)) * _TWO - _ONE
    elif code == SIGMOID:
        _scale(row, n)
        for i in range(n):
            row[i] = _ONE / (_ONE + _exp_near(-_steps(row[i], _SIG_LO, _SIG_HI))) * _TWO - _ONE
    elif code == TANH:
        for i in range(n):
            v = row[i]
            a = abs(v)
            z = v * v
            small = ((((_T1 * z + _T2) * z + _T3) * z + _T4) * z + _T5) * z * a + a
            large = _ONE - _TWO / (_exp(a + a) + _ONE)
            t = small if a < _TANH_SMALL else large
            row[i] = -t if v < _ZERO else t
    elif code == IDENTITY or code == ABS:
        for i in range(n):
            v = abs(row[i]) if code == ABS else row[i]
            if v > _LIMIT:
                v = _LIMIT
            elif v < -_LIMIT:
                v = -_LIMIT
            row[i] = v
    elif code == STEP:
        for i in range(n):
            row[i] = _ONE if row[i] > _ZERO else _ZERO
    elif code == UGAUSSIAN:
        for i in range(n):
            row[i] = _exp(-(row[i] * row[i]))
    elif code == USIGMOID:
        for i in range(n):
            row[i] = _ONE / (_ONE + _exp(-row[i]))
    else:  # UBLIN
        for i in range(n):
            v = row[i]
            if v > _ONE:
                v = _ONE
            elif v < _ZERO:
                v = _ZERO
            row[i] = v


@njit(cache=True, error_model="numpy")
def _accumulate(buf, row, sources, weights, j, count, first, n):
    """row[:n] (= 0 when ``first``) += links j .. j + count - 1 (count 1 to 4) in one pass, summed left to right as
    one link at a time would (so the rounding is the same), reading and writing ``row`` once for up to four links."""
    a, wa = buf[sources[j]], weights[j]
    if count == 1:
        if first:
            for i in range(n):
                row[i] = a[i] * wa
        else:
            for i in range(n):
                row[i] = row[i] + a[i] * wa
        return
    b, wb = buf[sources[j + 1]], weights[j + 1]
    if count == 2:
        if first:
            for i in range(n):
                row[i] = a[i] * wa + b[i] * wb
        else:
            for i in range(n):
                row[i] = (row[i] + a[i] * wa) + b[i] * wb
        return
    c, wc = buf[sources[j + 2]], weights[j + 2]
    if count == 3:
        if first:
            for i in range(n):
                row[i] = (a[i] * wa + b[i] * wb) + c[i] * wc
        else:
            for i in range(n):
                row[i] = ((row[i] + a[i] * wa) + b[i] * wb) + c[i] * wc
        return
    d, wd = buf[sources[j + 3]], weights[j + 3]
    if first:
        for i in range(n):
            row[i] = ((a[i] * wa + b[i] * wb) + c[i] * wc) + d[i] * wd
    else:
        for i in range(n):
            row[i] = (((row[i] + a[i] * wa) + b[i] * wb) + c[i] * wc) + d[i] * wd


@njit(cache=True, error_model="numpy")
def _run_tile(activations, node_links, link_sources, link_weights, first, last, buf, n, tile):
    """Evaluate one genome's nodes first..last - 1 over a job's n pixels (blocks of ``tile``); node k's values go to
    buf row 4 + k - first."""
    for k in range(first, last):
        row = buf[4 + k - first]
        start, stop = node_links[k], node_links[k + 1]
        if start == stop:
            for i in range(n):
                row[i] = _ZERO
        for j in range(start, stop, 4):
            _accumulate(buf, row, link_sources, link_weights, j, min(4, stop - j), j == start, n)
        _activate(activations[k], row, n, tile)


@njit(cache=True, error_model="numpy")
def _inputs(axis):
    """The input rows of every pixel (4, size²), row-major: x, y, d = 1.4 * sqrt(x² + y²) (Picbreeder's),
    bias = 1. Computed once a render, shared by every genome's jobs (which copy their tile's columns)."""
    size = axis.shape[0]
    rows = np.empty((4, size * size), np.float32)
    for r in range(size):
        y = axis[r]
        for c in range(size):
            x, i = axis[c], r * size + c
            rows[0, i], rows[1, i] = x, y
            rows[2, i] = np.float32(math.sqrt(x * x + y * y)) * _D_SCALE
            rows[3, i] = _ONE
    return rows


@njit(cache=True, inline="always", error_model="numpy")
def _red_byte(value):
    """CPPN-X's red byte of a node value (``pixels.red_byte``): |v| * 255 truncated in double, 255 from |v| >= 1
    and for NaN."""
    v = abs(np.float64(value))
    return np.trunc(v * 255.0) if v < 1.0 else 255.0


@njit(cache=True, inline="always", error_model="numpy")
def _blue_byte(value):
    """CPPN-X's blue byte of a node value (``pixels.blue_byte``), in double; NaN gives 0."""
    v = np.float64(value)
    if v != v:
        return 0.0
    beyond = min(max((abs(v) - 1.0) / 5.0, 0.0), 1.0)
    if v > 1.0:
        return np.trunc((1.0 - beyond) * 255.0)
    if v < -1.0:
        return np.trunc(beyond * 255.0)
    return np.trunc(min(max(v, 0.0), 1.0) * 255.0)


@njit(cache=True, inline="always", error_model="numpy")
def _level(byte):
    """A CPPN-X byte as an image value in float32: byte / 127.5 - 1 (``pixels.to_image``)."""
    return np.float32(byte) / _HALF_LEVELS - _ONE


@njit(cache=True, inline="always", error_model="numpy")
def _ink(value):
    """CPPN-X's grey / RGB level of a node value, as ``pixels.red_byte`` then ``pixels.to_image``."""
    return _level(_red_byte(value))


@njit(cache=True, error_model="numpy")
def _hsv_tables():
    """Qt's per-degree sector and fraction (h = degrees * 100 / 6000) and per-byte 16-bit fraction (byte * 257 /
    65535), computed once per call with the same double operations as ``pixels.qt_hsv_to_rgb``, so the pixel loop
    has no divisions."""
    sector, fraction, unit = np.empty(360, np.int64), np.empty(360), np.empty(256)
    for degrees in range(360):
        h = np.float64(degrees) * 100.0 / 6000.0
        sector[degrees] = min(max(np.int64(np.trunc(h)), 0), 5)
        fraction[degrees] = h - np.trunc(h)
    for byte in range(256):
        unit[byte] = np.float64(byte) * 257.0 / _USHRT_MAX
    return sector, fraction, unit


@njit(cache=True, inline="always", error_model="numpy")
def _qt_byte(c):
    """A Qt channel in [0, 1] rounded to 16 bits, then its high byte (as ``pixels.qt_hsv_to_rgb``; / 256 is exact)."""
    return np.floor(np.trunc(c * _USHRT_MAX + 0.5) * _INV_256)


@njit(cache=True, inline="always", error_model="numpy")
def _hsv_bytes(hue, saturation, brightness, sector, fraction, unit):
    """CPPN-X's RGB bytes of one pixel's hue, saturation and brightness node values, every step in double as
    ``pixels.hue_degrees`` then ``pixels.qt_hsv_to_rgb`` (Qt 4.8's setHsv / toRgb); tables from ``_hsv_tables``."""
    turn = _red_byte(hue) * _DEGREES_PER_LEVEL
    degrees = np.trunc(turn + 360.0 if _blue_byte(hue) > 0.0 else -turn + 360.0)  # 0 .. 720, whole
    while degrees >= 360.0:  # mod 360 of a non-negative whole number
        degrees -= 360.0
    value = _red_byte(brightness)
    saturation_byte = _blue_byte(saturation)
    if saturation_byte == 0.0:  # achromatic: Qt copies the value
        grey = np.floor(value * 257.0 * _INV_256)
        return grey, grey, grey
    d = np.int64(degrees)
    k, f = sector[d], fraction[d]
    s, v = unit[np.int64(saturation_byte)], unit[np.int64(value)]
    p, q, t = v * (1.0 - s), v * (1.0 - s * f), v * (1.0 - s * (1.0 - f))
    if k == 0:
        r, g, b = v, t, p
    elif k == 1:
        r, g, b = q, v, p
    elif k == 2:
        r, g, b = p, v, t
    elif k == 3:
        r, g, b = p, q, v
    elif k == 4:
        r, g, b = t, p, v
    else:
        r, g, b = v, p, q
    return _qt_byte(r), _qt_byte(g), _qt_byte(b)


@njit(cache=True, error_model="numpy")
def _write(buf, rows, mapping, tables, dst, t0, n):
    """Write a tile's output rows to ``dst`` (channels, pixels) from pixel t0: the node values (RAW), CPPN-X's
    grey / RGB levels (INK) or its HSV colours (HSV), as ``pixels.to_image`` maps them."""
    if mapping == HSV:
        sector, fraction, unit = tables
        hue, saturation, brightness = buf[rows[0]], buf[rows[1]], buf[rows[2]]
        for i in range(n):
            r, g, b = _hsv_bytes(hue[i], saturation[i], brightness[i], sector, fraction, unit)
            dst[0, t0 + i], dst[1, t0 + i], dst[2, t0 + i] = _level(r), _level(g), _level(b)
        return
    for c in range(rows.shape[0]):
        row = buf[rows[c]]
        if mapping == INK:
            for i in range(n):
                dst[c, t0 + i] = _ink(row[i])
        else:
            for i in range(n):
                dst[c, t0 + i] = row[i]


@njit(cache=True, error_model="numpy")
def hsv_images(values, out):
    """CPPN-X's HSV colours of output node values (genomes, 3, pixels) (any float dtype) as image values in out
    (genomes, 3, pixels) float32, as ``pixels.to_image`` maps them; for renderers that compute node values
    elsewhere (the exact renderer). One thread: it follows single-threaded NumPy work."""
    sector, fraction, unit = _hsv_tables()
    for g in range(values.shape[0]):
        for i in range(values.shape[2]):
            r, gr, b = _hsv_bytes(values[g, 0, i], values[g, 1, i], values[g, 2, i], sector, fraction, unit)
            out[g, 0, i], out[g, 1, i], out[g, 2, i] = _level(r), _level(gr), _level(b)


@njit(parallel=True, cache=True, fastmath=False, error_model="numpy")
def render_networks(activations, node_links, link_sources, link_weights, genome_nodes, outputs, axis, rows, tile,
                    mapping, out):
    """Evaluate every genome over every pixel: out[g, c, i] = output node c of genome g at pixel i (``mapping``
    RAW), its CPPN-X grey / RGB level (INK) or CPPN-X's HSV colour of outputs hue, saturation, brightness (HSV), as
    pixels.to_image maps them (``_write``).

    activations int32 (nodes,), node_links int64 (nodes + 1,): node k sums links node_links[k]..node_links[k+1]-1;
    link_sources int32 / link_weights float32 (links,), sources as buffer rows (0..3: x, y, d, bias);
    genome_nodes int64 (genomes + 1,); outputs int32 (genomes, channels) buffer rows; axis float32 (size,): the
    x (and y) coordinate of each column (row); pixels are row-major;
    rows: the most buffer rows a genome needs; tile: the pixels of a block, where sin and cos choose their path (a
    job runs about SPAN pixels, a whole number of blocks); out float32 (genomes, channels, pixels).
    """
    genomes, size = outputs.shape[0], axis.shape[0]
    pixels = size * size
    span = tile * max(1, SPAN // tile)
    tiles = (pixels + span - 1) // span
    tables = _hsv_tables()
    inputs = _inputs(axis)
    for job in prange(genomes * tiles):
        g, t0 = job // tiles, (job % tiles) * span
        n = min(span, pixels - t0)
        buf = np.empty((rows, n), np.float32)
        for r in range(4):
            buf[r] = inputs[r, t0:t0 + n]
        _run_tile(activations, node_links, link_sources, link_weights, genome_nodes[g], genome_nodes[g + 1], buf, n,
                  tile)
        _write(buf, outputs[g], mapping, tables, out[g], t0, n)
