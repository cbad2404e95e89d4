"""Loss surfaces: table-driven checks over the registry, plus what each surface is meant to teach.

Most checks run in float32, as the app does; the ones that compare against closed forms or need
near-zero gradients switch to float64 with ``jax.enable_x64``.
"""

from __future__ import annotations

import dataclasses
import math
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from optim_lab.expr import ExpressionError
from optim_lab.surfaces import (
    LSQ_MAX_POINTS,
    SURFACES,
    SurfaceEntry,
    evaluate_grid,
    least_squares_batch_mask,
    least_squares_data,
    least_squares_solution,
    surface_from_expr,
)

NAMES = SURFACES.names()
EXPECTED_NAMES = {
    "bowl",
    "saddle",
    "monkey_saddle",
    "plateau",
    "cliff",
    "local_minima",
    "rosenbrock",
    "himmelblau",
    "beale",
    "rastrigin",
    "least_squares",
}


def loss(surface: SurfaceEntry, xy, sp=None, dtype=jnp.float32):
    return surface.fn(jnp.asarray(xy, dtype), surface.resolve(sp))


def grad(surface: SurfaceEntry, xy, sp=None, dtype=jnp.float32):
    return np.asarray(jax.grad(surface.fn)(jnp.asarray(xy, dtype), surface.resolve(sp)))


@partial(jax.jit, static_argnames="surface")
def _derivatives(surface, points, sp):
    def one(p):
        return surface.fn(p, sp), jax.grad(surface.fn)(p, sp), jax.hessian(surface.fn)(p, sp)

    return jax.vmap(one)(points)


def derivatives(surface, points, sp):
    """Loss, gradient and Hessian at each of ``points`` (n, 2), in one compiled call (NumPy out)."""
    return jax.tree.map(np.asarray, _derivatives(surface, points, sp))


@partial(jax.jit, static_argnames=("surface", "steps"))
def sgd_path(surface, sp, start, lr, steps, clip_norm=0.0):
    """Plain SGD on the exact loss (optionally clipped by norm): the points after each step."""

    def step(p, _):
        g = jax.grad(surface.fn)(p, sp)
        norm = jnp.linalg.norm(g)
        g = jnp.where((clip_norm > 0) & (norm > clip_norm), g * clip_norm / norm, g)
        p = p - lr * g
        return p, p

    return jax.lax.scan(step, start, None, length=steps)[1]


def run_sgd(surface, steps, lr=None, clip_norm=0.0):
    start = jnp.asarray(surface.start, jnp.float32)
    lr = surface.lr_hint if lr is None else lr
    path = sgd_path(surface, surface.defaults(), start, lr, steps, clip_norm)
    return np.concatenate([np.asarray(start)[None], np.asarray(path)])


# --------------------------------------------------------------------------------------------------
# Every surface
# --------------------------------------------------------------------------------------------------


def test_registry_has_the_named_surfaces():
    assert set(NAMES) == EXPECTED_NAMES
    assert SURFACES["bowl"].name == "bowl"
    with pytest.raises(ValueError, match="unknown surface"):
        SURFACES["nope"]


@pytest.mark.parametrize("name", NAMES)
def test_entry_is_well_formed_and_hashable(name):
    s = SURFACES[name]
    assert hash(s) == hash(dataclasses.replace(s))
    assert s == dataclasses.replace(s)
    assert s.label and s.latex and s.description and callable(s.fn)
    (x0, x1), (y0, y1) = s.domain
    assert x0 < x1 and y0 < y1
    assert x0 <= s.start[0] <= x1 and y0 <= s.start[1] <= y1
    for m in s.minima:
        assert x0 <= m[0] <= x1 and y0 <= m[1] <= y1
    assert s.lr_hint > 0
    for p in s.params:
        assert p.validate(p.default) == p.default
    assert s.stochastic == (s.minibatch_fn is not None)
    assert s.as_dict()["name"] == name


@pytest.mark.parametrize("name", NAMES)
def test_finite_at_start_and_over_the_domain(name):
    s = SURFACES[name]
    (x0, x1), (y0, y1) = s.domain
    grid = np.stack(np.meshgrid(np.linspace(x0, x1, 41), np.linspace(y0, y1, 41)), -1)
    points = np.concatenate([np.asarray([s.start]), grid.reshape(-1, 2)])
    # Raw values (before evaluate_grid's clean-up) and the derivatives Newton's method needs.
    values, grads, hessians = derivatives(s, jnp.asarray(points, jnp.float32), s.defaults())
    assert np.all(np.isfinite(values))
    assert np.all(np.isfinite(grads[0])) and np.all(np.isfinite(hessians[0]))


@pytest.mark.parametrize("name", NAMES)
def test_minima_are_stationary_and_the_global_one_is_lowest(name):
    s = SURFACES[name]
    if not s.minima:
        pytest.skip("no minimum (unbounded below)")
    with jax.enable_x64(True):
        points = jnp.asarray((*s.minima, s.start), jnp.float64)
        values, grads, hessians = derivatives(s, points, s.defaults())
    for m, g, h in zip(s.minima, grads, hessians, strict=False):
        assert np.linalg.norm(g) < 1e-7, (m, g)
        assert np.linalg.eigvalsh(h).min() > 0, (m, h)  # a minimum, not a saddle
    assert values[0] <= values[:-1].min() + 1e-12  # the global minimum is listed first
    assert values[0] <= values[-1]  # ... and is below the start


@pytest.mark.parametrize("name", NAMES)
def test_evaluate_grid_shapes_and_values(name):
    s = SURFACES[name]
    xs, ys, z = evaluate_grid(s, None, 24)
    assert xs.shape == ys.shape == (24,) and z.shape == (24, 24)
    assert isinstance(z, np.ndarray) and np.all(np.isfinite(z))
    (x0, x1), (y0, y1) = s.domain
    assert np.isclose(xs[0], x0) and np.isclose(xs[-1], x1)
    assert np.isclose(ys[0], y0) and np.isclose(ys[-1], y1)
    i, j = 5, 17
    expected = float(loss(s, (xs[j], ys[i])))
    assert np.isclose(z[i, j], expected, rtol=1e-5, atol=1e-6)


# --------------------------------------------------------------------------------------------------
# What each surface teaches, with plain SGD at the surface's lr_hint from its start (float32)
# --------------------------------------------------------------------------------------------------


def test_bowl_converges_with_the_hint():
    s = SURFACES["bowl"]
    path = run_sgd(s, 200)
    assert np.linalg.norm(path[-1]) < 1e-3
    losses = np.asarray(jax.vmap(lambda p: s.fn(p, s.defaults()))(jnp.asarray(path)))
    assert np.all(np.diff(losses) <= 1e-7)


def test_saddle_slows_down_then_escapes():
    path = run_sgd(SURFACES["saddle"], 100)
    closest = np.linalg.norm(path, axis=1).argmin()
    assert np.linalg.norm(path[closest]) < 0.1
    assert abs(path[-1][0]) < 0.01 and abs(path[-1][1]) > 1.0


def test_monkey_saddle_crawls_near_the_flat_saddle():
    path = run_sgd(SURFACES["monkey_saddle"], 100)
    assert np.all(np.isfinite(path))
    assert np.linalg.norm(path[-1]) < 0.3  # still creeping around the origin after 100 steps
    losses = [float(loss(SURFACES["monkey_saddle"], p)) for p in path[::10]]
    assert losses == sorted(losses, reverse=True)


def test_plateau_sgd_crawls_then_reaches_the_basin():
    s = SURFACES["plateau"]
    path = run_sgd(s, 600)
    assert np.linalg.norm(path[100] - path[0]) < 0.2  # 100 steps barely move on the plateau
    assert float(loss(s, path[100])) > 0.99
    assert np.linalg.norm(path[-1]) < 1e-3
    assert 0 < np.linalg.norm(grad(s, s.start)) < 1e-2  # tiny but not zero


def test_cliff_throws_unclipped_sgd_far_but_clipping_stays_close():
    s = SURFACES["cliff"]
    path = run_sgd(s, 300)
    steps = np.linalg.norm(np.diff(path, axis=0), axis=1)
    assert steps.max() > 3.0  # one gradient from the wall moves the point across the whole plot
    assert np.all(np.isfinite(path))

    clipped = run_sgd(s, 300, clip_norm=1.0)
    clipped_steps = np.linalg.norm(np.diff(clipped, axis=0), axis=1)
    assert clipped_steps.max() <= s.lr_hint * 1.0 + 1e-5
    assert np.linalg.norm(clipped[-1] - np.asarray(s.minima[0])) < 0.15


def test_local_minima_sgd_stops_in_a_local_well():
    s = SURFACES["local_minima"]
    final = run_sgd(s, 1000)[-1]
    distances = [np.linalg.norm(final - np.asarray(m)) for m in s.minima]
    assert min(distances) < 1e-3
    assert int(np.argmin(distances)) != 0  # not the global one


def test_rosenbrock_converges_slowly_along_the_valley():
    s = SURFACES["rosenbrock"]
    path = run_sgd(s, 10000)
    assert float(loss(s, path[1000])) > 1.0  # a thousand steps are not enough
    assert np.linalg.norm(path[-1] - np.array([1.0, 1.0])) < 0.05


def test_himmelblau_sgd_reaches_one_of_the_four_minima():
    s = SURFACES["himmelblau"]
    final = run_sgd(s, 300)[-1]
    assert min(np.linalg.norm(final - np.asarray(m)) for m in s.minima) < 1e-3


def test_beale_converges_with_the_hint():
    s = SURFACES["beale"]
    final = run_sgd(s, 3000)[-1]
    assert np.linalg.norm(final - np.array([3.0, 0.5])) < 0.05


def test_rastrigin_sgd_gets_stuck_in_a_local_minimum():
    s = SURFACES["rastrigin"]
    final = run_sgd(s, 500)[-1]
    assert np.linalg.norm(grad(s, final)) < 1e-2
    assert float(loss(s, final)) > 1.0


def test_least_squares_full_batch_sgd_converges():
    s = SURFACES["least_squares"]
    final = run_sgd(s, 400)[-1]
    assert np.linalg.norm(final - np.asarray(s.minima[0])) < 1e-3


# --------------------------------------------------------------------------------------------------
# The bowl's conditioning
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kappa", [1.0, 3.0, 10.0, 100.0, 1000.0])
@pytest.mark.parametrize("angle", [-90.0, -30.0, 0.0, 45.0, 72.0])
def test_bowl_hessian_is_the_rotated_diagonal(kappa, angle):
    s = SURFACES["bowl"]
    sp = s.resolve({"kappa": kappa, "angle": angle})
    with jax.enable_x64(True):
        h = np.asarray(jax.hessian(s.fn)(jnp.asarray([0.3, -0.7], jnp.float64), sp))
    phi = math.radians(angle)
    rotation = np.array([[math.cos(phi), math.sin(phi)], [-math.sin(phi), math.cos(phi)]])
    expected = rotation.T @ np.diag([1.0 / kappa, 1.0]) @ rotation
    np.testing.assert_allclose(h, expected, rtol=1e-12, atol=1e-14)
    eigenvalues = np.linalg.eigvalsh(h)
    assert eigenvalues.max() / eigenvalues.min() == pytest.approx(kappa, rel=1e-10)


# --------------------------------------------------------------------------------------------------
# Minibatch least squares
# --------------------------------------------------------------------------------------------------

LSQ = SURFACES["least_squares"]


def numpy_mse(w, b, n_points, noise, subset=None):
    x, y = least_squares_data(n_points, noise)
    residual = w * x + b - y
    if subset is not None:
        residual = residual[subset]
    return float(np.mean(residual**2))


@pytest.mark.parametrize(("n_points", "noise"), [(100, 0.5), (10, 0.0), (37, 1.3), (500, 3.0)])
def test_least_squares_is_the_mean_squared_error_of_the_data(n_points, noise):
    sp = LSQ.resolve({"n_points": n_points, "noise": noise})
    with jax.enable_x64(True):
        value = float(LSQ.fn(jnp.asarray([0.7, -1.2], jnp.float64), sp))
    assert value == pytest.approx(numpy_mse(0.7, -1.2, n_points, noise), rel=1e-12)
    assert LSQ.minima[0] == pytest.approx(least_squares_solution(100, 0.5))


@pytest.mark.parametrize(("n_points", "batch_size"), [(100, 100), (100, 500), (37, 64), (10, 10)])
def test_minibatch_with_the_whole_data_equals_the_full_loss(n_points, batch_size):
    sp = LSQ.resolve({"n_points": n_points, "batch_size": batch_size, "noise": 0.8})
    for seed in range(3):
        xy = jnp.asarray([0.3 * seed - 0.4, 1.1 - seed], jnp.float32)
        key = jax.random.key(seed)
        assert float(LSQ.minibatch_fn(xy, sp, key)) == float(LSQ.fn(xy, sp))
        np.testing.assert_array_equal(
            np.asarray(jax.grad(LSQ.minibatch_fn)(xy, sp, key)),
            np.asarray(jax.grad(LSQ.fn)(xy, sp)),
        )


@pytest.mark.parametrize(("n_points", "batch_size"), [(100, 10), (37, 1), (500, 499), (20, 64)])
def test_minibatch_draws_distinct_points_among_the_first_n(n_points, batch_size):
    sp = LSQ.resolve({"n_points": n_points, "batch_size": batch_size})
    keys = jax.random.split(jax.random.key(1), 20)
    masks = np.asarray(jax.jit(jax.vmap(least_squares_batch_mask, (None, 0)))(sp, keys))
    assert masks.shape == (20, LSQ_MAX_POINTS)
    assert np.all(masks.sum(axis=1) == min(batch_size, n_points))
    assert not masks[:, n_points:].any()
    if batch_size < n_points:
        assert len({m.tobytes() for m in masks}) > 1  # different keys, different batches
    # The loss on the batch is the NumPy mean over exactly those points.
    xy = (1.1, -0.3)
    with jax.enable_x64(True):
        value = float(LSQ.minibatch_fn(jnp.asarray(xy, jnp.float64), sp, jax.random.key(7)))
        subset = np.asarray(least_squares_batch_mask(sp, jax.random.key(7)))[:n_points]
    assert value == pytest.approx(numpy_mse(*xy, n_points, sp["noise"], subset), rel=1e-10)


def test_minibatch_draws_every_point_equally_often():
    # 4,000 batches of 10 among 100 points: each point is in 400 of them on average (σ ≈ 19).
    sp = LSQ.resolve({"n_points": 100, "batch_size": 10})
    keys = jax.random.split(jax.random.key(3), 4000)
    masks = np.asarray(jax.jit(jax.vmap(least_squares_batch_mask, (None, 0)))(sp, keys))
    counts = masks[:, :100].sum(axis=0)
    assert np.all(np.abs(counts - 400) < 5 * 19), counts
    chi2 = float(np.sum((counts - 400) ** 2 / 400))
    assert chi2 < 160  # 99 degrees of freedom: P(χ² > 160) < 1e-4


def test_minibatch_gradients_are_noisy_but_unbiased():
    sp = LSQ.resolve({"n_points": 100, "batch_size": 5})
    xy = jnp.asarray(LSQ.start, jnp.float32)
    keys = jax.random.split(jax.random.key(0), 1000)
    grads = np.asarray(
        jax.vmap(lambda k: jax.grad(LSQ.minibatch_fn)(xy, sp, k))(keys), dtype=np.float64
    )
    full = np.asarray(jax.grad(LSQ.fn)(xy, sp), dtype=np.float64)
    spread = grads.std(axis=0)
    assert np.all(spread > 0.1 * np.abs(full))  # genuinely noisy
    standard_error = spread / math.sqrt(len(keys))
    assert np.all(np.abs(grads.mean(axis=0) - full) < 5 * standard_error)
    # Bigger batches, less noise.
    big = LSQ.resolve({"n_points": 100, "batch_size": 50})
    big_grads = np.asarray(jax.vmap(lambda k: jax.grad(LSQ.minibatch_fn)(xy, big, k))(keys[:500]))
    assert np.all(big_grads.std(axis=0) < spread)


def test_changing_surface_parameters_never_recompiles():
    traces = []

    @jax.jit
    def step(xy, sp, key):
        traces.append(1)
        return jax.grad(LSQ.minibatch_fn)(xy, sp, key), LSQ.fn(xy, sp)

    xy = jnp.asarray([0.5, 0.5], jnp.float32)
    for i, (n, noise, batch) in enumerate(
        [(100, 0.5, 10), (37, 1.2, 1), (500, 0.0, 500), (10, 3, 64)]
    ):
        sp = LSQ.resolve({"n_points": n, "noise": noise, "batch_size": batch})
        grads, value = step(xy, sp, jax.random.key(i))
        assert np.all(np.isfinite(np.asarray(grads))) and np.isfinite(value)
    assert len(traces) == 1

    # evaluate_grid: one trace per (surface, resolution), whatever the parameter values.
    calls = []

    def counting_bowl(xy, sp):
        calls.append(1)
        return SURFACES["bowl"].fn(xy, sp)

    counted = dataclasses.replace(SURFACES["bowl"], fn=counting_bowl)
    grids = [evaluate_grid(counted, {"kappa": k, "angle": a}, 16)[2] for k, a in [(1, 0), (50, 30)]]
    assert len(calls) == 1
    assert not np.allclose(grids[0], grids[1])


# --------------------------------------------------------------------------------------------------
# User formulas and grids
# --------------------------------------------------------------------------------------------------


def test_surface_from_expr_is_cached_and_hashable():
    a = surface_from_expr("x**2 + 3*y**2")
    assert surface_from_expr("x**2 + 3*y**2") is a
    assert surface_from_expr("x**2 + 3*y**2", [[-3, 3], [-3, 3]]) is a
    assert surface_from_expr("x**2 + 3*y**2", ((-1, 1), (-3, 3))) is not a
    assert surface_from_expr("x**2 + 3*y**2 ") != a
    assert hash(a) == hash(surface_from_expr("x**2 + 3*y**2"))
    assert a.name == "custom" and a.label == "Custom: x**2 + 3*y**2"
    assert a.minima == () and a.params == () and a.minibatch_fn is None
    assert "x" in a.latex and "y" in a.latex
    assert float(a.fn(jnp.asarray([1.0, 2.0]), {})) == pytest.approx(13.0)
    (x0, x1), (y0, y1) = a.domain
    assert x0 <= a.start[0] <= x1 and y0 <= a.start[1] <= y1
    np.testing.assert_allclose(grad(a, (1.0, 2.0)), [2.0, 12.0])


def test_surface_from_expr_refusals():
    with pytest.raises(ExpressionError, match="column 1"):
        surface_from_expr("__import__('os')")
    with pytest.raises(ValueError, match="domain"):
        surface_from_expr("x", ((1, -1), (0, 1)))
    with pytest.raises(ValueError, match="domain"):
        surface_from_expr("x", "nope")


def test_evaluate_grid_orientation_and_non_finite_values():
    s = surface_from_expr("x + 10*y", ((0, 1), (0, 2)))
    xs, ys, z = evaluate_grid(s, {}, 5)
    np.testing.assert_allclose(z, xs[None, :] + 10 * ys[:, None], rtol=1e-6)

    logs = surface_from_expr("log(x) + 0*y", ((-1, 1), (-1, 1)))
    xs, ys, z = evaluate_grid(logs, None, 9)  # NaN for x < 0, -inf at x = 0
    assert np.all(np.isfinite(z))
    finite = np.log(xs[xs > 0])
    assert np.allclose(z[:, xs < 0], finite.max())
    assert np.allclose(z[:, xs == 0], finite.min())

    nothing = surface_from_expr("sqrt(-1 - x**2) + y", ((-1, 1), (-1, 1)))
    assert np.all(evaluate_grid(nothing, None, 4)[2] == 0.0)


def test_evaluate_grid_validates_parameters():
    with pytest.raises(ValueError, match="kappa"):
        evaluate_grid(SURFACES["bowl"], {"kappa": 0.0}, 8)
    with pytest.raises(ValueError, match="no parameter"):
        evaluate_grid(SURFACES["bowl"], {"nope": 1.0}, 8)
