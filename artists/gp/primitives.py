"""The Sims-style function set: each primitive's meaning in NumPy (float32) and plain ``math``, and the DEAP set.

The NumPy versions are the reference the compiled kernel is tested against; the scalar versions are the
per-pixel baseline of the benchmark. Every primitive is total: protected where the maths is undefined.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from deap import gp

from coevo.rng import python_rng

INPUTS = ("x", "y", "r", "theta")  # the pixel's coordinates, in the order of pixel_inputs' rows
EPS = float(np.float32(1e-6))  # protected ÷, mod and log treat |v| <= EPS as zero (a float32 value)
EXP_LIMIT = 20.0  # exp's argument is clamped to [-EXP_LIMIT, EXP_LIMIT]
NOISE_LIMIT = 1e6  # noise coordinates are clamped to [-NOISE_LIMIT, NOISE_LIMIT] (NaN counts as 0)
NOISE_SCALE = 4.0  # lattice cells per unit of noise coordinate (4 cells across half the image)
NOISE_SEED = 0x2545F491  # fixed seed of the lattice hash: a genome renders the same everywhere
HASH_X, HASH_Y, HASH_MIX = 374761393, 668265263, 1274126177  # odd multipliers of the lattice hash
MASK32 = 0xFFFFFFFF
GRAD_X = (1.0, -1.0, 1.0, -1.0, 1.0, -1.0, 0.0, 0.0)  # the 8 lattice gradients, picked by hash & 7
GRAD_Y = (1.0, 1.0, -1.0, -1.0, 0.0, 0.0, 1.0, -1.0)


def f32(value: object) -> np.ndarray:
    """A value as float32 (arrays pass through), so the reference computes in float32 like the kernel."""
    return np.asarray(value, dtype=np.float32)


# ---- NumPy (float32) reference implementations ----

def np_add(a, b):
    return f32(a) + f32(b)


def np_sub(a, b):
    return f32(a) - f32(b)


def np_mul(a, b):
    return f32(a) * f32(b)


def np_div(a, b):
    """Protected ÷: 1 where |b| <= EPS (Koza)."""
    a, b = f32(a), f32(b)
    with np.errstate(all="ignore"):
        return np.where(np.abs(b) > EPS, a / b, np.float32(1.0))


def np_mod(a, b):
    """Floored modulo (the result takes b's sign), 0 where |b| <= EPS."""
    a, b = f32(a), f32(b)
    with np.errstate(all="ignore"):
        m = np.fmod(a, b)
        m = np.where((m != 0) & ((m < 0) != (b < 0)), m + b, m)
        return np.where(np.abs(b) > EPS, m, np.float32(0.0))


def np_min(a, b):
    return np.minimum(f32(a), f32(b))


def np_max(a, b):
    return np.maximum(f32(a), f32(b))


def np_atan2(a, b):
    return np.arctan2(f32(a), f32(b))


def np_sin(a):
    with np.errstate(all="ignore"):
        return np.sin(f32(a))


def np_cos(a):
    with np.errstate(all="ignore"):
        return np.cos(f32(a))


def np_abs(a):
    return np.abs(f32(a))


def np_log(a):
    """Protected log: log |a|, 0 where |a| <= EPS."""
    v = np.abs(f32(a))
    with np.errstate(all="ignore"):
        return np.where(v > EPS, np.log(v), np.float32(0.0))


def np_sqrt(a):
    """Protected square root: sqrt |a|."""
    return np.sqrt(np.abs(f32(a)))


def np_exp(a):
    """Clamped exp: exp of a clamped to [-EXP_LIMIT, EXP_LIMIT]."""
    return np.exp(np.clip(f32(a), np.float32(-EXP_LIMIT), np.float32(EXP_LIMIT)))


def np_ifgt(c, a, b):
    """If-greater-than-zero: a where c > 0, else b (NaN counts as not greater)."""
    return np.where(f32(c) > 0, f32(a), f32(b))


def _np_noise_coord(v: np.ndarray) -> np.ndarray:
    v = np.where(np.isnan(v), np.float32(0.0), v)
    return np.clip(v, np.float32(-NOISE_LIMIT), np.float32(NOISE_LIMIT)) * np.float32(NOISE_SCALE)


def _np_hash(ix: np.ndarray, iy: np.ndarray) -> np.ndarray:
    h = (ix * HASH_X + iy * HASH_Y + NOISE_SEED) & MASK32
    h = ((h ^ (h >> 13)) * HASH_MIX) & MASK32
    return h ^ (h >> 16)


def _np_grad(ix: np.ndarray, iy: np.ndarray, dx: np.ndarray, dy: np.ndarray) -> np.ndarray:
    k = _np_hash(ix, iy) & 7
    return np.asarray(GRAD_X, np.float32)[k] * dx + np.asarray(GRAD_Y, np.float32)[k] * dy


def np_noise(a, b):
    """Seeded 2-D gradient (Perlin) noise at (a, b), roughly in [-1, 1]."""
    x, y = _np_noise_coord(f32(a)), _np_noise_coord(f32(b))
    x, y = np.broadcast_arrays(x, y)
    x0, y0 = np.floor(x), np.floor(y)
    fx, fy = x - x0, y - y0
    ix, iy = x0.astype(np.int64), y0.astype(np.int64)
    one = np.float32(1.0)
    u = fx * fx * fx * (fx * (fx * np.float32(6.0) - np.float32(15.0)) + np.float32(10.0))
    v = fy * fy * fy * (fy * (fy * np.float32(6.0) - np.float32(15.0)) + np.float32(10.0))
    g00 = _np_grad(ix, iy, fx, fy)
    g10 = _np_grad(ix + 1, iy, fx - one, fy)
    g01 = _np_grad(ix, iy + 1, fx, fy - one)
    g11 = _np_grad(ix + 1, iy + 1, fx - one, fy - one)
    nx0 = g00 + u * (g10 - g00)
    nx1 = g01 + u * (g11 - g01)
    return nx0 + v * (nx1 - nx0)


# ---- plain-Python scalar implementations (the per-pixel baseline) ----

def sc_div(a: float, b: float) -> float:
    return a / b if abs(b) > EPS else 1.0


def sc_mod(a: float, b: float) -> float:
    if not abs(b) > EPS:
        return 0.0
    m = math.fmod(a, b) if math.isfinite(a) else math.nan
    return m + b if m != 0 and (m < 0) != (b < 0) else m


def sc_sin(a: float) -> float:
    return math.sin(a) if math.isfinite(a) else math.nan


def sc_cos(a: float) -> float:
    return math.cos(a) if math.isfinite(a) else math.nan


def sc_min(a: float, b: float) -> float:
    return math.nan if a != a or b != b else min(a, b)


def sc_max(a: float, b: float) -> float:
    return math.nan if a != a or b != b else max(a, b)


def sc_log(a: float) -> float:
    return math.log(abs(a)) if abs(a) > EPS else 0.0


def sc_exp(a: float) -> float:
    return math.exp(min(max(a, -EXP_LIMIT), EXP_LIMIT)) if a == a else math.nan


def sc_ifgt(c: float, a: float, b: float) -> float:
    return a if c > 0 else b


def _sc_hash(ix: int, iy: int) -> int:
    h = (ix * HASH_X + iy * HASH_Y + NOISE_SEED) & MASK32
    h = ((h ^ (h >> 13)) * HASH_MIX) & MASK32
    return h ^ (h >> 16)


def _sc_grad(ix: int, iy: int, dx: float, dy: float) -> float:
    k = _sc_hash(ix, iy) & 7
    return GRAD_X[k] * dx + GRAD_Y[k] * dy


def sc_noise(a: float, b: float) -> float:
    x = min(max(0.0 if a != a else a, -NOISE_LIMIT), NOISE_LIMIT) * NOISE_SCALE
    y = min(max(0.0 if b != b else b, -NOISE_LIMIT), NOISE_LIMIT) * NOISE_SCALE
    x0, y0 = math.floor(x), math.floor(y)
    fx, fy = x - x0, y - y0
    u = fx * fx * fx * (fx * (fx * 6.0 - 15.0) + 10.0)
    v = fy * fy * fy * (fy * (fy * 6.0 - 15.0) + 10.0)
    g00, g10 = _sc_grad(x0, y0, fx, fy), _sc_grad(x0 + 1, y0, fx - 1.0, fy)
    g01, g11 = _sc_grad(x0, y0 + 1, fx, fy - 1.0), _sc_grad(x0 + 1, y0 + 1, fx - 1.0, fy - 1.0)
    nx0, nx1 = g00 + u * (g10 - g00), g01 + u * (g11 - g01)
    return nx0 + v * (nx1 - nx0)


@dataclass(frozen=True)
class PrimitiveSpec:
    """One function of the set: its name in genomes, arity, and reference implementations."""

    name: str
    arity: int
    numpy: Callable  # float32 NumPy version, elementwise over whole images
    scalar: Callable  # plain-Python version over one pixel's floats


PRIMITIVES: tuple[PrimitiveSpec, ...] = (
    PrimitiveSpec("add", 2, np_add, lambda a, b: a + b),
    PrimitiveSpec("sub", 2, np_sub, lambda a, b: a - b),
    PrimitiveSpec("mul", 2, np_mul, lambda a, b: a * b),
    PrimitiveSpec("div", 2, np_div, sc_div),
    PrimitiveSpec("mod", 2, np_mod, sc_mod),
    PrimitiveSpec("min", 2, np_min, sc_min),
    PrimitiveSpec("max", 2, np_max, sc_max),
    PrimitiveSpec("atan2", 2, np_atan2, math.atan2),
    PrimitiveSpec("noise", 2, np_noise, sc_noise),
    PrimitiveSpec("sin", 1, np_sin, sc_sin),
    PrimitiveSpec("cos", 1, np_cos, sc_cos),
    PrimitiveSpec("abs", 1, np_abs, abs),
    PrimitiveSpec("log", 1, np_log, sc_log),
    PrimitiveSpec("sqrt", 1, np_sqrt, lambda a: math.sqrt(abs(a))),
    PrimitiveSpec("exp", 1, np_exp, sc_exp),
    PrimitiveSpec("ifgt", 3, np_ifgt, sc_ifgt),
)

CONSTANT = "const"  # the name of the ephemeral constant class in the DEAP set


def random_constant() -> float:
    """A fresh ephemeral constant, uniform in [-1, 1) (from Python's seeded ``random``)."""
    return python_rng().uniform(-1.0, 1.0)


def build_pset(implementation: str = "numpy") -> gp.PrimitiveSet:
    """A DEAP primitive set over x, y, r, theta; ``implementation`` ("numpy" or "scalar") is what gp.compile runs."""
    if implementation not in ("numpy", "scalar"):
        raise ValueError(f"implementation must be 'numpy' or 'scalar', not {implementation!r}")
    pset = gp.PrimitiveSet("pixel", len(INPUTS))
    pset.renameArguments(**{f"ARG{i}": name for i, name in enumerate(INPUTS)})
    for spec in PRIMITIVES:
        pset.addPrimitive(getattr(spec, implementation), spec.arity, name=spec.name)
    pset.addEphemeralConstant(CONSTANT, random_constant)
    return pset


def pixel_inputs(size: int) -> np.ndarray:
    """Rows x, y, r, theta at the centres of a size×size grid (row-major), x right and y up in [-1, 1]; float32."""
    axis = (np.arange(size, dtype=np.float64) + 0.5) / size * 2.0 - 1.0
    y, x = np.meshgrid(-axis, axis, indexing="ij")
    r, theta = np.hypot(x, y), np.arctan2(y, x)
    return np.stack([x, y, r, theta]).reshape(len(INPUTS), size * size).astype(np.float32)
