"""AppTest checks of the momentum page (pages/lessons/momentum.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from optim_lab.figures.animation import mp4_available
from optim_lab.lessons.momentum.presets import PRESETS
from optim_lab.ui.export import png_available

from .apptest import charts, count_traces, open_page

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "lessons" / "momentum.py")


def test_defaults_render_map_run_and_comparison():
    at = open_page(PAGE)
    assert not at.exception
    assert not at.error
    heat, _run, _run_loss, rate_map, directions, compare, _compare_loss = charts(at)
    assert heat["data"][0]["type"] == "heatmap"
    names = [t.get("name", "") for t in rate_map["data"]]
    assert "critical damping (flat direction)" in names
    assert any(n.startswith("fastest: α = 3.16, β = 0.27") for n in names)  # Polyak, κ = 10
    assert len(directions["data"]) == 4  # u and v, each with its analytic envelope
    assert any("chosen cell" in c.value for c in at.caption)
    cells = next(t for t in heat["data"] if t.get("name") == "cells")
    assert "click to run" in cells["hovertemplate"]
    assert any(t.get("name") == "diverged" for t in heat["data"])  # α up to 10 diverges
    names = [t.get("name", "") for t in compare["data"]]
    assert any(n.startswith("EWA: α=1,") for n in names)
    assert any(n.startswith("classic: α=0.1,") for n in names)  # α(1−β) = 1·0.1
    assert any(n.startswith("Nesterov") for n in names)
    assert "coincide" in at.success[0].value
    assert (
        "look-ahead form's points θ + ρv and the Nesterov run above coincide" in at.success[1].value
    )
    assert any(t.get("name") == "Nesterov, look-ahead form: θ" for t in compare["data"])
    # map, runs (CSV, JSON, HTML, PNG); the animations of the run and of the forms (GIF, MP4) in
    # popovers, drawn when opened
    assert len(at.get("download_button")) == 2 * (3 + png_available())
    gif = "GIF, MP4" if mp4_available() else "GIF"
    assert [p.proto.popover.label.endswith(f"({gif})") for p in at.get("popover")] == [True] * 2


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.name)
def test_presets(preset):
    at = open_page(PAGE, preset.params)
    assert not at.exception
    assert not at.error
    assert at.select_slider(key="momentum:lr").value == pytest.approx(float(preset.params["lr"]))
    assert at.slider(key="momentum:beta").value == pytest.approx(float(preset.params["beta"]))
    assert not at.warning  # the link is fully understood and no run diverges


def test_momentum_oscillation_preset_oscillates():
    preset = next(p for p in PRESETS if p.name == "momentum_oscillation")
    at = open_page(PAGE, preset.params)
    run = charts(at)[1]
    path = next(t for t in run["data"] if t.get("name", "").startswith("Heavy ball"))
    assert "α=0.02" in path["name"] and "ρ=0.99" in path["name"]


def test_widgets_change_the_map_without_recompiling():
    at = open_page(PAGE, computed=True)
    before = charts(at)
    with count_traces() as traces:
        at.select_slider(key="momentum:kappa").set_value(100.0).run()
        assert not at.exception
        after = charts(at)
        at.slider(key="momentum:beta").set_value(0.5).run()
        assert not at.exception
    assert after[0] != before[0]  # the map
    assert charts(at)[1] != after[1]  # the selected run
    assert traces == []


def test_steps_metric_and_classic_form():
    at = open_page(PAGE, {"form": "heavy_ball", "metric": "steps", "lr": "0.5", "beta": "0.5"})
    assert not at.exception
    heat = charts(at)[0]
    assert heat["data"][0]["colorbar"]["title"]["text"] == "steps to tolerance"
    assert any("never within" in t.get("name", "") for t in heat["data"])


def test_without_rescaling_the_forms_differ():
    at = open_page(PAGE, {"rescale": "0"})
    assert not at.exception
    assert any("differ" in info.value for info in at.info)


def test_malformed_url_parameter_shows_the_notice():
    at = open_page(PAGE, {"form": "bogus", "lr": "-1"})
    assert not at.exception
    notice = at.warning[0].value
    assert "could not be used" in notice and "form=bogus" in notice and "lr=-1" in notice


def test_the_start_comes_from_the_link_or_a_click_and_moves_the_whole_lesson():
    at = open_page(PAGE, {"x0": "1.5", "y0": "-1"})
    assert not at.exception and not at.error
    heat, run, *_ = charts(at)
    start = next(t for t in run["data"] if t.get("name") == "start")
    assert (start["x"][0], start["y"][0]) == (1.5, -1.0)
    assert any(t.get("name") == "click to start here" for t in run["data"])
    default_heat = charts(open_page(PAGE))[0]
    assert heat["data"][0]["z"] != default_heat["data"][0]["z"]  # the map runs from there too
