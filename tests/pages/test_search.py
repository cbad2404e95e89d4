"""AppTest checks of the hyper-parameter search page (pages/lessons/search.py)."""

from __future__ import annotations

import base64
from pathlib import Path

import numpy as np

from optim_lab.nn.generalization import TRACE_COUNTS

from .apptest import charts, open_page

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "lessons" / "search.py")
SMALL = {"steps": "100", "trials": "9", "stages": "2"}


def _titles(fig: dict) -> list[str]:
    return [a["text"] for a in fig["layout"].get("annotations", [])]


def _values(data) -> np.ndarray:
    """A Plotly array from figure JSON: a list or a base64 typed array."""
    if isinstance(data, dict) and "bdata" in data:
        return np.frombuffer(base64.b64decode(data["bdata"]), dtype=np.dtype(data["dtype"]))
    return np.asarray(data, float)


def _trial_points(fig: dict, axis: str = "x") -> dict[str, list[float]]:
    """x (or y) values of the marker traces (trials), grouped by subplot x-axis."""
    by_axis: dict[str, list[float]] = {}
    for trace in fig["data"]:
        if trace.get("mode") == "markers":
            by_axis.setdefault(trace.get("xaxis", "x"), []).extend(_values(trace[axis]).tolist())
    return by_axis


def test_defaults_render_comparison_stages_and_table():
    at = open_page(PAGE, SMALL, timeout=300)
    assert not at.exception
    figs = charts(at)
    assert len(figs) == 3
    # grid vs random, same budget of 9: 3 distinct learning rates vs 9
    titles = _titles(figs[0])
    assert "grid: 3 distinct learning rates" in titles
    assert "random: 9 distinct learning rates" in titles
    lr_by_panel = _trial_points(figs[0])
    grid_lr, random_lr = lr_by_panel["x"], lr_by_panel["x2"]
    assert len(grid_lr) == len(random_lr) == 9
    assert len(set(np.float32(grid_lr))) == 3 < len(set(np.float32(random_lr))) == 9
    # the coarse → fine table: 2 stages of 9 trials, boxes nested
    per_stage, trials = at.dataframe[0].value, at.dataframe[1].value
    assert list(per_stage["stage"]) == [1, 2]
    assert per_stage["α from"][1] >= per_stage["α from"][0]
    assert per_stage["α to"][1] <= per_stage["α to"][0]
    assert per_stage["λ₂ to"][1] - per_stage["λ₂ from"][1] < per_stage["λ₂ to"][0]
    assert len(trials) == 18 and sorted(set(trials["stage"])) == [1, 2]
    # the trials of stage 2 lie inside the narrowed box
    stage2 = trials[trials["stage"] == 2]
    assert (
        stage2["learning rate"]
        .between(per_stage["α from"][1] * 0.999, per_stage["α to"][1] * 1.001)
        .all()
    )
    # exploded trials are marked in the table and with their own marker
    exploded = trials[trials["exploded"]]
    assert len(exploded) >= 1 and (exploded["stopped at step"] != "—").all()
    symbols = {t.get("marker", {}).get("symbol") for t in figs[1]["data"]}
    assert "x-thin-open" in symbols
    # the best trial is the most accurate one that did not explode
    best = max(trials[~trials["exploded"]]["val. accuracy"])  # in percent, as shown
    assert any(m.value == f"{best:.1f}%" for m in at.metric)
    assert len(at.get("download_button")) >= 3


def test_url_parameters_round_trip_and_controls_change_the_figures():
    at = open_page(PAGE, {**SMALL, "method": "grid", "budget": "4"}, timeout=300)
    assert not at.exception
    assert at.radio(key="search:budget").value == "4"
    assert at.selectbox(key="search:method").value == "grid"
    trials = at.dataframe[1].value
    assert len(trials) == 18  # a 3×3 grid per stage
    titles = _titles(charts(at)[0])
    assert "grid: 2 distinct learning rates" in titles
    before = charts(at)[1]
    fits = TRACE_COUNTS["fit"]
    at.slider(key="search:seed").set_value(3).run()  # same shapes: no new compilation
    assert not at.exception
    assert TRACE_COUNTS["fit"] == fits
    assert charts(at)[1] != before
    assert at.query_params["seed"] in ("3", ["3"])
    at.selectbox(key="search:method").set_value("random").run()
    assert not at.exception
    assert "method" not in at.query_params  # back to the default


def test_malformed_link_shows_notice():
    at = open_page(PAGE, {**SMALL, "stages": "many", "data": "mnist"}, timeout=300)
    assert not at.exception
    assert any("could not be used" in w.value for w in at.warning)
