"""What indexing a round in the gallery costs, against the champion files a run already writes each round.

Per round a run writes two genome files (atomic, fsynced); the gallery adds the population's ancestry and the
champion (two transactions). Prints both timings and their ratio (last line).
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

from coevo.store.genomefile import GenomeFile, write_genome
from gallery.store import Store

ROUNDS, POP = 200, 32


def genome() -> dict[str, list[float]]:
    return {"weights": [random.random() for _ in range(64)]}


def files(folder: Path) -> float:
    began = time.perf_counter()
    for r in range(ROUNDS):
        record = GenomeFile("toy", {}, genome(), {"round": r})
        write_genome(folder / f"champion-{r:04d}.json", record)
        write_genome(folder / "best.json", record)
    return time.perf_counter() - began


def store(folder: Path) -> float:
    began = time.perf_counter()
    with Store(folder) as db:
        run = db.add_run(folder / "run", artist="toy")
        for r in range(ROUNDS):
            ids = list(range(r * POP, (r + 1) * POP))
            parents = [(random.randrange(max(1, r * POP - POP), max(1, r * POP)),) if r else () for _ in ids]
            db.record_population(run, r, ids, parents)
            best = random.randrange(POP)
            db.add_individual(run, artist="toy", genome=genome(), round_index=r, local_id=ids[best],
                              local_parents=parents[best], score=random.random())
    return time.perf_counter() - began


def main() -> None:
    random.seed(0)
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        baseline, indexed = files(Path(a)), store(Path(b))
    print(f"genome files: {1000 * baseline / ROUNDS:.2f} ms/round")
    print(f"gallery index: {1000 * indexed / ROUNDS:.2f} ms/round (pop {POP})")
    print(f"gallery / genome files: {indexed / baseline:.2f}")


if __name__ == "__main__":
    main()
