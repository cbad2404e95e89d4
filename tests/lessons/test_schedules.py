"""The schedules lesson's helpers: sliders capped at the runs shown, a schedule's curve against its
closed form, and the tables it exports."""

import math

import numpy as np
import pytest

from optim_lab.lessons.schedules.experiment import (
    curves_table,
    deck_recursion,
    network_config,
    network_datasets,
    network_range_table,
    playground_params,
    range_test_table,
    schedule_curve,
    slider_entry,
)
from optim_lab.lessons.schedules.figures import ScheduleCurve, network_range_figure
from optim_lab.lessons.schedules.text import SUGGESTIONS
from optim_lab.lr_finder import LRFinderResult
from optim_lab.nn.data import DATASETS
from optim_lab.nn.lr_find import read_curve
from optim_lab.schedules import SCHEDULES


def test_slider_entry_caps_only_step_counts():
    warm = slider_entry(SCHEDULES["warm_restarts"], max_steps=1000)
    caps = {p.name: p.max for p in warm.params}
    assert caps["t_0"] == 1000  # a step count: 10⁶ in the registry
    assert caps["t_mult"] == 10  # already below the cap
    assert caps["lr"] == SCHEDULES["warm_restarts"].param("lr").max  # not a whole number
    multistep = slider_entry(SCHEDULES["multistep"], max_steps=1000)
    assert multistep.param("milestones") == SCHEDULES["multistep"].param("milestones")
    assert SCHEDULES["step"].param("step_size").max == 1e6  # the registry is left alone
    assert slider_entry(SCHEDULES["step"], max_steps=300).param("step_size").max == 300


@pytest.mark.parametrize("n_steps", [37, 200, 201])
def test_schedule_curve_follows_step_decay(n_steps):
    values = schedule_curve("step", {"lr": 0.2, "step_size": 30, "gamma": 0.5}, n_steps)
    t = np.arange(n_steps)
    np.testing.assert_allclose(values, 0.2 * 0.5 ** (t // 30), rtol=1e-6)


def test_schedule_curve_refuses_bad_parameters():
    with pytest.raises(ValueError):
        schedule_curve("multistep", {"milestones": "10,oops"}, 50)


def test_curves_table_has_a_step_column_and_one_column_per_schedule():
    cosine, decay = np.linspace(1.0, 0.0, 4), np.array([0.1, 0.1, 0.05, 0.05])
    curves = [ScheduleCurve("cosine", "Cosine", cosine), ScheduleCurve("step", "Step", decay)]
    table = curves_table(curves, 4)
    assert list(table) == ["step", "lr_cosine", "lr_step"]
    assert table["step"] == [0, 1, 2, 3]  # the step-decay schedule does not replace the steps
    np.testing.assert_array_equal(table["lr_step"], decay)


def test_range_test_table_keeps_the_steps_taken():
    lr = np.geomspace(1e-5, 10.0, 8)
    loss = np.array([3.0, 2.0, 1.0, 50.0])
    result = LRFinderResult(lr, loss, loss * 0.9, 1e-4, 3)
    table = range_test_table(result)
    np.testing.assert_array_equal(table["lr"], lr[:4])
    np.testing.assert_array_equal(table["loss"], loss)
    np.testing.assert_array_equal(table["smoothed"], loss * 0.9)


def test_network_datasets_are_the_2d_sets_each_with_its_tasks_loss():
    names = network_datasets()
    assert {"spiral", "moons", "plane", "gaussians"} <= set(names) and "digits" not in names
    for name in names:
        assert len(DATASETS[name].feature_names) == 2
    assert network_config("plane", 2, 8, 32, "adam", 0).loss == "mse"
    assert network_config("spiral", 2, 8, 32, "adam", 0).loss == "cross_entropy"


def test_playground_params_round_the_rate_to_three_digits():
    params = playground_params("moons", 3, 24, 64, "sgd", 7, 0.0123456)
    assert params == {
        "ds": "moons",
        "layers": "3",
        "units": "24",
        "batch": "mini",
        "bs": "64",
        "o1": "sgd",
        "o1.sgd.lr": "0.0123",
        "seed": "7",
        "val": "0.3",  # the split the range test trained on
    }


def _falling_then_rising(steps=300):
    lr = np.geomspace(1e-6, 10.0, steps)
    t = np.arange(steps)
    loss = 2.0 - 1.5 / (1 + np.exp(-(t - 150) / 10)) + np.where(t > 220, 0.3 * (t - 220), 0.0)
    return read_curve(lr, loss, steps)


def test_network_range_figure_marks_each_suggestion_on_the_smoothed_curve():
    result = _falling_then_rising()
    labels = {rule: label for rule, (label, _) in SUGGESTIONS.items()}
    fig = network_range_figure(
        result.lr,
        result.loss,
        result.smoothed,
        result.suggestions,
        labels,
        result.bounds,
        result.ending,
    ).to_dict()
    traces = {trace["name"].split(":")[0]: trace for trace in fig["data"]}
    log_lr = np.log(result.lr)
    for rule, alpha in result.suggestions.items():
        marker = traces[labels[rule]]
        assert marker["x"] == [alpha]
        assert marker["y"][0] == pytest.approx(np.interp(np.log(alpha), log_lr, result.smoothed))
    assert "stopped" in fig["data"][-1]["name"] and result.ending == "blown"
    rect = next(shape for shape in fig["layout"]["shapes"] if shape["type"] == "rect")
    assert (rect["x0"], rect["x1"]) == result.bounds
    lines = [shape["x0"] for shape in fig["layout"]["shapes"] if shape["type"] == "line"]
    assert sorted(lines) == sorted(result.suggestions.values())
    assert fig["layout"]["xaxis"]["type"] == "log"
    assert fig["layout"]["yaxis"]["range"][1] >= result.smoothed.max()


def test_network_range_table_keeps_the_steps_taken():
    result = _falling_then_rising()
    table = network_range_table(result)
    assert len(table["lr"]) == len(table["loss"]) == len(table["smoothed"]) == len(result.loss)


def test_the_range_test_trains_on_the_playgrounds_split():
    config = network_config("spiral", 2, 16, 32, "adam", 0)
    assert config.train_share == pytest.approx(0.7)
    assert config.dataset_params["points"] == 200


@pytest.mark.parametrize("name", ["exponential", "inverse_time"])
def test_the_decks_recursions_compound_step_by_step(name):
    params, k = {"lr": 0.1, "k": 0.02}, 0.02
    values = deck_recursion(name, params, 60)
    expected = [0.1]
    for i in range(59):
        factor = math.exp(-k * i) if name == "exponential" else 1 / (1 + k * i)
        expected.append(expected[-1] * factor)
    np.testing.assert_allclose(values, expected, rtol=1e-12)
    closed = schedule_curve(name, params, 60)
    assert values[-1] < 0.01 * closed[-1]  # it collapses far sooner than the closed form
    assert deck_recursion("cosine", {"lr": 0.1}, 10) is None
