"""AppTest checks of the training playground (pages/lessons/playground.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from optim_lab.presets.playground import PRESETS

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "lessons" / "playground.py")


def run_page(**params: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def figure(at: AppTest, index: int = 0) -> dict:
    return json.loads(at.get("plotly_chart")[index].proto.spec)


def counter(at: AppTest) -> str:
    return next(m.value for m in at.markdown if "iteration" in m.value and "epoch" in m.value)


def test_defaults_render_boundary_and_curves():
    at = run_page()
    assert not at.exception
    assert not at.error
    assert len(at.get("plotly_chart")) >= 2
    assert "iteration 0" in counter(at)
    assert len(at.latex) >= 1


def test_step_advances_and_reset_starts_over():
    at = run_page()
    before = figure(at)
    at.button(key="pg_step").click().run()
    assert not at.exception
    assert "iteration 25" in counter(at)
    assert figure(at) != before  # the boundary moved
    assert len(at.get("plotly_chart")) == 3  # diagnostics appear once there is a history
    assert len(at.get("download_button")) == 4
    at.button(key="pg_step").click().run()
    assert "iteration 50" in counter(at)
    at.button(key="pg_reset").click().run()
    assert not at.exception
    assert "iteration 0" in counter(at)
    assert figure(at) == before  # same seed: the same initial weights


def test_hyper_parameter_change_keeps_training_architecture_change_restarts():
    at = run_page()
    at.button(key="pg_step").click().run()
    at.select_slider(key="playground:o1.adam.lr").set_value(0.003).run()
    assert not at.exception
    assert "iteration 25" in counter(at)  # a new learning rate continues the run
    at.slider(key="playground:units").set_value(6).run()
    assert "iteration 0" in counter(at)
    assert any("restarted" in i.value for i in at.info)


def test_compare_mode_trains_all_runs_together():
    at = run_page(cmp="1", n="2", o2="sgd")
    assert not at.exception
    at.button(key="pg_step").click().run()
    assert not at.exception
    curves = figure(at, 1)
    names = {t.get("name", "") for t in curves["data"]}
    assert any(n.startswith("Adam") for n in names) and any(n.startswith("SGD") for n in names)


def test_divergence_is_reported():
    at = run_page(o1="sgd", **{"o1.sgd.lr": "10"})
    at.button(key="pg_step").click().run()
    assert not at.exception
    assert any("diverged at step" in w.value for w in at.warning)


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.name)
def test_presets_run(preset):
    at = run_page(**preset.params)
    assert not at.exception
    assert not at.error


def test_malformed_url_parameter_shows_notice():
    at = run_page(units="many", ds="nope")
    assert not at.exception
    assert any("could not be used" in w.value for w in at.warning)
