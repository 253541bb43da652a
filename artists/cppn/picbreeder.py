"""Import Picbreeder / CPPN-X XML genomes, keeping their lineage ids, so they render as on picbreeder.org and can
be bred on. Registered in ``coevo.training.registry.IMPORTERS`` for ``.xml``."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from artists.cppn.activations import FROM_XML
from artists.cppn.genetics import CPPNGenetics
from artists.cppn.genome import INPUTS, OUTPUT_IDS, ConnectionGene, Genome, NodeGene, innovation, stable_id
from coevo.errors import CoevoError
from coevo.store.genomefile import MAX_BYTES, check_genome_file
from coevo.store.untrusted import read_text


def _read(path: Path) -> ET.Element:
    """The file's elements under one root (CPPN-X files hold two top-level elements, which XML forbids)."""
    text = read_text(Path(path), "Picbreeder genome", MAX_BYTES)  # a FIFO or a device is refused, not waited on
    body = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    if "<!DOCTYPE" in body or "<!ENTITY" in body:
        raise CoevoError(f"{path} declares a DOCTYPE or entities, which Picbreeder files never do; refusing it")
    try:
        return ET.fromstring(f"<file>{body}</file>")
    except ET.ParseError as exc:
        raise CoevoError(f"{path} is not valid Picbreeder XML ({exc}); re-download it") from None


def _marking(element: ET.Element | None, what: str, path: Path) -> str:
    if element is None or element.get("id") is None:
        raise CoevoError(f"{path}: a {what} lacks its marking (branch and id); the file is damaged")
    return f"{element.get('branch', '')}_{element.get('id')}"


def _node(element: ET.Element, path: Path) -> tuple[str, NodeGene]:
    marking = _marking(element.find("marking"), "node", path)
    kind, label = element.get("type", "hidden"), element.get("label", "") or ""
    xml_activation = (element.findtext("activation") or "").strip()
    if xml_activation not in FROM_XML:
        raise CoevoError(f"{path}: node {marking} has unknown activation {xml_activation!r}; known: "
                         f"{', '.join(FROM_XML)}")
    if kind == "in":
        if label not in INPUTS:
            raise CoevoError(f"{path}: input node {marking} has label {label!r}; Picbreeder inputs are x, y, d, bias")
        node_id = INPUTS.index(label)
    elif kind == "out":
        if label not in OUTPUT_IDS:
            raise CoevoError(f"{path}: output node {marking} has label {label!r}; known: {', '.join(OUTPUT_IDS)}")
        node_id = OUTPUT_IDS[label]
    else:
        kind, node_id = "hidden", stable_id("picbreeder", marking)
    return marking, NodeGene(node_id, kind, FROM_XML[xml_activation], label if kind != "hidden" else "")


def _mode(genome: Genome, path: Path) -> tuple[int, str]:
    labels = {n.label for n in genome.outputs}
    if {"hue", "saturation", "brightness"} <= labels:
        return 3, "hsv"
    if {"red", "green", "blue"} <= labels:
        return 3, "rgb"
    if "ink" in labels:
        return 1, "hsv"
    raise CoevoError(f"{path}: outputs {sorted(labels)} are neither ink, hue/saturation/brightness nor red/green/blue")


def read_picbreeder(path: Path) -> tuple[Genome, dict[str, Any]]:
    """The genome and its lineage (Picbreeder branch/id of the genome and of its parents)."""
    path = Path(path)
    root = _read(path)
    element = root.find(".//genome")
    if element is None:
        raise CoevoError(f"{path} holds no <genome>; pass a Picbreeder / CPPN-X genome file")
    markings: dict[str, int] = {}
    nodes = []
    for node_element in element.iterfind("./nodes/node"):
        marking, node = _node(node_element, path)
        markings[marking] = node.id
        nodes.append(node)
    connections = []
    for link in element.iterfind("./links/link"):
        source = markings.get(_marking(link.find("source"), "link source", path))
        target = markings.get(_marking(link.find("target"), "link target", path))
        if source is None or target is None:
            raise CoevoError(f"{path}: a link names a node that is not in the file; the file is damaged")
        try:
            weight = float(link.findtext("weight") or "")
        except ValueError:
            raise CoevoError(f"{path}: a link's weight is not a number; the file is damaged") from None
        enabled = (link.findtext("enabled") or "true").strip().lower() != "false"
        connections.append(ConnectionGene(innovation(source, target), source, target, weight, enabled))
    identifier = element.find("identifier")
    meta: dict[str, Any] = {
        "source": str(path),
        "id": _marking(identifier, "genome", path) if identifier is not None else path.stem,
        "parents": [_marking(p, "parent", path) for p in element.iterfind("./parents/identifier")],
    }
    if element.get("age") is not None:
        meta["age"] = element.get("age")
    return Genome(tuple(nodes), tuple(connections)), meta


def import_picbreeder(path: Path) -> tuple[CPPNGenetics, Genome, dict[str, Any]]:
    """Genetics that draw the genome as CPPN-X's C++ does (``exact``, kept by bred children), the genome itself,
    and its lineage ids."""
    check_genome_file(Path(path))
    genome, meta = read_picbreeder(path)
    channels, color = _mode(genome, Path(path))
    genetics = CPPNGenetics(channels=channels, color=color, exact=True)
    where = f"Picbreeder genome {path}"
    try:
        return genetics, genetics.accept(genome), meta
    except CoevoError as exc:
        raise CoevoError(f"{where}: {exc}") from None
