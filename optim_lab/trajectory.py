r"""Compiled optimization runs on 2D surfaces: one ``lax.scan`` per run, ``vmap`` across runs.

A step, for every run:

.. math:: g_t = \nabla f(\theta_t) \;(\text{or a minibatch gradient}) \to \text{noise, clipping, weight decay}
          \to \theta_{t+1} = \theta_t + \mathrm{update}(g_t, \alpha_t)

Runs of one optimizer (each with its own hyper-parameters, schedule and modifiers) go through one
compiled, vmapped call; a comparison of several optimizers makes one such call per optimizer. The
compiled program depends only on the surface, the optimizer, the set of schedules used, a step
bucket, whether any randomness is drawn and whether clipping or decay is on at all, so moving a
slider changes traced numbers only and never recompiles, and adding an optimizer to a comparison
compiles that optimizer alone (XLA compile time grows with every optimizer fused into one program,
and separate programs stay cached on disk).

Divergence is data: the first step whose loss or parameters are non-finite or beyond
:data:`LOSS_BOUND`/:data:`PARAM_BOUND` is recorded as ``diverged_at`` and the run is frozen there, so
what reaches a plot is always finite.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, partial
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from .expr import Expression
from .optimizers import OPTIMIZERS, make_optimizer
from .programs import per_program
from .schedules import SCHEDULES, init_schedule_state, lr_at, observe_loss, traced_params
from .surfaces import SurfaceEntry
from .transforms import MODIFIER_PARAMS, Modifiers, apply_modifiers, decay_decoupled

# A loss this many times larger than the starting one (or parameters this large) counts as divergence.
LOSS_BOUND = 1e6
PARAM_BOUND = 1e6
# Runs are compiled for a few step counts only and sliced: any step count reuses one of these.
STEP_BUCKETS = (50, 100, 200, 500, 1000, 2000, 5000, 10000)
MAX_STEPS = STEP_BUCKETS[-1]


def step_bucket(steps: int) -> int:
    """The compiled length that covers ``steps`` (the smallest bucket ≥ steps)."""
    if not 1 <= steps <= MAX_STEPS:
        raise ValueError(f"steps must be between 1 and {MAX_STEPS}, got {steps}")
    return STEP_BUCKETS[bisect.bisect_left(STEP_BUCKETS, steps)]


@dataclass(frozen=True)
class RunSpec:
    """One run as a user describes it: names and overrides, validated by :meth:`resolve`.

    Args:
        optimizer: registry name.
        hparams: optimizer hyper-parameter overrides (``{"lr": 0.1}``).
        schedule: schedule name; its base ``lr`` is the optimizer's unless ``schedule_params`` sets it.
        schedule_params: schedule parameter overrides.
        modifiers: ``clip_norm``, ``clip_value``, ``weight_decay`` (coupled), ``noise`` (σ),
            ``l1`` (coupled), ``decoupled_decay`` (AdamW's, for any optimizer).
        seed: seeds gradient noise and minibatch sampling.
        label: legend text (defaults to the optimizer's label).
    """

    optimizer: str
    hparams: Mapping[str, Any] = field(default_factory=dict)
    schedule: str = "constant"
    schedule_params: Mapping[str, Any] = field(default_factory=dict)
    modifiers: Mapping[str, Any] = field(default_factory=dict)
    seed: int = 0
    label: str = ""

    def resolve(self) -> tuple[dict, dict, dict]:
        """Validated (optimizer hparams, schedule params, modifiers); raises ``ValueError``."""
        if not 0 <= self.seed < 2**32:
            raise ValueError(
                f"seed must be a whole number between 0 and 2**32 - 1, got {self.seed}"
            )
        hp = OPTIMIZERS[self.optimizer].resolve(self.hparams)
        schedule = SCHEDULES[self.schedule]
        sp_overrides = dict(self.schedule_params)
        if "lr" in schedule.defaults() and "lr" not in sp_overrides:
            sp_overrides["lr"] = hp["lr"]
        sp = schedule.resolve(sp_overrides)
        mods = {p.name: p.default for p in MODIFIER_PARAMS}
        for key, value in self.modifiers.items():
            matches = [p for p in MODIFIER_PARAMS if p.name == key]
            if not matches:
                known = ", ".join(p.name for p in MODIFIER_PARAMS)
                raise ValueError(f"unknown modifier {key!r} (known: {known})")
            mods[key] = matches[0].validate(value)
        return hp, sp, mods

    @property
    def display_label(self) -> str:
        return self.label or OPTIMIZERS[self.optimizer].label


class PackedRuns(NamedTuple):
    """Traced description of a batch of runs of one optimizer (leading axis = run)."""

    hparams: dict[str, np.ndarray]
    sched_index: np.ndarray
    sched_params: dict[str, np.ndarray]
    modifiers: Modifiers
    seed: np.ndarray


# A column of the packed numbers: (PackedRuns field, name, width).
Column = tuple[str, str, int]


@dataclass(frozen=True)
class Program:
    """What a compiled batch depends on (everything else is traced): the surface, the optimizer,
    which schedules appear, the compiled step count and whether any run draws random numbers."""

    surface: SurfaceEntry
    optimizer: str
    schedules: tuple[str, ...]
    steps: int
    stochastic: bool
    details: bool = True  # also return each step's gradient and update (costs time in the loop)
    modifiers: bool = True  # apply clipping/decay (False only where every run has them all off)
    columns: tuple[Column, ...] = ()  # layout of the packed numbers


class PackedNumbers(NamedTuple):
    """A batch of runs as three arrays (one transfer each): every float of every run side by side
    in ``numbers`` (one row per run, columns as in :attr:`Program.columns`), plus the integers."""

    numbers: np.ndarray
    sched_index: np.ndarray
    seed: np.ndarray


@cache
def _offsets(columns: tuple[Column, ...]) -> dict[tuple[str, str], int]:
    widths = [width for _, _, width in columns]
    starts = np.cumsum([0, *widths[:-1]])
    return {(g, name): int(start) for (g, name, _), start in zip(columns, starts, strict=True)}


def column_of(columns: tuple[Column, ...], group: str, name: str) -> int:
    """Where ``group``'s ``name`` starts in the packed numbers."""
    return _offsets(columns)[group, name]


def unpack(columns: tuple[Column, ...], packed: PackedNumbers) -> PackedRuns:
    """The named view of packed numbers (NumPy or traced: column slices, no copies)."""
    groups: dict[str, dict[str, Any]] = {"hparams": {}, "sched_params": {}, "modifiers": {}}
    for group, name, width in columns:
        i = column_of(columns, group, name)
        groups[group][name] = (
            packed.numbers[..., i] if width == 1 else packed.numbers[..., i : i + width]
        )
    return PackedRuns(
        groups["hparams"],
        packed.sched_index,
        groups["sched_params"],
        Modifiers(**groups["modifiers"]),
        packed.seed,
    )


def pack_numbers(
    surface: SurfaceEntry, specs: Sequence[RunSpec], steps: int, details: bool = True, dtype=None
) -> tuple[Program, PackedNumbers]:
    """Validates runs of one optimizer and packs their numbers into one array (rows = runs).

    Every run carries every schedule's parameter names, so runs with different schedules batch
    together. Returns the static :class:`Program` and the traced :class:`PackedNumbers`.
    """
    optimizers = {s.optimizer for s in specs}
    if len(optimizers) != 1:
        raise ValueError(f"pack_numbers takes runs of one optimizer, got {sorted(optimizers)}")
    if isinstance(surface.fn, Expression):
        surface.fn.check_size(2 if OPTIMIZERS[next(iter(optimizers))].needs_loss else 1)
    rows, columns = [], None
    for spec in specs:
        hp, sp, mods = spec.resolve()
        sp = traced_params(spec.schedule, sp)
        if columns is None:
            columns = (
                *(("hparams", name, 1) for name in hp),
                *(("sched_params", name, np.size(value)) for name, value in sp.items()),
                *(("modifiers", name, 1) for name in mods),
            )
        row = list(hp.values())
        for value in sp.values():
            if isinstance(value, np.ndarray):
                row.extend(value.tolist())
            else:
                row.append(value)
        row.extend(mods.values())
        rows.append(row)
    schedules = tuple(sorted({s.schedule for s in specs}))
    packed = PackedNumbers(
        numbers=np.array(rows, dtype=dtype or np.float64),
        sched_index=np.array([schedules.index(s.schedule) for s in specs], dtype=np.int32),
        seed=np.array([s.seed for s in specs], dtype=np.uint32),
    )
    modifiers = packed.numbers[:, [column_of(columns, "modifiers", m) for m in Modifiers._fields]]
    noise = modifiers[:, Modifiers._fields.index("noise")]
    stochastic = surface.minibatch_fn is not None or bool(np.any(noise > 0))
    program = Program(
        surface,
        specs[0].optimizer,
        schedules,
        step_bucket(steps),
        stochastic,
        details,
        # Clipping and decay cost a third of a step: a batch without them compiles without them
        # (once; moving their sliders afterwards changes numbers only).
        modifiers=bool(np.any(modifiers > 0)),
        columns=columns,
    )
    return program, packed


def _surface_params(surface: SurfaceEntry, overrides, dtype) -> dict[str, np.ndarray]:
    return {k: np.asarray(v, dtype) for k, v in surface.resolve(overrides).items()}


def _objective(surface: SurfaceEntry, surface_params):
    """(exact loss, loss whose gradient drives the run)."""

    def exact(xy):
        return surface.fn(xy, surface_params)

    if surface.minibatch_fn is None:
        return exact, lambda xy, key: exact(xy)
    return exact, lambda xy, key: surface.minibatch_fn(xy, surface_params, key)


class StepOut(NamedTuple):
    params: jax.Array
    loss: jax.Array
    lr: jax.Array
    grad: jax.Array | None
    update: jax.Array | None


def _healthy(loss, params, loss0):
    """False once the loss or the parameters are non-finite or beyond the bounds (NaN compares
    False, so it needs no separate test)."""
    ok = jnp.abs(loss) <= LOSS_BOUND * (1 + jnp.abs(loss0))
    for coordinate in params:  # a 2-vector: elementwise tests fuse, a reduction would not
        ok &= jnp.abs(coordinate) <= PARAM_BOUND
    return ok


def _inside_loop(tree, t):
    """``tree``'s numbers, unchanged (+ 0·t), as values of loop step ``t``.

    XLA hoists arithmetic on loop-invariant numbers (1 − β, cos φ, …) out of a loop as separate
    small kernels, which its CPU runtime then runs concurrently on a thread pool: for a short run
    that hand-off costs more than the whole loop. Inside the loop they fuse into the step's
    kernels at no cost.
    """
    zero = t.astype(jnp.float32) * 0.0  # XLA never folds x·0 for floats (NaN, ∞): this stays
    return jax.tree.map(
        lambda a: a + zero.astype(a.dtype) if jnp.issubdtype(a.dtype, jnp.floating) else a, tree
    )


def _stepper(
    program: Program, start, surface_params, run, lr_override=None, freeze=True, hoist=False
):
    """The initial carry and the scan body of one run (``run``: its row of packed numbers).

    The carry holds ``diverged_at``: the first step whose result is not healthy (``steps + 1``
    while the run is healthy). With ``freeze`` the run stops at its last finite point in the loop;
    without it the loop runs on (cheaper: no select over the whole state each step) and the caller
    discards what follows ``diverged_at``. Either way the schedule's state stops reacting to the
    loss at the divergence. A program with no randomness draws no random numbers.

    With ``hoist`` what depends only on the run's numbers (1 − β, cos φ, …) is computed once
    before the loop (right for large batches: sweeps); without it, inside the loop (see
    :func:`_inside_loop`: right for a few runs, which then compile to one short program).
    """
    steps = program.steps
    reacts_to_loss = any(SCHEDULES[name].needs_loss for name in program.schedules)
    exact0, _ = _objective(program.surface, surface_params)
    loss0 = exact0(start)

    def named(numbers, surface_params):
        """The run's numbers by name and the surface's (exact, sampled) losses."""
        packed = run._replace(numbers=numbers)
        return unpack(program.columns, packed), _objective(program.surface, surface_params)

    outside = named(run.numbers, surface_params) if hoist else None

    def step(carry, t):
        params, loss, states, sched_state, diverged_at = carry
        (hp, sched_index, sp, mods, seed), (exact, sampled) = outside or named(
            *_inside_loop((run.numbers, surface_params), t)
        )
        optimizer = make_optimizer(program.optimizer, exact)
        if program.stochastic:
            grad_key, noise_key = jax.random.split(jax.random.fold_in(jax.random.key(seed), t))
            grads = apply_modifiers(jax.grad(sampled)(params, grad_key), params, mods, noise_key)
        elif program.modifiers:
            grads = apply_modifiers(jax.grad(exact)(params), params, mods, None)
        else:
            grads = jax.grad(exact)(params)
        if lr_override is None:
            lr = lr_at(sched_index, t, sp, sched_state, program.schedules)
        else:
            lr = lr_override[t]
        updates, new_states = optimizer.update(grads, states, params, {**hp, "lr": lr})
        if program.modifiers:
            updates = decay_decoupled(updates, params, lr, mods.decoupled_decay)
        new_params = params + updates
        new_loss = exact(new_params)
        was_healthy = diverged_at > steps
        healthy = was_healthy & _healthy(new_loss, new_params, loss0)
        diverged_at = jnp.where(was_healthy & ~healthy, t + 1, diverged_at)
        if reacts_to_loss:
            observed = observe_loss(sched_state, new_loss, sp)
            sched_state = jax.tree.map(partial(jnp.where, healthy), observed, sched_state)
        if freeze:
            keep = partial(jax.tree.map, partial(jnp.where, healthy))
            updates = keep(updates, jnp.zeros_like(updates))
            params, loss, states = (
                keep(new_params, params),
                keep(new_loss, loss),
                keep(new_states, states),
            )
        else:
            params, loss, states = new_params, new_loss, new_states
        if program.details:
            out = StepOut(params, loss, lr, grads, updates)
        else:
            out = StepOut(params, loss, lr, None, None)
        return (params, loss, states, sched_state, diverged_at), out

    carry = (
        start,
        loss0,
        make_optimizer(program.optimizer, exact0).init(start),
        init_schedule_state(start.dtype),
        jnp.asarray(steps + 1),
    )
    return carry, step


def _single_run(program: Program, start, surface_params, run, lr_override=None, freeze=True):
    """Scans one run: per-step outputs (no lr when it is constant) and ``diverged_at``
    (``steps + 1`` when it never diverged). Each step writes its outputs as one short vector: the
    fewer bytes a step touches, the likelier XLA:CPU compiles the whole loop into one kernel (see
    :data:`optim_lab.cpu_tuning.SMALL_LOOP_BYTES`)."""
    carry, step = _stepper(program, start, surface_params, run, lr_override, freeze)
    constant_lr = lr_override is None and program.schedules == ("constant",)

    def outputs(out: StepOut):
        return out._replace(lr=None if constant_lr else out.lr)

    def body(carry_t, _):
        carry, t = carry_t
        carry, out = step(carry, t)
        row = jnp.concatenate([jnp.ravel(leaf) for leaf in jax.tree.leaves(outputs(out))])
        return (carry, t + 1), row

    t0 = jnp.zeros((), jnp.int32)
    _, out0 = jax.eval_shape(step, carry, t0)
    leaves0, treedef = jax.tree.flatten(outputs(out0))
    (carry, _), rows = jax.lax.scan(body, (carry, t0), None, length=program.steps)
    ends = np.cumsum([leaf.size for leaf in leaves0])
    leaves = [
        rows[:, end - leaf.size : end].reshape(program.steps, *leaf.shape)
        for leaf, end in zip(leaves0, ends, strict=True)
    ]
    return jax.tree.unflatten(treedef, leaves), carry[-1]


@per_program
def _run_batch(program: Program, start, surface_params, packed: PackedNumbers):
    outs, diverged_at = jax.vmap(
        lambda run: _single_run(program, start, surface_params, run, freeze=False)
    )(packed)
    return outs, diverged_at, program.surface.fn(start, surface_params)


def _hold_after(values: np.ndarray, index: int) -> np.ndarray:
    """``values`` with every row from ``index`` on replaced by row ``index − 1``."""
    values[index:] = values[index - 1]
    return values


@dataclass
class Trajectory:
    """One run's result, NumPy, finite everywhere.

    ``points`` has ``steps + 1`` rows (start first) and ``loss`` one value per point; ``lr``,
    ``grads`` and ``updates`` one row per step. After a divergence the run is frozen at its last
    finite point; ``finite_points`` is the part to draw.
    """

    spec: RunSpec
    points: np.ndarray
    loss: np.ndarray
    lr: np.ndarray
    grads: np.ndarray | None  # None when run with details=False
    updates: np.ndarray | None
    diverged_at: int | None

    @property
    def label(self) -> str:
        return self.spec.display_label

    @property
    def finite_points(self) -> np.ndarray:
        end = len(self.points) if self.diverged_at is None else self.diverged_at
        return self.points[:end]

    def escaped_downhill(self, bottomless: bool) -> bool:
        """Whether the run stopped because it ran away downhill on a surface with no bottom (a
        saddle): no failure, unlike a divergence."""
        return (
            bottomless
            and self.diverged_at is not None
            and self.loss[self.diverged_at - 1] < self.loss[0]
        )

    def to_dict(self) -> dict[str, Any]:
        """The CLI/JSON contract: points, loss, lr, diverged_at."""
        return {
            "points": plain_floats(self.points),
            "loss": plain_floats(self.loss),
            "lr": plain_floats(self.lr),
            "diverged_at": self.diverged_at,
        }


def plain_floats(values: np.ndarray) -> list:
    """Nested lists of floats, float32 values written as their shortest repr (0.1, not 0.100000001)."""
    if values.dtype == np.float32:
        return values.astype(str).astype(np.float64).tolist()
    return values.tolist()


def _as_start(start, dtype) -> np.ndarray:
    given = np.asarray(start, dtype=np.float64).reshape(-1)
    shown = ", ".join(f"{v:g}" for v in given[:4])
    if given.shape != (2,) or not np.all(np.isfinite(given)):
        raise ValueError(f"start must be two finite numbers x,y, got {shown}")
    largest = float(np.finfo(dtype).max)
    if np.any(np.abs(given) > largest):
        raise ValueError(
            f"start must be within ±{largest:.3g} in {np.dtype(dtype).name}, got {shown}"
        )
    return given.astype(dtype)


def default_dtype():
    return jnp.float64 if jax.config.jax_enable_x64 else jnp.float32


def run_many(
    surface: SurfaceEntry,
    specs: Sequence[RunSpec],
    start,
    steps: int,
    surface_params: Mapping[str, Any] | None = None,
    details: bool = True,
) -> list[Trajectory]:
    """Runs every spec from ``start`` for ``steps`` steps: one compiled, vmapped call per optimizer.

    Args:
        surface: the loss surface (a registry entry or a user formula's entry).
        specs: the runs, each with its own optimizer, hyper-parameters, schedule and modifiers.
        start: (x, y) shared by all runs.
        steps: number of updates (1 … :data:`MAX_STEPS`).
        surface_params: overrides of the surface's parameters (κ, batch size…).
        details: also return each step's gradient and update (``False`` runs several times
            faster when only the path is needed).

    Returns:
        One :class:`Trajectory` per spec, in order.
    """
    dtype = default_dtype()
    start = _as_start(start, dtype)
    sp = _surface_params(surface, surface_params, dtype)
    if not specs:
        return []
    results: list[Trajectory | None] = [None] * len(specs)
    # Every optimizer's batch is dispatched before any is awaited: on a multi-core CPU they run
    # side by side.
    batches = []
    for optimizer in dict.fromkeys(s.optimizer for s in specs):  # first-seen order
        group = [i for i, s in enumerate(specs) if s.optimizer == optimizer]
        program, packed = pack_numbers(surface, [specs[i] for i in group], steps, details, dtype)
        batches.append((group, program, packed, _run_batch(program, start, sp, packed)))
    for group, program, packed, (outs, diverged, loss0) in batches:
        outs = jax.tree.map(lambda x: np.asarray(x)[:, :steps], outs)
        if outs.lr is None:
            lr_column = packed.numbers[:, column_of(program.columns, "sched_params", "lr")]
            outs = outs._replace(lr=np.repeat(lr_column[:, None], steps, axis=1))
        diverged, loss0 = np.asarray(diverged), np.asarray(loss0)
        if not np.isfinite(loss0):
            raise ValueError(
                f"the loss at the start ({start[0]:g}, {start[1]:g}) is {loss0}: "
                "choose a start inside the surface's domain"
            )
        for row, i in enumerate(group):
            points = np.vstack([start, outs.params[row]])
            loss = np.concatenate([loss0[None], outs.loss[row]])
            grads = updates = None
            if program.details:
                grads, updates = outs.grad[row].copy(), outs.update[row].copy()
            diverged_at = int(diverged[row]) if diverged[row] <= steps else None
            if diverged_at is not None:  # frozen at the last healthy point from there on
                points, loss = _hold_after(points, diverged_at), _hold_after(loss, diverged_at)
                if program.details:
                    grads = _hold_after(grads, diverged_at)
                    updates[diverged_at - 1 :] = 0.0
            results[i] = Trajectory(
                spec=specs[i],
                points=points,
                loss=loss,
                lr=outs.lr[row],
                grads=grads,
                updates=updates,
                diverged_at=diverged_at,
            )
    return results


def run(
    surface: SurfaceEntry, spec: RunSpec, start, steps: int, surface_params=None, details=True
) -> Trajectory:
    """A single run (see :func:`run_many`)."""
    return run_many(surface, [spec], start, steps, surface_params, details)[0]


# ------------------------------------------------------------------------------------------------
# The loss at given points


@partial(jax.jit, static_argnames=("surface",))
def _losses(surface: SurfaceEntry, points, surface_params):
    return jax.vmap(lambda xy: surface.fn(xy, surface_params))(points)


def losses_at(
    surface: SurfaceEntry,
    points: Sequence[Sequence[float]],
    surface_params: Mapping[str, Any] | None = None,
) -> np.ndarray:
    """The exact loss at each of ``points`` (e.g. the surface's known minima), as NumPy.

    One compiled call per surface and number of points; parameter values are traced.
    """
    dtype = default_dtype()
    pts = np.asarray(points, dtype=dtype).reshape(-1, 2)
    if not len(pts):
        return np.zeros(0)
    sp = _surface_params(surface, surface_params, dtype)
    return np.asarray(_losses(surface, pts, sp), np.float64)


# ------------------------------------------------------------------------------------------------
# Runs measured against the surface's minimum

# Lowered by this fraction of max(1, |f*|) so that a run sitting on the minimum still has a positive
# gap (float precision, not a hole in a log plot).
LOSS_FLOOR_MARGIN = 1e-7


def best_known_loss(
    surface: SurfaceEntry,
    surface_params: Mapping[str, Any] | None = None,
    trajectories: Iterable[Any] = (),
    margin: float = LOSS_FLOOR_MARGIN,
) -> float | None:
    r"""The reference of "loss − minimum" plots: the best loss known for these parameters.

    .. math:: f_b = \min\Big(\min_{m \in \text{listed minima}} f(m; p),
              \min_{\text{runs},\,t} f(\theta_t)\Big),\qquad
              f^\ast = f_b - \delta\,\max(1, |f_b|)

    The surface's minima are listed for its default parameters, so the loss there is evaluated
    at the *current* parameters ``p`` and lowered to the best finite loss any run reached: with
    Rosenbrock's ``a ≠ 1`` the listed (1, 1) is no longer the minimum (that is (a, a²)), and
    whatever a run finds below it becomes the reference. The margin δ keeps a converged run's
    gap positive (it reads as float precision on a log axis).

    Args:
        surface: the surface.
        surface_params: overrides of its parameters.
        trajectories: runs on it (objects with ``loss`` and ``finite_points``, such as
            :class:`~optim_lab.trajectory.Trajectory`); only their finite part counts.
        margin: δ, the relative margin below the best loss (0 for the best loss itself).

    Returns:
        :math:`f^\ast`, or ``None`` for a surface with no listed minima (a saddle, a user
        formula): its loss has no known bottom.
    """
    if not surface.minima:
        return None
    candidates = [losses_at(surface, surface.minima, surface_params)]
    for traj in trajectories:
        candidates.append(np.asarray(traj.loss, np.float64)[: len(traj.finite_points)])
    values = np.concatenate([np.ravel(c) for c in candidates])
    values = values[np.isfinite(values)]
    if not values.size:
        return None
    best = float(values.min())
    return best - margin * max(1.0, abs(best))


def steps_to_tolerance(
    loss: np.ndarray, minimum: float, tol: float, diverged_at: int | None = None
) -> int | None:
    """The first step whose loss is within ``tol`` of ``minimum`` (``None``: never, or only after
    diverging). ``loss[0]`` is the start, so a run that starts converged takes 0 steps."""
    loss = np.asarray(loss, dtype=np.float64)
    end = len(loss) if diverged_at is None else min(len(loss), diverged_at)
    hits = np.nonzero(loss[:end] - minimum <= tol)[0]
    return int(hits[0]) if hits.size else None
