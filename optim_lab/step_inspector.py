r"""The step inspector: every number of one update, replayed exactly as a run computed it.

Step :math:`k` of a run takes :math:`\theta_k` to :math:`\theta_{k+1}`::

    g_k = modifiers(∇f(θ_k))         # minibatch, noise, clipping, coupled decay and L1
    Δθ_k, state_{k+1} = optimizer.update(g_k, state_k, θ_k, hparams with α_k)
    Δθ_k -= α_k λ_dec θ_k             # decoupled decay (AdamW's), when set
    θ_{k+1} = θ_k + Δθ_k

:func:`inspect_step` replays a :class:`~optim_lab.trajectory.RunSpec` with the very step function of
:mod:`optim_lab.trajectory` (same random keys, same schedule, same divergence rule) in one compiled
``lax.scan`` over the run's step bucket, captures the carry at step ``k`` and applies the optimizer's
update once more, so the optimizer's state after the step is visible by name (``v``, ``m``, ``v̂``...).
``k`` and every hyper-parameter are traced: moving the step slider never recompiles.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from .optimizers import OPTIMIZERS, make_optimizer
from .programs import per_program
from .surfaces import SurfaceEntry
from .trajectory import (
    Program,
    RunSpec,
    Trajectory,
    _as_start,
    _objective,
    _stepper,
    _surface_params,
    default_dtype,
    pack_numbers,
    step_bucket,
    unpack,
)
from .transforms import decay_decoupled


@dataclass(frozen=True)
class Quantity:
    """How a named value of an inspection is shown.

    Args:
        symbol: plain-text symbol for tables (``m̂``).
        latex: the same symbol in LaTeX (``\\hat m``).
        meaning: a few words saying what it is.
    """

    symbol: str
    latex: str
    meaning: str


# Every name :func:`inspect_step` may return, in display order.
QUANTITIES: dict[str, Quantity] = {
    "theta": Quantity("θₖ", r"\theta_k", "parameters before the step"),
    "loss": Quantity("f(θₖ)", r"f(\theta_k)", "loss before the step"),
    "grad_exact": Quantity("∇f(θₖ)", r"\nabla f(\theta_k)", "exact gradient of the loss"),
    "grad": Quantity("g", "g", "gradient used (minibatch, noise, clipping, decay)"),
    "grad_norm": Quantity("‖g‖", r"\lVert g \rVert", "size of the gradient used"),
    "lr": Quantity("α", r"\alpha", "learning rate of this step (schedule)"),
    "t": Quantity("t", "t", "Adam's step counter (from 1)"),
    "velocity": Quantity("v", "v", "velocity after the step"),
    "lookahead": Quantity(
        "ρv_L",
        r"\rho v_L",
        "Nesterov as the lectures write it (v_L = −αv): its point θ − ρv_L looks ahead by ρv_L "
        "to θₖ, where the gradient is taken",
    ),
    "m": Quantity("m", "m", "average of gradients after the step"),
    "v": Quantity("v", "v", "average of squared gradients after the step"),
    "m_hat": Quantity("m̂", r"\hat m", "bias-corrected m = m/(1−β₁ᵗ)"),
    "v_hat": Quantity("v̂", r"\hat v", "bias-corrected v = v/(1−β₂ᵗ)"),
    "G": Quantity("G", "G", "sum of all squared gradients so far"),
    "s": Quantity("s", "s", "average of squared gradients after the step"),
    "u": Quantity("u", "u", "average of squared steps after the step"),
    "lr_eff": Quantity("α_eff", r"\alpha_{\text{eff}}", "step size per coordinate (α / scaling)"),
    "hessian_row0": Quantity("H[0,:]", "H_{0,:}", "first row of the Hessian at θₖ"),
    "hessian_row1": Quantity("H[1,:]", "H_{1,:}", "second row of the Hessian at θₖ"),
    "pairs": Quantity("#pairs", r"\#(s_i, y_i)", "curvature pairs stored (after the step)"),
    "s_new": Quantity("s₀", "s_0", "newest parameter change θₖ − θₖ₋₁"),
    "y_new": Quantity("y₀", "y_0", "newest gradient change gₖ − gₖ₋₁"),
    "sgd_step": Quantity("−α g", r"-\alpha g", "what plain SGD would do here"),
    "update": Quantity("Δθ", r"\Delta\theta", "the step taken"),
    "theta_next": Quantity("θₖ₊₁", r"\theta_{k+1}", "parameters after the step"),
    "loss_next": Quantity("f(θₖ₊₁)", r"f(\theta_{k+1})", "loss after the step"),
}


@dataclass
class StepInspection:
    """One inspected step.

    Attributes:
        step: ``k``, the index of the update (0 is the first).
        optimizer: registry name.
        values: name → NumPy value (float64), names from :data:`QUANTITIES`; vectors have shape (2,).
        diverged: this step made the run diverge (its numbers may be huge or non-finite).
        frozen: the run had already diverged before this step (it no longer moves).
    """

    step: int
    optimizer: str
    values: dict[str, np.ndarray]
    diverged: bool
    frozen: bool

    def __getitem__(self, name: str) -> np.ndarray:
        return self.values[name]


@per_program
def _replay(program: Program, k, start, surface_params, run):
    """Scans the run to the end of its bucket and captures step ``k``: the carry before it, the
    gradient and learning rate it used; then re-applies the optimizer there (unfrozen)."""
    carry0, step = _stepper(program, start, surface_params, run)
    exact, _ = _objective(program.surface, surface_params)
    optimizer = make_optimizer(program.optimizer, exact)
    captured0 = (
        carry0[0],
        carry0[2],
        jnp.zeros_like(start),
        jnp.zeros((), start.dtype),
        carry0[-1],
    )

    def body(state, t):
        carry, captured = state
        new_carry, out = step(carry, t)
        here = (carry[0], carry[2], out.grad, out.lr, carry[-1])
        captured = jax.tree.map(lambda old, new: jnp.where(t == k, new, old), captured, here)
        return (new_carry, captured), None

    (final, captured), _ = jax.lax.scan(body, (carry0, captured0), jnp.arange(program.steps))
    params, opt_state, grads, lr, diverged_before = captured
    named = unpack(program.columns, run)
    updates, new_state = optimizer.update(grads, opt_state, params, {**named.hparams, "lr": lr})
    if program.modifiers:
        updates = decay_decoupled(updates, params, lr, named.modifiers.decoupled_decay)
    new_params = params + updates
    extras = {
        "loss": exact(params),
        "grad_exact": jax.grad(exact)(params),
        "loss_next": exact(new_params),
        "hessian": jax.hessian(exact)(params) if program.optimizer == "newton" else None,
    }
    states = (opt_state, new_state)
    return params, grads, lr, updates, states, (diverged_before, final[-1]), extras


def _fields(state: Any, steps: bool = False) -> dict[str, np.ndarray]:
    """An optimizer state's fields in float64; with ``steps`` (one row per step) a per-step
    scalar becomes a (T, 1) column, so it broadcasts over the coordinates."""
    fields = {name: np.asarray(value, np.float64) for name, value in state._asdict().items()}
    if steps:
        fields = {name: v[:, None] if v.ndim == 1 else v for name, v in fields.items()}
    return fields


def _state_values(optimizer: str, before: Any, after: Any, hp: Mapping[str, float], lr) -> dict:
    """The optimizer's state around the step, by the names of its update rule (its registry
    entry's ``explain``; without one, the small state fields after the step, under their own
    names)."""
    explain = OPTIMIZERS[optimizer].explain
    if explain is None:
        return {name: value for name, value in _fields(after).items() if value.size <= 4}
    return explain(_fields(before), _fields(after), hp, lr)


def inspect_step(
    surface: SurfaceEntry,
    spec: RunSpec,
    start: Sequence[float],
    k: int,
    steps: int,
    surface_params: Mapping[str, Any] | None = None,
) -> StepInspection:
    r"""Every number of update ``k`` of a run, exactly as :func:`~optim_lab.trajectory.run_many`
    computed it.

    Args:
        surface: the loss surface.
        spec: the run (optimizer, hyper-parameters, schedule, modifiers, seed).
        start: (x, y) start point of the run.
        k: the update to inspect, ``0 <= k < steps`` (update k moves θₖ to θₖ₊₁).
        steps: the run's length; the replay uses its step bucket, so all ``k`` share one program.
        surface_params: overrides of the surface's parameters.

    Returns:
        A :class:`StepInspection` whose ``values`` hold θₖ, f(θₖ), ∇f(θₖ), the gradient used g, α,
        the optimizer's state after the step (``velocity``; ``m``, ``v``, ``m_hat``, ``v_hat``, ``t``;
        ``G``; ``s``; ``u``...), −αg, the update Δθ, θₖ₊₁ and f(θₖ₊₁).

    Raises:
        ValueError: ``k`` out of range, or the run is invalid (see :meth:`RunSpec.resolve`).
    """
    if not 0 <= int(k) < int(steps):
        raise ValueError(f"step must be between 0 and {int(steps) - 1}, got {k}")
    dtype = default_dtype()
    start = _as_start(start, dtype)
    sp = _surface_params(surface, surface_params, dtype)
    program, packed = pack_numbers(surface, [spec], int(steps), dtype=dtype)
    run = jax.tree.map(lambda a: a[0], packed)
    params, grads, lr, updates, (before, after), (diverged_before, diverged_at), extras = _replay(
        program, np.int32(k), start, sp, run
    )
    hparams = unpack(program.columns, run).hparams
    hp = {name: float(value) for name, value in hparams.items()}
    lr = float(lr)
    grads = np.asarray(grads, np.float64)
    updates = np.asarray(updates, np.float64)
    params = np.asarray(params, np.float64)
    theta_next = params + updates
    loss_next = float(extras["loss_next"])
    frozen = int(diverged_before) <= program.steps
    values: dict[str, np.ndarray] = {
        "theta": params,
        "loss": np.float64(extras["loss"]),
        "grad_exact": np.asarray(extras["grad_exact"], np.float64),
        "grad": grads,
        "grad_norm": np.float64(np.linalg.norm(grads)),
        "lr": np.float64(lr),
    }
    if extras["hessian"] is not None:
        hessian = np.asarray(extras["hessian"], np.float64)
        values["hessian_row0"], values["hessian_row1"] = hessian[0], hessian[1]
    values.update(_state_values(spec.optimizer, before, after, hp, lr))
    values["sgd_step"] = -lr * grads
    values["update"] = updates
    values["theta_next"] = theta_next
    values["loss_next"] = np.float64(loss_next)
    diverged = int(diverged_at) == int(k) + 1
    return StepInspection(int(k), spec.optimizer, values, diverged=diverged, frozen=frozen)


def optimizer_symbols(name: str) -> list[str]:
    """The names :func:`inspect_step` reports for the state of optimizer ``name`` (for docs/tests)."""
    return list(OPTIMIZERS[name].quantities)


@partial(jax.jit, static_argnames=("optimizer",))
def _states_along(optimizer: str, params, grads, hp, lr):
    """The optimizer's own update applied to a run's gradients in order: its state before and
    after every step."""
    optimizer_fns = make_optimizer(optimizer)

    def body(state, inputs):
        theta, g, alpha = inputs
        _, new_state = optimizer_fns.update(g, state, theta, {**hp, "lr": alpha})
        return new_state, (state, new_state)

    _, (before, after) = jax.lax.scan(body, optimizer_fns.init(params[0]), (params, grads, lr))
    return before, after


def states_along(traj: Trajectory) -> dict[str, np.ndarray]:
    """The optimizer's state around every step of a run, by the names of its update rule (one row
    per step): the engine's own update replayed on the gradients and learning rates the run used
    (run with ``details``). Second-order methods, whose state depends on the loss itself, are
    inspected a step at a time with :func:`inspect_step`."""
    entry = OPTIMIZERS[traj.spec.optimizer]
    if entry.needs_loss:
        raise ValueError(f"{entry.label}'s state is inspected a step at a time")
    if traj.grads is None:
        raise ValueError("the run was made without details (its gradients were not kept)")
    hp = {name: float(value) for name, value in traj.spec.resolve()[0].items()}
    steps = len(traj.grads)
    padding = [(0, step_bucket(steps) - steps), (0, 0)]  # one program per step bucket
    inputs = (traj.points[:-1], traj.grads, traj.lr.astype(traj.grads.dtype)[:, None])
    params, grads, lr = (np.pad(a, padding) for a in inputs)
    before, after = jax.tree.map(
        lambda a: np.asarray(a)[:steps],
        _states_along(traj.spec.optimizer, params, grads, hp, lr[:, 0]),
    )
    if entry.explain is None:
        return _fields(after, steps=True)
    lr = np.asarray(traj.lr, np.float64)[:, None]
    return entry.explain(_fields(before, steps=True), _fields(after, steps=True), hp, lr)


def step_sizes(traj: Trajectory) -> np.ndarray:
    r"""The step size :math:`a_{t,i}` of every step and coordinate, in
    :math:`\Delta\theta_{t,i} = -a_{t,i}\, d_{t,i}` (the direction :math:`d` is the gradient;
    Adam's :math:`\hat m`; the velocity of momentum methods): the optimizer's ``lr_eff`` where its
    rule scales each coordinate, else the learning rate in every coordinate. Shape ``(T, n)``."""
    values = states_along(traj)
    lr = np.asarray(traj.lr, np.float64)[:, None]
    return np.broadcast_to(values.get("lr_eff", lr), traj.grads.shape).copy()
