"""Supervised HERCsearch for a HERCL classifier of feature vectors (Blair 2013-2015; wofnot/hercl
``src/base/super.c`` and ``eval.c`` read as a specification, no code taken).

An item is a feature vector and a target, 1 (real) or 0 (fake). As ``super.c`` does for long fixed-length
inputs (``register_features``), the features are loaded into the global registers (one per feature) and the
program reads no input; its first output message is its answer and must hold one value. Cost per item is
``eval.c``'s KLD (chosen there for 0/1 targets): the cross entropy of an output in (0, 1); an output at or beyond
the wrong end (<= 0 for a real item, >= 1 for a fake one) is a penalty, as are a non-finite value or a message
of another length (none: 2); a program still running at the step limit is rejected.

Incremental learning (hercsearch ``-n``): the items are in a random order, the champion is judged on the first
``trials`` of them (at first 2) and is *perfect* when it has no penalty and its cost is at most ``trials x
item_cost`` (0.1, super.c's value for 0/1 targets and make-critics.sh's ``-t 0.1``); a perfect candidate goes on to
the following items while it stays perfect, so the curriculum grows, and the search is done when every item is
passed. New items join at random places after the curriculum. Where ``make-train.sh`` repeats the smaller class
until both have as many items, here each item is weighted (in cost, penalty and the allowed cost) so that both
classes weigh as much. A child (mutations, or a crossover with the codebank of random programs and earlier
champions) replaces the champion when better (``better_candidate``): more items passed, then perfect, then less
penalty, then less ``0.01 x codons + 0.01 x mean steps`` plus ``1000 x cost`` while not perfect; ties go to the
child half the time, and a child level with the champion but for a worse score wins with probability
sigmoid(-difference) (``anneal``; eval.c allows that only for point mutations), so the search drifts through neutral
variants.
Departures: the search starts from a program answering one random feature (``K<wo``), not from empty code;
one champion instead of a ladder of several; no trimming phase, no SWAP_FAILS or reshuffling;
identical outputs on every item cost a penalty of 1 (super.c's ``all_outputs_same``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from coevo.rng import python_rng
from coevo.toolkits.hercl import Program, parse, run_python
from coevo.toolkits.hercl.variation import crossover, mutate, random_program

ITEM_COST = 0.1
MIN_TRIALS = 2
SPACE_FACTOR = TIME_FACTOR = 0.01
COST_FACTOR = 1000.0
REJECT = 1e6  # penalty of a program stopped at the step limit


def answer(program: Program, features: list[float], max_steps: int) -> tuple[list[float] | None, int, bool]:
    """The program's first output message on ``features`` (in its registers), its steps, and whether it was
    stopped at the step limit."""
    # the reference engine, which stops at the first message as super.c does (the compiled one runs on)
    result = run_python(program, None, max_steps=max_steps, registers=features, max_outputs=1)
    message = result.outputs[0] if result.outputs else None
    return message, result.steps, message is None and not result.halted


def verdict(message: list[float] | None) -> float:
    """Art-school's reading of a critic's answer: its first value clamped to [0, 1]; none or NaN is 0."""
    if not message or math.isnan(message[0]):
        return 0.0
    return min(1.0, max(0.0, message[0]))


def item_cost(message: list[float] | None, target: float) -> tuple[float, float]:
    """(cost, penalty) of one answer against a 0/1 target (eval.c ``update_score``, KLD)."""
    if message is None:
        return 0.0, 2.0
    if len(message) != 1:
        return 0.0, float(abs(len(message) - 1))
    out = message[0]
    if not math.isfinite(out):
        return 0.0, 1.0
    if out <= 0.0:
        return (-out, 1.0) if target > 0.0 else (0.0, 0.0)
    if out >= 1.0:
        return (out - 1.0, 1.0) if target < 1.0 else (0.0, 0.0)
    return -(target * math.log(out) + (1.0 - target) * math.log(1.0 - out)), 0.0


@dataclass
class Judged:
    """A candidate's standing on the curriculum."""

    passed: int  # items of the curriculum judged (and beyond it, while perfect)
    perfect: bool
    penalty: float
    cost: float
    steps: float  # mean steps per item

    def key(self, size: int) -> tuple[float, ...]:
        """Lower is better (better_candidate's order)."""
        score = SPACE_FACTOR * size + TIME_FACTOR * self.steps + (0.0 if self.perfect else COST_FACTOR * self.cost)
        return (-self.passed, not self.perfect, self.penalty, score)


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x > -500 else 0.0


Item = tuple[list[float], float, float]  # features, target (1 real, 0 fake), weight


def judge(program: Program, items: list[Item], trials: int, max_steps: int, rival: Judged | None = None) -> Judged:
    """Judge ``program`` on the first ``trials`` items, and on the following ones while it stays perfect; stop
    early once it cannot beat ``rival`` (super.c stops judging a child that is already worse)."""
    cost = penalty = weight = 0.0
    budget = ITEM_COST * sum(w for _, _, w in items[:trials])  # the curriculum's allowed cost
    steps, outputs = 0, set()
    r = 0
    perfect = False
    while r < len(items):
        features, target, w = items[r]
        message, used, runaway = answer(program, features, max_steps)
        steps += used
        if runaway:
            return Judged(min(trials, len(items)), False, REJECT, cost, steps / (r + 1))
        c, p = item_cost(message, target)
        outputs.add(None if message is None else tuple(message))
        same = 1.0 if r > 0 and len(outputs) == 1 else 0.0
        ok = penalty + p + same == 0.0 and cost + w * c <= (weight + w) * ITEM_COST
        if r + 1 > trials and not ok:
            break  # beyond the curriculum it goes on only while perfect
        cost, penalty, weight = cost + w * c, penalty + w * p, weight + w
        if rival is not None and (penalty > rival.penalty or (rival.perfect and (penalty > 0 or cost > max(
                budget, weight * ITEM_COST)))):
            return Judged(min(trials, len(items)), False, math.inf, cost, steps / (r + 1))
        r += 1
        perfect = ok
        if r >= trials and not perfect:
            break
    same = 1.0 if r > 1 and len(outputs) == 1 else 0.0
    return Judged(max(r, min(trials, len(items))), perfect and not same, penalty + same, cost, steps / max(r, 1))


class Search:
    """The champion, its codebank and its curriculum; ``step`` breeds and judges one child."""

    def __init__(self, registers: int, cells: int = 1, stack: int = 16, max_steps: int = 1000,
                 codebank: int = 32) -> None:
        self.registers, self.cells, self.stack, self.max_steps = registers, cells, stack, max_steps
        # the start: a program answering one random feature (Blair's hercsearch starts from empty code)
        head = f"[c={cells},r={registers},s={stack},m=0]\n" + "".join(f"{c}[]\n" for c in range(cells - 1))
        self.champion = parse(head + f"{cells - 1}[{python_rng().randrange(max(registers, 1))}<wo]\n")
        self.codebank = [random_program(cells, registers, stack) for _ in range(codebank)]  # Blair: random cells
        self.items: list[Item] = []
        self.trials = MIN_TRIALS
        self.standing = judge(self.champion, self.items, self.trials, max_steps)
        self.evaluations = 0

    @property
    def solved(self) -> bool:
        return bool(self.items) and self.standing.perfect and self.standing.passed >= len(self.items)

    def add(self, new: list[tuple[list[float], float]]) -> None:
        """New items, each at a random place after the champion's curriculum (which it keeps); then every item
        is weighted so both classes weigh as much (make-train.sh repeats the smaller class instead)."""
        for features, target in new:
            self.items.insert(python_rng().randint(min(self.trials, len(self.items)), len(self.items)),
                              (features, target, 1.0))
        count = {1.0: sum(t == 1.0 for _, t, _ in self.items), 0.0: sum(t == 0.0 for _, t, _ in self.items)}
        most = max(count.values())
        self.items = [(f, t, most / count[t]) for f, t, _ in self.items]
        self.rejudge()

    def rejudge(self) -> None:
        self.standing = judge(self.champion, self.items, self.trials, self.max_steps)
        self.trials = max(self.trials, self.standing.passed if self.standing.perfect else self.trials)

    def child(self) -> Program:
        """One or more mutations of the champion (each further one with probability 1/2), or a crossover with a
        program of the codebank (bar, branch or cell)."""
        rng = python_rng()
        if rng.random() < 0.3:
            return crossover(self.champion, rng.choice(self.codebank))
        child = mutate(self.champion)
        while rng.random() < 0.5:
            child = mutate(child)
        return child

    @staticmethod
    def _anneal(new: tuple[float, ...], old: tuple[float, ...]) -> bool:
        """eval.c's drift (``anneal``): a child level with the champion but for its score wins with probability
        sigmoid(-(score difference)) (eval.c allows it only for point mutations that cost less or are penalised)."""
        if new[:3] != old[:3]:
            return False
        return python_rng().random() < sigmoid(old[3] - new[3])

    def step(self) -> bool:
        """Breed and judge one child; True when it became the champion."""
        child = self.child()
        self.evaluations += 1
        judged = judge(child, self.items, self.trials, self.max_steps, self.standing)
        new, old = judged.key(child.size()), self.standing.key(self.champion.size())
        if new < old or (new == old and python_rng().random() < 0.5) or self._anneal(new, old):
            if judged.passed > self.standing.passed and self.standing.perfect:
                self.codebank.append(self.champion)  # earlier champions join the codebank
                self.codebank = self.codebank[-64:]
            self.champion, self.standing = child, judged
            if judged.perfect:
                self.trials = max(self.trials, judged.passed)
            return True
        return False

