"""``CPPNGenetics``: the CPPN artist as ``coevo.protocols.Genetics`` (random genomes, NEAT variation, batched
rendering (Numba on the CPU, Torch on CUDA), JSON form)."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from artists.cppn import exact as exact_renderer
from artists.cppn import network, variation
from artists.cppn.activations import DEFAULT, NAMES
from artists.cppn.genome import (
    INPUTS,
    OUTPUT_IDS,
    OUTPUTS,
    ConnectionGene,
    Genome,
    NodeGene,
    check,
    from_json,
    innovation,
    to_json,
)
from coevo.errors import CoevoError
from coevo.rng import python_rng
from coevo.store.imagefiles import to_pixels
from coevo.training.settings import Limits

if TYPE_CHECKING:
    import torch

_RATES = variation.MutationRates()


def flag(value: bool | str, name: str) -> bool:
    """A boolean option given as a bool or as command-line text (true/false, yes/no, on/off, 1/0)."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "on", "1"):
        return True
    if text in ("false", "no", "off", "0"):
        return False
    raise ValueError(f"{name} must be true or false, got {value!r}")


class CPPNGenetics:
    """NEAT-style CPPNs drawing grey ("ink") or colour (HSV as Picbreeder, or RGB) images.

    Options: ``channels`` 1 or 3, ``color`` hsv (Picbreeder) or rgb, ``hidden`` connections split in a random
    genome, ``activations`` (comma-separated) mutation picks from, ``exact`` (render in double as CPPN-X's C++,
    ``exact.py``; set for imported Picbreeder genomes) and the mutation rates of ``MutationRates``.
    """

    # option bounds (coevo.training.settings.check_options): hidden nodes of a random genome
    LIMITS: ClassVar[Limits] = {"hidden": (0, 1000)}

    # render memory a pixel holds per channel (13 measured at 4096 pixels, grey): `coevo render` bounds --size by it
    RENDER_BYTES: ClassVar[int] = 16

    def __init__(self, channels: int = 1, color: str = "hsv", hidden: int = 2, activations: str = ",".join(DEFAULT),
                 device: str | torch.device = "cpu", weight: float = _RATES.weight,
                 per_weight: float = _RATES.per_weight, sigma: float = _RATES.sigma, replace: float = _RATES.replace,
                 add_node: float = _RATES.add_node, add_connection: float = _RATES.add_connection,
                 activation: float = _RATES.activation, toggle: float = _RATES.toggle,
                 limit: float = _RATES.limit, exact: bool | str = False) -> None:
        if channels not in (1, 3):
            raise ValueError(f"channels must be 1 (grey) or 3 (colour), got {channels}")
        if color not in ("hsv", "rgb"):
            raise ValueError(f"color must be hsv or rgb, got {color!r}")
        names = tuple(a.strip() for a in activations.split(",") if a.strip())
        unknown = [a for a in names if a not in NAMES]
        if unknown or not names:
            bad = unknown[0] if unknown else "(none)"
            raise ValueError(f"unknown activation {bad}; choose from {', '.join(NAMES)}")
        self.channels = channels
        self.exact = flag(exact, "exact")
        self.color = color
        self.mode = "grey" if channels == 1 else color
        self.hidden = int(hidden)
        self.activations = names
        self.rates = variation.MutationRates(float(weight), float(per_weight), float(sigma), float(replace),
                                             float(add_node), float(add_connection), float(activation),
                                             float(toggle), float(limit))
        if str(device) == "auto":
            import torch

            device = "cuda" if torch.cuda.is_available() else "cpu"
        self._device = str(device)  # torch is imported only to draw on a GPU (or when ``device`` is read)

    @property
    def device(self) -> torch.device:
        """The device ``render`` draws on (the Numba kernel on a CPU, the Torch renderer on a GPU)."""
        import torch

        return torch.device(self._device)

    def on_cpu(self) -> bool:
        return self._device.split(":")[0] == "cpu"

    def random_genome(self) -> Genome:
        """Every input wired to every output with uniform weights, then ``hidden`` connections split."""
        limit = self.rates.limit
        inputs = tuple(NodeGene(i, "in", "identity", label) for i, label in enumerate(INPUTS))
        outputs = tuple(NodeGene(OUTPUT_IDS[label], "out", python_rng().choice(self.activations), label)
                        for label in OUTPUTS[self.mode])
        connections = tuple(ConnectionGene(innovation(i.id, o.id), i.id, o.id, variation.random_weight(limit))
                            for o in outputs for i in inputs)
        genome = Genome(inputs + outputs, connections)
        for _ in range(self.hidden):
            genome = variation.add_node(genome, self.activations)
        return genome

    def mutate(self, genome: Genome, strength: float = 1.0) -> Genome:
        return variation.mutate(genome, self.rates, self.activations, strength)

    def crossover(self, a: Genome, b: Genome) -> tuple[Genome, Genome]:
        return variation.crossover(a, b)

    def render(self, genomes: list[Genome], size: int) -> torch.Tensor:
        """``(N, channels, size, size)`` in [-1, 1], returned on the CPU: the compiled Numba kernel on a CPU device,
        the batched Torch renderer on a GPU; with ``exact``, CPPN-X's float64 evaluation."""
        if self.exact:
            return exact_renderer.render(list(genomes), size, self.mode)
        if self.on_cpu():
            return network.render(list(genomes), size, self.mode)
        from artists.cppn import render as renderer

        return renderer.render(list(genomes), size, self.mode, self.device).cpu()

    def render_pixels(self, genomes: list[Genome], size: int) -> np.ndarray:
        """uint8 (N, C, size, size), the bytes of ``render``'s images as PNG, drawn without torch on a CPU (the
        Numba kernel, or the exact NumPy renderer), so ``coevo render`` and the breeding window start fast."""
        if self.exact:
            return to_pixels(exact_renderer.images(list(genomes), size, self.mode))
        if self.on_cpu():
            return to_pixels(network.images(list(genomes), size, self.mode))
        from coevo.images import to_uint8

        return to_uint8(self.render(genomes, size)).transpose(0, 3, 1, 2)

    def options(self) -> dict[str, Any]:
        defaults = asdict(variation.MutationRates())
        changed = {k: v for k, v in asdict(self.rates).items() if v != defaults[k]}
        return {"channels": self.channels, "color": self.color, "hidden": self.hidden,
                "activations": ",".join(self.activations), **changed, **({"exact": True} if self.exact else {})}

    def to_json(self, genome: Genome) -> dict[str, Any]:
        return to_json(genome)

    def from_json(self, data: dict[str, Any]) -> Genome:
        return self.accept(from_json(data))

    def accept(self, genome: Genome) -> Genome:
        """Check that the genome has the outputs this genetics draws (ink, or its three colour outputs)."""
        labels = {n.label for n in genome.outputs}
        missing = [label for label in OUTPUTS[self.mode] if label not in labels]
        if missing:
            raise CoevoError(f"CPPN genome lacks output {missing[0]!r} for {self.mode} images (it has "
                             f"{', '.join(sorted(labels)) or 'none'}); use matching channels/color options")
        return check(genome)
