"""The fast HERCL engine: programs compiled to flat bytecode, run by one Numba loop.

The same machine as the reference interpreter ``machine.run_python``, instruction for instruction: the same
steps (a bar's end is a step), limits, circular stack, registers, booleans, messages and float results, bit for
bit, both as hercl's C computes them. ``?`` reads the numbers glibc's ``random()`` gives after
``srandom(seed)`` (as hercl's does), computed before the loop. Each bar's instructions are followed by one end
code (next bar, return, halt); a frame holds its cell, bar and absolute position, and the frame arrays grow by
doubling (as hercl's call stack does), so a run costs nothing in proportion to the call-stack limit. Compiled
once and cached on disk (``cache=True``); every helper lives in this file because Numba's disk cache notices
changes to the kernel's own file only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import numpy as np
from numba import njit

from coevo.toolkits.hercl.crandom import CRandom
from coevo.toolkits.hercl.program import MAX_CALL_STACK, Program
from coevo.toolkits.hercl.result import Result

(ADD, MUL, NEG, DIVMOD, RECIP, SQRT, EXP, LOG, ASIN, TANH, ROUND, POLAR, CART, PUSH, POP, COPY, SWAP, ROT, RAND,
 GET, PUT, INC, DEC, EQ, GT, LOAD, STORE, NOT, AND, OR, BRANCH, BACK, JUMP, INPUT, SCAN, WRITE, OUTPUT, NOP,
 END_NEXT, END_RET, END_HALT) = range(41)
OPCODES = {"+": ADD, "*": MUL, "-": NEG, "%": DIVMOD, "r": RECIP, "q": SQRT, "e": EXP, "n": LOG, "a": ASIN,
           "h": TANH, "z": ROUND, "p": POLAR, "t": CART, "#": PUSH, "!": POP, "c": COPY, "x": SWAP, "y": ROT,
           "?": RAND, "<": GET, ">": PUT, "^": INC, "v": DEC, "=": EQ, "g": GT, "{": LOAD, "}": STORE, "~": NOT,
           "&": AND, "/": OR, ":": BRANCH, ";": BACK, "j": JUMP, "i": INPUT, "s": SCAN, "w": WRITE, "o": OUTPUT,
           "$": NOP}
REGISTER_CODES = {GET, PUT, INC, DEC, EQ, GT, LOAD, STORE}
KEEP, LOCAL = -2, -1  # register arguments: no prefix (reuse the frame's last register), the frame's local one


class Bytecode(NamedTuple):
    """A program as arrays: per code its opcode, integer argument and push value; per bar where its codes start
    (one more entry than bars); per cell its first bar and bar count."""

    op: np.ndarray
    arg: np.ndarray
    val: np.ndarray
    bar_start: np.ndarray
    cell_first: np.ndarray
    cell_bars: np.ndarray
    num_reg: int
    stack_size: int
    mem_size: int
    random: bool  # the program has a ``?``


def compile_program(program: Program) -> Bytecode:
    """The program's bytecode, kept on the (immutable) program after the first call: hashing a program to
    look it up would cost more than a short run."""
    code = program.__dict__.get("_bytecode")
    if code is None:
        code = _compile(program)
        program.__dict__["_bytecode"] = code  # a cache beside the fields: equality and hashing ignore it
    return code


def _compile(program: Program) -> Bytecode:
    ops: list[int] = []
    args: list[int] = []
    vals: list[float] = []
    bar_start, cell_first, cell_bars = [], [], []
    nreg, ncells = program.num_reg, len(program.cells)
    for cell in program.cells:
        if not cell:
            raise ValueError("a HERCL cell needs at least one bar")
        cell_first.append(len(bar_start))
        cell_bars.append(len(cell))
        for bar in cell:
            bar_start.append(len(ops))
            for ins in bar.instrs:
                code, arg, val = OPCODES[ins.op], 0, 0.0
                if code in REGISTER_CODES:
                    if nreg == 0 or ins.prefix.startswith("."):
                        arg = LOCAL
                    elif ins.prefix:
                        arg = (ins.index() or 0) % nreg
                    else:
                        arg = KEEP
                elif code in (BRANCH, BACK):
                    arg = ins.index() or 0
                elif code == JUMP:
                    arg = ins.index() or 0
                    if arg >= ncells:
                        code, arg = NOP, 0
                elif code == PUSH:
                    val = ins.value()
                ops.append(code)
                args.append(arg)
                vals.append(val)
            ops.append(END_RET if bar.end.startswith(".") else END_HALT if bar.end else END_NEXT)
            args.append(0)
            vals.append(0.0)
    bar_start.append(len(ops))
    return Bytecode(np.array(ops, np.int32), np.array(args, np.int64), np.array(vals, np.float64),
                    np.array(bar_start, np.int64), np.array(cell_first, np.int64), np.array(cell_bars, np.int64),
                    nreg, program.stack_size, program.mem_size, "?" in program.text())


@njit(cache=True)
def _c_uniforms(state: np.ndarray, front: int, rear: int, n: int) -> np.ndarray:
    """``n`` more numbers of glibc's ``random()`` from its state, over 2^31 (``crandom.CRandom``)."""
    out = np.empty(n)
    for k in range(n):
        val = (state[front] + state[rear]) & 0xFFFFFFFF
        state[front] = val
        front = front + 1 if front < 30 else 0
        rear = rear + 1 if rear < 30 else 0
        out[k] = (val >> 1) / 2147483648.0
    return out


@lru_cache(maxsize=64)
def _randoms(seed: int, n: int) -> np.ndarray:
    """The first ``n`` numbers ``?`` pushes for ``seed``, as the reference interpreter draws them."""
    rng = CRandom(seed)
    out = _c_uniforms(np.array(rng.state, np.int64), rng.front, rng.rear, n)
    out.flags.writeable = False
    return out


_NO_RANDOMS = _randoms(0, 0)
_FRAMES = 16  # frames a run starts with; more are added by doubling, up to the call-stack limit
_INT_MIN = -2147483648.0


@njit(cache=True)
def _grown(a: np.ndarray, n: int) -> np.ndarray:
    """``a`` copied into a new array of ``n`` entries."""
    out = np.zeros(n, a.dtype)
    out[:a.size] = a
    return out


@njit(cache=True, inline="always")
def _mem_index(v: float, msize: int) -> int:
    """hercl's ``get_mem_index``: (int)floor(v + 0.5), INT_MIN beyond 32 bits as on x86, modulo the size."""
    f = np.floor(v + 0.5)
    if not (_INT_MIN <= f < -_INT_MIN):
        f = _INT_MIN
    r = np.fmod(f, msize)
    return int(r + msize if r < 0 else r)


@njit(cache=True, inline="always")
def _ret(bstack: np.ndarray, nb: int, fbp: np.ndarray, depth: int) -> tuple[int, int]:
    """Leave the top frame (hercl's ``return_from_jump``): its booleans go, its last one stays in the place
    of the boolean its call pushed."""
    value = bstack[nb - 1]
    depth -= 1
    nb = fbp[depth] + 1
    bstack[nb - 1] = value
    return nb, depth


@njit(cache=True, error_model="numpy")
def _execute(op, arg, val, bar_start, cell_first, cell_bars, msize, msgs, msg_len, n_msgs, reg, randoms,
             max_steps, max_depth, stack, mem, bstack, fc, fb, fpc, fr, flocal, fbp, out_vals, out_offs):
    """Run one program from a fresh state (``reg`` holds the starting global registers and ends with the last).
    Returns (steps, halted, sp, items, messages sent, values written)."""
    ssize = stack.size
    stack[:] = 0.0
    mem[:] = 0.0
    sp, items = ssize - 1, 0
    nb, depth, steps, nr = 0, 0, 0, 0
    im, mlen, si = -1, 0, 0
    n_out, n_vals = 0, 0
    out_offs[0] = 0
    running = max_depth > 0
    if running:  # the last cell starts
        c = cell_first.size - 1
        bstack[0] = True
        nb = 1
        fc[0], fb[0], fpc[0], fr[0], flocal[0], fbp[0] = c, 0, bar_start[cell_first[c]], -1, 0.0, 0
        depth = 1
    while running and steps < max_steps:
        d = depth - 1
        pc = fpc[d]
        o = op[pc]
        a = arg[pc]
        fpc[d] = pc + 1
        steps += 1
        if o <= CART:  # arithmetic on the top of the stack
            if o == ADD:
                if items > 1:
                    top = stack[sp]
                    stack[sp] = 0.0
                    sp = sp - 1 if sp > 0 else ssize - 1
                    items -= 1
                    if math.isfinite(stack[sp]):
                        stack[sp] += top
            elif o == MUL:
                if items > 1:
                    top = stack[sp]
                    stack[sp] = 0.0
                    sp = sp - 1 if sp > 0 else ssize - 1
                    items -= 1
                    r = stack[sp] * top
                    stack[sp] = 0.0 if math.isnan(r) else r
            elif o == NEG:
                if items > 0:
                    stack[sp] = -stack[sp]
            elif o == DIVMOD:
                if items > 1:
                    s1 = sp - 1 if sp > 0 else ssize - 1
                    x, m = stack[s1], stack[sp]
                    if m == 0.0:
                        if x > 0:
                            stack[s1] = math.inf
                        elif x < 0:
                            stack[s1] = -math.inf
                    elif math.isfinite(m):
                        if math.isfinite(x):
                            q = x / m
                            if math.isfinite(q):
                                q = np.floor(q)
                            stack[s1] = q
                            stack[sp] = x - q * m
                        else:
                            stack[s1] = x if m > 0 else -x
                            stack[sp] = 0.0
                    else:
                        stack[s1] = 0.0 if math.isfinite(x) else x * m
                        stack[sp] = x
            elif items > 0 and o < POLAR:
                v = stack[sp]
                if o == RECIP:
                    stack[sp] = math.copysign(math.inf, v) if v == 0.0 else 1.0 / v
                elif o == SQRT:
                    stack[sp] = 0.0 if v < 0 else math.sqrt(v)
                elif o == EXP:
                    stack[sp] = math.exp(v)
                elif o == LOG:
                    stack[sp] = -math.inf if v <= 0 else math.log(v)
                elif o == ASIN:
                    if not math.isnan(v):
                        w = v if v > -1.0 else -1.0
                        stack[sp] = math.asin(w if w < 1.0 else 1.0)
                elif o == TANH:
                    stack[sp] = math.tanh(v)
                elif math.isfinite(v):  # ROUND
                    stack[sp] = np.floor(0.5 + v)
            elif o == POLAR:
                if items > 1:
                    s1 = sp - 1 if sp > 0 else ssize - 1
                    x, y = stack[sp], stack[s1]
                    stack[s1] = math.atan2(y, x)
                    stack[sp] = math.sqrt(x * x + y * y)
            elif o == CART:
                if items > 1:
                    s1 = sp - 1 if sp > 0 else ssize - 1
                    theta, radius = stack[s1], stack[sp]
                    if math.isfinite(radius):
                        if math.isfinite(theta):
                            x, y = radius * math.cos(theta), radius * math.sin(theta)
                        else:
                            x, y = 0.0, 0.0
                    elif math.isfinite(theta):
                        cs, sn = math.cos(theta), math.sin(theta)
                        x = radius if cs > 0 else (-radius if cs < 0 else 0.0)
                        y = radius if sn > 0 else (-radius if sn < 0 else 0.0)
                    else:
                        x = radius
                        y = radius
                    stack[s1] = y
                    stack[sp] = x
        elif o <= RAND:  # stack manipulation
            if o == PUSH or o == RAND or o == COPY:
                if o == PUSH:
                    v = val[pc]
                elif o == RAND:
                    v = randoms[nr]
                    nr += 1
                else:
                    if items == 0:
                        continue
                    v = stack[sp]
                sp = sp + 1 if sp < ssize - 1 else 0
                stack[sp] = v
                if items < ssize:
                    items += 1
            elif o == POP:
                if items > 0:
                    stack[sp] = 0.0
                    sp = sp - 1 if sp > 0 else ssize - 1
                    items -= 1
            elif o == SWAP:
                if items > 1:
                    s1 = sp - 1 if sp > 0 else ssize - 1
                    stack[sp], stack[s1] = stack[s1], stack[sp]
            elif o == ROT:
                if items > 2:
                    s1 = sp - 1 if sp > 0 else ssize - 1
                    s2 = s1 - 1 if s1 > 0 else ssize - 1
                    stack[sp], stack[s1], stack[s2] = stack[s1], stack[s2], stack[sp]
        elif o <= STORE:  # registers and memory
            if (o == PUT or o == STORE) and items == 0:
                bstack[nb] = False
                nb += 1
                continue
            if a != KEEP:
                fr[d] = a
            where = fr[d]
            cur = flocal[d] if where < 0 else reg[where]
            if o == GET:
                sp = sp + 1 if sp < ssize - 1 else 0
                stack[sp] = cur
                if items < ssize:
                    items += 1
            elif o == PUT or o == STORE:
                bstack[nb] = True
                nb += 1
                top = stack[sp]
                stack[sp] = 0.0
                sp = sp - 1 if sp > 0 else ssize - 1
                items -= 1
                if o == PUT:
                    if where < 0:
                        flocal[d] = top
                    else:
                        reg[where] = top
                elif msize > 0 and math.isfinite(cur):
                    mem[_mem_index(cur, msize)] = top
            elif o == INC or o == DEC:
                nv = cur + 1.0 if o == INC else cur - 1.0
                if where < 0:
                    flocal[d] = nv
                else:
                    reg[where] = nv
            elif o == EQ:
                bstack[nb] = items > 0 and stack[sp] == cur
                nb += 1
            elif o == GT:
                bstack[nb] = cur > (stack[sp] if items > 0 else 0.0)
                nb += 1
            else:  # LOAD
                v = 0.0
                if msize > 0 and math.isfinite(cur):
                    v = mem[_mem_index(cur, msize)]
                sp = sp + 1 if sp < ssize - 1 else 0
                stack[sp] = v
                if items < ssize:
                    items += 1
        elif o <= OR:  # booleans
            if o == NOT:
                bstack[nb - 1] = not bstack[nb - 1]
            elif nb > fbp[d] + 2:  # two booleans of this frame (hercl: bp > bp_reset + 1)
                nb -= 1
                last = bstack[nb]
                bstack[nb - 1] = (bstack[nb - 1] and last) if o == AND else (bstack[nb - 1] or last)
        elif o <= JUMP:  # control
            if o == JUMP:
                if depth >= max_depth:  # the call stack limit halts
                    running = False
                else:
                    if depth >= fc.size:  # the frames double, up to the limit
                        n = min(2 * fc.size, max_depth)
                        fc, fb, fpc, fr, fbp = (_grown(fc, n), _grown(fb, n), _grown(fpc, n), _grown(fr, n),
                                                _grown(fbp, n))
                        flocal = _grown(flocal, n)
                    bstack[nb] = True
                    nb += 1
                    fc[depth], fb[depth], fpc[depth] = a, 0, bar_start[cell_first[a]]
                    fr[depth], flocal[depth], fbp[depth] = -1, 0.0, (nb - 1) & 0xFFFF  # hercl: 16 bits
                    depth += 1
                continue
            flag = bstack[nb - 1]
            nb = fbp[d] + 1
            bstack[nb - 1] = True
            if flag:
                c = fc[d]
                if o == BRANCH:
                    b = fb[d] + a + 1
                    if b >= cell_bars[c]:
                        nb, depth = _ret(bstack, nb, fbp, depth)
                        running = depth > 0
                        continue
                else:
                    b = fb[d] - a
                    if b < 0:
                        b = 0
                fb[d] = b
                fpc[d] = bar_start[cell_first[c] + b]
        elif o <= OUTPUT:  # messages
            if o == INPUT:
                if im + 1 < n_msgs:
                    im += 1
                    mlen, si = msg_len[im], 0
                    bstack[nb] = mlen >= 0  # -1: a non-message
                else:
                    im, mlen, si = n_msgs, 0, 0
                    bstack[nb] = False
                nb += 1
            elif o == SCAN:
                if si < mlen:
                    sp = sp + 1 if sp < ssize - 1 else 0
                    stack[sp] = msgs[im, si]
                    if items < ssize:
                        items += 1
                    si += 1
                    bstack[nb] = True
                else:
                    bstack[nb] = False
                nb += 1
            elif o == WRITE:
                if items == 0:
                    bstack[nb] = False
                else:
                    bstack[nb] = True
                    out_vals[n_vals] = stack[sp]
                    n_vals += 1
                    stack[sp] = 0.0
                    sp = sp - 1 if sp > 0 else ssize - 1
                    items -= 1
                nb += 1
            else:  # OUTPUT
                n_out += 1
                out_offs[n_out] = n_vals
        elif o == END_NEXT:
            b = fb[d] + 1
            if b >= cell_bars[fc[d]]:
                nb, depth = _ret(bstack, nb, fbp, depth)
                running = depth > 0
            else:
                fb[d] = b
                fpc[d] = bar_start[cell_first[fc[d]] + b]
        elif o == END_RET:
            nb, depth = _ret(bstack, nb, fbp, depth)
            running = depth > 0
        elif o == END_HALT:
            running = False
        # NOP ("$", a jump to a cell that does not exist): nothing
    return steps, not running, sp, items, n_out, n_vals


@njit(cache=True)
def _execute_batch(op, arg, val, bar_start, cell_first, cell_bars, msize, msgs, msg_len, reg0, randoms,
                   max_steps, max_depth, ssize, width, steps, halted, stack_out, depth_out, reg_out, output,
                   output_len):
    """Run one program on each of ``msgs.shape[0]`` inputs, keeping each run's summary."""
    nreg = reg0.size
    stack = np.zeros(ssize)
    mem = np.zeros(max(msize, 1))
    bstack = np.zeros(max_steps + 2, np.bool_)
    fc = np.zeros(_FRAMES, np.int64)
    fb, fpc, fr, fbp = np.zeros_like(fc), np.zeros_like(fc), np.zeros_like(fc), np.zeros_like(fc)
    flocal = np.zeros(_FRAMES)
    out_vals = np.zeros(max_steps + 1)
    out_offs = np.zeros(max_steps + 2, np.int64)
    reg = np.zeros(nreg)
    n_msgs = msgs.shape[1]
    for p in range(msgs.shape[0]):
        reg[:] = reg0
        n, h, sp, items, n_out, _ = _execute(op, arg, val, bar_start, cell_first, cell_bars, msize, msgs[p],
                                             msg_len, n_msgs, reg, randoms, max_steps, max_depth, stack, mem,
                                             bstack, fc, fb, fpc, fr, flocal, fbp, out_vals, out_offs)
        steps[p], halted[p], depth_out[p] = n, h, items
        for i in range(items):
            j = sp - items + 1 + i
            stack_out[p, i] = stack[j + ssize if j < 0 else j]
        reg_out[p, :] = reg
        if n_out > 0:
            length = out_offs[1]
            output_len[p] = length
            for i in range(min(width, length)):
                output[p, i] = out_vals[i]
        else:
            output_len[p] = -1


@njit(cache=True)
def _run_one(op, arg, val, bar_start, cell_first, cell_bars, msize, ssize, msgs, msg_len, n_msgs, reg, randoms,
             max_steps, max_depth):
    """One run with its own workspace: (stack bottom first, values written, message starts, steps, halted,
    messages sent, values written)."""
    stack = np.zeros(ssize)
    fc = np.zeros(_FRAMES, np.int64)
    fb, fpc, fr, fbp = np.zeros_like(fc), np.zeros_like(fc), np.zeros_like(fc), np.zeros_like(fc)
    out_vals = np.zeros(max_steps + 1)
    out_offs = np.zeros(max_steps + 2, np.int64)
    steps, halted, sp, items, n_out, n_vals = _execute(
        op, arg, val, bar_start, cell_first, cell_bars, msize, msgs, msg_len, n_msgs, reg, randoms, max_steps,
        max_depth, stack, np.zeros(max(msize, 1)), np.zeros(max_steps + 2, np.bool_), fc, fb, fpc, fr,
        np.zeros(_FRAMES), fbp, out_vals, out_offs)
    order = np.empty(items)
    for i in range(items):
        j = sp - items + 1 + i
        order[i] = stack[j + ssize if j < 0 else j]
    return order, out_vals[:n_vals], out_offs[:n_out + 1], steps, halted


@dataclass
class Batch:
    """One program run on many inputs: per run its steps, whether it halted by itself, its stack (``depth``
    items, bottom first, in ``stack[:, :depth]``), its global registers, and the first ``width`` values of its
    first output message (``output``, NaN past ``output_len``; ``output_len`` is -1 when it sent none)."""

    steps: np.ndarray
    halted: np.ndarray
    stack: np.ndarray
    depth: np.ndarray
    registers: np.ndarray
    output: np.ndarray
    output_len: np.ndarray

    def top(self) -> np.ndarray:
        """The top of each run's stack, NaN where it is empty."""
        rows = np.arange(len(self.depth))
        return np.where(self.depth > 0, self.stack[rows, np.maximum(self.depth - 1, 0)], np.nan)


def _start_registers(code: Bytecode, registers: list[float] | None) -> np.ndarray:
    reg = np.zeros(code.num_reg)
    for i, v in enumerate((registers or [])[: code.num_reg]):
        reg[i] = float(v)
    return reg


def _check(max_steps: int, max_depth: int) -> None:
    if max_steps < 0 or max_depth < 1:
        raise ValueError("need max_steps >= 0 and max_depth >= 1")


def _pack(messages: list[list[float] | None]) -> tuple[np.ndarray, np.ndarray, int]:
    """Messages as rows of a float array (padded), their lengths (-1 for a non-message), and how many."""
    n = len(messages)
    lengths = [-1 if m is None else len(m) for m in messages]
    if n and min(lengths) == max(lengths) > 0:
        return np.array(messages, np.float64), np.full(n, lengths[0], np.int64), n
    msgs = np.zeros((max(n, 1), max(max(lengths, default=0), 1)))
    for i, m in enumerate(messages):
        if m is not None:
            msgs[i, : len(m)] = m
    return msgs, np.array(lengths or [0], np.int64), n


def run_numba(program: Program, inputs: list[list[float] | None] | None = None, max_steps: int = 1000,
              max_depth: int = MAX_CALL_STACK, seed: int = 0, registers: list[float] | None = None) -> Result:
    """``machine.run`` on the compiled engine: the same ``Result``."""
    _check(max_steps, max_depth)
    code = compile_program(program)
    msgs, msg_len, n_msgs = _pack(inputs or [])
    reg = _start_registers(code, registers)
    randoms = _randoms(seed, max_steps) if code.random else _NO_RANDOMS
    stack, values, starts, steps, halted = _run_one(
        code.op, code.arg, code.val, code.bar_start, code.cell_first, code.cell_bars, code.mem_size,
        code.stack_size, msgs, msg_len, n_msgs, reg, randoms, max_steps, max_depth)
    values, starts = values.tolist(), starts.tolist()
    outputs = [values[starts[k]:starts[k + 1]] for k in range(len(starts) - 1)]
    return Result(outputs, stack.tolist(), reg.tolist(), int(steps), bool(halted), values[starts[-1]:])


def run_batch(program: Program, inputs: np.ndarray, max_steps: int = 1000, max_depth: int = MAX_CALL_STACK,
              seed: int = 0, registers: list[float] | None = None, width: int = 1) -> Batch:
    """Run ``program`` once per row of ``inputs``: ``(P, L)`` one message of L values per run, or ``(P, M, L)``
    M messages each. Each run starts fresh, as ``run`` does."""
    _check(max_steps, max_depth)
    code = compile_program(program)
    msgs = np.ascontiguousarray(inputs, dtype=np.float64)
    if msgs.ndim == 2:
        msgs = msgs[:, None, :]
    if msgs.ndim != 3:
        raise ValueError("inputs must be (runs, values) or (runs, messages, values)")
    runs = msgs.shape[0]
    msg_len = np.full(msgs.shape[1], msgs.shape[2], np.int64)
    batch = Batch(np.zeros(runs, np.int64), np.zeros(runs, np.bool_), np.zeros((runs, code.stack_size)),
                  np.zeros(runs, np.int64), np.zeros((runs, code.num_reg)), np.full((runs, width), np.nan),
                  np.zeros(runs, np.int64))
    randoms = _randoms(seed, max_steps) if code.random else _NO_RANDOMS
    _execute_batch(code.op, code.arg, code.val, code.bar_start, code.cell_first, code.cell_bars, code.mem_size,
                   msgs, msg_len, _start_registers(code, registers), randoms, max_steps, max_depth,
                   code.stack_size, width, batch.steps, batch.halted, batch.stack, batch.depth, batch.registers,
                   batch.output, batch.output_len)
    return batch
