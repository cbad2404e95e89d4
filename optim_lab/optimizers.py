r"""Optimizers as pure ``init``/``update`` pairs over any pytree, plus their registry.

Every optimizer has optax's shape with our own code::

    state = opt.init(params)
    updates, state = opt.update(grads, state, params, hparams)
    params = params + updates

``hparams`` is a mapping of traced numbers (``lr``, ``beta``...), never closure constants, so moving a
slider never recompiles. ``grads`` are the gradients after the modifiers of :mod:`optim_lab.transforms`;
``lr`` is the schedule's value at this step.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.flatten_util import ravel_pytree

from .ewa import bias_correct, ewa_update
from .registry import Entry, HParam, Registry

Params = Any
Updates = Any
OptState = Any
HParams = Mapping[str, Any]
LossFn = Callable[[Params], jax.Array]

# The most L-BFGS pairs ever kept: the `history` hyper-parameter masks this buffer, so it stays traced.
LBFGS_MAX_HISTORY = 20


class Optimizer(NamedTuple):
    """A pair of pure functions: ``init(params) -> state`` and
    ``update(grads, state, params, hparams) -> (updates, state)``."""

    init: Callable[[Params], OptState]
    update: Callable[[Updates, OptState, Params, HParams], tuple[Updates, OptState]]


def _zeros(tree: Params) -> Params:
    return jax.tree.map(jnp.zeros_like, tree)


def _scale(tree: Params, factor) -> Updates:
    return jax.tree.map(lambda x: factor * x, tree)


class EmptyState(NamedTuple):
    pass


def sgd() -> Optimizer:
    r"""Plain (stochastic) gradient descent: :math:`\theta \leftarrow \theta - \alpha g`."""

    def update(grads, state, params, hp):
        return _scale(grads, -hp["lr"]), state

    return Optimizer(lambda params: EmptyState(), update)


class VelocityState(NamedTuple):
    velocity: Params


def momentum() -> Optimizer:
    r"""Momentum in EWA form: :math:`v \leftarrow \beta v + (1-\beta) g,\ \theta \leftarrow \theta - \alpha v`."""

    def update(grads, state, params, hp):
        v = ewa_update(state.velocity, grads, hp["beta"])
        return _scale(v, -hp["lr"]), VelocityState(v)

    return Optimizer(lambda params: VelocityState(_zeros(params)), update)


def heavy_ball() -> Optimizer:
    r"""Classic (Polyak) momentum: :math:`v \leftarrow \rho v + g,\ \theta \leftarrow \theta - \alpha v`."""

    def update(grads, state, params, hp):
        v = jax.tree.map(lambda v, g: hp["rho"] * v + g, state.velocity, grads)
        return _scale(v, -hp["lr"]), VelocityState(v)

    return Optimizer(lambda params: VelocityState(_zeros(params)), update)


def nesterov() -> Optimizer:
    r"""Nesterov momentum (PyTorch form): :math:`v \leftarrow \rho v + g,\ \theta \leftarrow \theta - \alpha (g + \rho v)`."""

    def update(grads, state, params, hp):
        rho = hp["rho"]
        v = jax.tree.map(lambda v, g: rho * v + g, state.velocity, grads)
        step = jax.tree.map(lambda g, v: g + rho * v, grads, v)
        return _scale(step, -hp["lr"]), VelocityState(v)

    return Optimizer(lambda params: VelocityState(_zeros(params)), update)


class AdagradState(NamedTuple):
    sum_sq: Params


def adagrad() -> Optimizer:
    r"""AdaGrad: :math:`G \leftarrow G + g^2,\ \theta \leftarrow \theta - \alpha\, g / (\sqrt{G} + \epsilon)`."""

    def update(grads, state, params, hp):
        total = jax.tree.map(lambda s, g: s + g * g, state.sum_sq, grads)
        step = jax.tree.map(lambda g, s: -hp["lr"] * g / (jnp.sqrt(s) + hp["eps"]), grads, total)
        return step, AdagradState(total)

    return Optimizer(lambda params: AdagradState(_zeros(params)), update)


class RMSpropState(NamedTuple):
    mean_sq: Params


def rmsprop() -> Optimizer:
    r"""RMSprop: :math:`s \leftarrow \beta_2 s + (1-\beta_2) g^2,\ \theta \leftarrow \theta - \alpha\, g/(\sqrt{s}+\epsilon)`."""

    def update(grads, state, params, hp):
        s = ewa_update(state.mean_sq, jax.tree.map(jnp.square, grads), hp["beta2"])
        step = jax.tree.map(lambda g, s: -hp["lr"] * g / (jnp.sqrt(s) + hp["eps"]), grads, s)
        return step, RMSpropState(s)

    return Optimizer(lambda params: RMSpropState(_zeros(params)), update)


class AdadeltaState(NamedTuple):
    mean_sq_grad: Params
    mean_sq_step: Params


def adadelta() -> Optimizer:
    r"""Adadelta (Zeiler 2012, PyTorch form):

    .. math:: s \leftarrow \rho s + (1-\rho) g^2,\quad
              \Delta = \frac{\sqrt{u+\epsilon}}{\sqrt{s+\epsilon}}\, g,\quad
              u \leftarrow \rho u + (1-\rho)\Delta^2,\quad \theta \leftarrow \theta - \alpha\Delta
    """

    def update(grads, state, params, hp):
        rho, eps = hp["rho"], hp["eps"]
        s = ewa_update(state.mean_sq_grad, jax.tree.map(jnp.square, grads), rho)
        delta = jax.tree.map(
            lambda g, s, u: jnp.sqrt(u + eps) / jnp.sqrt(s + eps) * g, grads, s, state.mean_sq_step
        )
        u = ewa_update(state.mean_sq_step, jax.tree.map(jnp.square, delta), rho)
        return _scale(delta, -hp["lr"]), AdadeltaState(s, u)

    return Optimizer(lambda params: AdadeltaState(_zeros(params), _zeros(params)), update)


class AdamState(NamedTuple):
    count: jax.Array
    mu: Params
    nu: Params


def _adam_direction(grads, state: AdamState, hp) -> tuple[Updates, AdamState]:
    """Adam's m̂/(√v̂+ε) (or m̂/√(v̂+ε)) and the new moments, shared by Adam and AdamW."""
    b1, b2, eps = hp["beta1"], hp["beta2"], hp["eps"]
    count = state.count + 1
    mu = ewa_update(state.mu, grads, b1)
    nu = ewa_update(state.nu, jax.tree.map(jnp.square, grads), b2)
    correct = hp.get("bias_correction", 1.0) > 0.5
    inside = hp.get("eps_inside_sqrt", 0.0) > 0.5
    mu_hat = jax.tree.map(lambda m, c: jnp.where(correct, c, m), mu, bias_correct(mu, b1, count))
    nu_hat = jax.tree.map(lambda v, c: jnp.where(correct, c, v), nu, bias_correct(nu, b2, count))
    direction = jax.tree.map(
        lambda m, v: m / jnp.where(inside, jnp.sqrt(v + eps), jnp.sqrt(v) + eps), mu_hat, nu_hat
    )
    return direction, AdamState(count, mu, nu)


def _adam_init(params) -> AdamState:
    return AdamState(jnp.zeros((), jnp.int32), _zeros(params), _zeros(params))


def adam() -> Optimizer:
    r"""Adam: EWAs of g and g², bias-corrected, then a per-coordinate step.

    .. math:: m \leftarrow \beta_1 m + (1-\beta_1) g,\quad v \leftarrow \beta_2 v + (1-\beta_2) g^2,\quad
              \hat m = \frac{m}{1-\beta_1^t},\ \hat v = \frac{v}{1-\beta_2^t},\quad
              \theta \leftarrow \theta - \alpha \frac{\hat m}{\sqrt{\hat v} + \epsilon}

    ``bias_correction = 0`` uses m, v as they are; ``eps_inside_sqrt = 1`` divides by √(v̂ + ε).
    """

    def update(grads, state, params, hp):
        direction, state = _adam_direction(grads, state, hp)
        return _scale(direction, -hp["lr"]), state

    return Optimizer(_adam_init, update)


def adamw() -> Optimizer:
    r"""AdamW: Adam plus decoupled weight decay,
    :math:`\theta \leftarrow \theta - \alpha\left(\frac{\hat m}{\sqrt{\hat v}+\epsilon} + \lambda\theta\right)`."""

    def update(grads, state, params, hp):
        direction, state = _adam_direction(grads, state, hp)
        step = jax.tree.map(
            lambda d, p: -hp["lr"] * (d + hp["weight_decay"] * p), direction, params
        )
        return step, state

    return Optimizer(_adam_init, update)


class LionState(NamedTuple):
    momentum: Params


def lion() -> Optimizer:
    r"""Lion: the sign of a blend of the momentum and the gradient, with decoupled weight decay.

    .. math:: c = \operatorname{sign}(\beta_1 m + (1-\beta_1) g),\quad
              \theta \leftarrow \theta - \alpha (c + \lambda\theta),\quad
              m \leftarrow \beta_2 m + (1-\beta_2) g

    Every coordinate moves by exactly α (before decay): the step's size no longer depends on the
    gradient's, only its direction does.
    """

    def update(grads, state, params, hp):
        b1 = hp["beta1"]
        sign = jax.tree.map(lambda m, g: jnp.sign(b1 * m + (1 - b1) * g), state.momentum, grads)
        step = jax.tree.map(lambda c, p: -hp["lr"] * (c + hp["weight_decay"] * p), sign, params)
        return step, LionState(ewa_update(state.momentum, grads, hp["beta2"]))

    return Optimizer(lambda params: LionState(_zeros(params)), update)


def newton(loss_fn: LossFn) -> Optimizer:
    r"""Damped Newton: :math:`\theta \leftarrow \theta - \alpha (H + \lambda I)^{-1} g`.

    H is the exact Hessian of ``loss_fn`` at θ (flattened: O(N²) memory, O(N³) solve).
    """

    def update(grads, state, params, hp):
        flat_params, unravel = ravel_pytree(params)
        flat_grads, _ = ravel_pytree(grads)
        hessian = jax.hessian(lambda flat: loss_fn(unravel(flat)))(flat_params)
        damped = hessian + hp["damping"] * jnp.eye(flat_params.size, dtype=flat_params.dtype)
        step = jnp.linalg.solve(damped, flat_grads)
        return unravel(-hp["lr"] * step), state

    return Optimizer(lambda params: EmptyState(), update)


class LBFGSState(NamedTuple):
    count: jax.Array  # pairs stored so far
    s: jax.Array  # (LBFGS_MAX_HISTORY, n) parameter differences, newest first
    y: jax.Array  # (LBFGS_MAX_HISTORY, n) gradient differences, newest first
    prev_params: jax.Array
    prev_grads: jax.Array
    started: jax.Array


def lbfgs() -> Optimizer:
    r"""L-BFGS with a fixed step: :math:`\theta \leftarrow \theta - \alpha\, H_k g` where :math:`H_k g`
    comes from the two-loop recursion over the last m pairs
    :math:`s_i = \theta_{i+1}-\theta_i,\ y_i = g_{i+1} - g_i` (pairs with :math:`s^\top y \le 0` are
    skipped), and :math:`H_0 = \frac{s^\top y}{y^\top y} I`. The very first step, with no curvature
    information yet, is :math:`\alpha\, g / \max(1, \lVert g \rVert)` (at most α long). There is no
    line search: α = 1 suits small, smooth problems.
    """

    def init(params):
        flat, _ = ravel_pytree(params)
        n = flat.size
        zeros = jnp.zeros((LBFGS_MAX_HISTORY, n), flat.dtype)
        return LBFGSState(jnp.zeros((), jnp.int32), zeros, zeros, flat, flat, jnp.array(False))

    def update(grads, state, params, hp):
        x, unravel = ravel_pytree(params)
        g, _ = ravel_pytree(grads)
        s_new, y_new = x - state.prev_params, g - state.prev_grads
        curvature = jnp.dot(s_new, y_new)
        accept = state.started & (curvature > 1e-10 * jnp.dot(y_new, y_new))
        s_hist = jnp.where(accept, jnp.roll(state.s, 1, axis=0).at[0].set(s_new), state.s)
        y_hist = jnp.where(accept, jnp.roll(state.y, 1, axis=0).at[0].set(y_new), state.y)
        count = jnp.minimum(state.count + accept.astype(jnp.int32), LBFGS_MAX_HISTORY)

        valid = jnp.arange(LBFGS_MAX_HISTORY) < jnp.minimum(count, hp["history"])
        sy = jnp.sum(s_hist * y_hist, axis=1)
        rho = jnp.where(valid, 1.0 / jnp.where(valid, sy, 1.0), 0.0)

        def newest_to_oldest(q, i):
            alpha = rho[i] * jnp.dot(s_hist[i], q)
            return q - alpha * y_hist[i], alpha

        q, alphas = jax.lax.scan(newest_to_oldest, g, jnp.arange(LBFGS_MAX_HISTORY))
        yy = jnp.dot(y_hist[0], y_hist[0])
        gamma = jnp.where(count > 0, sy[0] / jnp.where(yy > 0, yy, 1.0), 1.0)
        first = 1.0 / jnp.maximum(jnp.linalg.norm(g), 1.0)
        r = q * jnp.where(count > 0, gamma, first)

        def oldest_to_newest(r, i):
            beta = rho[i] * jnp.dot(y_hist[i], r)
            return r + s_hist[i] * (alphas[i] - beta), None

        r, _ = jax.lax.scan(oldest_to_newest, r, jnp.arange(LBFGS_MAX_HISTORY), reverse=True)
        new_state = LBFGSState(count, s_hist, y_hist, x, g, jnp.array(True))
        return unravel(-hp["lr"] * r), new_state

    return Optimizer(init, update)


# ------------------------------------------------------------------------------------------------
# How each optimizer's state is read: its fields before and after a step (float64) → the
# quantities of its update rule, by the names of optim_lab.step_inspector.QUANTITIES. Fields may
# carry leading axes (one row per step, per-step scalars as (T, 1)); lr then has shape (T, 1).

Fields = Mapping[str, np.ndarray]


def _explain_velocity(before: Fields, after: Fields, hp: HParams, lr) -> dict:
    return {"velocity": after["velocity"]}


def _explain_nesterov(before: Fields, after: Fields, hp: HParams, lr) -> dict:
    # the lectures' form keeps v_L = −αv and steps from θ_L = θ − ρv_L, taking the gradient at
    # θ = θ_L + ρv_L: the look-ahead is ρv_L, from the velocity before this step
    return {"velocity": after["velocity"], "lookahead": -lr * hp["rho"] * before["velocity"]}


def _explain_adagrad(before: Fields, after: Fields, hp: HParams, lr) -> dict:
    return {"G": after["sum_sq"], "lr_eff": lr / (np.sqrt(after["sum_sq"]) + hp["eps"])}


def _explain_rmsprop(before: Fields, after: Fields, hp: HParams, lr) -> dict:
    return {"s": after["mean_sq"], "lr_eff": lr / (np.sqrt(after["mean_sq"]) + hp["eps"])}


def _explain_adadelta(before: Fields, after: Fields, hp: HParams, lr) -> dict:
    # the step scales g by the RMS of the past steps (before this one) over that of the gradients
    s, u_before, eps = after["mean_sq_grad"], before["mean_sq_step"], hp["eps"]
    return {
        "s": s,
        "u": after["mean_sq_step"],
        "lr_eff": lr * np.sqrt(u_before + eps) / np.sqrt(s + eps),
    }


def _explain_adam(before: Fields, after: Fields, hp: HParams, lr) -> dict:
    t, m, v, eps = after["count"], after["mu"], after["nu"], hp["eps"]
    if hp.get("bias_correction", 1.0) > 0.5:
        m_hat, v_hat = m / (1.0 - hp["beta1"] ** t), v / (1.0 - hp["beta2"] ** t)
    else:
        m_hat, v_hat = m, v
    if hp.get("eps_inside_sqrt", 0.0) > 0.5:
        lr_eff = lr / np.sqrt(v_hat + eps)
    else:
        lr_eff = lr / (np.sqrt(v_hat) + eps)
    return {"t": t, "m": m, "v": v, "m_hat": m_hat, "v_hat": v_hat, "lr_eff": lr_eff}


def _explain_lion(before: Fields, after: Fields, hp: HParams, lr) -> dict:
    return {"m": after["momentum"]}


def _explain_lbfgs(before: Fields, after: Fields, hp: HParams, lr) -> dict:
    return {"pairs": after["count"], "s_new": after["s"][..., 0, :], "y_new": after["y"][..., 0, :]}


@dataclass(frozen=True)
class OptimizerEntry(Entry):
    r"""A registered optimizer: how to build it and how the app shows it.

    Attributes:
        factory: builds the :class:`Optimizer` (from the loss function when ``needs_loss``).
        needs_loss: the factory takes the loss function (second-order methods).
        explain: ``(fields before, fields after, hp, lr) -> {name: value}``: its state around a
            step as the quantities of its rule (the step inspector, the adaptive lesson; with
            ``lr_eff``, the step size per coordinate); None shows the raw fields.
        quantities: the names the step inspector reports for it (``explain``'s, plus what the
            inspector computes itself, such as Newton's Hessian rows).
        step_latex: the step as ``(LaTeX, factor, direction)``, e.g. ``(r"-\alpha\, v", "lr",
            "velocity")``: the inspector writes Δθ = −factor · direction with its numbers.
        lr_scale: how the arena picks a first α on a surface: ``gradient`` (α multiplies the
            gradient: the surface's hint), ``distance`` (steps are about α long: a fraction of
            the plot), ``shrinking`` (AdaGrad: a larger fraction) or ``default`` (the entry's).
    """

    factory: Callable[..., Optimizer] | None = None
    needs_loss: bool = False
    explain: Callable[[Fields, Fields, HParams, Any], dict] | None = None
    quantities: tuple[str, ...] = ()
    step_latex: tuple[str, str, str] | None = None
    lr_scale: str = "default"

    def build(self, loss_fn: LossFn | None = None) -> Optimizer:
        if self.needs_loss:
            if loss_fn is None:
                raise ValueError(f"{self.label} needs the loss function (it uses the Hessian)")
            return self.factory(loss_fn)
        return self.factory()


def _lr(default=0.01, max_=10.0) -> HParam:
    return HParam("lr", "learning rate α", default, 1e-6, max_, log=True, help="Step size α.")


def _eps(default=1e-8) -> HParam:
    return HParam(
        "eps",
        "ε",
        default,
        0.0,
        1.0,
        log=True,
        help="Small constant that keeps the division finite.",
    )


_BETA1 = HParam("beta1", "β₁", 0.9, 0.0, 0.9999, help="Decay of the gradient average m (momentum).")
_BETA2 = HParam(
    "beta2",
    "β₂",
    0.999,
    0.0,
    0.99999,
    help="Decay of the squared-gradient average v. 0.999 in PyTorch, optax and the lectures' "
    "defaults; one deck suggests 0.99 as a starting point.",
)
_RHO = HParam(
    "rho",
    "ρ",
    0.9,
    0.0,
    0.9999,
    help="Momentum factor: how much of the velocity is kept. PyTorch: SGD(momentum=ρ).",
)

OPTIMIZERS: Registry[OptimizerEntry] = Registry("optimizer")
for _entry in [
    OptimizerEntry(
        "sgd",
        "SGD",
        r"\theta \leftarrow \theta - \alpha g",
        (_lr(0.01),),
        "Step straight down the gradient.",
        sgd,
        step_latex=(r"-\alpha\, g", "lr", "grad"),
        lr_scale="gradient",
    ),
    OptimizerEntry(
        "momentum",
        "Momentum (EWA)",
        r"v \leftarrow \beta v + (1-\beta) g;\quad \theta \leftarrow \theta - \alpha v",
        (
            _lr(0.01),
            HParam(
                "beta",
                "β",
                0.9,
                0.0,
                0.9999,
                help="Decay of the gradient average; window ≈ 1/(1−β). PyTorch's SGD(momentum=β) "
                "is the classic form: the same path at α(1−β) (see the momentum lesson).",
            ),
        ),
        "Follow an exponentially weighted average of the gradients.",
        momentum,
        explain=_explain_velocity,
        quantities=("velocity",),
        step_latex=(r"-\alpha\, v", "lr", "velocity"),
        lr_scale="gradient",
    ),
    OptimizerEntry(
        "heavy_ball",
        "Heavy ball",
        r"v \leftarrow \rho v + g;\quad \theta \leftarrow \theta - \alpha v",
        (_lr(0.01), _RHO),
        "Classic momentum (PyTorch's SGD with momentum): velocity accumulates gradients.",
        heavy_ball,
        explain=_explain_velocity,
        quantities=("velocity",),
        step_latex=(r"-\alpha\, v", "lr", "velocity"),
        lr_scale="gradient",
    ),
    OptimizerEntry(
        "nesterov",
        "Nesterov",
        r"v \leftarrow \rho v + g;\quad \theta \leftarrow \theta - \alpha (g + \rho v)",
        (_lr(0.01), _RHO),
        "Momentum that looks ahead along the velocity before stepping.",
        nesterov,
        explain=_explain_nesterov,
        quantities=("velocity", "lookahead"),
        lr_scale="gradient",
    ),
    OptimizerEntry(
        "adagrad",
        "AdaGrad",
        r"G \leftarrow G + g^2;\quad \theta \leftarrow \theta - \alpha \frac{g}{\sqrt{G} + \epsilon}",
        (_lr(0.5), _eps(1e-7)),
        "Per-coordinate steps shrink with the sum of all past squared gradients.",
        adagrad,
        explain=_explain_adagrad,
        quantities=("G", "lr_eff"),
        step_latex=(r"-\alpha_{\text{eff}} \odot g", "lr_eff", "grad"),
        lr_scale="shrinking",
    ),
    OptimizerEntry(
        "rmsprop",
        "RMSprop",
        r"s \leftarrow \beta_2 s + (1-\beta_2) g^2;\quad \theta \leftarrow \theta - \alpha \frac{g}{\sqrt{s} + \epsilon}",
        (
            _lr(0.01),
            HParam(
                "beta2",
                "β₂",
                0.9,
                0.0,
                0.99999,
                help="Decay of the squared-gradient average s. PyTorch calls it alpha (default "
                "0.99), Keras and optax decay (0.9).",
            ),
            _eps(),
        ),
        "Per-coordinate steps scaled by a moving average of squared gradients.",
        rmsprop,
        explain=_explain_rmsprop,
        quantities=("s", "lr_eff"),
        step_latex=(r"-\alpha_{\text{eff}} \odot g", "lr_eff", "grad"),
        lr_scale="distance",
    ),
    OptimizerEntry(
        "adadelta",
        "Adadelta",
        r"s \leftarrow \rho s + (1-\rho) g^2;\ \Delta = \frac{\sqrt{u+\epsilon}}{\sqrt{s+\epsilon}} g;\ "
        r"u \leftarrow \rho u + (1-\rho)\Delta^2;\ \theta \leftarrow \theta - \alpha \Delta",
        (
            _lr(1.0, 100.0),
            HParam(
                "rho",
                "ρ",
                0.9,
                0.0,
                0.9999,
                help="Decay of both running averages (PyTorch: rho, 0.9).",
            ),
            _eps(1e-6),
        ),
        "RMSprop whose step size comes from the running size of past steps (units match θ).",
        adadelta,
        explain=_explain_adadelta,
        quantities=("s", "u", "lr_eff"),
    ),
    OptimizerEntry(
        "adam",
        "Adam",
        r"m \leftarrow \beta_1 m + (1-\beta_1) g;\ v \leftarrow \beta_2 v + (1-\beta_2) g^2;\ "
        r"\hat m = \frac{m}{1-\beta_1^t};\ \hat v = \frac{v}{1-\beta_2^t};\ "
        r"\theta \leftarrow \theta - \alpha \frac{\hat m}{\sqrt{\hat v} + \epsilon}",
        (
            _lr(0.01),
            _BETA1,
            _BETA2,
            _eps(),
            HParam(
                "bias_correction",
                "bias correction",
                1.0,
                0.0,
                1.0,
                integer=True,
                choices=(0.0, 1.0),
                help="1: divide m, v by 1−βᵗ; 0: use them raw (slow start).",
            ),
            HParam(
                "eps_inside_sqrt",
                "ε inside √",
                0.0,
                0.0,
                1.0,
                integer=True,
                choices=(0.0, 1.0),
                help="1: divide by √(v̂+ε); 0: by √v̂ + ε.",
            ),
        ),
        "Momentum plus RMSprop, with bias correction for the zero start.",
        adam,
        explain=_explain_adam,
        quantities=("t", "m", "v", "m_hat", "v_hat", "lr_eff"),
        step_latex=(r"-\alpha_{\text{eff}} \odot \hat m", "lr_eff", "m_hat"),
        lr_scale="distance",
    ),
    OptimizerEntry(
        "adamw",
        "AdamW",
        r"\theta \leftarrow \theta - \alpha\left(\frac{\hat m}{\sqrt{\hat v} + \epsilon} + \lambda \theta\right)",
        (
            _lr(0.01),
            _BETA1,
            _BETA2,
            _eps(),
            HParam(
                "weight_decay",
                "decoupled decay λ",
                0.01,
                0.0,
                10.0,
                help="Shrinks θ directly, outside the adaptive scaling, by αλθ per step (as "
                "PyTorch's and optax's adamw).",
            ),
        ),
        "Adam with weight decay applied to θ, not mixed into the gradient.",
        adamw,
        explain=_explain_adam,
        quantities=("t", "m", "v", "m_hat", "v_hat", "lr_eff"),
        lr_scale="distance",
    ),
    OptimizerEntry(
        "newton",
        "Newton (damped)",
        r"\theta \leftarrow \theta - \alpha (H + \lambda I)^{-1} g",
        (
            _lr(1.0),
            HParam(
                "damping",
                "damping λ",
                1e-3,
                0.0,
                1e3,
                log=True,
                help="Added to the Hessian's diagonal; large λ → gradient descent with step α/λ.",
            ),
        ),
        "Second order: rescale the gradient by the inverse curvature.",
        newton,
        needs_loss=True,
        quantities=("hessian_row0", "hessian_row1"),
    ),
    OptimizerEntry(
        "lbfgs",
        "L-BFGS",
        r"\theta \leftarrow \theta - \alpha\, H_k g,\ H_k \text{ from the last } m \text{ pairs } (s_i, y_i)",
        (
            _lr(1.0),
            HParam(
                "history",
                "history m",
                10,
                1,
                LBFGS_MAX_HISTORY,
                integer=True,
                help="How many recent (step, gradient change) pairs approximate the inverse Hessian.",
            ),
        ),
        "Quasi-Newton: an inverse-Hessian estimate from recent steps, O(mN) memory.",
        lbfgs,
        explain=_explain_lbfgs,
        quantities=("pairs", "s_new", "y_new"),
    ),
    OptimizerEntry(
        "lion",
        "Lion",
        r"c = \operatorname{sign}(\beta_1 m + (1-\beta_1) g);\ "
        r"\theta \leftarrow \theta - \alpha (c + \lambda\theta);\ "
        r"m \leftarrow \beta_2 m + (1-\beta_2) g",
        (
            _lr(0.001),
            HParam(
                "beta1",
                "β₁",
                0.9,
                0.0,
                0.9999,
                help="Weight of the momentum against the new gradient in the step's sign.",
            ),
            HParam(
                "beta2",
                "β₂",
                0.99,
                0.0,
                0.9999,
                help="Decay of the momentum m (an average of the gradients).",
            ),
            HParam(
                "weight_decay",
                "decoupled decay λ",
                0.0,
                0.0,
                10.0,
                help="Shrinks θ directly, like AdamW's.",
            ),
        ),
        "Steps of exactly α per coordinate, in the sign of a blend of momentum and gradient.",
        lion,
        explain=_explain_lion,
        quantities=("m",),
        lr_scale="distance",
    ),
]:
    OPTIMIZERS.add(_entry)


def make_optimizer(name: str, loss_fn: LossFn | None = None) -> Optimizer:
    """The optimizer registered as ``name`` (``loss_fn`` is needed by second-order methods)."""
    return OPTIMIZERS[name].build(loss_fn)


def all_hparam_names() -> list[str]:
    """Union of all optimizers' hyper-parameter names, in registry order."""
    names: list[str] = []
    for entry in OPTIMIZERS:
        names += [p.name for p in entry.params if p.name not in names]
    return names
