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

