"""AppTest checks of the training playground (pages/lessons/playground.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
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


def test_step_is_one_update_plus_25_is_a_chunk_and_reset_starts_over():
    at = open_page(PAGE, timeout=120)
    before = charts(at)[0]
    at.button(key="pg_step").click().run()
    assert not at.exception
    assert "iteration 1" in counter(at)
    assert charts(at)[0] != before  # the boundary moved
    assert len(at.get("plotly_chart")) == 4  # diagnostics appear once there is a history
    assert len(at.get("download_button")) == 2 + 2 * (1 + png_available())
    at.button(key="pg_chunk").click().run()
    assert "iteration 26" in counter(at)
    at.button(key="pg_reset").click().run()
    assert not at.exception
    assert "iteration 0" in counter(at)
    assert charts(at)[0] == before  # same seed: the same initial weights


def test_hyper_parameter_change_keeps_training_architecture_change_restarts():
    at = open_page(PAGE, timeout=120)
    at.button(key="pg_chunk").click().run()
    at.select_slider(key="playground:o1.adam.lr").set_value(0.003).run()
    assert not at.exception
    assert "iteration 25" in counter(at)  # a new learning rate continues the run
    at.slider(key="playground:units").set_value(6).run()
    assert "iteration 0" in counter(at)
    assert any("restarted" in i.value for i in at.info)
    # "units per layer" sets every layer; each layer's +/− then changes its own width
    assert [n.value for n in widths(at)] == [6, 6]
    at.number_input(key="playground:u2").increment().run()
    assert [n.value for n in widths(at)] == [6, 7]
    assert at.query_params["u2"] == "7" and at.query_params["units"] == "6"
    at.slider(key="playground:layers").set_value(5).run()
    assert not at.exception and [n.value for n in widths(at)] == [6, 7, 6, 6, 6]


def widths(at: AppTest) -> list:
    return [n for n in at.number_input if n.key.startswith("playground:u")]


def test_input_features_solve_xor_without_a_hidden_layer():
    params = {"ds": "xor", "layers": "0", "feat": "x1x2", "o1.adam.lr": "0.05"}
    at = open_page(PAGE, params, timeout=120)
    assert not at.exception and not at.error
    pills = at.button_group(key="playground:feat")
    assert pills.value == ["x1x2"]
    for _ in range(4):
        at.button(key="pg_chunk").click().run()
    assert not at.exception
    held_out = next(m for m in at.metric)
    assert "val acc" in held_out.delta and int(held_out.delta.split()[-1][:-1]) >= 90


def test_regression_shows_a_colour_map_and_mean_squared_errors():
    at = open_page(PAGE, {"ds": "plane", "prep": "none", "showtest": "0"}, timeout=120)
    assert not at.exception and not at.error
    at.button(key="pg_chunk").click().run()
    assert not at.exception
    prediction, _, curves = charts(at)[:3]
    heat = prediction["data"][0]
    assert heat["type"] == "heatmap" and heat["zmin"] == -heat["zmax"]  # a continuous, centred map
    shown = [t for t in prediction["data"] if t.get("type") == "scatter"]
    assert [t["name"] for t in shown] == ["train targets", "val targets"]
    assert len(plain_values(shown[1]["x"])) == 0  # test data hidden
    assert curves["layout"]["annotations"][0]["text"] == "mean squared error"
    assert "MSE" in at.metric[0].value and "val MSE" in at.metric[0].delta


def plain_values(data):
    from optim_lab.figures.plain import values

    return values(data)


def test_discretize_preprocessing_split_and_patience_reach_the_run():
    params = {"ds": "pass_class", "prep": "none", "val": "0.5", "pat": "3", "disc": "1"}
    at = open_page(PAGE, params, timeout=120)
    assert not at.exception and not at.error
    at.button(key="pg_chunk").click().run()
    assert not at.exception
    prediction = charts(at)[0]
    z = plain_values(prediction["data"][0]["z"])
    assert set(np.unique(z)) <= {3.0, 7.0}  # every cell at full confidence (4 bands per class)
    session = at.session_state["playground:session"]
    config = session.state.config
    assert (config.preprocess, config.train_share, config.patience) == ("none", 0.5, 3)
    assert len(session.state.dataset.y_train) == 100  # 200 points, half of them trained on


def test_compare_mode_trains_all_runs_together():
    at = open_page(PAGE, {"cmp": "1", "n": "2", "o2": "sgd"}, timeout=120)
    assert not at.exception
    at.button(key="pg_step").click().run()
    assert not at.exception
    curves = charts(at)[2]
    names = {t.get("name", "") for t in curves["data"]}
    assert any(n.startswith("Adam") for n in names) and any(n.startswith("SGD") for n in names)


def test_divergence_is_reported():
    at = open_page(PAGE, {"o1": "sgd", "o1.sgd.lr": "10"}, timeout=120)
    at.button(key="pg_chunk").click().run()
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


def test_the_network_diagram_draws_every_unit_and_follows_the_training():
    at = open_page(PAGE, {"layers": "2", "units": "5", "feat": "x1,x2,x1x2"}, timeout=120)
    assert not at.exception
    diagram = charts(at)[1]
    names = [t.get("name") for t in diagram["data"]]
    assert names.count("units") == 2 and "weights" in names  # one heat map, unit hover points
    weights = next(t for t in diagram["data"] if t.get("name") == "weights")
    assert len(plain_values(weights["customdata"])) == 3 * 5 + 5 * 5 + 5 * 3  # one per link
    at.button(key="pg_chunk").click().run()
    after = charts(at)[1]
    moved = next(t for t in after["data"] if t.get("name") == "weights")
    assert not np.allclose(plain_values(moved["customdata"]), plain_values(weights["customdata"]))
    wide = open_page(PAGE, {"units": "17"}, timeout=120)
    assert not wide.exception and len(wide.get("plotly_chart")) == 2  # no diagram: too wide
    assert any("up to 6 layers of 16 units" in c.value for c in wide.caption)


def test_the_digits_train_live_and_show_their_misclassified_images():
    at = open_page(PAGE, {"ds": "digits", "feat": "x1x2"}, timeout=120)
    assert not at.exception and not at.error
    assert not at.get("multiselect") or all(m.key != "playground:feat" for m in at.multiselect)
    heading = next(m.value for m in at.markdown if "validation images" in m.value)
    assert "misclassified" in heading  # untrained: most are wrong
    grid = charts(at)[0]
    labels = [a["text"] for a in grid["layout"]["annotations"]]
    assert len(labels) == 24 and all(" → " in t for t in labels)
    for _ in range(4):
        at.button(key="pg_chunk").click().run()
    assert not at.exception
    later = next(m.value for m in at.markdown if "validation images" in m.value)
    wrong = int(later.split(": ")[1].split(" of ")[0])
    assert wrong < int(heading.split(": ")[1].split(" of ")[0])  # training fixes mistakes
