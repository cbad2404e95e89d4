"""Every schedule against its closed form (written here independently, in NumPy/Python)."""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from optim_lab.schedules import (
    SCHEDULES,
    init_schedule_state,
    lr_at,
    observe_loss,
    schedule_values,
    traced_params,
)

T = np.arange(400)


def closed_form(name, p, t):
    if name == "constant":
        return p["lr"]
    if name == "step":
        return p["lr"] * p["gamma"] ** (t // p["step_size"])
    if name == "multistep":
        return p["lr"] * p["gamma"] ** sum(m <= t for m in p["milestones"])
    if name == "exponential":
        return p["lr"] * math.exp(-p["k"] * t)
    if name == "inverse_time":
        return p["lr"] / (1 + p["k"] * t)
    if name == "cosine":
        return p["lr_min"] + (p["lr"] - p["lr_min"]) * (1 + math.cos(math.pi * t / p["t_max"])) / 2
    if name == "cyclic":
        s = p["step_size"]
        cycle = math.floor(1 + t / (2 * s))
        x = abs(t / s - 2 * cycle + 1)
        return p["lr_min"] + (p["lr_max"] - p["lr_min"]) * max(0.0, 1 - x)
    if name == "warm_restarts":  # walk the cycles one by one
        t0, mult, start = p["t_0"], p["t_mult"], 0
        period = t0
        while t >= start + period:
            start += period
            period *= mult
        t_cur = t - start
        return p["lr_min"] + (p["lr"] - p["lr_min"]) * (1 + math.cos(math.pi * t_cur / period)) / 2
    if name == "plateau":  # no loss given: never reduces
        return p["lr"]
    raise AssertionError(name)


CASES = [
    ("constant", {"lr": 0.3}),
    ("step", {"lr": 0.1, "step_size": 30, "gamma": 0.5}),
    ("multistep", {"lr": 0.1, "milestones": "30,80,250", "gamma": 0.1}),
    ("exponential", {"lr": 0.2, "k": 0.01}),
    ("inverse_time", {"lr": 0.2, "k": 0.05}),
    ("cosine", {"lr": 0.1, "t_max": 100, "lr_min": 0.001}),
    ("cyclic", {"lr_min": 0.001, "lr_max": 0.1, "step_size": 25}),
    ("warm_restarts", {"lr": 0.1, "t_0": 10, "t_mult": 2, "lr_min": 0.0}),
    ("warm_restarts", {"lr": 0.1, "t_0": 7, "t_mult": 1, "lr_min": 0.01}),
    ("warm_restarts", {"lr": 1.0, "t_0": 3, "t_mult": 3, "lr_min": 0.0}),
    ("plateau", {"lr": 0.05}),
]


def test_cases_cover_the_registry():
    assert {name for name, _ in CASES} == set(SCHEDULES.names())


@pytest.mark.parametrize(("name", "overrides"), CASES)
def test_schedule_matches_closed_form(name, overrides):
    params = SCHEDULES[name].resolve(overrides)
    expected = np.array([closed_form(name, params, int(t)) for t in T])
    got = schedule_values(name, overrides, len(T))
    np.testing.assert_allclose(got, expected, rtol=2e-5, atol=1e-7)


def test_step_decay_halves_every_step_size():
    lr = schedule_values("step", {"lr": 1.0, "step_size": 10, "gamma": 0.5}, 35)
    assert lr[9] == 1.0 and lr[10] == 0.5 and lr[29] == 0.25 and lr[30] == 0.125


def test_cyclic_is_triangular():
    lr = schedule_values("cyclic", {"lr_min": 0.0, "lr_max": 1.0, "step_size": 4}, 17)
    np.testing.assert_allclose(lr[:9], [0, 0.25, 0.5, 0.75, 1, 0.75, 0.5, 0.25, 0], atol=1e-6)


def test_reduce_on_plateau_follows_pytorch_rule():
    """Mode min, relative threshold: reduce once more than `patience` steps fail to improve."""
    name = "plateau"
    sp = traced_params(
        name, SCHEDULES[name].resolve({"lr": 1.0, "factor": 0.5, "patience": 2, "threshold": 0.0})
    )
    losses = [5.0, 4.0, 4.0, 4.0, 4.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0]
    state = init_schedule_state()
    index = SCHEDULES.index(name)
    lrs = []
    for loss in losses:
        state = observe_loss(state, jnp.float32(loss), sp)
        lrs.append(float(lr_at(index, 0, sp, state)))
    # reference: PyTorch ReduceLROnPlateau(mode="min", factor=0.5, patience=2, threshold=0)
    best, bad, lr, expected = math.inf, 0, 1.0, []
    for loss in losses:
        if loss < best:
            best, bad = loss, 0
        else:
            bad += 1
        if bad > 2:
            lr, bad = lr * 0.5, 0
        expected.append(lr)
    assert lrs == expected
    assert expected[-1] < 1.0  # the case does exercise a reduction


def test_changing_schedule_values_does_not_recompile():
    traces = []

    @jax.jit
    def lr_curve(index, sp):
        traces.append(1)
        return jax.vmap(lambda t: lr_at(index, t, sp, init_schedule_state()))(jnp.arange(50.0))

    for name, overrides in CASES:
        sp = traced_params(name, SCHEDULES[name].resolve(overrides))
        lr_curve(SCHEDULES.index(name), sp)
    assert len(traces) == 1


@pytest.mark.parametrize(
    ("name", "overrides", "message"),
    [
        ("step", {"gamma": 2}, "gamma must be between"),
        ("multistep", {"milestones": "30,abc"}, "comma-separated"),
        ("cosine", {"nope": 1}, "no parameter 'nope'"),
        ("nope", {}, "unknown schedule 'nope'"),
    ],
)
def test_bad_parameters_are_explained(name, overrides, message):
    with pytest.raises(ValueError, match=message):
        schedule_values(name, overrides, 10)
