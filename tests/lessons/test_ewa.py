"""The weighted-averages lesson: its example series, numbers typed or uploaded, the window table."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from optim_lab.lessons.ewa import experiment as ewa_lesson
from optim_lab.lessons.ewa.text import smoothing_compared


def test_temperature_series_is_seeded_and_seasonal():
    a, b, c = (ewa_lesson.temperature_series(s) for s in (0, 0, 1))
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
    np.testing.assert_allclose(ewa_lesson.parse_numbers(text), expected)


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
        ewa_lesson.parse_numbers(text)


def test_parse_numbers_limits_length():
    with pytest.raises(ValueError, match="at most 3"):
        ewa_lesson.parse_numbers("1 2 3 4", max_values=3)


def test_numbers_from_file_plain_list_and_csv_with_header():
    assert ewa_lesson.numbers_from_file(b"1\n2\n3\n").values.tolist() == [1, 2, 3]
    data = "date,temp,city\n2024-01-01,3.5,Oslo\n2024-01-02,4.0,Oslo\n2024-01-03,,Oslo\n"
    col = ewa_lesson.numbers_from_file(data.encode())
    assert col.values.tolist() == [3.5, 4.0]
    assert col.column == "temp"
    semicolons = ewa_lesson.numbers_from_file("a;b\nx;1\ny;2\nz;3\n")
    assert semicolons.values.tolist() == [1, 2, 3]


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"\xff\xfe\x00", "not UTF-8"), (b"", "empty"), (b"a,b\nc,d\n", "no column")],
)
def test_numbers_from_file_errors(data, message):
    with pytest.raises(ValueError, match=message):
        ewa_lesson.numbers_from_file(data)


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
            ewa_lesson.numbers_from_file(MEGABYTE_FILES[name])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 40 * 2**20, f"{name}: {peak / 2**20:.0f} MB"


def test_a_numeric_column_past_the_first_hundred_is_not_read():
    row = ",".join(["a"] * ewa_lesson.MAX_COLUMNS)
    with pytest.raises(ValueError, match="no column"):
        ewa_lesson.numbers_from_file(f"{row},1\n{row},2\n{row},3\n")
    assert ewa_lesson.numbers_from_file(f"{row[2:]},1\n{row[2:]},2\n").values.tolist() == [1, 2]


def test_sliding_window_mean_matches_a_loop():
    values = np.arange(1.0, 11.0)
    got = ewa_lesson.sliding_window_mean(values, 3)
    expected = [np.mean(values[max(0, t - 2) : t + 1]) for t in range(10)]
    np.testing.assert_allclose(got, expected)


@pytest.mark.parametrize(("beta", "window"), [(0.5, 2), (0.9, 10), (0.98, 50), (0.0, 1)])
def test_window_for(beta, window):
    assert ewa_lesson.window_for(beta) == window


def test_ewa_table_columns():
    table = ewa_lesson.ewa_table(np.array([40.0, 49.0, 45.0]), 0.98)
    assert list(table) == ["t", "value", "ewa", "ewa_corrected", "window_mean"]
    # the lecture's worked example: v2 = 0.0196 θ1 + 0.02 θ2, corrected by 0.0396
    assert table["ewa"][1] == pytest.approx(0.0196 * 40 + 0.02 * 49)
    assert table["ewa_corrected"][1] == pytest.approx((0.0196 * 40 + 0.02 * 49) / 0.0396)


def test_the_worked_example_uses_the_datas_first_values():
    latex, sentence = ewa_lesson.worked_example_latex(0.9, 40.0, -2.0)
    # v1 = 0.1·40 = 4; v2 = 0.09·40 + 0.1·(−2) = 3.4; 1 − β² = 0.19; v̂2 = 3.4 / 0.19
    assert r"0.1\times40 = 4" in latex and "= 3.4" in latex
    assert f"{3.4 / 0.19:.4g}" in latex and "0.19" in sentence
    assert "(-2)" not in latex  # θ₂ enters through its coefficient only
    latex, sentence = ewa_lesson.worked_example_latex(0.0, 5.0, -3.0)
    assert "nothing to correct" in sentence and r"\hat v_2" not in latex


def test_the_page_compares_the_ewa_and_the_window_mean_with_their_own_numbers():
    sentence = smoothing_compared(0.9, 10)
    assert "= 0.0526" in sentence and "= 0.1:" in sentence  # (1−β)/(1+β) and 1/N
    assert "9 steps against 4.5" in sentence  # β/(1−β) and (N−1)/2
