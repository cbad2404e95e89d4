"""Lesson helpers: example data, number parsing, momentum rescaling, per-coordinate step sizes."""

from __future__ import annotations

import csv
import io
import json
import math
import tracemalloc

import numpy as np
import pytest

from optim_lab import lessons
from optim_lab.surfaces import SURFACES
from optim_lab.trajectory import RunSpec, run_many

# --------------------------------------------------------------------------------------------------
# EWA lesson data


def test_temperature_series_is_seeded_and_seasonal():
    a, b, c = (lessons.temperature_series(s) for s in (0, 0, 1))
    assert a.shape == (365,)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    winter, summer = a[:30].mean(), a[180:210].mean()
    assert summer - winter > 10


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1, 2, 3", [1, 2, 3]),
        ("1 2\n3;4", [1, 2, 3, 4]),
        ("  -1.5e2,\t0.25  ", [-150, 0.25]),
    ],
)
def test_parse_numbers(text, expected):
    np.testing.assert_allclose(lessons.parse_numbers(text), expected)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no numbers"),
        ("1, two, 3", "'two' (entry 2)"),
        ("1, nan, inf", "'nan' (entry 2)"),
    ],
)
def test_parse_numbers_refuses_with_a_message(text, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        lessons.parse_numbers(text)


def test_parse_numbers_limits_length():
    with pytest.raises(ValueError, match="at most 3"):
        lessons.parse_numbers("1 2 3 4", max_values=3)


def test_numbers_from_file_plain_list_and_csv_with_header():
    assert lessons.numbers_from_file(b"1\n2\n3\n").values.tolist() == [1, 2, 3]
    data = "date,temp,city\n2024-01-01,3.5,Oslo\n2024-01-02,4.0,Oslo\n2024-01-03,,Oslo\n"
    col = lessons.numbers_from_file(data.encode())
    assert col.values.tolist() == [3.5, 4.0]
    assert col.column == "temp"
    semicolons = lessons.numbers_from_file("a;b\nx;1\ny;2\nz;3\n")
    assert semicolons.values.tolist() == [1, 2, 3]


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"\xff\xfe\x00", "not UTF-8"), (b"", "empty"), (b"a,b\nc,d\n", "no column")],
)
def test_numbers_from_file_errors(data, message):
    with pytest.raises(ValueError, match=message):
        lessons.numbers_from_file(data)


# An upload at the server's 1 MB limit, in shapes that used to cost ~80 MB each to read.
MEGABYTE_FILES = {
    "a long list": b"1,2\n" * 262_144,
    "one line of cells": b"x;" * 524_288,
    "wide rows": (("a," * 50_000) + "\n").encode() * 10,
    "a long csv": "".join(f"{i},{2 * i}\n" for i in range(100_000)).encode()[: 2**20],
}


@pytest.mark.parametrize("name", MEGABYTE_FILES)
def test_a_megabyte_file_is_read_as_a_stream(name):
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=r"at most 10000 numbers, got more|no column"):
            lessons.numbers_from_file(MEGABYTE_FILES[name])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 40 * 2**20, f"{name}: {peak / 2**20:.0f} MB"


def test_a_numeric_column_past_the_first_hundred_is_not_read():
    row = ",".join(["a"] * lessons.MAX_COLUMNS)
    with pytest.raises(ValueError, match="no column"):
        lessons.numbers_from_file(f"{row},1\n{row},2\n{row},3\n")
    assert lessons.numbers_from_file(f"{row[2:]},1\n{row[2:]},2\n").values.tolist() == [1, 2]


def test_sliding_window_mean_matches_a_loop():
    values = np.arange(1.0, 11.0)
    got = lessons.sliding_window_mean(values, 3)
    expected = [np.mean(values[max(0, t - 2) : t + 1]) for t in range(10)]
    np.testing.assert_allclose(got, expected)


@pytest.mark.parametrize(("beta", "window"), [(0.5, 2), (0.9, 10), (0.98, 50), (0.0, 1)])
def test_window_for(beta, window):
    assert lessons.window_for(beta) == window


def test_ewa_table_columns():
    table = lessons.ewa_table(np.array([40.0, 49.0, 45.0]), 0.98)
    assert list(table) == ["t", "value", "ewa", "ewa_corrected", "window_mean"]
    # the lecture's worked example: v2 = 0.0196 θ1 + 0.02 θ2, corrected by 0.0396
    assert table["ewa"][1] == pytest.approx(0.0196 * 40 + 0.02 * 49)
    assert table["ewa_corrected"][1] == pytest.approx((0.0196 * 40 + 0.02 * 49) / 0.0396)


# --------------------------------------------------------------------------------------------------
# Momentum


def test_momentum_grid_is_on_the_slider_steps():
    lrs, betas = lessons.momentum_grid()
    assert len(lrs) == 64 and len(betas) == 100
    assert lrs[0] == 1e-3 and lrs[-1] == 10.0
    assert betas[0] == 0.0 and betas[-1] == 0.99
    assert all(abs(b / 0.005 - round(b / 0.005)) < 1e-9 for b in betas)


def test_classic_and_ewa_forms_take_identical_steps():
    surface = SURFACES["bowl"]
    lr, beta = 0.8, 0.9
    ewa, classic = run_many(
        surface,
        [
            RunSpec("momentum", {"lr": lr, "beta": beta}),
            RunSpec("heavy_ball", {"lr": lessons.classic_lr(lr, beta), "rho": beta}),
        ],
        surface.start,
        100,
    )
    np.testing.assert_allclose(ewa.points, classic.points, atol=1e-5)
    assert lessons.ewa_lr(lessons.classic_lr(lr, beta), beta) == pytest.approx(lr)


@pytest.mark.parametrize(
    ("event", "cell"),
    [
        ({"selection": {"points": [{"customdata": {"0": 0.02, "1": 0.99}}]}}, (0.02, 0.99)),
        ({"selection": {"points": [{"customdata": [1.5, 0.8]}]}}, (1.5, 0.8)),
        ({"selection": {"points": [{"x": 1.0}, {"customdata": [2.0, 0.5]}]}}, (2.0, 0.5)),
        ({"selection": {"points": []}}, None),
        (None, None),
    ],
)
def test_cell_from_selection(event, cell):
    assert lessons.cell_from_selection(event) == cell


# --------------------------------------------------------------------------------------------------
# Adaptive methods


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


def test_step_ratio_hides_zero_gradients():
    ratio = lessons.step_ratio(np.array([[1.0, 0.0]]), np.array([[-0.5, 0.1]]))
    assert ratio[0, 0] == 0.5 and math.isnan(ratio[0, 1])


def test_adam_bias_factors():
    f = lessons.adam_bias_factors(0.9, 0.999, 3)
    assert f["m"][0] == pytest.approx(0.1)
    assert f["sqrt_v"][0] == pytest.approx(math.sqrt(0.001))
    assert f["step"][0] == pytest.approx(0.1 / math.sqrt(0.001))  # ≈ 3.16: too long
    same = lessons.adam_bias_factors(0.9, 0.9, 1)
    assert same["step"][0] == pytest.approx(math.sqrt(0.1))  # ≈ 0.32: a slow start


def test_adam_step_multiplier_caps():
    rms = np.array([0.0, 1e-6, 10.0])
    outside = lessons.adam_step_multiplier(rms, 0.1, 1e-2, inside=False)
    inside = lessons.adam_step_multiplier(rms, 0.1, 1e-2, inside=True)
    assert outside[0] == pytest.approx(0.1 / 1e-2) and inside[0] == pytest.approx(0.1 / 0.1)
    assert outside[2] == pytest.approx(inside[2], rel=1e-3)


# --------------------------------------------------------------------------------------------------
# Exports


def test_columns_csv_and_json():
    text = lessons.columns_csv({"a": [1, 2], "b": [0.1, math.nan]})
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["a", "b"], ["1", "0.1"], ["2", ""]]
    data = json.loads(lessons.columns_json({"a": np.array([1.0, np.inf])}, beta=0.9))
    assert data == {"beta": 0.9, "a": [1.0, None]}
    with pytest.raises(ValueError, match="different lengths"):
        lessons.columns_csv({"a": [1], "b": [1, 2]})


def test_trajectory_exports(adaptive_runs):
    cols = lessons.trajectories_columns(adaptive_runs[:2], {"size": [np.ones((50, 2))] * 2})
    assert len(cols["x"]) == 2 * 51
    assert {"size_x", "size_y", "grad_x", "update_y"} <= set(cols)
    assert math.isnan(cols["lr"][50]) and cols["lr"][0] == pytest.approx(0.3)
    data = json.loads(lessons.trajectories_json(adaptive_runs[:2], surface="bowl"))
    assert data["surface"] == "bowl"
    assert data["runs"][1]["optimizer"] == "adagrad"
    assert len(data["runs"][0]["points"]) == 51
