"""Plain-text exports of runs and tables."""

from __future__ import annotations

import csv
import io
import json
import math

import numpy as np
import pytest

from optim_lab import exports
from optim_lab.surfaces import SURFACES
from optim_lab.trajectory import RunSpec, run_many


@pytest.fixture(scope="module")
def adaptive_runs():
    surface = SURFACES["bowl"]
    specs = [
        RunSpec("sgd", {"lr": 0.3}),
        RunSpec("adagrad", {"lr": 0.5}),
        RunSpec("rmsprop", {"lr": 0.01}),
        RunSpec("adam", {"lr": 0.05}),
        RunSpec("adam", {"lr": 0.05, "bias_correction": 0.0, "eps_inside_sqrt": 1.0, "eps": 0.01}),
        RunSpec("adadelta", {"lr": 1.0}),
    ]
    return run_many(surface, specs, surface.start, 50, {"kappa": 50.0})


def test_columns_csv_and_json():
    text = exports.columns_csv({"a": [1, 2], "b": [0.1, math.nan]})
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["a", "b"], ["1", "0.1"], ["2", ""]]
    data = json.loads(exports.columns_json({"a": np.array([1.0, np.inf])}, beta=0.9))
    assert data == {"beta": 0.9, "a": [1.0, None]}
    with pytest.raises(ValueError, match="different lengths"):
        exports.columns_csv({"a": [1], "b": [1, 2]})


def test_trajectory_exports(adaptive_runs):
    cols = exports.trajectories_columns(adaptive_runs[:2], {"size": [np.ones((50, 2))] * 2})
    assert len(cols["x"]) == 2 * 51
    assert {"size_x", "size_y", "grad_x", "update_y"} <= set(cols)
    assert math.isnan(cols["lr"][50]) and cols["lr"][0] == pytest.approx(0.3)
    data = json.loads(exports.trajectories_json(adaptive_runs[:2], surface="bowl"))
    assert data["surface"] == "bowl"
    assert data["runs"][1]["optimizer"] == "adagrad"
    assert len(data["runs"][0]["points"]) == 51
