"""Compiled runs: registry-wide health, convergence where the math says so, batching, no recompiles."""

import jax
import numpy as np
import pytest

from optim_lab.lr_finder import lr_range_test
from optim_lab.optimizers import OPTIMIZERS
from optim_lab.schedules import SCHEDULES
from optim_lab.surfaces import SURFACES, surface_from_expr
from optim_lab.sweep import _sweep_batch, sweep
from optim_lab.trajectory import (
    MAX_STEPS,
    RunSpec,
    _run_batch,
    run,
    run_many,
    step_bucket,
)

STEPS = 200


@pytest.mark.slow  # every optimizer × every surface (~20 s); `make test` runs it
@pytest.mark.parametrize("surface", SURFACES.names())
def test_every_optimizer_on_every_surface_stays_finite_or_reports_divergence(surface):
    entry = SURFACES[surface]
    specs = [RunSpec(name) for name in OPTIMIZERS.names()]
    for traj in run_many(entry, specs, entry.start, STEPS):
        assert traj.points.shape == (STEPS + 1, 2)
        assert traj.loss.shape == (STEPS + 1,) and traj.lr.shape == (STEPS,)
        for array in (traj.points, traj.loss, traj.lr, traj.grads, traj.updates):
            assert np.all(np.isfinite(array)), (surface, traj.label)
        np.testing.assert_allclose(traj.points[0], entry.start)
        if traj.diverged_at is not None:
            assert 1 <= traj.diverged_at <= STEPS
            # frozen at the last finite point: the drawn part ends there
            assert len(traj.finite_points) == traj.diverged_at
            np.testing.assert_array_equal(traj.points[-1], traj.points[traj.diverged_at - 1])


def test_newton_solves_rosenbrock_in_under_20_steps():
    rosen = SURFACES["rosenbrock"]
    traj = run(rosen, RunSpec("newton", {"lr": 1.0, "damping": 0.0}), rosen.start, 20)
    hits = np.nonzero(np.linalg.norm(traj.points - np.array([1.0, 1.0]), axis=1) < 1e-4)[0]
    assert hits.size and hits[0] < 20


@pytest.mark.parametrize(
    ("optimizer", "hparams"),
    [
        ("sgd", {"lr": 0.5}),
        ("momentum", {"lr": 0.5, "beta": 0.9}),
        ("heavy_ball", {"lr": 0.05, "rho": 0.9}),
        ("nesterov", {"lr": 0.05, "rho": 0.9}),
        ("adam", {"lr": 0.05}),
        ("rmsprop", {"lr": 0.01}),
        ("adagrad", {"lr": 0.5}),
        ("adadelta", {"lr": 1.0, "rho": 0.95}),
        ("newton", {}),
        ("lbfgs", {}),
    ],
)
def test_converges_on_the_bowl(optimizer, hparams):
    bowl = SURFACES["bowl"]
    steps = 5000 if optimizer == "adadelta" else 1000
    traj = run(bowl, RunSpec(optimizer, hparams), (1.5, 1.5), steps, {"kappa": 10})
    assert traj.diverged_at is None
    assert traj.loss[-1] < 1e-3 * traj.loss[0]


def test_too_high_learning_rate_diverges_early_and_is_reported():
    quad = surface_from_expr("x**2 + y**2")
    traj = run(quad, RunSpec("sgd", {"lr": 5.0}), (1.0, 1.0), 100)
    # |1 - 2·lr| = 9: the distance grows 9× per step and passes the bounds within a few steps
    assert traj.diverged_at is not None and traj.diverged_at < 10
    assert np.all(np.isfinite(traj.finite_points))
    assert not traj.escaped_downhill(bottomless=True)  # it went uphill: a real divergence


def test_running_away_downhill_on_a_bottomless_surface_is_an_escape():
    saddle = surface_from_expr("x**2 - y**2")
    traj = run(saddle, RunSpec("sgd", {"lr": 0.5}), (0.5, 0.1), 200)
    assert traj.diverged_at is not None  # y doubles every step: it leaves the map
    assert traj.escaped_downhill(bottomless=True)
    assert not traj.escaped_downhill(bottomless=False)


def test_batched_runs_equal_single_runs():
    surface = SURFACES["himmelblau"]
    specs = [
        RunSpec("adam", {"lr": 0.05}),
        RunSpec(
            "nesterov", {"lr": 0.002, "rho": 0.8}, schedule="cosine", schedule_params={"t_max": 50}
        ),
        RunSpec("sgd", {"lr": 0.003}, modifiers={"clip_norm": 5.0, "weight_decay": 0.01}),
        RunSpec("momentum", {"lr": 0.01}, modifiers={"noise": 1.0}, seed=3),
    ]
    together = run_many(surface, specs, (0.0, 0.0), 100)
    for spec, batched in zip(specs, together, strict=True):
        alone = run(surface, spec, (0.0, 0.0), 100)
        np.testing.assert_allclose(batched.points, alone.points, rtol=1e-5, atol=1e-6)


def test_hand_computed_steps_in_float64():
    """Three SGD steps with a step schedule on 0.5·(x² + 3y²), by hand."""
    quad = surface_from_expr("0.5*(x**2 + 3*y**2)")
    spec = RunSpec(
        "sgd", {"lr": 0.1}, schedule="step", schedule_params={"step_size": 1, "gamma": 0.5}
    )
    previous = jax.config.jax_enable_x64
    jax.config.update("jax_enable_x64", True)
    try:
        traj = run(quad, spec, (1.0, 2.0), 3)
    finally:
        jax.config.update("jax_enable_x64", previous)
    p = np.array([1.0, 2.0])
    expected = [p]
    for t in range(3):
        lr = 0.1 * 0.5**t
        p = p - lr * np.array([p[0], 3 * p[1]])
        expected.append(p)
    assert traj.points.dtype == np.float64
    np.testing.assert_allclose(traj.points, np.array(expected), rtol=1e-14)
    np.testing.assert_allclose(traj.lr, [0.1, 0.05, 0.025], rtol=1e-14)


def test_gradient_noise_is_seeded():
    bowl = SURFACES["bowl"]
    a, b, c = run_many(
        bowl,
        [RunSpec("sgd", modifiers={"noise": 0.5}, seed=s) for s in (1, 1, 2)],
        bowl.start,
        50,
    )
    np.testing.assert_array_equal(a.points, b.points)
    assert not np.allclose(a.points, c.points)


def test_clipping_tames_the_cliff():
    cliff = SURFACES["cliff"]
    free, clipped = run_many(
        cliff,
        [
            RunSpec("sgd", {"lr": cliff.lr_hint}),
            RunSpec("sgd", {"lr": cliff.lr_hint}, modifiers={"clip_norm": 1.0}),
        ],
        cliff.start,
        200,
    )
    longest = lambda t: np.max(np.linalg.norm(np.diff(t.finite_points, axis=0), axis=1))
    assert longest(clipped) <= cliff.lr_hint * 1.0 + 1e-6
    assert longest(free) > 10 * longest(clipped)


def test_minibatch_surface_is_noisy_unless_the_batch_is_everything():
    lsq = SURFACES["least_squares"]
    n = int(lsq.defaults()["n_points"])
    specs = [RunSpec("sgd", {"lr": 0.05}, seed=s) for s in (0, 1)]
    full_a, full_b = run_many(lsq, specs, lsq.start, 50, {"batch_size": n})
    np.testing.assert_allclose(full_a.points, full_b.points)
    mini_a, mini_b = run_many(lsq, specs, lsq.start, 50, {"batch_size": 4})
    assert not np.allclose(mini_a.points, mini_b.points)


def test_changing_values_never_recompiles():
    bowl = SURFACES["bowl"]
    names = ["adam", "momentum", "rmsprop", "sgd"]

    def go(scale, kappa, schedule_lr):
        specs = [
            RunSpec(n, {"lr": 0.01 * scale}, schedule_params={"lr": schedule_lr}) for n in names
        ]
        run_many(bowl, specs, (1.0 * scale, 1.0), 300, {"kappa": kappa, "angle": 10 * scale})

    go(1, 10, 0.01)
    before = _run_batch._cache_size()
    for scale, kappa in [(2, 20), (3, 50), (0.5, 3)]:
        go(scale, kappa, 0.02 * scale)
    # a step count in the same bucket reuses the compiled program too
    run_many(bowl, [RunSpec(n) for n in names], bowl.start, 280)
    assert _run_batch._cache_size() == before


def test_step_buckets():
    assert step_bucket(1) == 50 and step_bucket(50) == 50 and step_bucket(51) == 100
    assert step_bucket(MAX_STEPS) == MAX_STEPS
    with pytest.raises(ValueError, match="steps must be between"):
        step_bucket(MAX_STEPS + 1)


def test_sweep_matches_individual_runs_and_never_recompiles_for_new_values():
    bowl = SURFACES["bowl"]
    lrs = np.array([0.01, 0.1, 1.0, 3.0])
    betas = np.array([0.0, 0.5, 0.9])
    res = sweep(
        bowl,
        RunSpec("momentum"),
        "lr",
        lrs,
        "beta",
        betas,
        (1.5, 1.5),
        73,  # not a step bucket: the sweep loops exactly this many steps
        {"kappa": 10},
        tol=1e-3,
    )
    assert res.final_loss.shape == res.steps_to_tol.shape == res.diverged.shape == (3, 4)
    for i, beta in enumerate(betas):
        for j, lr in enumerate(lrs):
            traj = run(
                bowl, RunSpec("momentum", {"lr": lr, "beta": beta}), (1.5, 1.5), 73, {"kappa": 10}
            )
            np.testing.assert_allclose(res.final_loss[i, j], traj.loss[-1], rtol=1e-4, atol=1e-7)
            assert res.diverged[i, j] == (traj.diverged_at is not None)
            hit = np.nonzero(traj.loss[1:] <= 1e-3)[0]
            expected = int(hit[0]) + 1 if hit.size and traj.diverged_at is None else -1
            if traj.diverged_at is None:
                assert res.steps_to_tol[i, j] == expected
    assert res.diverged[0, 3]  # lr = 3 with β = 0 on curvature 1 diverges
    before = _sweep_batch._cache_size()
    sweep(
        bowl,
        RunSpec("momentum"),
        "lr",
        lrs * 0.5,
        "beta",
        betas * 0.9,
        (1.0, 1.0),
        90,
        {"kappa": 30},
    )
    assert _sweep_batch._cache_size() == before


def test_sweep_refuses_bad_axes():
    bowl = SURFACES["bowl"]
    with pytest.raises(ValueError, match="no parameter 'beta'"):
        sweep(bowl, RunSpec("sgd"), "lr", [0.1], "beta", [0.5], (1, 1), 10)
    with pytest.raises(ValueError, match="lr must be between"):
        sweep(bowl, RunSpec("momentum"), "lr", [-1.0, 0.1], "beta", [0.5], (1, 1), 10)


def test_lr_range_test_suggests_a_working_rate_and_stops_on_blow_up():
    bowl = SURFACES["bowl"]
    res = lr_range_test(
        bowl,
        RunSpec("sgd"),
        (1.5, 1.5),
        steps=200,
        lr_min=1e-4,
        lr_max=10.0,
        surface_params={"kappa": 1},
    )
    # curvature 1: SGD is stable below lr = 2 and blows up above it
    assert res.stopped_at is not None and res.lr[-1] > 1.0
    assert 1e-3 < res.suggested_lr < 2.0
    assert len(res.lr) == len(res.loss) == len(res.smoothed)
    assert np.all(np.isfinite(res.loss))
    traj = run(bowl, RunSpec("sgd", {"lr": res.suggested_lr}), (1.5, 1.5), 200, {"kappa": 1})
    assert traj.loss[-1] < 1e-2 * traj.loss[0]


def test_run_spec_validation_is_explained():
    bowl = SURFACES["bowl"]
    cases = [
        (RunSpec("nope"), "unknown optimizer 'nope'"),
        (RunSpec("adam", {"beta": 0.9}), "Adam has no parameter 'beta'"),
        (RunSpec("sgd", schedule="nope"), "unknown schedule"),
        (RunSpec("sgd", modifiers={"clip": 1}), "unknown modifier 'clip'"),
        (RunSpec("sgd", {"lr": 1e9}), "lr must be between"),
    ]
    for spec, message in cases:
        with pytest.raises(ValueError, match=message):
            run(bowl, spec, (0, 0), 10)
    with pytest.raises(ValueError, match="start must be two finite numbers"):
        run(bowl, RunSpec("sgd"), (0, float("nan")), 10)


def test_every_schedule_drives_a_run():
    bowl = SURFACES["bowl"]
    specs = [RunSpec("sgd", {"lr": 0.1}, schedule=name) for name in SCHEDULES.names()]
    for traj in run_many(bowl, specs, bowl.start, 100):
        assert np.all(np.isfinite(traj.lr)) and np.all(traj.lr >= 0)


def test_a_large_sweep_split_across_cores_equals_the_whole(monkeypatch):
    from optim_lab import cpu_tuning

    bowl = SURFACES["bowl"]
    lrs = np.geomspace(1e-3, 3.0, 64)
    betas = np.linspace(0.0, 0.99, 40)  # 2560 cells: split (unevenly, into 3 padded pieces)
    monkeypatch.setattr(cpu_tuning, "available_cores", lambda: 3)
    split = sweep(bowl, RunSpec("momentum"), "lr", lrs, "beta", betas, (1.5, 1.5), 60)
    monkeypatch.setattr(cpu_tuning, "MIN_RUNS_TO_SPLIT", 10**9)
    whole = sweep(bowl, RunSpec("momentum"), "lr", lrs, "beta", betas, (1.5, 1.5), 60)
    for a, b in zip(split[4:], whole[4:], strict=True):
        np.testing.assert_array_equal(a, b)
    assert whole.diverged.any() and not whole.diverged.all()
