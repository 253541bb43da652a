"""Lipizzaner's MNIST yardstick: the published net reads real digits in [-1, 1], its file is read as tensors only,
its FID and TVD behave, and runs and comparisons record them."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np
import pytest
import torch

from coevo.commands.main import main
from coevo.data import load_data
from coevo.errors import CoevoError
from coevo.metrics.yardstick import SHAPES, MNISTCnn, fit, is_lipizzaner_data, load_weights, load_yardstick


@pytest.fixture(scope="module")
def weights() -> Path:
    from tests.conftest import SHARED_DATA

    path = SHARED_DATA / "lipizzaner" / "mnist_cnn.pkl"
    if not path.is_file():
        pytest.skip(f"no Lipizzaner weights at {path} (only on the project's machines)")
    return path


@pytest.fixture(scope="module")
def t10k() -> Path:
    from tests.conftest import SHARED_DATA

    if not (SHARED_DATA / "mnist" / "t10k-images-idx3-ubyte.gz").is_file():
        pytest.skip(f"no MNIST t10k in {SHARED_DATA / 'mnist'} (only on the project's machines)")
    return SHARED_DATA / "mnist"


def test_the_published_net_reads_real_t10k_digits_in_minus_one_to_one(weights: Path, t10k: Path) -> None:
    data = load_data(f"mnist:{t10k}", 28)
    assert data.images.min() == -1 and data.images.max() == 1
    net = load_weights(weights)
    with torch.no_grad():
        signed = float((net(data.images).argmax(1) == data.labels).double().mean())
        unit = float((net((data.images + 1) / 2).argmax(1) == data.labels).double().mean())
    assert signed >= 0.99  # the convention Lipizzaner's loader feeds it (its docstring's (0, 1) reads worse)
    assert unit < signed


def test_a_pickle_that_would_run_code_is_refused_unrun(tmp_path: Path) -> None:
    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self) -> tuple:
            return (Path.touch, (marker,))

    path = tmp_path / "evil.pkl"
    path.write_bytes(pickle.dumps({"conv1.weight": Payload()}, protocol=2))
    with pytest.raises(CoevoError, match="not a tensor-only state dict"):
        load_weights(path)
    assert not marker.exists()


def test_a_state_dict_of_another_net_or_no_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.pt"
    torch.save({"weight": torch.zeros(3)}, path)
    with pytest.raises(CoevoError, match="not an MNISTCnn state dict"):
        load_weights(path)
    bad = {k: torch.full(v.shape, float("nan")) for k, v in MNISTCnn().state_dict().items()}
    torch.save(bad, path)
    with pytest.raises(CoevoError, match="non-finite"):
        load_weights(path)
    with pytest.raises(CoevoError, match="no yardstick weights"):
        load_weights(tmp_path / "absent.pkl")


def test_the_net_has_the_published_shapes_and_gives_ten_logits() -> None:
    net = MNISTCnn()
    assert {k: tuple(v.shape) for k, v in net.state_dict().items()} == SHAPES
    assert net(torch.zeros(4, 1, 28, 28)).shape == (4, 10)
    assert fit(torch.zeros(2, 3, 32, 32)).shape == (2, 1, 28, 28)


def fake_weights(tmp_path: Path) -> Path:
    torch.manual_seed(0)
    path = tmp_path / "net.pt"
    torch.save(MNISTCnn().state_dict(), path)
    return path


def test_fid_and_tvd_are_zero_for_the_reference_itself_and_grow_for_noise(tmp_path: Path) -> None:
    real = load_data("digits", 28).images
    stick = load_yardstick(fake_weights(tmp_path), real, reference=1000)
    same = stick.score(real[:1000])
    assert same["lipizzaner_tvd"] == 0 and abs(same["lipizzaner_fid"]) < 1e-6
    noise = stick.score(torch.rand(1000, 1, 28, 28, generator=torch.Generator().manual_seed(0)) * 2 - 1)
    other = stick.score(real[1000:])
    assert noise["lipizzaner_fid"] > other["lipizzaner_fid"]


def test_only_mnist_at_28_pixels_is_lipizzaner_data() -> None:
    assert is_lipizzaner_data("mnist:/x", (1, 28, 28))
    assert not is_lipizzaner_data("mnist:/x", (1, 32, 32))
    assert not is_lipizzaner_data("digits", (1, 28, 28))


def test_a_run_records_the_yardstick_and_plays_the_same_without_it(tmp_path: Path) -> None:
    args = ["run", "--artist", "dcgan", "--data", "digits:200", "--size", "28", "--batch", "8", "--rounds", "3",
            "--warmup", "0", "--device", "cpu", "--sheet-every", "0"]
    weights = fake_weights(tmp_path)
    assert main([*args, "--out", str(tmp_path / "plain")]) == 0
    assert main([*args, "--out", str(tmp_path / "with"), "--yardstick", str(weights), "--yardstick-every", "2"]) == 0
    plain = [json.loads(line) for line in (tmp_path / "plain" / "metrics.jsonl").read_text().splitlines()]
    rows = [json.loads(line) for line in (tmp_path / "with" / "metrics.jsonl").read_text().splitlines()]
    assert [sorted(k for k in row if k.startswith("lipizzaner")) for row in rows] == [
        [], ["lipizzaner_fid", "lipizzaner_tvd"], ["lipizzaner_fid", "lipizzaner_tvd"]]  # round 1, and the last
    assert [{k: v for k, v in row.items() if not k.startswith("lipizzaner")} for row in rows] == plain
    assert main([*args, "--out", str(tmp_path / "bad"), "--yardstick", str(tmp_path / "absent.pkl")]) == 2
    assert not (tmp_path / "bad").exists()


def test_a_comparison_with_the_yardstick_reports_it_and_says_what_is_comparable(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COEVO_CACHE", str(tmp_path / "cache"))
    digits = load_data("digits", 28)
    np.savez(tmp_path / "d.npz", images=((digits.images[:96, 0].numpy() + 1) * 127.5).astype(np.uint8))
    code = main(["compare", "--artists", "dcgan", "--size", "28", "--batch", "16", "--images", "32", "--evals", "1",
                 "--samples", "24", "--seeds", "1", "--device", "cpu", "--data", str(tmp_path / "d.npz"),
                 "--features", "autoencoder", "--yardstick", str(fake_weights(tmp_path)),
                 "--out", str(tmp_path / "out")])
    assert code == 0
    report = (tmp_path / "out" / "report.md").read_text()
    assert "Lipizzaner FID ↓" in report and "Lipizzaner TVD ↓" in report
    assert "comparable with published work**: none (the data are not mnist:DIR at 1×28×28)" in report
    row = json.loads((tmp_path / "out" / "dcgan" / "seed-0" / "evals.jsonl").read_text().splitlines()[-1])
    assert row["lipizzaner_fid"] > 0 and 0 <= row["lipizzaner_tvd"] <= 1
    assert main(["compare", "--artists", "dcgan", "--yardstick", str(tmp_path / "absent.pkl"),
                 "--out", str(tmp_path / "x")]) == 2
