"""The one table mapping names to artist, critic and data-set classes, imported lazily for the CLI.

A name may also be a plugin path ``package.module:Class``; such a class follows the same constructor
conventions as the built-in ones (see ``build_artist`` and ``build_critic``).
"""

from __future__ import annotations

import importlib
import inspect
import os
import sys
from dataclasses import dataclass
from typing import Any

from coevo.errors import CoevoError
from coevo.training.settings import check_options


@dataclass(frozen=True)
class Entry:
    """A registered component: where it lives and one line on what it is."""

    name: str
    target: str  # "module:attribute", imported only when used
    summary: str
    evolutionary: bool = False  # an artist given as Genetics, wrapped in EvolutionaryArtist
    plugin: bool = False  # a user's "module:Class", importable from the current folder too


ARTISTS: tuple[Entry, ...] = (
    Entry("gp", "artists.gp:GPGenetics", "Karl Sims pixel-function trees (DEAP, Numba)", evolutionary=True),
    Entry("biomorph", "artists.biomorph:BiomorphGenetics", "Dawkins' Blind Watchmaker biomorphs", evolutionary=True),
    Entry("cppn", "artists.cppn:CPPNGenetics", "Picbreeder CPPNs (Numba CPU, Torch CUDA)", evolutionary=True),
    Entry("lines", "artists.lines:LinesGenetics", "Vickers turtle line drawings (linear GP, HLS, push/pop)",
          evolutionary=True),
    Entry("ants", "artists.ants:AntGenetics", "Greenfield ant paintings (toroidal grid, Numba)", evolutionary=True),
    Entry("evoeco", "artists.evoeco:EvoEcoGenetics", "EvoEco painting agents, or totalistic CA (mode=ca; Numba)",
          evolutionary=True),
    Entry("hercl-function", "artists.hercl:HERCLFunctionGenetics",
          "HERCL programs mapping (x, y, r, theta) to grey (Soderlund & Blair)", evolutionary=True),
    Entry("hercl-lines", "artists.hercl:HERCLLinesGenetics",
          "HERCL programs whose messages drive Vickers' turtle (Vickers, Soderlund & Blair)", evolutionary=True),
    Entry("hercl-school", "artists.hercl:HERCLSchool", "Vickers' art school: 10 hercl-lines artists a phase, each "
          "searching until it fools the jury or spends its evaluations (on Dask with workers=N)"),
    Entry("dcgan", "artists.dcgan:DCGANArtist", "DCGAN generator trained by gradient steps (GAN training)"),
    Entry("vae", "artists.vae:VAEArtist", "convolutional VAE trained on the data; its decoder draws (AE-GAN option)"),
    Entry("pixels", "artists.pixels:PixelArtist", "pixels by gradient on a fixed classifier: fooling, FGSM, PGD"),
    Entry("latent", "coevo.programs.latentbreed:LatentGenetics", "a generator run's latent space as genomes "
          "(coevo breed --from RUN)", evolutionary=True),
    Entry("cdcgan", "artists.dcgan:ConditionalDCGANArtist", "class-conditional DCGAN G(z|y) (use with ccnn)"),
    Entry("mlpgan", "artists.dcgan:MLPGeneratorArtist", "Lipizzaner's MNIST MLP generator 64-256-256-784, tanh"),
    Entry("mixture", "coevo.programs.mixture:MixtureArtist", "weighted mixture of generators (coevo grid writes "
          "its best as DIR/mixture)"),
)

CRITICS: tuple[Entry, ...] = (
    Entry("cnn", "critics.cnn:CNNCritic", "DCGAN-style convolutional discriminator (Torch; CUDA when present)"),
    Entry("ccnn", "critics.cnn:ConditionalCNNCritic", "projection discriminator D(x|y) for conditional GANs"),
    Entry("human", "critics.human:HumanCritic", "a person choosing in a Pygame window (use coevo breed)"),
    Entry("classifier", "critics.classifier:ClassifierCritic", "fixed cached LeNet classifier (fooling images)"),
    Entry("features", "critics.features:FeaturesCritic", "MLP on aesthetic image features (Machado; Vickers)"),
    Entry("novelty", "critics.novelty:NoveltyCritic", "curious SOM, interest = Wundt(novelty) (Saunders & Gero)"),
    Entry("preference", "critics.preference:PreferenceCritic", "a person's taste learned from breeding sessions"),
    Entry("hercl", "critics.hercl:HERCLCritic", "HERCL program on Vickers' metrics, evolved by HERCsearch (Vickers)"),
    Entry("mlp", "critics.cnn:MLPCritic", "maxout MLP discriminator (PacGAN's 2-D critic; any image shape)"),
    Entry("jury", "critics.jury:JuryCritic", "weighted jury of critics, earlier phases' at 1, 1/2, 1/4 (Vickers)"),
)

DATASETS: tuple[Entry, ...] = (
    Entry("digits", "coevo.data.digits:load", "1,797 real handwritten 8x8 UCI digits, bundled (default)"),
    Entry("digits:ink[:N]", "coevo.data.digits:load", "the digits in black ink on white (like a turtle's "
          "pen); digits:N the first N"),
    Entry("mnist:DIR[:train|t10k]", "coevo.data.mnist:load", "MNIST IDX files in DIR, gzipped or not"),
    Entry("stacked:DIR[:N[:SEED]]", "coevo.data.stacked:load", "stacked MNIST: 3 digits of DIR in the RGB "
          "channels, 1,000 modes (N images, 10,000; seeded)"),
    Entry("ring[:N[:SEED]]", "coevo.data.toy2d:load", "PacGAN's ring of 8 Gaussians, 2-D points as (2, 1, 1) "
          "images (100,000; seeded)"),
    Entry("grid[:N[:SEED]]", "coevo.data.toy2d:load", "PacGAN's grid of 25 Gaussians, as ring"),
    Entry("DIR or folder:DIR", "coevo.data.folder:load", "every PNG/JPEG under DIR, resized, grey or RGB"),
    Entry("FILE.npz", "coevo.data.npz:load", "arrays 'images' (N,H,W[,C] or N,C,H,W) and optional 'labels'"),
)


# file suffix -> (artist name, "module:function"); the function maps a path to (genetics, genome, meta)
IMPORTERS: dict[str, tuple[str, str]] = {
    ".xml": ("cppn", "artists.cppn.picbreeder:import_picbreeder"),  # Picbreeder / CPPN-X genomes
    "": ("biomorph", "artists.biomorph.album:import_album"),  # no suffix: Blind Watchmaker album, ALBUM[#K]
}

# export format -> (artist name, "module:function"); the function maps [(genetics, genome), ...] and a colour
# choice (None: as the genomes are) to the file's bytes
EXPORTERS: dict[str, tuple[str, str]] = {
    "album": ("biomorph", "artists.biomorph.album:export_album"),  # Blind Watchmaker album (coevo export-album)
}


def find(kind: str, name: str, table: tuple[Entry, ...]) -> Entry:
    """The entry for ``name``, or a plugin entry for ``module:Class``."""
    for entry in table:
        if entry.name == name:
            return entry
    if ":" in name:
        return Entry(name, name, "plugin", plugin=True)
    known = ", ".join(e.name for e in table) or "none yet"
    raise CoevoError(f"unknown {kind} {name!r}; choose one of: {known} (see `coevo list`)")


def load(entry: Entry) -> Any:
    """Import the entry's target."""
    module_name, _, attribute = entry.target.partition(":")
    if entry.plugin and os.getcwd() not in sys.path:
        sys.path.append(os.getcwd())
    try:
        module = importlib.import_module(module_name)
        return getattr(module, attribute)
    except (ImportError, AttributeError) as exc:
        raise CoevoError(f"cannot import {entry.target!r} for {entry.name!r} ({exc}); check the name") from None


def construct(cls: Any, what: str, provided: dict[str, Any], options: dict[str, Any]) -> Any:
    """Call ``cls`` with the ``provided`` arguments it takes plus the user's ``options``, naming bad ones."""
    params = inspect.signature(cls).parameters
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    valid = [p for p in params if p != "self"]
    unknown = [k for k in options if k not in params and not takes_any]
    if unknown:
        raise CoevoError(f"unknown option {unknown[0]!r} for {what}; valid options: {', '.join(valid)}")
    check_options(cls, what, options, "--critic-option" if what.startswith("critic") else "--artist-option")
    kwargs = {k: v for k, v in provided.items() if k in params or takes_any} | options
    try:
        return cls(**kwargs)
    except (TypeError, ValueError) as exc:
        raise CoevoError(f"bad options for {what}: {exc}") from None


GENETICS_METHODS = ("random_genome", "mutate", "crossover", "render", "to_json", "from_json")


def is_evolutionary(entry: Entry) -> bool:
    """Whether an artist is given as ``Genetics`` (the loop wraps it in ``EvolutionaryArtist``): built-ins say
    so in the table; a plugin class is when it defines the methods of ``coevo.protocols.Genetics``."""
    if entry.evolutionary or not entry.plugin:
        return entry.evolutionary
    cls = load(entry)
    return all(callable(getattr(cls, name, None)) for name in GENETICS_METHODS)


def artist_entry(name: str) -> Entry:
    return find("artist", name, ARTISTS)


def critic_entry(name: str) -> Entry:
    return find("critic", name, CRITICS)
