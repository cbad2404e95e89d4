"""Hyper-parameter search: budgets, distinct values, coarse → fine, explosions, one compile."""

import numpy as np
import pytest

from optim_lab.nn.generalization import TRACE_COUNTS
from optim_lab.nn.search import narrow, propose, search

SMALL = {"steps": 60, "hidden": (8,), "dataset_params": {"points": 120}}


def test_random_search_tries_more_distinct_values_than_grid_with_the_same_budget():
    rnd = search("spiral", "random", 16, 1, 0, **SMALL)
    grid = search("spiral", "grid", 16, 1, 0, **SMALL)
    assert len(rnd.trials) == len(grid.trials) == 16
    for key in ("lr", "reg"):
        assert rnd.distinct(key) == 16
        assert grid.distinct(key) == 4
        assert rnd.distinct(key) > grid.distinct(key)


def test_grid_budget_never_exceeds_the_trials():
    rng = np.random.default_rng(0)
    for n in (1, 5, 10, 64):
        pts = propose("grid", n, (-4, 0), (-6, 0), rng)
        assert 1 <= len(pts) <= n
    assert len(propose("random", 7, (-4, 0), (-6, 0), rng)) == 7


def test_stages_narrow_the_box_and_share_one_compilation():
    before = TRACE_COUNTS["fit"]
    result = search("spiral", "random", 16, 3, 1, **SMALL)
    assert TRACE_COUNTS["fit"] - before <= 1  # the stages reuse the compiled program
    assert [t["stage"] for t in result.trials] == [s for s in range(3) for _ in range(16)]
    widths = [np.log10(b["lr"][1] / b["lr"][0]) for b in result.stages]
    assert widths[2] <= widths[1] < widths[0]
    for outer, inner in zip(result.stages, result.stages[1:], strict=False):
        for key in ("lr", "reg"):
            assert outer[key][0] <= inner[key][0] * (1 + 1e-9)
            assert inner[key][1] <= outer[key][1] * (1 + 1e-9)
    best = result.as_dict()["best"]
    assert not best["exploded"]
    assert best["val_acc"] == max(t["val_acc"] for t in result.trials if not t["exploded"])


def test_exploding_runs_are_marked():
    result = search("spiral", "grid", 4, 1, 0, lr_range=(1e-3, 1e3), **SMALL)
    exploded = [t for t in result.trials if t["exploded"]]
    assert exploded and all(t["lr"] > 1 for t in exploded)
    assert all(t["exploded_at"] is not None for t in exploded)
    assert np.isnan(result.losses[[t["exploded"] for t in result.trials]]).any()


def test_narrow_keeps_a_minimum_width():
    pts = np.array([[-2.0, -3.0], [-1.0, -1.0]])
    lr, reg = narrow(pts, np.array([1.0, 0.0]), (-4, 0), (-6, 0))
    assert lr[1] - lr[0] == pytest.approx(1.0) and reg[1] - reg[0] == pytest.approx(1.5)


@pytest.mark.parametrize(
    "kwargs",
    [{"method": "bayes"}, {"trials": 0}, {"stages": 9}, {"lr_range": (1, 0.1)}],
)
def test_bad_input_raises_value_error(kwargs):
    args = {"dataset": "spiral", "method": "random", "trials": 4, "stages": 1} | kwargs
    with pytest.raises(ValueError):
        search(**args, **SMALL)


def test_a_stage_is_a_pure_function_and_search_chains_the_stages():
    from optim_lab.nn.search import LR_RANGE, REG_RANGE, search_stage

    full = search("spiral", "random", 4, 2, 3, **SMALL)
    first = search_stage("spiral", "random", 4, 0, 3, LR_RANGE, REG_RANGE, **SMALL)
    second = search_stage("spiral", "random", 4, 1, 3, *first.next_box, **SMALL)
    assert full.trials == first.trials + second.trials
    assert full.stages == [first.box, second.box]
