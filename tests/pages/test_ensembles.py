"""AppTest checks of the ensembles page (pages/lessons/ensembles.py)."""

from __future__ import annotations

import base64
from pathlib import Path

import numpy as np

from optim_lab.nn.generalization import TRACE_COUNTS

from .apptest import charts, open_page

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "lessons" / "ensembles.py")
SMALL = {"steps": "200", "points": "200", "ssteps": "300", "k": "4"}


def _values(data) -> np.ndarray:
    """A Plotly array from figure JSON: a list or a base64 typed array."""
    if isinstance(data, dict) and "bdata" in data:
        return np.frombuffer(base64.b64decode(data["bdata"]), dtype=np.dtype(data["dtype"]))
    return np.asarray(data, float)


def _trace(fig: dict, name_start: str, axis: str = "x") -> dict:
    for trace in fig["data"]:
        tags = (trace.get("name", ""), trace.get("legendgroup", ""))
        if any(t.startswith(name_start) for t in tags) and trace.get("xaxis", "x") == axis:
            return trace
    raise AssertionError(f"no trace {name_start!r} on {axis}")


def _check_members_figure(fig: dict, k: int) -> None:
    """Accuracy panel (x) and log-loss panel (x2): the ensemble's log-loss is never above the
    mean log-loss of the same members (Jensen), and the first point is member 1 alone."""
    for axis in ("x", "x2"):
        ensemble = _values(_trace(fig, "ensemble", axis)["y"])
        members = _values(_trace(fig, "member", axis)["y"]) if axis == "x" else None
        assert len(ensemble) == k
        if members is not None:
            assert ensemble[0] == members[0]
    ens_loss = _values(_trace(fig, "ensemble", "x2")["y"])
    mean_loss = _values(_trace(fig, "mean", "x2")["y"])
    assert np.all(ens_loss <= mean_loss + 1e-9)
    assert ens_loss[0] == mean_loss[0]


def test_defaults_render_every_section():
    at = open_page(PAGE, SMALL, timeout=300)
    assert not at.exception
    figs = charts(at)
    assert len(figs) == 5  # members, boundaries, snapshot lr, snapshot members, polyak
    _check_members_figure(figs[0], 4)
    _check_members_figure(figs[3], 4)
    # boundaries: 4 members + the ensemble, each a heat map
    assert sum(t["type"] == "heatmap" for t in figs[1]["data"]) == 5
    # snapshots are taken where the cosine schedule reaches its minimum
    lr = _values(_trace(figs[2], "learning rate")["y"])
    snap = _trace(figs[2], "snapshot")
    steps = _values(snap["x"]).astype(int)
    assert list(steps + 1) == [75, 150, 225, 300]
    assert np.all(_values(snap["y"]) < 0.01 * lr.max())
    assert lr[0] == lr.max() and lr[75] == lr.max()  # restarts
    # Polyak: one point per run for the last iterate and for the average, both panels
    last = _trace(figs[4], "last iterate")
    avg = _trace(figs[4], "Polyak")
    assert len(_values(last["y"])) == len(_values(avg["y"])) == 4
    assert len(at.get("download_button")) >= 3


def test_url_parameters_round_trip_and_controls_change_the_figures():
    at = open_page(PAGE, {**SMALL, "k": "3", "beta": "0.9", "data": "moons"}, timeout=300)
    assert not at.exception
    assert at.selectbox(key="ensembles:data").value == "moons"
    assert at.selectbox(key="ensembles:beta").value == "0.9"
    figs = charts(at)
    titles = [a["text"] for a in figs[1]["layout"]["annotations"]]
    assert titles[-1].startswith("<b>ensemble of 3")
    assert len(titles) == 4
    fits = TRACE_COUNTS["fit"]
    at.slider(key="ensembles:seed").set_value(5).run()  # same shapes: no new compilation
    assert not at.exception
    assert TRACE_COUNTS["fit"] == fits
    assert charts(at)[0] != figs[0]
    assert at.query_params["seed"] in ("5", ["5"])
    before = charts(at)[4]
    at.selectbox(key="ensembles:beta").set_value("0.99").run()
    assert not at.exception
    assert charts(at)[4] != before
    assert "beta" not in at.query_params  # back to the default


def test_digits_has_no_boundaries_but_all_other_figures():
    at = open_page(PAGE, {**SMALL, "data": "digits", "k": "2"}, timeout=300)
    assert not at.exception
    assert len(charts(at)) == 4
    assert any("2-D data set" in i.value for i in at.info)


def test_malformed_link_shows_notice():
    at = open_page(PAGE, {**SMALL, "k": "99", "beta": "1.5"}, timeout=300)
    assert not at.exception
    assert any("could not be used" in w.value for w in at.warning)
