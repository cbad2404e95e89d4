"""Optimizers against independent references (optax, or float64 NumPy written from the formulas).

Everything here runs in float64 so that two correct implementations agree to ~1e-12 even after many
steps; a wrong sign, a misplaced ε or an off-by-one in the step count shows up as a large mismatch.
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from optim_lab.optimizers import LBFGS_MAX_HISTORY, OPTIMIZERS, make_optimizer

STEPS = 60
RTOL = 1e-10
ATOL = 1e-12


pytestmark = pytest.mark.usefixtures("float64")


# --------------------------------------------------------------------------------------------------
# Test problem: a strongly convex quartic with cross terms over a pytree {"w": (3,), "m": (2, 2)}.
# f(z) = ¼ Σ cᵢ zᵢ⁴ + ½ zᵀAz + bᵀz with z = concat(w, m.ravel()). Gradient and Hessian by hand:
# ∇f = c z³ + A z + b,  H = diag(3 c z²) + A.
# --------------------------------------------------------------------------------------------------

_RNG = np.random.default_rng(1234)
_Q = _RNG.normal(size=(7, 7))
A_MAT = _Q @ _Q.T / 7 + 0.3 * np.eye(7)  # SPD, with off-diagonal (cross) terms
B_VEC = _RNG.normal(size=7)
C_VEC = np.array([0.5, 1.0, 0.2, 0.8, 0.3, 0.6, 1.2])
Z0 = np.array([1.3, -0.7, 0.9, -1.1, 0.4, 1.6, -0.5])


def to_tree(z):
    return {
        "w": jnp.asarray(z[:3], jnp.float64),
        "m": jnp.asarray(z[3:], jnp.float64).reshape(2, 2),
    }


def to_flat(tree) -> np.ndarray:
    return np.concatenate([np.asarray(tree["w"]).ravel(), np.asarray(tree["m"]).ravel()])


def quartic_loss(tree, c=C_VEC):
    z = jnp.concatenate([tree["w"].ravel(), tree["m"].ravel()])
    return 0.25 * jnp.sum(c * z**4) + 0.5 * z @ A_MAT @ z + B_VEC @ z


def quadratic_loss(tree):
    return quartic_loss(tree, c=np.zeros(7))


def np_quartic_grad(z, c=C_VEC):
    return c * z**3 + A_MAT @ z + B_VEC


def np_quartic_hessian(z, c=C_VEC):
    return np.diag(3 * c * z**2) + A_MAT


def rosenbrock(p, a=1.0, b=100.0):
    x, y = p[0], p[1]
    return (a - x) ** 2 + b * (y - x**2) ** 2


def np_rosenbrock_grad(p, a=1.0, b=100.0):
    x, y = p
    return np.array([-2 * (a - x) - 4 * b * x * (y - x**2), 2 * b * (y - x**2)])


def np_rosenbrock_hessian(p, a=1.0, b=100.0):
    x, y = p
    return np.array([[2 - 4 * b * y + 12 * b * x**2, -4 * b * x], [-4 * b * x, 2 * b]])


def nonconvex_loss(tree):
    """Bounded below but with negative curvature regions (exercises the L-BFGS skip rule)."""
    z = jnp.concatenate([tree["w"].ravel(), tree["m"].ravel()])
    return jnp.sum(2.0 * jnp.cos(1.7 * z)) + 0.05 * jnp.sum(z**2) + 0.1 * z @ A_MAT @ z


def np_nonconvex_grad(z):
    return -3.4 * np.sin(1.7 * z) + 0.1 * z + 0.2 * A_MAT @ z


# --------------------------------------------------------------------------------------------------
# Runners
# --------------------------------------------------------------------------------------------------


@functools.cache
def _ours_runner(name: str, loss_fn, steps: int):
    """A compiled run of ``steps`` steps; hyper-parameters are traced arguments."""
    opt = make_optimizer(name, loss_fn)

    @jax.jit
    def run(params, hp):
        def body(carry, _):
            params, state = carry
            grads = jax.grad(loss_fn)(params)
            updates, state = opt.update(grads, state, params, hp)
            params = jax.tree.map(jnp.add, params, updates)
            return (params, state), params

        _, trajectory = jax.lax.scan(body, (params, opt.init(params)), None, length=steps)
        return trajectory

    return run


def run_ours(name, hp, params0, loss_fn=quartic_loss, steps=STEPS):
    hp = {k: jnp.asarray(v, jnp.float64) for k, v in hp.items()}
    return _ours_runner(name, loss_fn, steps)(params0, hp)


def run_optax(tx, params0, loss_fn=quartic_loss, steps=STEPS):
    @jax.jit
    def run(params):
        def body(carry, _):
            params, state = carry
            grads = jax.grad(loss_fn)(params)
            updates, state = tx.update(grads, state, params)
            params = optax.apply_updates(params, updates)
            return (params, state), params

        _, trajectory = jax.lax.scan(body, (params, tx.init(params)), None, length=steps)
        return trajectory

    return run(params0)


def flat_trajectory(trajectory) -> np.ndarray:
    """(steps, 7) array from a stacked {"w", "m"} trajectory."""
    w = np.asarray(trajectory["w"]).reshape(-1, 3)
    m = np.asarray(trajectory["m"]).reshape(-1, 4)
    return np.concatenate([w, m], axis=1)


def assert_moved(traj: np.ndarray):
    """Guard against vacuous comparisons: the run must actually go somewhere."""
    assert np.all(np.isfinite(traj))
    assert np.max(np.abs(traj[-1] - Z0)) > 1e-2


# --------------------------------------------------------------------------------------------------
# 1. Against optax, where the rule is the same
# --------------------------------------------------------------------------------------------------

OPTAX_CASES = {
    "sgd": ({"lr": 0.03}, lambda: optax.sgd(0.03)),
    "heavy_ball": ({"lr": 0.02, "rho": 0.85}, lambda: optax.sgd(0.02, momentum=0.85)),
    "nesterov": (
        {"lr": 0.02, "rho": 0.85},
        lambda: optax.sgd(0.02, momentum=0.85, nesterov=True),
    ),
    # optax divides by sqrt(G + eps), we by sqrt(G) + eps: identical when eps = 0.
    "adagrad": (
        {"lr": 0.3, "eps": 0.0},
        lambda: optax.adagrad(0.3, initial_accumulator_value=0.0, eps=0.0),
    ),
    "rmsprop": (
        {"lr": 0.02, "beta2": 0.8, "eps": 0.05},
        lambda: optax.rmsprop(0.02, decay=0.8, eps=0.05, eps_in_sqrt=False),
    ),
    "adam": (
        {
            "lr": 0.05,
            "beta1": 0.8,
            "beta2": 0.95,
            "eps": 1e-3,
            "bias_correction": 1.0,
            "eps_inside_sqrt": 0.0,
        },
        lambda: optax.adam(0.05, b1=0.8, b2=0.95, eps=1e-3),
    ),
    "adamw": (
        {"lr": 0.05, "beta1": 0.8, "beta2": 0.95, "eps": 1e-3, "weight_decay": 0.3},
        lambda: optax.adamw(0.05, b1=0.8, b2=0.95, eps=1e-3, weight_decay=0.3),
    ),
    "adadelta": (
        {"lr": 0.7, "rho": 0.8, "eps": 1e-4},
        lambda: optax.adadelta(0.7, rho=0.8, eps=1e-4),
    ),
    "lion": (
        {"lr": 0.02, "beta1": 0.8, "beta2": 0.95, "weight_decay": 0.3},
        lambda: optax.lion(0.02, b1=0.8, b2=0.95, weight_decay=0.3),
    ),
}


@pytest.mark.parametrize("name", sorted(OPTAX_CASES))
def test_matches_optax(name):
    hp, make_tx = OPTAX_CASES[name]
    assert set(hp) == set(OPTIMIZERS[name].defaults())
    params0 = to_tree(Z0)
    ours = flat_trajectory(run_ours(name, hp, params0))
    ref = flat_trajectory(run_optax(make_tx(), params0))
    assert ours.shape == (STEPS, 7)
    assert_moved(ref)
    np.testing.assert_allclose(ours, ref, rtol=RTOL, atol=ATOL)


def test_optax_comparison_detects_eps_placement():
    """Sanity check of the harness: rmsprop with ε inside the root is a *different* trajectory."""
    hp, _ = OPTAX_CASES["rmsprop"]
    params0 = to_tree(Z0)
    ours = flat_trajectory(run_ours("rmsprop", hp, params0))
    other = flat_trajectory(run_optax(optax.rmsprop(0.02, decay=0.8, eps=0.05), params0))
    assert not np.allclose(ours, other, rtol=1e-6, atol=0)


# --------------------------------------------------------------------------------------------------
# 2. Hand-written float64 NumPy references
# --------------------------------------------------------------------------------------------------


def np_run(step_fn, grad_fn, z0, steps=STEPS):
    """Runs ``z, state = step_fn(z, grad_fn(z), state, t)`` for t = 1..steps; returns (steps, n)."""
    z, state, out = np.array(z0, dtype=np.float64), None, []
    for t in range(1, steps + 1):
        z, state = step_fn(z, grad_fn(z), state, t)
        out.append(z.copy())
    return np.array(out)


def np_momentum(lr, beta):
    def step(z, g, v, t):
        v = np.zeros_like(z) if v is None else v
        v = beta * v + (1 - beta) * g
        return z - lr * v, v

    return step


def np_adagrad(lr, eps):
    def step(z, g, big_g, t):
        big_g = (np.zeros_like(z) if big_g is None else big_g) + g * g
        return z - lr * g / (np.sqrt(big_g) + eps), big_g

    return step


def np_adam(lr, b1, b2, eps, bias_correction=True, eps_inside_sqrt=False):
    def step(z, g, state, t):
        m, v = (np.zeros_like(z), np.zeros_like(z)) if state is None else state
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat, v_hat = (m / (1 - b1**t), v / (1 - b2**t)) if bias_correction else (m, v)
        denom = np.sqrt(v_hat + eps) if eps_inside_sqrt else np.sqrt(v_hat) + eps
        return z - lr * m_hat / denom, (m, v)

    return step


def np_newton(lr, damping, hessian_fn):
    def step(z, g, state, t):
        h = hessian_fn(z) + damping * np.eye(z.size)
        return z - lr * np.linalg.solve(h, g), None

    return step


def test_momentum_matches_numpy():
    params0 = to_tree(Z0)
    ours = flat_trajectory(run_ours("momentum", {"lr": 0.05, "beta": 0.8}, params0))
    ref = np_run(np_momentum(0.05, 0.8), np_quartic_grad, Z0)
    assert_moved(ref)
    np.testing.assert_allclose(ours, ref, rtol=RTOL, atol=ATOL)


def test_adagrad_eps_outside_root_matches_numpy():
    """Contract: g/(√G + ε), checked with an ε big enough to matter."""
    params0 = to_tree(Z0)
    ours = flat_trajectory(run_ours("adagrad", {"lr": 0.3, "eps": 0.5}, params0))
    ref = np_run(np_adagrad(0.3, 0.5), np_quartic_grad, Z0)
    assert_moved(ref)
    np.testing.assert_allclose(ours, ref, rtol=RTOL, atol=ATOL)


ADAM_HP = {"lr": 0.05, "beta1": 0.85, "beta2": 0.97, "eps": 1e-2}


@pytest.mark.parametrize(("bias_correction", "eps_inside_sqrt"), [(1, 0), (0, 0), (1, 1), (0, 1)])
def test_adam_variants_match_numpy(bias_correction, eps_inside_sqrt):
    params0 = to_tree(Z0)
    hp = dict(ADAM_HP, bias_correction=bias_correction, eps_inside_sqrt=eps_inside_sqrt)
    ours = flat_trajectory(run_ours("adam", hp, params0))
    ref = np_run(
        np_adam(
            ADAM_HP["lr"],
            ADAM_HP["beta1"],
            ADAM_HP["beta2"],
            ADAM_HP["eps"],
            bias_correction=bool(bias_correction),
            eps_inside_sqrt=bool(eps_inside_sqrt),
        ),
        np_quartic_grad,
        Z0,
    )
    assert_moved(ref)
    np.testing.assert_allclose(ours, ref, rtol=RTOL, atol=ATOL)


def test_adam_flags_change_the_trajectory():
    params0 = to_tree(Z0)
    base = flat_trajectory(run_ours("adam", dict(ADAM_HP), params0))
    raw = flat_trajectory(run_ours("adam", dict(ADAM_HP, bias_correction=0.0), params0))
    inside = flat_trajectory(run_ours("adam", dict(ADAM_HP, eps_inside_sqrt=1.0), params0))
    assert not np.allclose(base, raw, rtol=1e-6)
    assert not np.allclose(base, inside, rtol=1e-6)


@pytest.mark.parametrize(("lr", "damping"), [(1.0, 0.0), (0.6, 0.5)])
def test_newton_quadratic_matches_numpy(lr, damping):
    params0 = to_tree(Z0)
    ours = flat_trajectory(
        run_ours("newton", {"lr": lr, "damping": damping}, params0, loss_fn=quadratic_loss)
    )
    zero_c = np.zeros(7)
    ref = np_run(
        np_newton(lr, damping, lambda z: np_quartic_hessian(z, zero_c)),
        lambda z: np_quartic_grad(z, zero_c),
        Z0,
    )
    np.testing.assert_allclose(ours, ref, rtol=RTOL, atol=ATOL)
    if lr == 1.0 and damping == 0.0:  # an undamped Newton step solves a quadratic at once
        z_star = np.linalg.solve(A_MAT, -B_VEC)
        np.testing.assert_allclose(ours[0], z_star, rtol=1e-10, atol=1e-12)


def test_newton_quartic_matches_numpy():
    params0 = to_tree(Z0)
    ours = flat_trajectory(run_ours("newton", {"lr": 0.7, "damping": 0.2}, params0))
    ref = np_run(np_newton(0.7, 0.2, np_quartic_hessian), np_quartic_grad, Z0)
    assert_moved(ref)
    np.testing.assert_allclose(ours, ref, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize(("lr", "damping"), [(0.5, 0.1), (1.0, 1.0)])
def test_newton_rosenbrock_matches_numpy(lr, damping):
    p0 = np.array([-1.5, 2.0])
    ours = np.asarray(
        run_ours("newton", {"lr": lr, "damping": damping}, jnp.asarray(p0), loss_fn=rosenbrock)
    )
    ref = np_run(np_newton(lr, damping, np_rosenbrock_hessian), np_rosenbrock_grad, p0)
    assert np.max(np.abs(ref[-1] - p0)) > 0.5
    np.testing.assert_allclose(ours, ref, rtol=1e-9, atol=1e-10)


# -- L-BFGS ----------------------------------------------------------------------------------------


class NumpyLBFGS:
    """L-BFGS as described in the docstring, written with Python lists.

    Pairs sᵢ = θᵢ₊₁ − θᵢ, yᵢ = gᵢ₊₁ − gᵢ are kept (newest first, at most ``LBFGS_MAX_HISTORY``) when
    sᵀy > 1e-10·yᵀy; the two-loop recursion uses the newest ``history`` pairs with H₀ = sᵀy/yᵀy of
    the newest pair; with no pair yet, the direction is g/max(‖g‖, 1).
    """

    def __init__(self, lr, history):
        self.lr, self.history = lr, int(history)
        self.pairs: list[tuple[np.ndarray, np.ndarray]] = []
        self.prev = None
        self.rejected = 0

    def direction(self, x, g):
        if self.prev is not None:
            s, y = x - self.prev[0], g - self.prev[1]
            if s @ y > 1e-10 * (y @ y):
                self.pairs.insert(0, (s, y))
                del self.pairs[LBFGS_MAX_HISTORY:]
            else:
                self.rejected += 1
        self.prev = (x.copy(), g.copy())
        used = self.pairs[: self.history]
        if not used:
            return g / max(np.linalg.norm(g), 1.0)
        q = g.copy()
        alphas = []
        for s, y in used:  # newest to oldest
            a = (s @ q) / (s @ y)
            alphas.append(a)
            q = q - a * y
        s0, y0 = used[0]
        r = (s0 @ y0) / (y0 @ y0) * q
        for (s, y), a in reversed(list(zip(used, alphas, strict=True))):  # oldest to newest
            b = (y @ r) / (s @ y)
            r = r + s * (a - b)
        return r

    def step(self, z, g, state, t):
        return z - self.lr * self.direction(z, g), None


@pytest.mark.parametrize(
    ("loss_fn", "grad_fn", "lr", "history", "steps"),
    [
        (quartic_loss, np_quartic_grad, 1.0, 10, 12),
        (quartic_loss, np_quartic_grad, 0.5, 3, 30),
        (quartic_loss, np_quartic_grad, 0.2, LBFGS_MAX_HISTORY, STEPS),
        (nonconvex_loss, np_nonconvex_grad, 0.7, 4, STEPS),
        (nonconvex_loss, np_nonconvex_grad, 0.1, 4, STEPS),
    ],
)
def test_lbfgs_matches_numpy(loss_fn, grad_fn, lr, history, steps):
    params0 = to_tree(Z0)
    ours = flat_trajectory(
        run_ours("lbfgs", {"lr": lr, "history": history}, params0, loss_fn=loss_fn, steps=steps)
    )
    ref_opt = NumpyLBFGS(lr, history)
    ref = np_run(ref_opt.step, grad_fn, Z0, steps=steps)
    assert_moved(ref)
    np.testing.assert_allclose(ours, ref, rtol=1e-9, atol=1e-10)


def test_lbfgs_reference_exercises_skip_rule_and_full_buffer():
    """The cases above do reject pairs and do overflow the history buffer."""
    for lr in (0.7, 0.1):
        ref_opt = NumpyLBFGS(lr, 4)
        np_run(ref_opt.step, np_nonconvex_grad, Z0)
        assert ref_opt.rejected > 0
    ref_opt = NumpyLBFGS(0.2, LBFGS_MAX_HISTORY)
    np_run(ref_opt.step, np_quartic_grad, Z0)
    assert ref_opt.rejected == 0 and len(ref_opt.pairs) == LBFGS_MAX_HISTORY  # 59 pairs seen


def test_numpy_two_loop_equals_explicit_bfgs_matrix():
    """Validates the reference itself: the two-loop recursion is Hₖg for the matrix BFGS update
    H ← (I − ρsyᵀ) H (I − ρysᵀ) + ρssᵀ applied oldest to newest from H₀ = (sᵀy/yᵀy) I."""
    rng = np.random.default_rng(3)
    n, m = 7, 4
    pairs = []
    for _ in range(m):
        s = rng.normal(size=n)
        y = A_MAT @ s + 0.1 * rng.normal(size=n)  # positive curvature
        assert s @ y > 0
        pairs.insert(0, (s, y))  # newest first
    g = rng.normal(size=n)
    ref = NumpyLBFGS(1.0, m)
    ref.pairs = list(pairs)
    s0, y0 = pairs[0]
    h = (s0 @ y0) / (y0 @ y0) * np.eye(n)
    for s, y in reversed(pairs):
        rho = 1.0 / (s @ y)
        left = np.eye(n) - rho * np.outer(s, y)
        h = left @ h @ left.T + rho * np.outer(s, s)
    np.testing.assert_allclose(ref.direction(np.zeros(n), g), h @ g, rtol=1e-10)


def test_lbfgs_first_steps_and_rejected_pair():
    """Hand-fed gradients: the first step is g/max(‖g‖,1); a pair with sᵀy ≤ 0 is skipped."""
    opt = make_optimizer("lbfgs")
    hp = {"lr": 0.5, "history": 5.0}
    x0 = jnp.array([1.0, 2.0])
    # ‖g‖ < 1: the first direction is g itself.
    upd, _ = opt.update(jnp.array([0.3, 0.4]), opt.init(x0), x0, hp)
    np.testing.assert_allclose(upd, -0.5 * np.array([0.3, 0.4]), rtol=1e-14)
    # ‖g‖ = 5: the first direction is the unit vector g/‖g‖.
    state = opt.init(x0)
    g0 = jnp.array([3.0, 4.0])
    upd, state = opt.update(g0, state, x0, hp)
    np.testing.assert_allclose(upd, -0.5 * np.array([0.6, 0.8]), rtol=1e-14)
    assert int(state.count) == 0
    x1 = x0 + upd
    g1 = jnp.array([6.0, 8.0])  # the gradient grew along the step: sᵀy < 0, pair skipped
    assert float((x1 - x0) @ (g1 - g0)) < 0
    upd, state = opt.update(g1, state, x1, hp)
    assert int(state.count) == 0
    np.testing.assert_allclose(upd, -0.5 * np.array([0.6, 0.8]), rtol=1e-14)  # still normalized
    x2 = x1 + upd
    g2 = jnp.array([1.0, 1.0])  # s = (−0.3, −0.4), y = (−5, −7): sᵀy > 0, accepted
    upd, state = opt.update(g2, state, x2, hp)
    assert int(state.count) == 1
    s, y = np.asarray(x2 - x1), np.asarray(g2 - g1)
    gamma = (s @ y) / (y @ y)
    # One pair: H₁g = γ(g − ρ(sᵀg) y) + ρ s (sᵀg − γ yᵀ(g − ρ(sᵀg) y)) with ρ = 1/sᵀy.
    g = np.asarray(g2)
    rho = 1.0 / (s @ y)
    alpha = rho * (s @ g)
    r = gamma * (g - alpha * y)
    r = r + s * (alpha - rho * (y @ r))
    np.testing.assert_allclose(upd, -0.5 * r, rtol=1e-13)


# --------------------------------------------------------------------------------------------------
# 3. Convergence claims and identities
# --------------------------------------------------------------------------------------------------


def test_newton_solves_rosenbrock_fast():
    traj = np.asarray(
        run_ours(
            "newton", {"lr": 1.0, "damping": 0.0}, jnp.array([-1.5, 2.0]), rosenbrock, steps=19
        )
    )
    errors = np.max(np.abs(traj - 1.0), axis=1)
    assert errors.min() < 1e-6
    assert np.all(np.abs(traj[-1] - 1.0) < 1e-6)


def _ill_conditioned_quadratic():
    rng = np.random.default_rng(7)
    basis, _ = np.linalg.qr(rng.normal(size=(10, 10)))
    eigs = np.logspace(0, 3, 10)  # condition number 1000
    mat = basis @ np.diag(eigs) @ basis.T
    vec = rng.normal(size=10)
    return mat, vec


_ILL_A, _ILL_B = _ill_conditioned_quadratic()


def test_lbfgs_solves_ill_conditioned_quadratic_fast():
    """Fixed unit steps, no line search: a 2-D quadratic with condition number 1000."""
    rotation = np.array([[np.cos(0.6), -np.sin(0.6)], [np.sin(0.6), np.cos(0.6)]])
    mat = rotation @ np.diag([1.0, 1000.0]) @ rotation.T
    vec = np.array([1.0, -2.0])
    x_star = np.linalg.solve(mat, vec)

    def loss(x):
        return 0.5 * x @ mat @ x - vec @ x

    x0 = jnp.array([2.0, 1.5])
    traj = np.asarray(run_ours("lbfgs", {"lr": 1.0, "history": 10}, x0, loss, steps=30))
    assert np.all(np.abs(traj[-1] - x_star) < 1e-8 * np.max(np.abs(x_star)))
    # Plain gradient descent at its best stable step size is nowhere near after as many steps.
    gd = np.asarray(run_ours("sgd", {"lr": 1.0 / 1000}, x0, loss, steps=30))
    assert np.max(np.abs(gd[-1] - x_star)) > 1e-2 * np.max(np.abs(x_star))


def test_lbfgs_direction_with_exact_line_search_terminates_in_n_steps():
    """On a quadratic, L-BFGS directions with exact line searches are conjugate (= CG): the minimum
    of an n-dimensional quadratic is reached in n steps, whatever the conditioning."""
    mat, vec = _ILL_A, _ILL_B
    n = vec.size
    x_star = np.linalg.solve(mat, vec)
    opt = make_optimizer("lbfgs")
    hp = {"lr": 1.0, "history": float(n)}
    update = jax.jit(opt.update)
    x = jnp.asarray(np.ones(n))
    state = opt.init(x)
    for _ in range(n):
        g = jnp.asarray(mat @ np.asarray(x) - vec)
        d, state = update(g, state, x, hp)  # d = −H g
        d = np.asarray(d)
        step = -(np.asarray(g) @ d) / (d @ mat @ d)  # exact minimizer along d
        x = x + step * d
    assert np.max(np.abs(np.asarray(x) - x_star)) < 1e-6 * np.max(np.abs(x_star))


@pytest.mark.parametrize(("lr", "beta"), [(0.05, 0.9), (0.2, 0.5), (0.01, 0.99)])
def test_ewa_momentum_equals_heavy_ball_with_scaled_lr(lr, beta):
    """v_ewa = (1−β)·v_classic, so momentum(α, β) ≡ heavy_ball(α(1−β), ρ=β)."""
    params0 = to_tree(Z0)
    ewa = flat_trajectory(run_ours("momentum", {"lr": lr, "beta": beta}, params0))
    classic = flat_trajectory(run_ours("heavy_ball", {"lr": lr * (1 - beta), "rho": beta}, params0))
    np.testing.assert_allclose(ewa, classic, rtol=1e-9, atol=1e-12)
    # ... and not with the unscaled learning rate.
    unscaled = flat_trajectory(run_ours("heavy_ball", {"lr": lr, "rho": beta}, params0))
    assert not np.allclose(ewa, unscaled, rtol=1e-3)


@pytest.mark.parametrize(("b1", "b2"), [(0.9, 0.999), (0.5, 0.9), (0.0, 0.99)])
def test_adam_first_step_size(b1, b2):
    opt = make_optimizer("adam")
    params = {"a": jnp.array([0.3, -2.0, 5.0]), "b": jnp.array([[1e-3, -7.0]])}
    grads = {"a": jnp.array([0.02, -3.0, 150.0]), "b": jnp.array([[-1e-4, 9.0]])}
    sign = jax.tree.map(np.sign, grads)
    lr = 0.01
    for correction, factor in [(1.0, 1.0), (0.0, (1 - b1) / np.sqrt(1 - b2))]:
        hp = {"lr": lr, "beta1": b1, "beta2": b2, "eps": 0.0, "bias_correction": correction}
        hp["eps_inside_sqrt"] = 0.0
        upd, _ = opt.update(grads, opt.init(params), params, hp)
        jax.tree.map(
            lambda u, s, f=factor: np.testing.assert_allclose(u, -lr * f * s, rtol=1e-12),
            upd,
            sign,
        )
    # With the default ε the corrected step is still ≈ lr (|g| ≫ ε here).
    hp = dict(OPTIMIZERS["adam"].defaults(), lr=lr, beta1=b1, beta2=b2)
    upd, _ = opt.update(grads, opt.init(params), params, hp)
    jax.tree.map(lambda u, s: np.testing.assert_allclose(u, -lr * s, rtol=1e-3), upd, sign)


# --------------------------------------------------------------------------------------------------
# 4. Registry, table-driven
# --------------------------------------------------------------------------------------------------

CONTRACT = {
    "sgd": {"lr"},
    "momentum": {"lr", "beta"},
    "heavy_ball": {"lr", "rho"},
    "nesterov": {"lr", "rho"},
    "adagrad": {"lr", "eps"},
    "rmsprop": {"lr", "beta2", "eps"},
    "adadelta": {"lr", "rho", "eps"},
    "adam": {"lr", "beta1", "beta2", "eps", "bias_correction", "eps_inside_sqrt"},
    "adamw": {"lr", "beta1", "beta2", "eps", "weight_decay"},
    "newton": {"lr", "damping"},
    "lbfgs": {"lr", "history"},
    "lion": {"lr", "beta1", "beta2", "weight_decay"},
}

NAMES = [entry.name for entry in OPTIMIZERS]


def test_registry_matches_contract():
    assert set(NAMES) == set(CONTRACT)
    for name, params in CONTRACT.items():
        assert {p.name for p in OPTIMIZERS[name].params} == params, name


@pytest.mark.parametrize("name", NAMES)
def test_entry_metadata(name):
    entry = OPTIMIZERS[name]
    assert entry.latex.strip()
    assert entry.label.strip()
    assert entry.description.strip()
    names = [p.name for p in entry.params]
    assert len(names) == len(set(names))
    for p in entry.params:
        assert p.min <= p.default <= p.max, p.name
        assert p.min < p.max, p.name
        if p.log:
            assert p.max > 0, p.name
        if p.integer:
            assert float(p.default) == int(p.default), p.name
        if p.choices is not None:
            assert p.default in p.choices, p.name
            assert all(p.min <= c <= p.max for c in p.choices), p.name
        assert p.validate(p.default) == p.default
    assert entry.resolve() == entry.defaults()


def _alternative(p) -> float:
    """A valid value far from the default."""
    if p.choices is not None:
        return float(next(c for c in p.choices if c != p.default))
    if p.integer:
        return float(p.min if p.default != p.min else p.max)
    return float(p.max if p.default != p.max else p.min)


def _step_fn(name, counter):
    """A jitted single step (grad + update) that counts its traces in ``counter``."""
    opt = make_optimizer(name, quartic_loss)

    @jax.jit
    def step(params, state, hp):
        counter.append(1)
        grads = jax.grad(quartic_loss)(params)
        updates, state = opt.update(grads, state, params, hp)
        return updates, state

    return opt, step


# Lion's β₁ only weighs m against g inside a sign: where they agree (as after a few steps down a
# smooth bowl) no value of it changes the step. test_lion_steps_are_alpha_per_coordinate_by_hand
# has a step where they disagree.
SIGN_BLIND = {("lion", "beta1")}


def _flat_all(tree) -> np.ndarray:
    return np.concatenate(
        [np.ravel(np.asarray(leaf, np.float64)) for leaf in jax.tree.leaves(tree)]
    )


@pytest.mark.parametrize("name", NAMES)
def test_every_hparam_is_used_and_traced(name):
    """Every hyper-parameter changes the step or the optimizer's state, and none retraces."""
    entry = OPTIMIZERS[name]
    traces: list[int] = []
    opt, step = _step_fn(name, traces)
    defaults = entry.defaults()
    # Small steps so every optimizer stays well-behaved while the state fills up.
    warm_hp = dict(defaults, lr=min(defaults["lr"], 0.01))
    params = to_tree(Z0)
    state = opt.init(params)
    for _ in range(6):  # build a non-trivial state (moments, L-BFGS pairs, Adam's count)
        updates, state = step(params, state, warm_hp)
        params = jax.tree.map(jnp.add, params, updates)
    base_update, base_state = step(params, state, defaults)
    assert np.all(np.isfinite(to_flat(base_update))) and np.any(to_flat(base_update) != 0)
    base = _flat_all((base_update, base_state))
    for p in entry.params:
        if (name, p.name) in SIGN_BLIND:
            continue
        changed = _flat_all(step(params, state, dict(defaults, **{p.name: _alternative(p)})))
        assert not np.allclose(changed, base, rtol=1e-11, atol=0), f"{name}: {p.name} is ignored"
    # Python floats are traced (weak-typed) arguments: new values never retrace.
    assert len(traces) == 1, f"{name} retraced {len(traces)} times"


@pytest.mark.parametrize("name", NAMES)
def test_update_is_pure(name):
    """Same inputs → same outputs; init/update never mutate their arguments."""
    opt = make_optimizer(name, quartic_loss)
    params = to_tree(Z0)
    grads = jax.grad(quartic_loss)(params)
    hp = OPTIMIZERS[name].defaults()
    state = opt.init(params)
    u1, s1 = opt.update(grads, state, params, hp)
    u2, s2 = opt.update(grads, state, params, hp)
    jax.tree.map(np.testing.assert_array_equal, u1, u2)
    jax.tree.map(np.testing.assert_array_equal, s1, s2)
    assert jax.tree.structure(u1) == jax.tree.structure(params)
    assert jax.tree.structure(s1) == jax.tree.structure(state)


def test_lbfgs_history_masks_pairs():
    """history = 1 and history = m give the same first two steps, different later ones."""
    params0 = to_tree(Z0)
    one = flat_trajectory(run_ours("lbfgs", {"lr": 0.5, "history": 1}, params0, steps=30))
    many = flat_trajectory(run_ours("lbfgs", {"lr": 0.5, "history": 8}, params0, steps=30))
    np.testing.assert_allclose(one[:2], many[:2], rtol=1e-14)
    assert not np.allclose(one[2:], many[2:], rtol=1e-6)


def test_newton_requires_loss():
    with pytest.raises(ValueError, match="loss"):
        make_optimizer("newton")


def test_lion_steps_are_alpha_per_coordinate_by_hand():
    """Two Lion steps in float64, by hand: c = sign(β₁m + (1−β₁)g), Δθ = −α(c + λθ),
    m ← β₂m + (1−β₂)g, with m₀ = 0."""
    hp = {"lr": 0.1, "beta1": 0.9, "beta2": 0.5, "weight_decay": 0.2}
    opt = make_optimizer("lion")
    with jax.enable_x64(True):
        theta = jnp.array([1.0, -2.0])
        state = opt.init(theta)
        grads = [jnp.array([3.0, -0.5]), jnp.array([-0.1, -4.0])]
        expected_theta, m = np.array([1.0, -2.0]), np.zeros(2)
        for g in grads:
            update, state = opt.update(g, state, theta, hp)
            theta = theta + update
            c = np.sign(0.9 * m + 0.1 * np.asarray(g))
            expected_theta = expected_theta - 0.1 * (c + 0.2 * expected_theta)
            m = 0.5 * m + 0.5 * np.asarray(g)
            np.testing.assert_allclose(np.asarray(theta), expected_theta, rtol=1e-12)
            np.testing.assert_allclose(np.asarray(state.momentum), m, rtol=1e-12)
