"""The step inspector replays runs exactly and names the optimizer's state as the update rule does."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from optim_lab.optimizers import OPTIMIZERS
from optim_lab.step_inspector import (
    QUANTITIES,
    _replay,
    _states_along,
    inspect_step,
    optimizer_symbols,
    states_along,
    step_sizes,
)
from optim_lab.surfaces import SURFACES
from optim_lab.trajectory import RunSpec, losses_at, run_many

STEPS = 50
BOWL = SURFACES["bowl"]


@pytest.mark.parametrize("optimizer", OPTIMIZERS.names())
def test_inspected_step_matches_the_run(optimizer):
    spec = RunSpec(optimizer, {"lr": 0.1})
    traj = run_many(BOWL, [spec], BOWL.start, STEPS)[0]
    for k in (0, 7, STEPS - 1):
        ins = inspect_step(BOWL, spec, BOWL.start, k, STEPS)
        np.testing.assert_allclose(ins["theta"], traj.points[k], atol=1e-6)
        np.testing.assert_allclose(ins["grad"], traj.grads[k], atol=1e-6)
        np.testing.assert_allclose(ins["lr"], traj.lr[k], rtol=1e-6)
        np.testing.assert_allclose(ins["update"], traj.points[k + 1] - traj.points[k], atol=1e-6)
        np.testing.assert_allclose(ins["loss_next"], traj.loss[k + 1], rtol=1e-5, atol=1e-7)
        assert not ins.diverged and not ins.frozen
    for name in optimizer_symbols(optimizer):
        assert name in ins.values
    assert set(ins.values) <= set(QUANTITIES)


def test_adam_moments_and_bias_correction():
    b1, b2 = 0.8, 0.95
    spec = RunSpec("adam", {"lr": 0.05, "beta1": b1, "beta2": b2})
    traj = run_many(BOWL, [spec], BOWL.start, STEPS)[0]
    k = 5
    ins = inspect_step(BOWL, spec, BOWL.start, k, STEPS)
    t = k + 1
    assert ins["t"] == t
    weights1 = (1 - b1) * b1 ** np.arange(k, -1, -1)
    weights2 = (1 - b2) * b2 ** np.arange(k, -1, -1)
    m = weights1 @ traj.grads[: k + 1]
    v = weights2 @ traj.grads[: k + 1] ** 2
    np.testing.assert_allclose(ins["m"], m, rtol=1e-5)
    np.testing.assert_allclose(ins["v"], v, rtol=1e-5)
    np.testing.assert_allclose(ins["m_hat"], ins["m"] / (1 - b1**t), rtol=1e-6)
    np.testing.assert_allclose(ins["v_hat"], ins["v"] / (1 - b2**t), rtol=1e-6)
    direction = ins["m_hat"] / (np.sqrt(ins["v_hat"]) + 1e-8)
    np.testing.assert_allclose(ins["update"], -0.05 * direction, rtol=1e-5)


def test_momentum_velocity_is_the_step_over_minus_lr():
    spec = RunSpec("momentum", {"lr": 0.3, "beta": 0.9})
    ins = inspect_step(BOWL, spec, BOWL.start, 12, STEPS)
    np.testing.assert_allclose(ins["update"], -0.3 * ins["velocity"], rtol=1e-6)
    np.testing.assert_allclose(ins["sgd_step"], -0.3 * ins["grad"], rtol=1e-6)


def test_stochastic_run_with_schedule_and_modifiers_replays_the_same_noise():
    surface = SURFACES["least_squares"]
    spec = RunSpec(
        "sgd",
        {"lr": 0.1},
        schedule="inverse_time",
        schedule_params={"k": 0.05},
        modifiers={"noise": 0.3, "clip_norm": 2.0, "l1": 0.05, "decoupled_decay": 0.2},
        seed=7,
    )
    sp = {"batch_size": 3}
    traj = run_many(surface, [spec], surface.start, STEPS, sp)[0]
    for k in (0, 31):
        ins = inspect_step(surface, spec, surface.start, k, STEPS, sp)
        np.testing.assert_allclose(ins["grad"], traj.grads[k], rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(ins["update"], traj.points[k + 1] - traj.points[k], atol=1e-6)
        np.testing.assert_allclose(ins["lr"], 0.1 / (1 + 0.05 * k), rtol=1e-6)
        assert ins["grad_norm"] <= 2.0 + 0.05 * np.sqrt(2) + 1e-5  # clipped, then L1 added
    # the minibatch gradient is not the exact one
    assert not np.allclose(ins["grad"], ins["grad_exact"])


def test_divergent_step_is_flagged_and_later_steps_are_frozen():
    spec = RunSpec("sgd", {"lr": 2.5})
    traj = run_many(BOWL, [spec], BOWL.start, STEPS)[0]
    d = traj.diverged_at
    assert d is not None
    assert not inspect_step(BOWL, spec, BOWL.start, d - 2, STEPS).diverged
    bad = inspect_step(BOWL, spec, BOWL.start, d - 1, STEPS)
    assert bad.diverged and not bad.frozen
    assert abs(bad["loss_next"]) > 1e6
    assert inspect_step(BOWL, spec, BOWL.start, d, STEPS).frozen


def test_moving_the_step_or_a_hyper_parameter_does_not_recompile():
    inspect_step(BOWL, RunSpec("rmsprop", {"lr": 0.1}), BOWL.start, 3, STEPS)
    before = _replay._cache_size()
    for k, lr in ((4, 0.2), (40, 0.05), (0, 0.3)):
        inspect_step(BOWL, RunSpec("rmsprop", {"lr": lr, "beta2": 0.5}), BOWL.start, k, STEPS)
    assert _replay._cache_size() == before


@pytest.mark.parametrize("k", [-1, STEPS])
def test_step_out_of_range_is_refused(k):
    with pytest.raises(ValueError, match="step must be between 0 and 49"):
        inspect_step(BOWL, RunSpec("sgd"), BOWL.start, k, STEPS)


def test_losses_at_minima():
    rosen = SURFACES["rosenbrock"]
    np.testing.assert_allclose(losses_at(rosen, rosen.minima), [0.0], atol=1e-7)
    np.testing.assert_allclose(losses_at(rosen, [(0.0, 0.0)], {"a": 2.0}), [4.0], rtol=1e-6)
    assert losses_at(rosen, []).shape == (0,)


# ------------------------------------------------------------------------------------------------
# The state along a whole run (the adaptive lesson's step sizes)


def _ewa_rows(rows: np.ndarray, beta: float) -> np.ndarray:
    """Reference: EWA down the first axis (v₀ = 0), float64, a loop."""
    out, v = np.empty_like(rows), np.zeros(rows.shape[1:])
    for i, row in enumerate(rows):
        v = beta * v + (1.0 - beta) * row
        out[i] = v
    return out


def _reference_step_size(optimizer: str, hp: dict, g: np.ndarray, updates: np.ndarray, lr):
    """Each accumulator written out by hand in float64 from the run's gradients."""
    lr, eps = lr[:, None], hp.get("eps", 0.0)
    if optimizer == "adagrad":
        return lr / (np.sqrt(np.cumsum(g * g, axis=0)) + eps)
    if optimizer == "rmsprop":
        return lr / (np.sqrt(_ewa_rows(g * g, hp["beta2"])) + eps)
    if optimizer == "adam":
        v = _ewa_rows(g * g, hp["beta2"])
        if hp["bias_correction"]:
            v = v / (1.0 - hp["beta2"] ** np.arange(1, len(g) + 1))[:, None]
        return lr / np.sqrt(v + eps) if hp["eps_inside_sqrt"] else lr / (np.sqrt(v) + eps)
    if optimizer == "adadelta":
        s = _ewa_rows(g * g, hp["rho"])
        u = _ewa_rows((updates / lr) ** 2, hp["rho"])
        u_before = np.vstack([np.zeros((1, g.shape[1])), u[:-1]])
        return lr * np.sqrt(u_before + eps) / np.sqrt(s + eps)
    return np.broadcast_to(lr, g.shape)


ADAPTIVE_SPECS = [
    RunSpec("sgd", {"lr": 0.3}),
    RunSpec("momentum", {"lr": 0.05}),
    RunSpec("adagrad", {"lr": 0.5}),
    RunSpec("rmsprop", {"lr": 0.01}),
    RunSpec("adam", {"lr": 0.05}),
    RunSpec("adam", {"lr": 0.05, "bias_correction": 0.0, "eps_inside_sqrt": 1.0, "eps": 0.01}),
    RunSpec("adadelta", {"lr": 1.0}),
]


@pytest.mark.parametrize("spec", ADAPTIVE_SPECS, ids=lambda s: s.display_label)
def test_step_sizes_match_the_accumulators_by_hand_and_reproduce_the_updates(spec):
    surface = SURFACES["bowl"]
    (traj,) = run_many(surface, [spec], surface.start, 37, {"kappa": 50.0})
    hp = traj.spec.resolve()[0]
    g, updates = traj.grads.astype(np.float64), traj.updates.astype(np.float64)
    size = step_sizes(traj)
    reference = _reference_step_size(spec.optimizer, hp, g, updates, traj.lr.astype(np.float64))
    np.testing.assert_allclose(size, reference, rtol=2e-4)
    if spec.optimizer == "momentum":
        direction = states_along(traj)["velocity"]
    elif spec.optimizer == "adam":
        direction = states_along(traj)["m_hat"]
    else:
        direction = g
    np.testing.assert_allclose(-size * direction, updates, rtol=2e-3, atol=1e-9)


def test_adaptive_steps_favour_the_flat_coordinate():
    surface = SURFACES["bowl"]
    (traj,) = run_many(
        surface, [RunSpec("adagrad", {"lr": 0.5})], surface.start, 50, {"kappa": 50.0}
    )
    size = step_sizes(traj)
    assert np.all(size[:, 0] > 5 * size[:, 1])  # x is the flat direction of the bowl


def test_state_along_a_run_needs_no_new_program_for_a_new_length():
    surface = SURFACES["bowl"]
    runs = [run_many(surface, [RunSpec("rmsprop")], surface.start, n)[0] for n in (40, 41, 50)]
    states_along(runs[0])
    before = _states_along._cache_size()
    for traj in runs[1:]:
        assert states_along(traj)["s"].shape == (len(traj.grads), 2)
    assert _states_along._cache_size() == before  # the same step bucket


def test_second_order_state_is_inspected_a_step_at_a_time():
    surface = SURFACES["bowl"]
    (traj,) = run_many(surface, [RunSpec("newton")], surface.start, 5)
    with pytest.raises(ValueError, match="a step at a time"):
        states_along(traj)


def test_nesterovs_look_ahead_leads_from_the_lectures_point_to_where_the_gradient_is_taken(
    float64,
):
    # the lectures' form by hand: v ← ρv − α∇f(θ + ρv), θ ← θ + v; its look-ahead θ + ρv is
    # the engine's (PyTorch-form) point θₖ
    surface, params = SURFACES["bowl"], {"kappa": 10.0, "angle": 30.0}
    lr, rho, start, k = 0.2, 0.8, np.array([-1.5, 1.0]), 6
    grad = jax.grad(lambda xy: surface.fn(xy, params))
    theta, v = start.copy(), np.zeros(2)
    for _ in range(k):
        v = rho * v - lr * np.asarray(grad(jnp.asarray(theta + rho * v)))
        theta = theta + v
    spec = RunSpec("nesterov", {"lr": lr, "rho": rho})
    inspection = inspect_step(surface, spec, start, k, 50, params)
    values = inspection.values
    np.testing.assert_allclose(values["lookahead"], rho * v, atol=1e-10)
    np.testing.assert_allclose(values["theta"] - values["lookahead"], theta, atol=1e-10)
    np.testing.assert_allclose(values["grad_exact"], grad(jnp.asarray(theta + rho * v)), atol=1e-10)
    assert "lookahead" in optimizer_symbols("nesterov")
