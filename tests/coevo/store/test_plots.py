"""The plots (coevo/store/plots.py): 150 dpi, panels that apply only, phases drawn as phases."""

from __future__ import annotations

import io

from PIL import Image

from coevo.store.plots import DPI, curve_panels, curves_figure, phase_ends, plot_curves

GAN = [{"round": r, "critic_loss": 0.5 - r / 100, "artist_loss": 2.0 + r / 50, "fakes": 0.0} for r in range(20)]


def test_a_gans_empty_fake_set_panel_is_left_out() -> None:
    names = [name for name, _ in curve_panels(GAN)]
    assert names == ["critic loss", "artist loss"]
    with Image.open(io.BytesIO(plot_curves(GAN, "dcgan vs cnn"))) as picture:
        assert DPI >= 150 and round(picture.info["dpi"][0]) == DPI and picture.size[0] >= 1000


def test_a_phases_run_marks_its_phase_ends_and_draws_one_level_per_phase() -> None:
    rows = [{"round": r, "critic_loss": 0.3, "phase": float(r // 5)} for r in range(15)]
    for end, generations in ((4, 5.0), (9, 3.0)):
        rows[end].update(generations_to_fool=generations, phase_stalled=0.0, critic_steps_to_recover=40.0)
    assert phase_ends(rows) == [4, 9]
    assert ("phases: generations to fool", [("generations_to_fool", "generations")]) in curve_panels(rows)
    with Image.open(io.BytesIO(plot_curves(rows))) as picture:
        assert picture.format == "PNG"


def test_a_panel_with_one_line_left_names_it_on_its_axis_and_one_with_two_in_a_legend() -> None:
    rows = [{"round": r, "critic_accuracy": 1.0, "fooling_rate": 0.0, "fitness_best": r, "fitness_mean": r / 2}
            for r in range(5)]
    axes = {a.get_title(): a for a in curves_figure(rows).axes}
    assert axes["critic vs. artist"].get_ylabel() == "held-out accuracy (before learning)"  # fooling rate all 0
    assert axes["critic vs. artist"].get_legend() is None
    assert [t.get_text() for t in axes["fitness (critic score)"].get_legend().get_texts()] == ["best", "mean"]
