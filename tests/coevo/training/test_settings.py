"""One declaration per setting (coevo/training/settings.py): help written once, checks from the metadata, NaN and
infinity refused, the kernel's settings shared with a run's by name."""

from __future__ import annotations

import ast
import math
from dataclasses import fields, replace

import pytest

from coevo.errors import CoevoError
from coevo.training.config import FoolConfig, PPGNConfig, RunConfig
from coevo.training.kernel import EvolutionConfig, LoopConfig, PhaseRules
from coevo.training.settings import check, subset
from tests.conftest import ROOT

DECLARED = (RunConfig, FoolConfig, PPGNConfig, LoopConfig, EvolutionConfig, PhaseRules)


def strings_in_source() -> list[str]:
    """Every string literal of the package's modules (adjacent literals joined, as Python joins them)."""
    found = []
    for path in (ROOT / "coevo").rglob("*.py"):
        found += [node.value for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                  if isinstance(node, ast.Constant) and isinstance(node.value, str)]
    return found


def test_every_help_text_is_written_once_in_the_source() -> None:
    texts = {f.metadata["help"] for cls in DECLARED for f in fields(cls)}
    written = strings_in_source()
    assert {text: written.count(text) for text in texts if written.count(text) != 1} == {}


@pytest.mark.parametrize("cls", [RunConfig, FoolConfig, PPGNConfig])
@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_every_float_setting_refuses_nan_and_infinity(cls: type, bad: float) -> None:
    for declared in fields(cls):
        if isinstance(getattr(cls(), declared.name), float):
            with pytest.raises(CoevoError, match=rf"^{declared.name} must be a finite number \(got"):
                check(replace(cls(), **{declared.name: bad}))


def test_an_error_names_the_setting_the_value_and_a_valid_example() -> None:
    with pytest.raises(CoevoError) as caught:
        RunConfig(phase_accuracy=0.0).validate()
    assert str(caught.value) == "phase_accuracy must lie in (0.0, 1.0] (got 0.0); pass e.g. --phase-accuracy 0.95"
    with pytest.raises(CoevoError, match=r"^schedule must be round or phases \(got 'daily'\)"):
        RunConfig(schedule="daily").validate()
    with pytest.raises(CoevoError, match=r"^loss must be minimax, nonsaturating, wgan, wgan-gp or hinge"):
        RunConfig(loss="l2").validate()


def test_each_class_keeps_its_own_cross_field_rules() -> None:
    with pytest.raises(CoevoError, match=r"elite .* cannot exceed pop"):
        RunConfig(pop=2, elite=3).validate()
    with pytest.raises(CoevoError, match="the run has no end"):
        RunConfig(rounds=0).validate()
    assert RunConfig(rounds=0, seconds=1.5).validate().seconds == 1.5
    with pytest.raises(CoevoError, match="--burn-in must be -1"):
        PPGNConfig(steps=10, burn_in=10).validate()
    with pytest.raises(CoevoError, match="--eps3-end must be -1"):
        PPGNConfig(eps3_end=-0.5).validate()


def test_a_run_shares_the_kernels_declarations_and_hands_them_down_by_name() -> None:
    shared = {"pop": EvolutionConfig, "size": EvolutionConfig, "elite": EvolutionConfig, "tournament": EvolutionConfig,
              "cxpb": EvolutionConfig, "mutpb": EvolutionConfig, "critic_steps": LoopConfig, "batch": LoopConfig,
              "warmup": LoopConfig}
    run = {f.name: f for f in fields(RunConfig)}
    for name, cls in shared.items():
        [own] = [f for f in fields(cls) if f.name == name]
        assert (run[name].default, run[name].metadata) == (own.default, own.metadata), name
    for name in ("threshold", "generations", "accuracy", "critic_steps"):
        [own] = [f for f in fields(PhaseRules) if f.name == name]
        assert (run["phase_" + name].default, run["phase_" + name].metadata) == (own.default, own.metadata), name
    config = RunConfig(pop=12, size=16, elite=2, critic_steps=3, warmup=0, phase_critic_steps=7, phase_accuracy=0.5)
    assert subset(EvolutionConfig, config) == EvolutionConfig(pop=12, size=16, elite=2)
    assert subset(LoopConfig, config) == LoopConfig(critic_steps=3, warmup=0)
    assert subset(PhaseRules, config, prefix="phase_") == PhaseRules(critic_steps=7, accuracy=0.5)



def test_a_complex_value_is_refused_as_not_real() -> None:
    with pytest.raises(CoevoError, match=r"^diversity must be a real number \(got 1j\)"):
        check(replace(RunConfig(), diversity=1j))


def test_a_bound_may_be_the_machines_own_and_is_read_when_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    import coevo.threads

    monkeypatch.setattr(coevo.threads.os, "sched_getaffinity", lambda pid: {0, 1, 2})
    assert check(replace(RunConfig(), threads=3)).threads == 3
    with pytest.raises(CoevoError, match=r"^threads must lie in \[1, 3\] \(got 4\); pass e.g. --threads 1"):
        check(replace(RunConfig(), threads=4))


class Component:
    """A component whose constructor declares its options' kinds, with bounds in ``LIMITS``."""

    LIMITS = {"count": (1, 100)}  # noqa: RUF012 - a test's own class

    def __init__(self, count: int = 4, rate: float = 0.5, name: str = "x", table: dict | None = None) -> None:
        self.count = count


@pytest.mark.parametrize(("options", "message"), [
    ({"count": 1000}, "thing: option count must lie in [1, 100] (got 1000); pass e.g. --artist-option count=4"),
    ({"count": 2.5}, "option count must be an integer (got 2.5)"),
    ({"count": True}, "option count must be an integer (got True)"),
    ({"rate": "fast"}, "option rate must be a number (got 'fast'); pass e.g. --artist-option rate=0.5"),
    ({"rate": math.nan}, "option rate must be a finite number (got nan)"),
    ({"rate": 2j}, "option rate must be a real number (got 2j)"),
    ({"table": {"inner": [1.0, -math.inf]}}, "option table must be a finite number (got -inf)"),
])
def test_one_layer_checks_every_components_options(options: dict, message: str) -> None:
    from coevo.training.settings import check_options

    with pytest.raises(CoevoError) as caught:
        check_options(Component, "thing", options, "--artist-option")
    assert message in str(caught.value)
    check_options(Component, "thing", {"count": 100, "rate": 3, "name": "y", "table": {"a": 1}}, "--artist-option")


def test_the_memory_bound_names_the_estimate_and_the_fix() -> None:
    from coevo.training.settings import MEMORY_BUDGET, check_memory, largest_side

    check_memory("a small thing", 1e6, "lower it")
    with pytest.raises(CoevoError, match=r"^a big thing would need about 4\.0 GB of memory, over the 2 GB bound; "
                                         r"lower it$"):
        check_memory("a big thing", 4e9, "lower it")
    side = largest_side(80)
    assert side**2 * 80 <= MEMORY_BUDGET < (side + 1) ** 2 * 80 * 2
