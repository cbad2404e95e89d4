"""AppTest checks of the second-order methods page (pages/lessons/second_order.py)."""

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from .apptest import count_traces, open_page

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "lessons" / "second_order.py")


def metric(at: AppTest, label_start: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(label_start))


@pytest.mark.parametrize("surface", ["rosenbrock", "bowl"])
def test_page_renders(surface):
    at = open_page(PAGE, {"surface": surface})
    assert not at.exception
    assert not at.error
    assert len(at.get("plotly_chart")) == 5  # contour, loss, κ, damping sweep, memory
    table = at.dataframe[0].value
    steps = dict(zip(table["method"], table.iloc[:, 1], strict=True))
    assert int(steps["Newton (damped)"]) <= 6  # a handful of steps (one on the bowl)
    assert int(steps["L-BFGS"]) < 120
    if surface == "bowl":
        assert int(steps["Newton (damped)"]) <= 2
        assert metric(at, "κ(H) at the start") == "10"


def test_lecture_memory_example():
    at = open_page(PAGE)
    assert metric(at, "Hessian entries") == "10¹⁰"
    assert metric(at, "Hessian memory") == "40 GB"
    assert metric(at, "solve with H") == "10¹⁵"
    assert metric(at, "L-BFGS memory") == "8 MB"


def test_number_of_parameters_changes_the_costs_and_figure():
    at = open_page(PAGE)
    before = json.loads(at.get("plotly_chart")[-1].proto.spec)
    at.number_input(key="second_order:n").set_value(1_000_000).run()
    assert not at.exception
    assert metric(at, "Hessian memory") == "4 TB"
    assert at.query_params["n"] == "1000000"
    assert json.loads(at.get("plotly_chart")[-1].proto.spec) != before


def test_damping_changes_the_condition_number_and_sweep_marker():
    at = open_page(PAGE, {"surface": "bowl", "sp.kappa": "100"})  # curvatures 1/κ = 0.01 and 1
    assert metric(at, "κ(H) at the start") == "100"
    assert metric(at, "κ(H + λI)") == "91"  # (1 + 0.001) / (0.01 + 0.001)
    before = json.loads(at.get("plotly_chart")[3].proto.spec)
    at.select_slider(key="second_order:bowl.newton.damping").set_value(1.0).run()
    assert not at.exception
    assert metric(at, "κ(H + λI)") == "1.98"  # (1 + 1) / (0.01 + 1)
    assert json.loads(at.get("plotly_chart")[3].proto.spec) != before


def test_malformed_url_parameters_show_the_notice():
    at = open_page(PAGE, {"n": "many", "surface": "himmelblau", "tol": "-1"})
    assert not at.exception
    notice = " ".join(w.value for w in at.warning)
    assert "could not be used" in notice
    for bad in ("n=many", "surface=himmelblau", "tol=-1"):
        assert bad in notice
    assert metric(at, "Hessian memory") == "40 GB"


def test_moving_sliders_never_recompiles():
    at = open_page(PAGE, computed=True)
    with count_traces() as traces:
        at.select_slider(key="second_order:rosenbrock.newton.damping").set_value(0.1).run()
        at.select_slider(key="second_order:rosenbrock.gd.lr").set_value(0.002).run()
        at.select_slider(key="second_order:sp.b").set_value(50.0).run()
        at.select_slider(key="second_order:tol").set_value(1e-3).run()
    assert not at.exception
    assert traces == []
