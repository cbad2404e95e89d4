"""AppTest checks of the training playground (pages/lessons/playground.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from optim_lab.lessons.playground.presets import PRESETS
from optim_lab.ui.export import png_available

from .apptest import charts, open_page

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "lessons" / "playground.py")


def counter(at: AppTest) -> str:
    return next(m.value for m in at.markdown if "iteration" in m.value and "epoch" in m.value)


def test_defaults_render_boundary_and_curves():
    at = open_page(PAGE, timeout=120)
    assert not at.exception
    assert not at.error
    assert len(at.get("plotly_chart")) >= 2
    assert "iteration 0" in counter(at)
    assert len(at.latex) >= 1


def test_step_advances_and_reset_starts_over():
    at = open_page(PAGE, timeout=120)
    before = charts(at)[0]
    at.button(key="pg_step").click().run()
    assert not at.exception
    assert "iteration 25" in counter(at)
    assert charts(at)[0] != before  # the boundary moved
    assert len(at.get("plotly_chart")) == 3  # diagnostics appear once there is a history
    assert len(at.get("download_button")) == 2 + 2 * (1 + png_available())
    at.button(key="pg_step").click().run()
    assert "iteration 50" in counter(at)
    at.button(key="pg_reset").click().run()
    assert not at.exception
    assert "iteration 0" in counter(at)
    assert charts(at)[0] == before  # same seed: the same initial weights


def test_hyper_parameter_change_keeps_training_architecture_change_restarts():
    at = open_page(PAGE, timeout=120)
    at.button(key="pg_step").click().run()
    at.select_slider(key="playground:o1.adam.lr").set_value(0.003).run()
    assert not at.exception
    assert "iteration 25" in counter(at)  # a new learning rate continues the run
    at.slider(key="playground:units").set_value(6).run()
    assert "iteration 0" in counter(at)
    assert any("restarted" in i.value for i in at.info)


def test_compare_mode_trains_all_runs_together():
    at = open_page(PAGE, {"cmp": "1", "n": "2", "o2": "sgd"}, timeout=120)
    assert not at.exception
    at.button(key="pg_step").click().run()
    assert not at.exception
    curves = charts(at)[1]
    names = {t.get("name", "") for t in curves["data"]}
    assert any(n.startswith("Adam") for n in names) and any(n.startswith("SGD") for n in names)


def test_divergence_is_reported():
    at = open_page(PAGE, {"o1": "sgd", "o1.sgd.lr": "10"}, timeout=120)
    at.button(key="pg_step").click().run()
    assert not at.exception
    assert any("diverged at step" in w.value for w in at.warning)


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.name)
def test_presets_run(preset):
    at = open_page(PAGE, preset.params, timeout=120)
    assert not at.exception
    assert not at.error


def test_malformed_url_parameter_shows_notice():
    at = open_page(PAGE, {"units": "many", "ds": "nope"}, timeout=120)
    assert not at.exception
    assert any("could not be used" in w.value for w in at.warning)
