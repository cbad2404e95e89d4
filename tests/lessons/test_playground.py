"""The playground's run names, latest metric values and training counter."""

import numpy as np
import pytest

from optim_lab.lessons.playground import text
from optim_lab.lessons.playground.experiment import changed_settings, misclassified
from optim_lab.nn.evaluation import evaluate, split_probabilities
from optim_lab.nn.training import train
from optim_lab.nn.training_config import TrainConfig
from optim_lab.optimizers import OPTIMIZERS


def test_only_settings_away_from_the_defaults_name_a_run():
    defaults = OPTIMIZERS["adam"].resolve({})
    params = dict(defaults)
    assert changed_settings(params, defaults) == {}
    params["lr"] = defaults["lr"] * 3
    assert changed_settings(params, defaults) == {"lr": defaults["lr"] * 3}
    assert changed_settings({"extra": 1.0}, {}) == {"extra": 1.0}  # unknown to the defaults


def test_the_counter_reads_epochs_iterations_and_the_rate():
    assert text.counter(50, 4, None) == ("**epoch 12 · iteration 50**  (4 iterations per epoch)")
    assert text.counter(7, 1, 12.34) == (
        "**epoch 7 · iteration 7**  (1 iteration per epoch) · 12.3 updates/s"
    )


def test_the_network_shape_and_whether_the_diagram_draws_it():
    from optim_lab.lessons.playground.experiment import diagram_fits, hidden_widths

    assert hidden_widths(2, [8, 4, 12]) == (8, 4)
    assert hidden_widths(0, [8]) == ()
    with pytest.raises(ValueError):
        hidden_widths(3, [8, 4])
    assert diagram_fits((16,) * 6) and diagram_fits(())
    assert not diagram_fits((17,)) and not diagram_fits((2,) * 7)


def test_each_problem_type_trains_with_its_loss():
    from optim_lab.lessons.playground.experiment import task_loss

    assert task_loss("plane") == task_loss("gaussians") == "mse"
    assert task_loss("xor") == "cross_entropy"


def test_discretize_makes_the_prediction_hard():
    from optim_lab.lessons.playground.experiment import discretize

    probs = np.array([[[0.6, 0.3, 0.1], [0.2, 0.2, 0.6]]])
    hard = discretize({"x": np.arange(2), "y": np.arange(1), "probs": probs})
    np.testing.assert_array_equal(hard["probs"], [[[1, 0, 0], [0, 0, 1]]])
    values = discretize({"values": np.array([[-0.2, 0.0, 3.0]])})
    np.testing.assert_array_equal(values["values"], [[-1, 0, 1]])


def test_a_regression_metric_reads_as_mean_squared_errors():
    assert text.metric(0.1234, 0.9, False) == ("loss 0.123", "val acc 90%")
    assert text.metric(0.01, 0.02, True) == ("MSE 0.010", "val MSE 0.020")
    assert text.metric(None, None, True) == ("—", None)


def test_misclassified_lists_exactly_the_wrong_validation_examples():
    history = train(TrainConfig(dataset="digits", dataset_params={"points": 300}, hidden=(16,)), 30)
    state = history.state
    mistakes = misclassified(state, limit=500)
    predicted = np.argmax(split_probabilities(state, "val"), axis=1)
    wrong = predicted != state.dataset.y_val
    assert mistakes["total"] == int(wrong.sum()) and mistakes["count"] == len(wrong)
    assert mistakes["total"] / mistakes["count"] == pytest.approx(1 - evaluate(state)["acc"])
    np.testing.assert_array_equal(mistakes["labels"], state.dataset.y_val[wrong])
    np.testing.assert_array_equal(mistakes["predicted"], predicted[wrong])
    assert mistakes["images"].shape == (mistakes["total"], 64)


def test_the_diagram_draws_each_link_once_coloured_by_sign_and_wide_by_size():
    from optim_lab.figures.plain import values
    from optim_lab.lessons.playground.figures import (
        LINK_WIDTHS,
        NEGATIVE,
        POSITIVE,
        network_figure,
    )

    rng = np.random.default_rng(3)
    layers = [rng.standard_normal((12, 12, n)) for n in (2, 3, 1)]
    weights = [np.array([[0.1, -2.0, 0.0], [1.0, -0.6, 4.0]]), np.array([[-3.0], [0.5], [2.1]])]
    fig = network_figure(layers, weights, input_labels=["x1", "x2"])
    hover = next(t for t in fig.data if t.get("name") == "weights")
    every = np.concatenate([w.ravel() for w in weights])  # source-major, layer by layer
    assert np.allclose(values(hover["customdata"]), every)
    assert hover["text"][:3] == ["x1 → h1.1", "x1 → h1.2", "x1 → h1.3"]
    assert hover["text"][-1] == "h1.3 → out 1"
    links = [  # each link's middle, colour and width, in the order its trace draws it
        (x0 + x1, y0 + y1, trace["line"]["color"], trace["line"]["width"])
        for trace in fig.data
        if trace.get("mode") == "lines" and trace["line"]["color"] in (POSITIVE, NEGATIVE)
        for (x0, x1, gap_x), (y0, y1, gap_y) in zip(
            values(trace["x"]).reshape(-1, 3), values(trace["y"]).reshape(-1, 3), strict=True
        )
        if np.isnan(gap_x) and np.isnan(gap_y)  # a gap after each link
    ]
    levels = [min(int(abs(w) / 4.0 * len(LINK_WIDTHS)), len(LINK_WIDTHS) - 1) for w in every]
    expected = sorted(
        (
            (level, w >= 0, 2 * x, 2 * y)
            for level, w, x, y in zip(
                levels, every, values(hover["x"]), values(hover["y"]), strict=True
            )
        ),
        key=lambda link: link[:2],  # one trace per width, then sign; each in the weights' order
    )
    assert links == [
        (x, y, POSITIVE if positive else NEGATIVE, LINK_WIDTHS[level])
        for level, positive, x, y in expected
    ]
    running = network_figure(layers, weights, input_labels=["x1", "x2"], hover=False)
    assert all(t.get("name") != "weights" for t in running.data)  # no hover points while training


def test_sessions_training_at_once_share_the_live_redraw_budget(monkeypatch):
    from optim_lab.ui import playground as pg

    clock = [1000.0]
    waits = []

    def sleep(seconds):
        waits.append(seconds)
        clock[0] += seconds

    monkeypatch.setattr(pg.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(pg.time, "sleep", sleep)
    monkeypatch.setattr(pg, "_last_redraw", {})
    budget = pg.LIVE_REDRAWS_PER_SECOND
    alone = pg.Session()
    pg.wait_for_turn(alone)
    clock[0] += 0.1
    pg.wait_for_turn(alone)  # one session: its clock's 0.1 s is within its share
    assert waits == []
    others = [pg.Session() for _ in range(5)]
    for s in others:
        pg.wait_for_turn(s)
    assert waits == []  # a first redraw never waits
    clock[0] += 0.1
    pg.wait_for_turn(alone)  # 6 sessions training: one redraw each 6 / budget seconds
    assert waits == [pytest.approx(6 / budget - 0.1)]
    crowd = [pg.Session() for _ in range(budget)]
    for s in crowd:
        pg.wait_for_turn(s)
    clock[0] += 0.1
    pg.wait_for_turn(alone)  # more than `budget` sessions: the wait is capped
    assert waits[1:] == [pg.LONGEST_WAIT_S]
    clock[0] += 2.0  # the others stopped: a session that has not redrawn for 1 s no longer counts
    pg.wait_for_turn(alone)
    clock[0] += 0.05
    pg.wait_for_turn(alone)
    assert len(waits) == 2
