"""The penalty modifiers of a 2-D run: coupled L1, and AdamW's decoupled decay for any optimizer,
against hand-computed float64 steps, optax and the closed-form minima of a penalized quadratic."""

from __future__ import annotations

import numpy as np
import optax
import pytest

from optim_lab.lessons.arena.presets import PRESETS
from optim_lab.surfaces import surface_from_expr
from optim_lab.trajectory import RunSpec, run, run_many

pytestmark = pytest.mark.usefixtures("float64")

# f = (x − 1.5)² + 10 (y − 1)²: minimum (1.5, 1), curvatures 2 and 20
A, B, CENTRE = 1.0, 10.0, np.array([1.5, 1.0])
QUADRATIC = surface_from_expr("(x - 1.5)**2 + 10*(y - 1)**2")
START = (-2.0, -2.0)


def gradient(p):
    return np.array([2 * A * (p[0] - CENTRE[0]), 2 * B * (p[1] - CENTRE[1])])


def l2_minimum(lam):
    """argmin f + (λ/2)‖θ‖²: each coordinate 2a·c/(2a + λ)."""
    return np.array([2 * A * CENTRE[0] / (2 * A + lam), 2 * B * CENTRE[1] / (2 * B + lam)])


def test_l1_adds_lambda_times_the_sign_by_hand():
    lam, lr = 0.3, 0.02
    traj = run(QUADRATIC, RunSpec("sgd", {"lr": lr}, modifiers={"l1": lam}), (0.4, -0.01), 5)
    p, expected = np.array([0.4, -0.01]), [np.array([0.4, -0.01])]
    for _ in range(5):
        p = p - lr * (gradient(p) + lam * np.sign(p))
        expected.append(p)
    np.testing.assert_allclose(traj.points, np.array(expected), rtol=1e-13)


def test_l1_pins_a_weakly_pulled_coordinate_near_zero_where_l2_only_shrinks_it():
    # f = (x − 1.5)² + 10 (y − 0.02)²: the pull of y towards 0.02 is weaker than λ₁ = 0.5
    surface = surface_from_expr("(x - 1.5)**2 + 10*(y - 0.02)**2")
    l1, l2 = run_many(
        surface,
        [
            RunSpec("sgd", {"lr": 0.01}, modifiers={"l1": 0.5}),
            RunSpec("sgd", {"lr": 0.01}, modifiers={"weight_decay": 0.5}),
        ],
        START,
        2000,
    )
    # L1's minimum is (1.25, 0): 2(x − 1.5) + 0.5 = 0, and |20(0 − 0.02)| < 0.5 keeps y at 0
    assert abs(l1.points[-1, 1]) <= 0.01 * 0.5 + 1e-12  # within one step of 0 (it chatters)
    assert l1.points[-1, 0] == pytest.approx(1.25, abs=1e-6)
    # L2 shrinks y only in proportion: 20·0.02/20.5
    np.testing.assert_allclose(l2.points[-1], [2 * 1.5 / 2.5, 0.4 / 20.5], atol=1e-9)


def test_decoupled_decay_is_coupled_weight_decay_for_sgd_even_with_a_schedule():
    schedule = {"schedule": "cosine", "schedule_params": {"t_max": 50}}
    coupled, decoupled = run_many(
        QUADRATIC,
        [
            RunSpec("sgd", {"lr": 0.04}, modifiers={"weight_decay": 0.5}, **schedule),
            RunSpec("sgd", {"lr": 0.04}, modifiers={"decoupled_decay": 0.5}, **schedule),
        ],
        START,
        60,
    )
    np.testing.assert_allclose(decoupled.points, coupled.points, rtol=1e-13, atol=1e-15)


def test_adam_with_decoupled_decay_is_adamw_and_optax_adamw():
    lam, lr = 0.5, 0.05
    ours = run(
        QUADRATIC, RunSpec("adam", {"lr": lr}, modifiers={"decoupled_decay": lam}), START, 80
    )
    adamw = run(QUADRATIC, RunSpec("adamw", {"lr": lr, "weight_decay": lam}), START, 80)
    np.testing.assert_allclose(ours.points, adamw.points, rtol=1e-12, atol=1e-14)
    tx = optax.adamw(lr, b1=0.9, b2=0.999, eps=1e-8, weight_decay=lam)
    params = np.array(START)
    state = tx.init(params)
    for k in range(80):
        updates, state = tx.update(gradient(params), state, params)
        params = optax.apply_updates(params, updates)
        np.testing.assert_allclose(ours.points[k + 1], params, rtol=1e-10, atol=1e-12)


def test_l2_and_decay_agree_for_sgd_and_adam_plus_l2_but_adamw_ends_elsewhere():
    lam = 0.5
    sgd_l2, sgd_w, adam_l2, adamw = run_many(
        QUADRATIC,
        [
            RunSpec("sgd", {"lr": 0.04}, modifiers={"weight_decay": lam}),
            RunSpec("sgd", {"lr": 0.04}, modifiers={"decoupled_decay": lam}),
            RunSpec("adam", {"lr": 0.05}, modifiers={"weight_decay": lam}),
            RunSpec("adamw", {"lr": 0.05, "weight_decay": lam}),
        ],
        START,
        2000,
    )
    penalized = l2_minimum(lam)
    for traj in (sgd_l2, sgd_w, adam_l2):
        np.testing.assert_allclose(traj.points[-1], penalized, atol=1e-3)
    assert np.linalg.norm(adamw.points[-1] - penalized) > 0.05
    # AdamW's fixed point m̂/(√v̂ + ε) = −λθ needs a gradient of only about ε while |λθ| < 1:
    # with a short memory (β₂ = 0.9) and a rate annealed to 0 it settles at the unpenalized minimum
    settled = run(
        QUADRATIC,
        RunSpec(
            "adamw",
            {"lr": 0.05, "weight_decay": lam, "beta2": 0.9},
            schedule="cosine",
            schedule_params={"t_max": 2000},
        ),
        START,
        2000,
    )
    np.testing.assert_allclose(settled.points[-1], CENTRE, atol=1e-4)


def test_the_arena_preset_runs_what_its_description_says():
    preset = next(p for p in PRESETS if p.name == "l2_or_weight_decay")
    params = preset.params
    surface = surface_from_expr(params["f"])
    start = (float(params["x0"]), float(params["y0"]))
    lam = float(params["r1.weight_decay"])
    assert lam == float(params["r2.decoupled_decay"]) == float(params["r4.adamw.weight_decay"])
    adam = {"lr": float(params["r3.adam.lr"]), "beta2": float(params["r3.adam.beta2"])}
    adamw = {"lr": float(params["r4.adamw.lr"]), "beta2": float(params["r4.adamw.beta2"])}
    specs = [
        RunSpec("sgd", {"lr": float(params["r1.sgd.lr"])}, modifiers={"weight_decay": lam}),
        RunSpec("sgd", {"lr": float(params["r2.sgd.lr"])}, modifiers={"decoupled_decay": lam}),
        RunSpec("adam", adam, modifiers={"weight_decay": lam}),
        RunSpec("adamw", {**adamw, "weight_decay": lam}),
    ]
    ends = [t.points[-1] for t in run_many(surface, specs, start, int(params["steps"]))]
    assert "(1.2, 0.976)" in preset.description and "(1.5, 1)" in preset.description
    np.testing.assert_allclose(l2_minimum(lam), [1.2, 0.976], atol=5e-4)
    for end in ends[:3]:
        np.testing.assert_allclose(end, l2_minimum(lam), atol=1e-3)
    assert np.linalg.norm(ends[3] - CENTRE) < 0.1 < 0.2 < np.linalg.norm(ends[3] - l2_minimum(lam))
    assert np.all(np.abs(lam * ends[3]) < 1)  # where a gradient of about ε balances the decay


def test_the_l1_preset_lands_on_the_axis_where_l2_only_shrinks():
    preset = next(p for p in PRESETS if p.name == "l1_lands_on_an_axis")
    params = preset.params
    lr = float(params["r1.sgd.lr"])
    assert lr == float(params["r2.sgd.lr"]) == float(params["r3.sgd.lr"])
    l1, l2 = float(params["r2.l1"]), float(params["r3.weight_decay"])
    plain, with_l1, with_l2 = run_many(
        surface_from_expr(params["f"]),
        [
            RunSpec("sgd", {"lr": lr}),
            RunSpec("sgd", {"lr": lr}, modifiers={"l1": l1}),
            RunSpec("sgd", {"lr": lr}, modifiers={"weight_decay": l2}),
        ],
        (float(params["x0"]), float(params["y0"])),
        int(params["steps"]),
    )
    np.testing.assert_allclose(plain.points[-1], [1.5, 0.4], atol=1e-6)
    # L2: argmin (x − 1.5)² + (y − 0.4)² + (λ/2)‖θ‖² = (3, 0.8)/(2 + λ)
    np.testing.assert_allclose(with_l2.points[-1], [3 / (2 + l2), 0.8 / (2 + l2)], atol=1e-6)
    assert "(1, 0.267)" in preset.description
    # L1: x solves 2(x − 1.5) + λ₁ = 0; y's pull 2·0.4 < λ₁ keeps it at 0, crossing by < α(0.8 + λ₁)
    assert with_l1.points[-1, 0] == pytest.approx(1.5 - l1 / 2, abs=1e-6)
    bound = lr * (0.8 + l1)
    assert np.all(np.abs(with_l1.points[-50:, 1]) <= bound + 1e-9) and bound == pytest.approx(0.036)
