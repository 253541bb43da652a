"""A HERCL interpreter written from the language's published definition (wofnot/hercl, Blair 2013-2015).

Deterministic and bounded: execution stops after ``max_steps`` instructions, when the call stack would pass
``max_depth`` frames (hercl's ``MAX_CALL_STACK``, 65,536, by default: it halts there), or when the last cell
returns. The value stack is circular (``s`` slots; pushing onto a full stack overwrites its oldest item), there
is one local register per frame, ``r`` global registers and ``m`` memory slots (addressed modulo ``m``), and a
stack of booleans that the comparisons push and the branches read and reset. ``?`` draws what hercl's does:
glibc's ``random()`` after ``srandom(seed)``, over 2^31.

Input is a list of messages (lists of numbers, or ``None`` for hercl's non-message, a ``\\`` line): ``i`` moves
to the next message (false when there is none, or when it is a non-message), ``s`` pushes the next value of the
current message (false when it is used up). Output: ``w`` pops a value
into the output buffer, ``o`` sends the buffer as a message.

``run_python`` here is the reference; ``run`` runs the same machine compiled (``coevo.toolkits.hercl.fast``) by default.
"""

from __future__ import annotations

import math

from coevo.toolkits.hercl.crandom import CRandom
from coevo.toolkits.hercl.program import MAX_CALL_STACK, Program
from coevo.toolkits.hercl.result import Result

Message = list[float] | None  # an input message; None is hercl's non-message


class _Frame:
    __slots__ = ("b", "bp_reset", "c", "k", "local", "r")

    def __init__(self, c: int, b: int, bp_reset: int) -> None:
        self.c, self.b, self.k, self.r, self.local, self.bp_reset = c, b, 0, -1, 0.0, bp_reset


ENGINES = ("auto", "numba", "python")


def run(program: Program, inputs: list[Message] | None = None, max_steps: int = 1000,
        max_depth: int = MAX_CALL_STACK, seed: int = 0, registers: list[float] | None = None,
        engine: str = "auto") -> Result:
    """Run ``program`` on ``inputs`` from a fresh state (or given global ``registers``). ``engine``: ``numba``
    (the compiled bytecode loop of ``coevo.toolkits.hercl.fast``; what ``auto`` picks when Numba imports) or ``python``
    (``run_python``, the reference); both give the same result, bit for bit."""
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if engine != "python":
        try:
            from coevo.toolkits.hercl.fast import run_numba
        except ImportError:
            if engine == "numba":
                raise
        else:
            return run_numba(program, inputs, max_steps, max_depth, seed, registers)
    return run_python(program, inputs, max_steps, max_depth, seed, registers)


def run_python(program: Program, inputs: list[Message] | None = None, max_steps: int = 1000,
               max_depth: int = MAX_CALL_STACK, seed: int = 0, registers: list[float] | None = None,
               max_outputs: int = 0) -> Result:
    """The reference interpreter, in plain Python: run ``program`` on ``inputs`` from a fresh state; with
    ``max_outputs``, stop once that many messages are sent (a critic's verdict, a drawing's last command)."""
    cells = program.cells
    ncells, nreg, ssize, msize = len(cells), program.num_reg, program.stack_size, program.mem_size
    messages = [None if m is None else list(map(float, m)) for m in (inputs or [])]
    rng: CRandom | None = None  # made at the first '?'
    stack = [0.0] * ssize
    sp, items = ssize - 1, 0
    reg = [0.0] * nreg
    if registers is not None:
        for i, v in enumerate(registers[:nreg]):
            reg[i] = float(v)
    mem = [0.0] * msize
    bstack: list[bool] = []  # hercl's boolean stack; the values above its top are never read again
    frames: list[_Frame] = []
    message: list[float] = []  # the current input message
    im, si = -1, 0  # index of the current message, of the next value in it
    outputs: list[list[float]] = []
    buffer: list[float] = []
    state = {"running": True}

    def push_frame(c: int) -> None:
        if len(frames) >= max_depth:  # call stack limit: halt
            while state["running"]:
                ret()
            return
        bstack.append(True)
        frames.append(_Frame(c, 0, (len(bstack) - 1) % 65536))  # hercl's 16-bit bp_reset

    def ret() -> None:
        """hercl's ``return_from_jump``: the callee's booleans go, its last one stays in the place of the
        boolean its call pushed (so the caller sees it pushed, its own ones kept)."""
        value = bstack[-1]
        frame = frames.pop()
        del bstack[frame.bp_reset + 1:]
        bstack[-1] = value
        if not frames:
            state["running"] = False

    def push(value: float) -> None:
        nonlocal sp, items
        sp = (sp + 1) % ssize
        stack[sp] = value
        if items < ssize:
            items += 1

    def pop() -> float:
        nonlocal sp, items
        v = stack[sp]
        stack[sp] = 0.0
        sp = (sp - 1) % ssize
        items -= 1
        return v

    def select(f: _Frame, ins) -> tuple[str, int]:
        """The register an instruction names: its digits pick a global one (kept for later bare uses), a
        dot the frame's local register; with no registers, always the local one."""
        if nreg == 0 or ins.prefix.startswith("."):
            f.r = -1
        elif ins.prefix:
            f.r = ins.index() % nreg
        return ("L", 0) if f.r < 0 else ("G", f.r)

    def read(f: _Frame, where: tuple[str, int]) -> float:
        return f.local if where[0] == "L" else reg[where[1]]

    def write(f: _Frame, where: tuple[str, int], v: float) -> None:
        if where[0] == "L":
            f.local = v
        else:
            reg[where[1]] = v

    def mem_index(v: float) -> int:
        """hercl's ``get_mem_index``: (int)floor(v + 0.5), which x86 makes INT_MIN beyond 32 bits."""
        i = math.floor(v + 0.5)
        return (i if -2**31 <= i < 2**31 else -2**31) % msize

    push_frame(ncells - 1)
    steps = 0
    while state["running"] and steps < max_steps and not (max_outputs and len(outputs) >= max_outputs):
        f = frames[-1]
        bar = cells[f.c][f.b]
        steps += 1
        if f.k >= len(bar.instrs):  # the bar's end
            if bar.end.startswith("."):
                ret()
            elif bar.end:
                while state["running"]:
                    ret()
            else:
                f.b += 1
                f.k = 0
                if f.b >= len(cells[f.c]):
                    ret()
            continue
        ins = bar.instrs[f.k]
        f.k += 1
        op = ins.op
        if op == "+":
            if items > 1:
                top = pop()
                if math.isfinite(stack[sp]):
                    stack[sp] += top
        elif op == "*":
            if items > 1:
                top = pop()
                r = stack[sp] * top
                stack[sp] = 0.0 if math.isnan(r) else r
        elif op == "-":
            if items > 0:
                stack[sp] = -stack[sp]
        elif op == "%":  # ..(x)(m) -> ..(x/m)(x % m), quotient floored
            if items > 1:
                s1 = (sp - 1) % ssize
                x, m = stack[s1], stack[sp]
                if m == 0.0:
                    if x > 0:
                        stack[s1] = math.inf
                    elif x < 0:
                        stack[s1] = -math.inf
                elif math.isfinite(m):
                    if math.isfinite(x):
                        q = x / m
                        q = float(math.floor(q)) if math.isfinite(q) and q != 0.0 else q  # floor(-0.0) is -0.0
                        stack[s1], stack[sp] = q, x - q * m
                    else:
                        stack[s1], stack[sp] = (x if m > 0 else -x), 0.0
                else:
                    stack[s1], stack[sp] = (0.0 if math.isfinite(x) else x * m), x
        elif op == "r":
            if items > 0:
                v = stack[sp]
                stack[sp] = (math.copysign(math.inf, v) if v == 0.0 else 1.0 / v)
        elif op == "q":
            if items > 0:
                stack[sp] = 0.0 if stack[sp] < 0 else math.sqrt(stack[sp])
        elif op == "e":
            if items > 0:
                v = stack[sp]
                try:
                    stack[sp] = math.exp(v)
                except OverflowError:
                    stack[sp] = math.inf
        elif op == "n":
            if items > 0:
                v = stack[sp]
                stack[sp] = -math.inf if v <= 0 else math.log(v)
        elif op == "a":
            if items > 0:
                stack[sp] = math.asin(min(1.0, max(-1.0, stack[sp]))) if not math.isnan(stack[sp]) else stack[sp]
        elif op == "h":
            if items > 0:
                stack[sp] = math.tanh(stack[sp])
        elif op == "z":
            if items > 0 and math.isfinite(stack[sp]):
                stack[sp] = float(math.floor(0.5 + stack[sp]))
        elif op == "p":  # ..(y)(x) -> ..(theta)(r)
            if items > 1:
                s1 = (sp - 1) % ssize
                x, y = stack[sp], stack[s1]
                stack[s1], stack[sp] = math.atan2(y, x), math.sqrt(x * x + y * y)
        elif op == "t":  # ..(theta)(r) -> ..(y)(x)
            if items > 1:
                s1 = (sp - 1) % ssize
                theta, radius = stack[s1], stack[sp]
                if math.isfinite(radius):
                    x, y = ((radius * math.cos(theta), radius * math.sin(theta)) if math.isfinite(theta)
                            else (0.0, 0.0))
                elif math.isfinite(theta):
                    cs, sn = math.cos(theta), math.sin(theta)
                    x = radius if cs > 0 else (-radius if cs < 0 else 0.0)
                    y = radius if sn > 0 else (-radius if sn < 0 else 0.0)
                else:
                    x = y = radius
                stack[s1], stack[sp] = y, x
        elif op == "#":
            push(ins.value())
        elif op == "!":
            if items > 0:
                pop()
        elif op == "c":
            if items > 0:
                push(stack[sp])
        elif op == "x":
            if items > 1:
                s1 = (sp - 1) % ssize
                stack[sp], stack[s1] = stack[s1], stack[sp]
        elif op == "y":  # ..(a)(b)(c) -> ..(c)(a)(b)
            if items > 2:
                s1, s2 = (sp - 1) % ssize, (sp - 2) % ssize
                stack[sp], stack[s1], stack[s2] = stack[s1], stack[s2], stack[sp]
        elif op == "?":
            rng = rng or CRandom(seed)
            push(rng.uniform())
        elif op == "<":
            push(read(f, select(f, ins)))
        elif op == ">":
            if items == 0:
                bstack.append(False)
            else:
                bstack.append(True)
                write(f, select(f, ins), pop())
        elif op == "^":
            where = select(f, ins)
            write(f, where, read(f, where) + 1.0)
        elif op == "v":
            where = select(f, ins)
            write(f, where, read(f, where) - 1.0)
        elif op == "=":
            where = select(f, ins)
            bstack.append(items > 0 and stack[sp] == read(f, where))
        elif op == "g":
            where = select(f, ins)
            bstack.append(read(f, where) > (stack[sp] if items > 0 else 0.0))
        elif op == "{":
            v = read(f, select(f, ins))
            push(mem[mem_index(v)] if msize > 0 and math.isfinite(v) else 0.0)
        elif op == "}":
            if items == 0:
                bstack.append(False)
            else:
                bstack.append(True)
                v = read(f, select(f, ins))
                top = pop()
                if msize > 0 and math.isfinite(v):
                    mem[mem_index(v)] = top
        elif op == "~":
            bstack[-1] = not bstack[-1]
        elif op == "&":  # combines two booleans of this frame only (hercl: bp > bp_reset + 1)
            if len(bstack) > f.bp_reset + 2:
                last = bstack.pop()
                bstack[-1] = bstack[-1] and last
        elif op == "/":
            if len(bstack) > f.bp_reset + 2:
                last = bstack.pop()
                bstack[-1] = bstack[-1] or last
        elif op == ":":  # branch forward over `offset` bars when true
            flag = bstack[-1]
            del bstack[f.bp_reset + 1:]
            bstack[-1] = True
            if flag:
                f.b += (ins.index() or 0) + 1
                f.k = 0
                if f.b >= len(cells[f.c]):
                    ret()
        elif op == ";":  # branch back to the start of this bar (or `offset` bars before) when true
            flag = bstack[-1]
            del bstack[f.bp_reset + 1:]
            bstack[-1] = True
            if flag:
                f.b = max(0, f.b - (ins.index() or 0))
                f.k = 0
        elif op == "j":
            c = ins.index() or 0
            if c < ncells:
                push_frame(c)
        elif op == "i":
            if im + 1 < len(messages):
                im += 1
                message, si = messages[im] or [], 0
                bstack.append(messages[im] is not None)
            else:
                im, message, si = len(messages), [], 0
                bstack.append(False)
        elif op == "s":
            if si < len(message):
                push(message[si])
                si += 1
                bstack.append(True)
            else:
                bstack.append(False)
        elif op == "w":
            if items == 0:
                bstack.append(False)
            else:
                bstack.append(True)
                buffer.append(pop())
        elif op == "o":
            outputs.append(buffer)
            buffer = []
        # "$" (pay) is not implemented in HERCL either: a no-op
    order = [stack[(sp - items + 1 + i) % ssize] for i in range(items)]
    return Result(outputs, order, reg, steps, not state["running"], buffer)
