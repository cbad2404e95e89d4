"""The LR range test on a network (optim_lab/nn/lr_find.py) and the rules it shares with the
surface test (optim_lab/lr_finder.py): each rule on curves with known answers, the stop at 4× the
best smoothed loss, the sweep run by the trainer, and the issue's check on real data."""

import math

import numpy as np
import pytest

from optim_lab.lr_finder import (
    cyclic_bounds,
    min_div_10,
    steepest,
    stop_index,
    sweep_rates,
    valley,
    valley_index,
)
from optim_lab.nn import TRACE_COUNTS, TrainConfig, evaluate, init_training, train
from optim_lab.nn.lr_find import BETA, LRFindResult, lr_find, read_curve, slope_span

# ------------------------------------------------------------------------------ the rules


def test_steepest_finds_the_inflection_of_a_logistic_fall():
    # L = 1 / (1 + e^{2(x - x0)}), x = ln α: the slope dL/dx is steepest exactly at x0.
    x = np.linspace(math.log(1e-6), math.log(10.0), 301)
    x0 = x[137]
    lr, curve = np.exp(x), 1 / (1 + np.exp(2 * (x - x0)))
    for span in (1, 5, 20):
        assert steepest(lr, curve, span) == pytest.approx(lr[137], rel=1e-12)


def test_steepest_with_a_span_ignores_a_one_step_dip():
    # A slow fall (slope −0.01 per step) with one step that drops by 0.05 and comes back.
    lr = np.geomspace(1e-4, 1.0, 101)
    curve = 2.0 - 0.01 * np.arange(101)
    curve[20] -= 0.05
    assert steepest(lr, curve, 1) in (lr[19], lr[21])  # the central difference sees the dip
    wide = steepest(lr, curve, 10)
    assert wide not in (lr[19], lr[21])  # across ±10 steps it is as steep as the rest


def test_min_div_10_is_a_tenth_of_the_lowest_point():
    lr = np.geomspace(1e-5, 1.0, 51)
    curve = (np.log10(lr) + 2.0) ** 2  # lowest at α = 10⁻²
    assert min_div_10(lr, curve) == pytest.approx(1e-3, rel=1e-12)


def _fastai_valley(losses):
    """fastai's ``valley`` (fastai/callback/schedule.py), transcribed loop for loop."""
    n = len(losses)
    max_start, max_end = 0, 0
    lds = [1] * n
    for i in range(1, n):
        for j in range(0, i):
            if (losses[i] < losses[j]) and (lds[i] < lds[j] + 1):
                lds[i] = lds[j] + 1
            if lds[max_end] < lds[i]:
                max_end = i
                max_start = max_end - lds[max_end]
    sections = (max_end - max_start) / 3
    return max_start + int(sections) + int(sections / 2)


def test_valley_by_hand():
    # Longest strictly decreasing subsequences ending at each point: 1 1 2 3 1 4 1 1, so the
    # valley ends at index 5 with length 4, starts at s = 5 − 4 = 1, and the rule picks
    # 1 + ⌊4/3⌋ + ⌊4/6⌋ = 2.
    assert valley_index([3, 5, 4, 2, 6, 1, 7, 8]) == 2


def test_valley_of_a_clean_descent_is_about_halfway_along_it():
    # Low and rising before, descending from index 10 to 40, rising above everything after.
    curve = np.concatenate(
        [np.linspace(0.0, 0.09, 10), np.linspace(1.0, 0.1, 31), np.linspace(1.1, 2.0, 20)]
    )
    lr = np.geomspace(1e-6, 10.0, len(curve))
    assert valley_index(curve) == 9 + 10 + 5  # s = 40 − 31, ℓ = 31
    assert valley(lr, curve) == lr[24]


@pytest.mark.parametrize("seed", range(20))
def test_valley_matches_fastai_on_random_curves(seed):
    rng = np.random.default_rng(seed)
    curve = np.cumsum(rng.normal(size=rng.integers(8, 80)))
    expected = _fastai_valley(list(curve))
    # fastai's index can be −1 for a valley of ≤ 2 points at the very start; this rule stops at 0
    assert valley_index(curve) == max(expected, 0)


def test_cyclic_bounds_are_the_10_and_90_percent_points_of_the_fall():
    # Flat at 1 until index 20, then down by 1/95 per step to 0 at index 115, then up again:
    # L_i ≤ 0.9 first at i = 30 (29.5 exactly), L_i ≤ 0.1 first at i = 106 (105.5).
    i = np.arange(160)
    curve = np.where(i < 20, 1.0, np.where(i <= 115, 1 - (i - 20) / 95, (i - 115) / 20))
    lr = np.geomspace(1e-6, 10.0, len(i))
    assert cyclic_bounds(lr, curve) == (lr[30], lr[106])


def test_rules_need_a_finite_curve_of_three_points():
    lr = np.geomspace(1e-3, 1.0, 5)
    rising = np.linspace(1.0, 2.0, 5)
    assert cyclic_bounds(lr, rising) is None  # never falls
    for rule in (steepest, min_div_10, valley, cyclic_bounds):
        assert rule(lr[:2], rising[:2]) is None
        assert rule(lr, np.array([1.0, np.nan, 0.5, 0.4, 0.3])) is None


def test_stop_index_at_four_times_the_best_so_far():
    assert stop_index([1.0, 0.5, 1.9, 2.0, 2.1, 0.1]) == 4  # 2.0 is not past 4 × 0.5
    assert stop_index([1.0, 0.9, 0.8]) is None
    assert stop_index([1.0, np.nan, 0.5]) == 1
    assert stop_index([1.0, np.inf]) == 1
    assert stop_index([-1.0, 5.0]) is None  # a non-positive best gives no ratio
    assert stop_index([1.0, 0.5, 1.9], factor=3.0) == 2


def test_sweep_rates_are_geometric():
    lr = sweep_rates(1e-6, 10.0, 300)
    np.testing.assert_allclose(lr[1:] / lr[:-1], 1e7 ** (1 / 299), rtol=1e-12)
    assert lr[0] == pytest.approx(1e-6) and lr[-1] == pytest.approx(10.0)
    for bad in ((0.0, 1.0, 10), (1.0, 1.0, 10), (1e-3, 1.0, 1)):
        with pytest.raises(ValueError):
            sweep_rates(*bad)


# ------------------------------------------------------------------ the curve of a test


def _ewa(values, beta):
    """Bias-corrected EWA written out: v_t = β v_{t−1} + (1−β) L_t, divided by 1 − β^(t+1)."""
    out, v = [], 0.0
    for t, value in enumerate(values):
        v = beta * v + (1 - beta) * value
        out.append(v / (1 - beta ** (t + 1)))
    return np.array(out)


def _synthetic_test(steps=300):
    """A flat loss of 2, a fall to 0.2 between steps 100 and 160, then a climb of 0.5 a step."""
    lr = np.geomspace(1e-6, 10.0, steps)
    t = np.arange(steps)
    loss = np.where(t < 100, 2.0, np.where(t < 160, 2.0 - 1.8 * (t - 100) / 60, 0.2))
    loss = loss + np.where(t > 200, 0.5 * (t - 200), 0.0) + 0.05 * np.sin(t)
    return lr, loss


def test_read_curve_smooths_and_stops_at_four_times_the_best_smoothed_loss():
    lr, loss = _synthetic_test()
    result = read_curve(lr, loss, 300)
    smoothed = _ewa(loss, BETA)
    best = np.minimum.accumulate(smoothed)
    stop = int(np.flatnonzero(smoothed > 4 * best)[0])
    assert 200 < stop < 299  # the raw loss passes 4× long before the smoothed one does
    assert result.stopped_at == stop and result.ending == "blown"
    assert len(result.loss) == len(result.lr) == len(result.smoothed) == stop + 1  # kept
    np.testing.assert_allclose(result.smoothed, smoothed[: stop + 1], rtol=1e-12)
    assert result.window == (50, stop + 1 - 5)
    first, end = result.window
    assert result.suggestions["min_div_10"] == pytest.approx(
        lr[first + int(np.argmin(smoothed[first:end]))] / 10
    )
    lower, upper = result.bounds
    assert lr[100] < lower < upper < lr[first + int(np.argmin(smoothed[first:end]))]


def test_read_curve_ends_before_a_non_finite_loss():
    lr, loss = _synthetic_test()
    loss[180] = np.nan  # the trainer records NaN once a run has stopped
    result = read_curve(lr, loss, 300)
    assert result.stopped_at == 180 and result.ending == "diverged"
    assert len(result.loss) == 180 and np.all(np.isfinite(result.loss))


def test_read_curve_that_never_blows_up_runs_through_the_range():
    lr = np.geomspace(1e-6, 10.0, 300)
    result = read_curve(lr, np.linspace(2.0, 1.0, 300), 300)
    assert result.stopped_at is None and result.ending == "range"
    assert len(result.loss) == 300 and result.window == (50, 295)


def test_slope_span_is_a_quarter_decade():
    assert slope_span(np.geomspace(1e-6, 10.0, 300)) == round(0.25 * 299 / 7)  # 11
    assert slope_span(np.geomspace(1e-6, 10.0, 8)) == 1


# ------------------------------------------------------------- the test run by the trainer

SPIRAL = TrainConfig(dataset="spiral", hidden=(32, 32), batch_size=32, seed=0)


def test_the_trainer_sweeps_the_rate_exponentially_and_never_recompiles():
    result = lr_find(SPIRAL, 1e-5, 1.0, steps=100)
    assert isinstance(result, LRFindResult)
    n = len(result.loss)
    np.testing.assert_allclose(result.lr, np.geomspace(1e-5, 1.0, 100)[:n], rtol=1e-5)
    np.testing.assert_allclose(result.smoothed, _ewa(result.loss, BETA), rtol=1e-9)
    assert np.all(np.isfinite(result.loss))
    compiled = dict(TRACE_COUNTS)
    other = lr_find(TrainConfig(**{**SPIRAL.__dict__, "seed": 3}), 1e-4, 3.0, steps=100)
    assert dict(TRACE_COUNTS) == compiled  # new data, new range: the same programs
    assert not np.array_equal(other.loss, result.loss[: len(other.loss)])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"steps": 1}, "steps must be between 2 and 300"),
        ({"steps": 301}, "steps must be between 2 and 300"),
        ({"lr_min": 1.0, "lr_max": 0.1}, "need 0 < lr_min < lr_max"),
        ({"beta": 1.0}, "beta must be in"),
    ],
)
def test_bad_settings_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        lr_find(SPIRAL, **kwargs)


def _drop_share(config: TrainConfig, grid: np.ndarray, steps: int) -> np.ndarray:
    """For each fixed rate of ``grid``: the drop of the training loss over ``steps`` steps, as a
    share of the largest drop any of them makes."""
    start = evaluate(init_training(config), "train")["loss"]
    final = []
    for lr in grid:
        fixed = TrainConfig(
            **{**config.__dict__, "optimizer_params": {"lr": float(lr)}, "eval_every": steps}
        )
        final.append(evaluate(train(fixed, steps, chunk=steps).state, "train")["loss"])
    drop = start - np.array(final)
    return drop / drop.max()


@pytest.mark.parametrize("seed", range(5))
def test_suggestions_fall_where_training_from_that_rate_lowers_the_loss_fastest(seed):
    """The issue's check on real data (spiral, two layers of 32, Adam, batches of 32).

    The same network is trained from each rate of a grid (three per decade, 10⁻⁴ … 1) for as
    many steps as the range test takes, 300, with the same mini-batches. The fast interval holds
    the rates whose drop of the training loss is at least 80 % of the best rate's drop (the share
    read between grid rates linearly in ln α)."""
    config = TrainConfig(**{**SPIRAL.__dict__, "seed": seed})
    result = lr_find(config)
    grid = np.logspace(-4, 0, 13)
    share = _drop_share(config, grid, 300)

    def fast(alpha):
        return np.interp(np.log(alpha), np.log(grid), share) >= 0.8

    assert not fast(grid[0]) and not fast(grid[-1])  # too small and too large rates are slower
    for rule, alpha in result.suggestions.items():
        assert fast(alpha), (rule, alpha, dict(zip(grid.round(5), share.round(2), strict=True)))
    lower, upper = result.bounds
    assert fast(upper)  # α_max of a cyclical schedule still trains fast
    assert lower < grid[int(np.argmax(share))]  # α_min sits below the best rate
