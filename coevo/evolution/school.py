"""``ArtSchool``: a phase's artists as independent searches, after Vickers, Soderlund & Blair (2017), whose
``artist-critic/make-artists.sh`` (wofnot/hercl, read as a specification; no code taken) runs art-school
``num_artists`` times a phase (10), each a HERCsearch of its own seed against the phase's frozen jury, stopping
when its drawing fools the jury (``TI``: cost below the tolerance) or after ``max_eval`` evaluations (``MI``,
10^6 in ``settings.template``); every artist's drawing then joins the negatives. Earlier phases' artists are
its crossover library (``-L artists.lib``).

Here each artist is a hill-climber from a random genome: ``children`` variants of the champion a step
(mutations, or a crossover with the library with probability ``transgenic``), the best replacing the champion
when it scores higher, or as high half the time (HERCsearch's neutral drift). The searches are tasks on a Dask
``LocalCluster`` of ``workers`` processes (0: one by one here); each task makes its own generators from a seed
the run's generator draws, so a school gives the same bytes whatever the number of workers. A school runs
within one round of the ``phases`` schedule (``coevo.schedules``), which checkpoints after it; a run killed
mid-school replays that school on resume.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch

from coevo.protocols import Critic, Genetics, Proposal
from coevo.rng import Generators, python_rng, using

MAX_ARTISTS = 1000  # artists a school runs at most
MAX_EVALUATIONS = 10**9  # evaluations an artist makes at most (hercl's own default max_eval is 9.99e10)


def search(genetics: Genetics, critic: Critic, size: int, threshold: float, evaluations: int, children: int,
           transgenic: float, library: list[Any], seed: int) -> tuple[Any, torch.Tensor, float, int]:
    """One artist's search (a task): its champion genome, image ``(C, H, W)``, score and evaluations made."""
    generators = Generators()
    generators.seed(seed)
    with using(generators), torch.no_grad():
        rng = python_rng()
        champion = genetics.random_genome()
        image = genetics.render([champion], size)
        best = float(critic.score(image)[0])
        made = 1
        while best <= threshold and made < evaluations:
            kids = [variant(genetics, champion, library, transgenic) for _ in range(min(children, evaluations - made))]
            images = genetics.render(kids, size)
            scores = critic.score(images).float().tolist()
            made += len(kids)
            k = max(range(len(kids)), key=lambda i: (scores[i], -i))  # the first of the highest
            if scores[k] > best or (scores[k] == best and rng.random() < 0.5):
                champion, best, image = kids[k], scores[k], images[k:k + 1]
        return champion, image[0].clone(), best, made


def variant(genetics: Genetics, champion: Any, library: list[Any], transgenic: float) -> Any:
    """A mutation of the champion, or (probability ``transgenic``) a crossover with an earlier phase's artist."""
    rng = python_rng()
    if library and rng.random() < transgenic:
        return genetics.crossover(champion, rng.choice(library))[0]
    return genetics.mutate(champion)


def map_tasks(function: Callable[..., Any], arguments: Sequence[tuple[Any, ...]], workers: int) -> list[Any]:
    """``function(*a)`` for every ``a``, in order: here (``workers`` 0) or on a warm Dask ``LocalCluster`` of
    ``workers`` single-threaded processes (``coevo.training.cluster``), made for this call and closed after it."""
    if workers <= 0:
        return [function(*a) for a in arguments]
    from distributed import Client

    from coevo.training.cluster import WARM, warm_cluster

    with warm_cluster(workers, [*WARM, function.__module__], dashboard=False) as cluster, Client(cluster) as client:
        futures = [client.submit(function, *a, pure=False) for a in arguments]
        try:
            return client.gather(futures)
        except BaseException:
            client.cancel(futures)
            raise


class ArtSchool:
    """``artists`` independent searches a phase (``coevo.protocols.SchoolingArtist``)."""

    def __init__(self, genetics: Genetics, size: int, artists: int = 10, evaluations: int = 1_000_000,
                 children: int = 10, transgenic: float = 0.3, workers: int = 0, genome_artist: str = "") -> None:
        if not 1 <= artists <= MAX_ARTISTS or not 1 <= evaluations <= MAX_EVALUATIONS or children < 1:
            raise ValueError(f"need 1 <= artists <= {MAX_ARTISTS}, 1 <= evaluations <= {MAX_EVALUATIONS} and "
                             "children >= 1")
        if not 0.0 <= transgenic <= 1.0 or workers < 0:
            raise ValueError("transgenic is a probability in [0, 1] and workers >= 0")
        self.genetics, self.size = genetics, size
        self.artists, self.evaluations, self.children, self.transgenic = artists, evaluations, children, transgenic
        self.workers = workers
        self.genome_artist = genome_artist  # the registry artist whose genetics read a drawing's genome file
        self.library: list[Any] = []  # every earlier school's champions (art-school's -L artists.lib)
        self.champions: list[Any] = []
        self.next_id = 0

    @property
    def channels(self) -> int:
        return int(getattr(self.genetics, "channels", 1))

    def ask(self) -> Proposal:
        """The latest school's champions (random genomes before the first school): what a contact sheet shows."""
        genomes = self.champions or [self.genetics.random_genome() for _ in range(self.artists)]
        ids = list(range(self.next_id - len(genomes), self.next_id)) if self.champions else None
        return Proposal(self.genetics.render(genomes, self.size), genomes=list(genomes), ids=ids,
                        parents=[() for _ in genomes])

    def tell(self, proposal: Proposal, scores: torch.Tensor) -> dict[str, float]:
        return {}

    def school(self, critic: Critic, threshold: float) -> tuple[Proposal, torch.Tensor, dict[str, float]]:
        """Every artist's search against the frozen ``critic`` until its drawing scores above ``threshold`` or
        its evaluations run out; their champions (each artist's, in order) with their scores and the metrics."""
        rng = python_rng()
        seeds = [rng.randrange(2**62) for _ in range(self.artists)]
        library = list(self.library)
        found = map_tasks(search, [(self.genetics, critic, self.size, threshold, self.evaluations, self.children,
                                    self.transgenic, library, seed) for seed in seeds], self.workers)
        genomes = [genome for genome, _, _, _ in found]
        scores = torch.tensor([score for _, _, score, _ in found], dtype=torch.float32)
        made = [evaluations for _, _, _, evaluations in found]
        ids = list(range(self.next_id, self.next_id + len(genomes)))
        self.next_id += len(genomes)
        self.champions = genomes
        self.library += genomes
        proposal = Proposal(torch.stack([image for _, image, _, _ in found]), genomes=genomes, ids=ids,
                            parents=[() for _ in genomes])
        fooled = scores > threshold
        metrics = {"school_fooled": float(fooled.sum()), "school_evaluations": float(sum(made)),
                   "school_evaluations_max": float(max(made)),
                   "school_evaluations_fooled_mean": float(sum(m for m, f in zip(made, fooled.tolist()) if f)
                                                           / max(1, int(fooled.sum())))}
        return proposal, scores, metrics

    def state_dict(self) -> dict[str, Any]:
        to_json = self.genetics.to_json
        return {"library": [to_json(g) for g in self.library], "champions": [to_json(g) for g in self.champions],
                "next_id": self.next_id}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        from_json = self.genetics.from_json
        self.library = [from_json(g) for g in state["library"]]
        self.champions = [from_json(g) for g in state["champions"]]
        self.next_id = int(state["next_id"])
