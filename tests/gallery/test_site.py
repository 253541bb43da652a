"""The gallery's pages and command-line helpers: built from the store, a missing image reported not fatal."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from PIL import Image

from coevo.commands.main import main
from gallery.site import build_site
from gallery.store import Store
from tests.gallery.conftest import Branched


@pytest.fixture
def copy(branched: Branched, tmp_path: Path) -> Path:
    """A private copy of the shared gallery (paths inside are relative, so it works where it lands)."""
    root = tmp_path / "runs"
    shutil.copytree(branched.root, root)
    return root


def test_build_writes_a_page_for_every_run_and_individual(copy: Path) -> None:
    index = build_site(copy)
    site = index.parent
    with Store(copy) as store:
        runs, rows = store.runs(), store.individuals()
    assert all((site / f"run-{r.id}.html").is_file() for r in runs)
    for row in rows:
        text = (site / f"individual-{row.id}.html").read_text()
        assert f"coevo render gallery:{copy}:{row.id} --size 1024" in text  # a non-default root is named
        assert "lineage tree" in text and (site / "files" / f"lineage-{row.id}.png").is_file()
        with Image.open(site / "files" / f"lineage-{row.id}.png") as picture:
            assert picture.width >= 64 and picture.height >= 64
    front = index.read_text()
    assert all(f"run-{r.id}.html" in front for r in runs) and "Nothing published yet" in front
    run_page = (site / f"run-{runs[0].id}.html").read_text()
    assert "round-0000" in run_page and "Champions" in run_page
    assert run_page.count("alt=\"curves\"") == 1 and "curves/curves.png" in run_page  # item 14: curves once


def test_item14_an_older_run_without_curves_gets_them_plotted_once(copy: Path) -> None:
    from gallery.store import Store

    with Store(copy) as store:
        run = store.runs()[0]
    (run.path / "curves.png").unlink()
    assert main(["gallery", "build", "--root", str(copy)]) == 0
    page = (copy / "site" / f"run-{run.id}.html").read_text()
    assert page.count("alt=\"curves\"") == 1 and f"files/run-{run.id}/metrics.png" in page


def test_publish_shows_on_the_front_page_and_in_list(copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gallery", "publish", "2", "--title", "Morning <fog>", "--root", str(copy)]) == 0
    assert main(["gallery", "build", "--root", str(copy)]) == 0
    front = (copy / "site" / "index.html").read_text()
    assert "Morning &lt;fog&gt;" in front and 'href="individual-2.html"' in front
    capsys.readouterr()
    assert main(["gallery", "list", "--published", "--root", str(copy)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and lines[1].split()[0] == "2" and "published: Morning <fog>" in lines[1]
    assert "SCORE@ROUND" in lines[0] and "not comparable across rounds" in lines[2]  # item 14: scores say their round
    assert main(["gallery", "publish", "2", "--undo", "--root", str(copy)]) == 0
    with Store(copy) as store:
        assert store.individuals(published=True) == []


def test_a_title_with_markup_is_escaped_on_every_page(copy: Path) -> None:
    title = "<script>alert('title')</script> & co"
    assert main(["gallery", "publish", "2", "--title", title, "--root", str(copy)]) == 0
    index = build_site(copy)
    escaped = "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; &amp; co"
    assert escaped in index.read_text() and escaped in (index.parent / "individual-2.html").read_text()
    for page in index.parent.glob("*.html"):
        assert "<script>alert" not in page.read_text(), page.name


def test_every_page_links_the_one_stylesheet_beside_it(copy: Path) -> None:
    from coevo.store.pages import STYLESHEET

    site = build_site(copy).parent
    assert "font-family" in (site / STYLESHEET).read_text()
    for page in site.glob("*.html"):
        text = page.read_text()
        assert f'<link rel="stylesheet" href="{STYLESHEET}">' in text and "<style" not in text, page.name


def test_a_missing_image_is_reported_on_its_page(copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Store(copy) as store:
        row = store.individuals()[0]
    assert row.image is not None
    row.image.unlink()
    index = build_site(copy)
    page = (index.parent / f"individual-{row.id}.html").read_text()
    assert "image missing" in page and "coevo render gallery:" in page
    for html in index.parent.glob("*.html"):  # no page links the missing file
        assert f'src="files/individual-{row.id}.png"' not in html.read_text()
    assert not (index.parent / "files" / f"individual-{row.id}.png").exists()
    assert main(["gallery", "show", str(row.id), "--root", str(copy)]) == 0
    assert "MISSING" in capsys.readouterr().out
    assert main(["gallery", "list", "--root", str(copy)]) == 0
    assert "image missing" in capsys.readouterr().out


def test_show_prints_the_ancestry_and_commands(branched: Branched, capsys: pytest.CaptureFixture[str]) -> None:
    with Store(branched.root) as store:
        last = store.individuals()[-1]
    assert main(["gallery", "show", str(last.id), "--root", str(branched.root)]) == 0
    out = capsys.readouterr().out
    assert f"coevo render gallery:{branched.root}:{last.id}" in out and "ancestry:" in out
    assert str(branched.origin) in out.split("ancestry:")[1].splitlines()[0]


def test_commands_name_a_missing_gallery(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for action in ("list", "build", "show 1", "publish 1"):
        assert main(["gallery", *action.split(), "--root", str(tmp_path)]) == 2
        assert "no gallery at" in capsys.readouterr().err
    assert not (tmp_path / "gallery.db").exists()


def test_index_rebuilds_a_lost_gallery_from_the_run_folders(copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Store(copy) as store:
        before = {(store.run(r.run).name, r.round): r.genome for r in store.individuals()}  # type: ignore[union-attr]
    for path in copy.glob("gallery.db*"):
        path.unlink()
    shutil.rmtree(copy / "a" / "images")
    assert main(["gallery", "index", "--root", str(copy)]) == 0
    with Store(copy) as store:
        rows = store.individuals()
        after = {(store.run(r.run).name, r.round): r.genome for r in rows}  # type: ignore[union-attr]
        assert all(r.image is not None and r.image.is_file() for r in rows)  # lost images rendered again
    assert after == before
    assert main(["gallery", "index", "--root", str(copy)]) == 0  # indexing twice adds nothing
    with Store(copy) as store:
        assert len(store.individuals()) == len(rows)


def test_item14_long_lineage_labels_wrap_instead_of_being_cut() -> None:
    from PIL import Image, ImageDraw

    from gallery.lineage import GAP_X, THUMB, label_lines

    draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    lines = label_lines(draw, "#12 r3 Morning fog over the long valley at dawn", THUMB + GAP_X - 4)
    assert len(lines) == 2 and lines[0].startswith("#12 r3") and lines[1].endswith("...")
    assert all(draw.textlength(line) <= THUMB + GAP_X - 4 for line in lines)
    assert label_lines(draw, "#7 r0", 76) == ["#7 r0"]


def test_no_page_shows_a_run_folders_absolute_path(copy: Path) -> None:
    """A site is copied and published: run folders are named from the gallery root's folder (runs/a)."""
    with Store(copy) as store:
        folders = [str(run.path) for run in store.runs()]
        row = store.individuals()[0]
    assert row.image is not None
    row.image.unlink()  # a missing image's page names where it was, and how to render it again
    site = build_site(copy).parent
    pages = {page.name: page.read_text() for page in site.glob("*.html")}
    assert len(pages) > 3
    for name, text in pages.items():
        assert not any(folder in text for folder in folders), name
    assert "<code>runs/a</code>" in pages["run-1.html"] and "runs/a/images/" in pages[f"individual-{row.id}.html"]


def test_the_front_page_lists_runs_newest_first_with_dates_and_hides_empty_ones(copy: Path) -> None:
    with Store(copy) as store:
        store.add_run(copy / "closed-at-once", kind="session", artist="biomorph")  # a window closed at once
        runs = store.runs()
        store.db.execute("UPDATE runs SET created = ? WHERE id = ?", (1.7e9, runs[0].id))  # 2023-11-14 22:13 UTC
        store.db.commit()
    front = build_site(copy).read_text()
    assert "closed-at-once" not in front and "1 empty run (nothing played or kept) not listed" in front
    assert front.index(">b</a>") < front.index(">a</a>")  # b, the newer, above a
    assert "2023-11-14 22:13 UTC" in front and "<th>started</th>" in front


def test_a_symlinked_image_out_of_the_gallery_is_never_published(copy: Path) -> None:
    """A hostile run folder: its champion image and a contact sheet link to a system file; the site holds neither
    that file's bytes nor a link to it, and builds the rest."""
    secret = Path("/etc/passwd").read_bytes()
    with Store(copy) as store:
        row = store.individuals()[0]
        run = store.run(row.run)
    assert row.image is not None and run is not None
    row.image.unlink()
    row.image.symlink_to("/etc/passwd")
    (run.path / "sheets" / "stolen.png").symlink_to("/etc/passwd")
    (run.path / "stolen.png").symlink_to("/etc/passwd")
    site = build_site(copy).parent
    published = [p for p in site.rglob("*") if p.is_file()]
    assert published and all(p.read_bytes() != secret for p in published)
    assert not any("stolen" in p.name for p in published)
    page = (site / f"individual-{row.id}.html").read_text()
    assert f"files/individual-{row.id}.png" not in page and f"coevo render gallery:{copy}:{row.id}" in page


def test_a_run_page_shows_the_arms_race_its_numbers_and_master_tournament(tmp_path: Path) -> None:
    from coevo.metrics.armsrace import describe, summarise
    from coevo.programs.run import start
    from gallery.catalog import GalleryCatalog
    from tests.helpers import toy_config

    root = tmp_path / "runs"
    folder = start(toy_config(schedule="phases", rounds=6, phase_generations=2, phase_critic_steps=5), root / "race",
                   GalleryCatalog())
    assert (folder.path / "ciao.png").is_file()
    start(toy_config(data="none"), root / "plain", GalleryCatalog())  # no real data: no tournament, no phases
    site = build_site(root).parent
    with Store(root) as store:
        race, plain = store.run_at(root / "race"), store.run_at(root / "plain")
    page = (site / f"run-{race.id}.html").read_text()
    line = describe(summarise(folder.metrics()))
    assert "phases" in line and "master tournament progress" in line
    assert "Arms race" in page and line in page  # (nothing in the line needs escaping)
    assert f"files/run-{race.id}/arms-race/ciao.png" in page and "alt=\"master tournament\"" in page
    assert (site / "files" / f"run-{race.id}" / "arms-race" / "ciao.png").is_file()
    assert "curves/ciao.png" not in page  # shown once, under its own heading
    assert "Arms race" not in (site / f"run-{plain.id}.html").read_text()


def test_a_run_with_one_kept_generation_shows_its_arms_race_line_without_a_one_cell_tournament(
        tmp_path: Path) -> None:
    from coevo.programs.run import start
    from gallery.catalog import GalleryCatalog
    from tests.helpers import toy_config

    root = tmp_path / "runs"
    folder = start(toy_config(schedule="phases", rounds=1, phase_generations=2, phase_critic_steps=5),
                   root / "short", GalleryCatalog())
    assert json.loads((folder.path / "tournament.json").read_text())["kept"] == 1
    site = build_site(root).parent
    with Store(root) as store:
        short = store.run_at(root / "short")
    page = (site / f"run-{short.id}.html").read_text()
    assert "Arms race" in page and "alt=\"master tournament\"" not in page
    assert not (site / "files" / f"run-{short.id}" / "arms-race").exists()
    (folder.path / "tournament.json").write_text("{damaged")  # a damaged file: no picture, the page still builds
    build_site(root)
    assert "alt=\"master tournament\"" not in (site / f"run-{short.id}.html").read_text()
