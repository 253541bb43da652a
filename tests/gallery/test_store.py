"""The gallery store: runs index themselves, lineage crosses branches, readers and killed writers are safe."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from coevo.commands.main import main
from coevo.errors import CoevoError
from coevo.programs.genomes import load_genome
from coevo.programs.run import resume
from coevo.store.genomefile import read_genome
from gallery.catalog import GalleryCatalog
from gallery.store import MIGRATIONS, Store, parse_spec
from tests.conftest import patience
from tests.gallery.conftest import Branched
from tests.helpers import toy_config

REPO = Path(__file__).resolve().parents[2]


def test_a_run_indexes_every_round_champion_with_its_image(branched: Branched) -> None:
    with Store.for_run(branched.a) as store:
        run = store.run_at(branched.a)
        assert run is not None and run.artist == "tests.toys:ToyGenetics" and run.settings["rounds"] == 4
        rows = store.individuals(run=run.id)
        champions = {r.local_id for r in rows}
        rounds = sorted(r.round for r in rows)
    files = sorted((branched.a / "genomes").glob("champion-*.json"))
    assert len(files) == 4 and rounds[0] == 0 and len(rows) == len(champions) <= 4  # an elite champion is kept once
    for row in rows:
        assert row.image is not None and row.image.is_file() and row.image.parent == branched.a / "images"
        assert row.genome["weights"] and row.score is not None


def test_lineage_crosses_the_branch_back_to_the_first_ancestor(branched: Branched) -> None:
    with Store(branched.root) as store:
        run_b = store.run_at(branched.b)
        assert run_b is not None and run_b.origin == branched.origin and run_b.source.endswith(f":{branched.origin}")
        seeds = store.individuals(run=run_b.id)
        assert branched.origin in seeds[0].parents  # the branch's first champion descends from the origin
        lineage = store.lineage(seeds[-1].id)
        ids = [r.id for r in lineage]
        assert ids[0] == seeds[-1].id and branched.origin in ids
        run_a = store.run_at(branched.a)
        assert run_a is not None
        roots = [r for r in lineage if not r.parents]
        assert roots and all(r.run == run_a.id for r in roots)  # back to a first ancestor, in the other run
        assert all(p < r.id for r in lineage for p in r.parents)  # parents are always older
        assert seeds[0].id in {c.id for c in store.children(branched.origin)}
        origin_genome = store.get(branched.origin).genome
    name, genetics, genome, meta = load_genome(f"gallery:{branched.root}:{branched.origin}", GalleryCatalog())
    assert name == "tests.toys:ToyGenetics" and meta["gallery_id"] == branched.origin
    assert genetics.to_json(genome) == origin_genome


def test_cli_run_from_gallery_takes_the_artist_of_the_genome(branched: Branched, tmp_path: Path) -> None:
    out = branched.root / "cli-branch"
    code = main(["run", "--from", f"gallery:{branched.root}:{branched.origin}", "--critic", "tests.toys:TinyCritic",
                 "--size", "8", "--pop", "4", "--rounds", "2", "--warmup", "1", "--batch", "8", "--device", "cpu",
                 "--out", str(out)])
    assert code == 0
    with Store(branched.root) as store:
        run = store.run_at(out)
        assert run is not None and run.artist == "tests.toys:ToyGenetics" and run.origin == branched.origin
    from_file = branched.root / "from-file"
    champion = sorted((branched.a / "genomes").glob("champion-*.json"))[-1]
    assert main(["run", "--from", str(champion), "--critic", "tests.toys:TinyCritic", "--size", "8", "--pop", "4",
                 "--rounds", "1", "--warmup", "1", "--batch", "8", "--device", "cpu", "--out", str(from_file)]) == 0
    local = read_genome(champion).meta["id"]
    with Store(branched.root) as store:
        run = store.run_at(from_file)
        assert run is not None and run.origin is not None  # a champion file of an indexed run links too
        assert store.get(run.origin).local_id == local and store.get(run.origin).run == store.run_at(branched.a).id
    bad = main(["run", "--from", f"gallery:{branched.root}:{branched.origin}", "--artist", "tests.toys:TinyGenerator",
                "--critic", "tests.toys:TinyCritic", "--size", "8", "--out", str(tmp_path / "x")])
    assert bad == 2


def test_resume_replaces_the_replayed_rounds(tmp_path: Path) -> None:
    start_config = toy_config(rounds=3)
    from coevo.programs.run import start

    start(start_config, tmp_path / "r", GalleryCatalog())
    resume(tmp_path / "r", rounds=5, catalog=GalleryCatalog())
    with Store(tmp_path) as store:
        rows = store.individuals()
        assert len(store.runs()) == 1 and max(r.round for r in rows) <= 4
        assert store.runs()[0].settings["rounds"] == 5
        assert len({r.local_id for r in rows}) == len(rows)


def test_bad_specs_and_ids_are_one_line_errors(branched: Branched, tmp_path: Path) -> None:
    assert parse_spec("gallery:7") == (Path("runs"), 7)
    assert parse_spec("gallery:/x/y:7") == (Path("/x/y"), 7)
    assert parse_spec("gallery:/x/y/gallery.db:7") == (Path("/x/y"), 7)
    with pytest.raises(CoevoError, match="not gallery:ID"):
        parse_spec("gallery:seven")
    with pytest.raises(CoevoError, match="no individual 9999"):
        load_genome(f"gallery:{branched.root}:9999", GalleryCatalog())
    with pytest.raises(CoevoError, match="no gallery"):
        load_genome(f"gallery:{tmp_path}:1", GalleryCatalog())
    assert main(["gallery", "show", "9999", "--root", str(branched.root)]) == 2


def test_a_newer_schema_is_refused_and_an_old_one_migrated(tmp_path: Path) -> None:
    with Store(tmp_path) as store:
        assert store.version == len(MIGRATIONS)
    db = sqlite3.connect(tmp_path / "gallery.db")
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    db.close()
    with pytest.raises(CoevoError, match="upgrade coevo"):
        Store(tmp_path)
    empty = tmp_path / "old"
    empty.mkdir()
    sqlite3.connect(empty / "gallery.db").close()  # an empty database at version 0
    with Store(empty) as store:
        assert store.version == len(MIGRATIONS) and store.runs() == []
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "gallery.db").write_bytes(b"not a database" * 100)
    with pytest.raises(CoevoError, match="unreadable"):
        Store(tmp_path / "junk")


def test_a_reader_works_while_a_writer_commits(tmp_path: Path) -> None:
    writer, reader = Store(tmp_path), Store(tmp_path)
    run = writer.add_run(tmp_path / "w", artist="toy")
    writer.add_individual(run, artist="toy", genome={"weights": [0, 0, 0]}, local_id=0)
    reader.db.execute("PRAGMA busy_timeout = 0")  # blocked, it would fail at once: no clock needed to tell
    with writer.transaction() as db:  # an open write transaction does not block the reader
        db.execute("INSERT INTO individuals (run, local_id, round, artist, options, genome, parents, scores, "
                   "created) VALUES (?, 1, 0, 'toy', '{}', '{}', '[]', '{}', 0)", (run,))
        assert len(reader.individuals()) == 1  # sees the last committed state
    assert len(reader.individuals()) == 2

    errors: list[BaseException] = []
    counts: list[int] = []
    done, reading = threading.Event(), threading.Event()

    def write() -> None:
        try:
            reading.wait(patience(30))
            with Store(tmp_path) as store:
                for i in range(2, 150):
                    store.add_individual(run, artist="toy", genome={"weights": [i, 0, 0]}, local_id=i,
                                         local_parents=[i - 1], round_index=i)
        except BaseException as exc:  # handed to the main thread
            errors.append(exc)
        finally:
            done.set()

    def read() -> None:
        try:
            with Store(tmp_path) as store:
                while not counts or not done.is_set():
                    counts.append(len(store.individuals()))
                    assert store.lineage(counts[-1])[-1].parents == []
                    reading.set()
                counts.append(len(store.individuals()))
        except BaseException as exc:  # handed to the main thread
            errors.append(exc)

    threads = [threading.Thread(target=write), threading.Thread(target=read)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(patience(60))
    assert not errors, errors
    assert counts == sorted(counts) and counts[-1] == 150  # the reader saw commits arrive, never going back
    assert len(set(counts)) > 2  # and read while the writer was writing
    assert len(reader.individuals()) == 150
    assert [r.id for r in reader.lineage(150)] == list(range(150, 1, -1))  # each the child of the one before
    writer.close()
    reader.close()


WRITER = """
import sys
from gallery.store import Store
store = Store(sys.argv[1])
run = store.add_run(sys.argv[1] + "/killed", artist="toy")
for i in range(100000):
    gid = store.add_individual(run, artist="toy", genome={"weights": [i] * 2000}, local_id=i, local_parents=[i - 1]
                               if i else [], round_index=i, image=None)
    print(gid, i, flush=True)
"""


def test_a_kill_during_writes_loses_no_committed_row(tmp_path: Path) -> None:
    process = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path)], stdout=subprocess.PIPE, text=True,
                               cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert process.stdout is not None
    committed = [process.stdout.readline().split() for _ in range(60)]
    process.send_signal(signal.SIGKILL)
    committed += [line.split() for line in process.stdout.read().splitlines() if line.strip()]
    process.wait(patience(30))
    assert process.returncode == -signal.SIGKILL
    with Store(tmp_path) as store:
        assert store.integrity() == "ok"
        rows = {r.id: r for r in store.individuals()}
        for gid, local in committed:
            assert rows[int(gid)].genome == {"weights": [int(local)] * 2000}
        assert len(rows) >= len(committed)
        assert len(rows) <= len(committed) + 1  # at most the row committed just before its line was printed
        store.add_individual(store.runs()[0].id, artist="toy", genome={}, local_id=10**6)  # still writable


def test_a_breeding_session_uses_the_same_api(branched: Branched, tmp_path: Path) -> None:
    """What `coevo breed --from gallery:ID` does: index the session, its generations and its picks."""
    root = tmp_path / "runs"
    shutil.copytree(branched.root, root)
    _, genetics, genome, meta = load_genome(f"gallery:{root}:{branched.origin}", GalleryCatalog())
    with Store.for_run(root / "breed-1") as store:
        assert store.origin_of(meta) == branched.origin
        session = store.add_run(root / "breed-1", kind="breed", artist="tests.toys:ToyGenetics", critic="human",
                                origin=store.origin_of(meta), source=f"gallery:{branched.origin}")
        assert store.add_run(root / "breed-1", kind="breed", artist="x") == session  # indexed once
        store.record_population(session, 0, [0, 1, 2], [(), (0,), (0,)])
        store.record_population(session, 1, [3, 4], [(1,), (1, 2)])
        pick = store.add_individual(session, artist="tests.toys:ToyGenetics", genome=genetics.to_json(genome),
                                    options=genetics.options(), round_index=1, local_id=4, local_parents=(1, 2))
        assert store.get(pick).parents == [branched.origin]  # generation 0 was never stored: back to the origin
        later = store.add_individual(session, artist="tests.toys:ToyGenetics", genome=genetics.to_json(genome),
                                     round_index=2, local_id=5, local_parents=(4,), title="kept")
        assert [r.id for r in store.lineage(later)][:3] == [later, pick, branched.origin]
        with pytest.raises(CoevoError, match="parent 123456 is not in the gallery"):
            store.add_individual(session, artist="toy", genome={}, parents=[123456])
    with Store(tmp_path / "elsewhere") as other:
        assert other.origin_of(meta) is None  # a genome from another gallery is not a parent here


def test_forgetting_replayed_rounds_keeps_branch_origins(branched: Branched, tmp_path: Path) -> None:
    root = tmp_path / "runs"
    shutil.copytree(branched.root, root)
    with Store(root) as store:
        run_a = store.run_at(root / "a")
        assert run_a is not None
        store.forget_rounds(run_a.id, 0)  # as if run a were resumed from before its first checkpoint
        kept = store.individuals(run=run_a.id)
        assert [r.id for r in kept] == [branched.origin]  # run b still starts from it
        assert store.integrity() == "ok"


def test_a_reader_does_not_wait_for_a_write_and_bad_files_are_refused(tmp_path: Path, capsys) -> None:
    import sqlite3

    from coevo.commands.main import main

    Store(tmp_path / "runs").close()
    writer = sqlite3.connect(tmp_path / "runs" / "gallery.db", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO runs (path, kind, artist, critic, data, settings, created) "
                   "VALUES ('x', 'run', 'gp', '', '', '{}', 0)")
    assert main(["gallery", "list", "--runs", "--root", str(tmp_path / "runs")]) == 0  # blocked, it says busy
    writer.execute("ROLLBACK")
    writer.close()
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "gallery.db").write_bytes(b"")
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    other = sqlite3.connect(foreign / "gallery.db")
    other.execute("CREATE TABLE photos (id INTEGER)")
    other.commit()
    other.close()
    capsys.readouterr()
    for root, message in ((tmp_path / "empty", "is empty (0 bytes)"), (foreign, "coevo did not make")):
        assert main(["gallery", "build", "--root", str(root)]) == 2
        err = capsys.readouterr().err
        assert message in err and len(err.splitlines()) == 1
    with pytest.raises(CoevoError, match="coevo did not make"):
        Store(foreign)
    tables = sqlite3.connect(foreign / "gallery.db").execute("SELECT name FROM sqlite_master").fetchall()
    assert tables == [("photos",)]


def test_gallery_show_of_an_unscored_individual_says_so(tmp_path: Path, capsys) -> None:
    from coevo.commands.main import main

    with Store(tmp_path / "runs") as store:
        run = store.add_run(tmp_path / "runs" / "breed-gp-seed0", kind="breed", artist="gp")
        individual = store.add_individual(run, artist="gp", genome={"trees": ["x"]}, score=None)
    capsys.readouterr()
    assert main(["gallery", "show", str(individual), "--root", str(tmp_path / "runs")]) == 0
    out = capsys.readouterr().out
    assert "score:    none" in out and "None" not in out


def test_a_bred_picbreeder_genome_names_its_source_xml(tmp_path: Path, capsys) -> None:
    """A run started from a Picbreeder XML (or any file) says where its first individuals came from."""
    from tests.conftest import SHARED_DATA

    xml = SHARED_DATA / "picbreeder" / "4376_ButterflyColor.xml"
    if not xml.is_file():
        pytest.skip(f"the shared Picbreeder genomes are not at {xml.parent}")
    out = tmp_path / "runs" / "bred"
    assert main(["run", "--from", str(xml), "--critic", "tests.toys:TinyCritic", "--data", "none", "--size", "16",
                 "--pop", "4", "--rounds", "1", "--warmup", "0", "--out", str(out)]) == 0
    with Store(tmp_path / "runs") as store:
        [row] = [r for r in store.individuals() if not r.parents]
    capsys.readouterr()
    assert main(["gallery", "show", str(row.id), "--root", str(tmp_path / "runs")]) == 0
    assert f"its run started from {xml}" in capsys.readouterr().out


def test_a_run_writes_its_kept_rounds_gallery_rows_in_one_commit(tmp_path: Path, monkeypatch) -> None:
    """The recorder keeps rounds until a checkpoint (here every 4 rounds); their ancestry and champion rows go in
    one transaction, and the gallery ends as a run committing every round."""
    commits: list[str] = []
    opened = Store._open

    def traced(self: Store, attempts: int = 100) -> None:
        opened(self, attempts)
        self.db.set_trace_callback(lambda sql: commits.append(sql) if sql == "COMMIT" else None)

    monkeypatch.setattr(Store, "_open", traced)
    start = __import__("coevo.programs.run", fromlist=["start"]).start
    start(toy_config(rounds=8, checkpoint_every=4, checkpoint_seconds=0.0), tmp_path / "batched" / "run",
          GalleryCatalog())
    batched = len(commits)
    commits.clear()
    start(toy_config(rounds=8, checkpoint_seconds=0.0), tmp_path / "each" / "run", GalleryCatalog())
    assert len(commits) - batched == 8 - 2  # the same set-up; then 2 flushes of 4 rounds: 2 commits, not 8

    def rows(root: Path) -> list[tuple]:
        with Store(root, create=False) as store:
            return store.db.execute("SELECT local_id, round, genome, parents, score, image FROM individuals "
                                    "ORDER BY id").fetchall()

    assert rows(tmp_path / "batched") == rows(tmp_path / "each") and len(rows(tmp_path / "each")) == 8


HOLD = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA locking_mode=EXCLUSIVE")
db.execute("BEGIN EXCLUSIVE")
db.execute("UPDATE runs SET kind = kind")
print("locked", flush=True)
sys.stdin.read()  # held until the test closes stdin
"""


def test_readers_while_another_process_holds_an_exclusive_lock_say_busy(branched: Branched, tmp_path: Path,
                                                                      capsys) -> None:
    root = tmp_path / "runs"
    shutil.copytree(branched.root, root)
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(root / "gallery.db")], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        for args in (["gallery", "list", "--root", str(root)], ["gallery", "show", "1", "--root", str(root)],
                     ["gallery", "build", "--root", str(root)],
                     ["render", f"gallery:{root}:1", "--size", "8", "--out", str(tmp_path / "x.png")]):
            assert main(args) == 2, args
            err = capsys.readouterr().err
            assert "is busy" in err and "try again" in err and len(err.strip().splitlines()) == 1, (args, err)
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait()
    assert not (tmp_path / "x.png").exists()
    assert main(["gallery", "list", "--root", str(root)]) == 0  # free again


def test_a_write_while_another_process_holds_the_gallery_says_busy(branched: Branched, tmp_path: Path) -> None:
    root = tmp_path / "runs"
    shutil.copytree(branched.root, root)
    hold = HOLD.replace('db.execute("PRAGMA locking_mode=EXCLUSIVE")\n', "").replace("EXCLUSIVE", "IMMEDIATE")
    with Store(root) as store:
        store.db.execute("PRAGMA busy_timeout = 0")  # give up at once instead of after the writer's wait
        holder = subprocess.Popen([sys.executable, "-c", hold, str(root / "gallery.db")], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
            with pytest.raises(CoevoError, match=r"is busy .*try again") as refused:
                store.add_run(root / "new", artist="toy")
            assert "\n" not in str(refused.value)
            assert store.runs()  # reading goes on meanwhile (WAL)
        finally:
            assert holder.stdin is not None
            holder.stdin.close()
            holder.wait()
        assert store.add_run(root / "new", artist="toy")  # free again
