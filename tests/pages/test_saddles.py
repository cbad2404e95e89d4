"""AppTest checks of the saddles, plateaus & cliffs page (pages/lessons/saddles.py)."""

from pathlib import Path

import pytest

from optim_lab.lessons.saddles.presets import PRESETS

from .apptest import charts, count_traces, open_page

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "lessons" / "saddles.py")


@pytest.mark.parametrize("scenario", ["saddle", "monkey", "plateau", "cliff"])
def test_every_scenario_renders(scenario):
    at = open_page(PAGE, {"scenario": scenario})
    assert not at.exception
    assert not at.error
    _contour, loss, grad_norm = charts(at)
    assert grad_norm["layout"]["yaxis"]["type"] == "log"
    assert "‖g‖" in grad_norm["layout"]["yaxis"]["title"]["text"]
    for trace in loss["data"] + grad_norm["data"]:  # never NaN-only curves: every run is drawn
        assert any(v is not None for v in trace["y"])
    assert len(at.dataframe) == 1


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.name)
def test_presets(preset):
    assert preset.page == "pages/lessons/saddles.py"
    at = open_page(PAGE, preset.params)
    assert not at.exception
    assert not any("could not be used" in w.value for w in at.warning)
    table = at.dataframe[0].value
    if preset.name == "saddle_point":
        ends = dict(zip(table["run"], table["ends at (x, y)"], strict=True))
        y_sgd = float(ends["SGD"].strip("()").split(",")[1])
        assert abs(y_sgd) < 0.2  # SGD still hangs around the saddle
        assert any("escaped downhill" in i.value for i in at.info)  # momentum left
    else:
        largest = dict(zip(table["run"], table["largest ‖g‖"], strict=True))
        assert largest["SGD, no clipping"] > 20  # thrown by the wall
        assert largest["SGD, clip by norm"] <= 1.0 + 1e-5  # never more than c


def test_start_offset_changes_the_figure():
    at = open_page(PAGE)
    before = charts(at)[0]
    at.select_slider(key="saddles:saddle.y0").set_value(0.0).run()
    after = charts(at)[0]
    assert not at.exception
    assert before != after
    assert at.query_params["saddle.y0"] == "0"
    # exactly on the axis nobody escapes: no run leaves the map
    assert not any("escaped" in i.value for i in at.info)


def test_clip_threshold_changes_the_gradient_norms():
    at = open_page(PAGE, {"scenario": "cliff"})
    before = charts(at)[2]
    at.select_slider(key="saddles:cliff.norm").set_value(0.5).run()
    after = charts(at)[2]
    assert not at.exception
    assert before["data"] != after["data"]


def test_malformed_url_parameter_shows_the_notice():
    at = open_page(PAGE, {"scenario": "volcano", "steps": "-5"})
    assert not at.exception
    notice = " ".join(w.value for w in at.warning)
    assert "could not be used" in notice
    assert "scenario=volcano" in notice and "steps=-5" in notice
    assert len(at.get("plotly_chart")) == 3  # the default scenario still runs


def test_moving_sliders_never_recompiles():
    at = open_page(PAGE, computed=True)
    with count_traces() as traces:
        at.select_slider(key="saddles:saddle.y0").set_value(0.01).run()
        at.select_slider(key="saddles:saddle.sgd.lr").set_value(0.02).run()
        at.slider(key="saddles:saddle.hb.rho").set_value(0.5).run()
        at.slider(key="saddles:steps").set_value(150).run()
    assert not at.exception
    assert traces == []
