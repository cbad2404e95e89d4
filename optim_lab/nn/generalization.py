r"""Generalization helpers shared by the search, ensemble and transfer experiments.

The heart is :func:`fit_batch`: **many small MLPs trained together in one compiled run**. Every
trial has its own initial weights, hyper-parameters (learning rate, λ₁, λ₂, the EWA β of Polyak
averaging, the schedule's parameters), example weights (which training examples it may see) and
parameter mask (which parameters it may change: frozen layers for transfer learning). All of them
are traced and ``jax.vmap``-ed over the trials, so a stage of a search, K ensemble members or the
four transfer strategies share one compiled program. Only the shapes (architecture, number of
trials, data size, steps) and the names (activation, optimizer, schedule) are static. On a CPU the
trials are split into equal groups, two per core, and the cores run the groups at the same time (a
batch of small matrix products runs on one core; a single trial has too little work to split).

One step of trial :math:`i` on the mini-batch :math:`B_t` (weights :math:`w_n \in \{0, 1\}`):

.. math::
    J_i(\theta) = \frac{\sum_{n\in B_t} w_n\,\ell_n(\theta)}{\sum_{n\in B_t} w_n}
        + \lambda_{1,i}\sum|W| + \tfrac{\lambda_{2,i}}{2}\sum W^2,\qquad
    \theta \leftarrow \theta + m_i \odot \mathrm{update}(\nabla J_i, \alpha_{i,t})

Mini-batches and the explosion rule are those of every trainer (:mod:`.training_rules`): a trial
whose cost passes :math:`3\,J_i(\theta_0)` or becomes non-finite is **exploded**: it is frozen
there and its later losses are NaN.

With ``proximal_l1`` the L1 term is not differentiated but applied as a soft-threshold after each
step, :math:`W \leftarrow \mathrm{sign}(W)\max(|W| - \alpha\lambda_1, 0)`: this is what makes
weights *exactly* zero (a subgradient step only makes them oscillate around zero, so with plain
gradients one can only count "near zero", e.g. :math:`|W| < 10^{-3}`).

The rest of the module: validation accuracy vs training-set size and digit augmentation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache, partial
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from ..cpu_tuning import available_cores, equal_pieces, trial_groups
from ..ewa import bias_correct, ewa_update
from ..optimizers import OPTIMIZERS
from ..schedules import SCHEDULES, init_schedule_state, traced_params
from .budget import check_training
from .data import fit_preprocessor, make_dataset
from .losses import LOSSES
from .mlp import (
    Layout,
    apply_mlp,
    flat_value_and_grad,
    flatten_numpy,
    init_mlp,
    layer_sizes,
    layout_of,
    unflatten,
)
from .regularization import elastic_net
from .training_rules import batch_at, epoch_order, iterations_per_epoch, take_step

#: The "exploded" rule: cost above this many times the initial cost.
#: Python-level trace counter of :func:`fit_batch`'s compiled program (a retrace = a recompile).
TRACE_COUNTS = {"fit": 0, "proba": 0}


class BatchSpec(NamedTuple):
    """The static part of a batched run (a different value compiles a new program).

    Attributes:
        layout: the parameter structure (see :func:`optim_lab.nn.mlp.layout_of`).
        activation: hidden activation (registry name).
        optimizer: optimizer registry name (first-order ones).
        schedule: schedule registry name (not ``plateau``).
        steps: training steps (a multiple of ``record_every``).
        record_every: parameters are recorded every this many steps (snapshots).
        batch_size: 0 = full batch, else examples drawn per step (with replacement).
        proximal_l1: apply L1 as a soft-threshold (exact zeros) instead of its subgradient.
    """

    layout: Layout
    activation: str = "relu"
    optimizer: str = "adam"
    schedule: str = "constant"
    steps: int = 200
    record_every: int = 200
    batch_size: int = 0
    proximal_l1: bool = False


@dataclass(frozen=True)
class PreparedData:
    """Preprocessed splits as float32/int32 NumPy arrays (standardized with the training fit)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    n_classes: int
    name: str = ""

    @property
    def n_features(self) -> int:
        return int(self.x_train.shape[1])


def prepare_data(
    dataset: str,
    params: Mapping[str, Any] | None = None,
    seed: int = 0,
    preprocess: str = "standardize",
) -> PreparedData:
    """A registry dataset, split 60/20/20 and preprocessed with the training split's fit.

    Raises:
        ValueError: unknown dataset or invalid parameters (one line).
    """
    ds = make_dataset(dataset, params or {}, seed)
    prep = fit_preprocessor(preprocess, ds.x_train)
    return PreparedData(
        prep.apply(ds.x_train).astype(np.float32),
        ds.y_train.astype(np.int32),
        prep.apply(ds.x_val).astype(np.float32),
        ds.y_val.astype(np.int32),
        prep.apply(ds.x_test).astype(np.float32),
        ds.y_test.astype(np.int32),
        int(ds.n_classes),
        dataset,
    )


def init_many(
    seeds: Sequence[int], sizes: Sequence[int], activation: str = "relu", init: str = "he"
) -> np.ndarray:
    """Flat initial parameter vectors ``(len(seeds), P)``, one network per seed (NumPy, no compile)."""
    check_training(len(seeds), sizes, 0, what=f"{len(seeds)} networks {tuple(sizes)}")
    return np.stack([flatten_numpy(init_mlp(int(s), sizes, activation, init)) for s in seeds])


def layout_for(sizes: Sequence[int], activation: str = "relu") -> Layout:
    """The parameter layout of an MLP with layer ``sizes`` (inputs, hidden..., outputs)."""
    return layout_of(init_mlp(0, sizes, activation, "he"))


def weight_mask(layout: Layout) -> np.ndarray:
    """1 for entries of the flat vector that are weight matrices ``w``, 0 for biases etc."""
    parts = [
        np.full(int(np.prod(shape, dtype=int)), 1.0 if key == "w" else 0.0, np.float32)
        for layer in layout
        for key, shape in layer
    ]
    return np.concatenate(parts)


def layer_mask(layout: Layout, trainable: Sequence[int]) -> np.ndarray:
    """1 for every parameter of the layers whose index is in ``trainable`` (negative = from the end)."""
    n = len(layout)
    keep = {i % n for i in trainable}
    parts = [
        np.full(int(np.prod(shape, dtype=int)), 1.0 if i in keep else 0.0, np.float32)
        for i, layer in enumerate(layout)
        for _, shape in layer
    ]
    return np.concatenate(parts)


def make_trial_hparams(
    n_trials: int,
    optimizer: str = "adam",
    schedule: str = "constant",
    lr: Any = 0.01,
    l1: Any = 0.0,
    l2: Any = 0.0,
    ewa_beta: Any = 0.99,
    avg_start: Any = 0,
    optimizer_params: Mapping[str, Any] | None = None,
    schedule_params: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Traced hyper-parameters, each an array of shape ``(n_trials,)`` (scalars are broadcast).

    Args:
        n_trials: number of trials.
        optimizer: registry name; ``optimizer_params`` override its defaults (validated).
        schedule: registry name; ``schedule_params`` override its defaults (validated).
        lr: base learning rate α₀ (the schedule's ``lr``), scalar or one per trial.
        l1: λ₁ (scalar or per trial).
        l2: λ₂ (scalar or per trial).
        ewa_beta: β of the parameters' EWA (Polyak averaging).
        avg_start: the step from which iterates enter that average.

    Returns:
        ``{"lr", "l1", "l2", "ewa_beta", "avg_start", "opt": {...}, "sched": {...}}`` of float32 NumPy arrays.

    Raises:
        ValueError: invalid names or values (one line).
    """
    entry = SCHEDULES[schedule]
    if entry.needs_loss:
        raise ValueError(f"schedule {schedule!r} reacts to the loss: not supported in batched runs")
    opt = OPTIMIZERS[optimizer]
    if opt.needs_loss:
        raise ValueError(f"optimizer {optimizer!r} needs the loss: not supported in batched runs")
    opt_values = opt.resolve(optimizer_params or {})
    sched = traced_params(schedule, entry.resolve(schedule_params or {}))

    def per_trial(value) -> np.ndarray:
        arr = np.asarray(value, np.float32)
        if arr.ndim == 0:
            return np.full((n_trials,), arr, np.float32)
        if arr.shape != (n_trials,):
            raise ValueError(f"expected {n_trials} values per trial, got shape {arr.shape}")
        return arr

    def tile(value) -> np.ndarray:
        arr = np.asarray(value, np.float32)
        return np.broadcast_to(arr, (n_trials, *arr.shape)).copy()

    lr = per_trial(lr)
    if not np.all(np.isfinite(lr) & (lr > 0)):
        raise ValueError("learning rates must be positive numbers")
    return {
        "lr": lr,
        "l1": per_trial(l1),
        "l2": per_trial(l2),
        "ewa_beta": per_trial(ewa_beta),
        "avg_start": per_trial(avg_start),
        "opt": {k: tile(v) for k, v in opt_values.items() if k != "lr"},
        "sched": {k: tile(v) for k, v in sched.items() if k != "lr"},
    }


def _objective(params, x, y, w, hp, spec: BatchSpec):
    logits, _, _ = apply_mlp(params, x, spec.activation)
    data = LOSSES["cross_entropy"].fn(logits, y, w)
    l1 = 0.0 if spec.proximal_l1 else hp["l1"]
    return data + elastic_net(params, l1, hp["l2"]), data


def _one_trial(flat0, hp, weights, pmask, key, x, y, is_w, *, spec: BatchSpec):
    """Trains one trial (vmapped over trials by :func:`_fit`)."""
    opt = OPTIMIZERS[spec.optimizer].build()
    sched_fn = SCHEDULES[spec.schedule].fn
    sched_state = init_schedule_state(jnp.float32)
    sp = {**hp["sched"], "lr": hp["lr"]}
    ref, _ = _objective(unflatten(flat0, spec.layout), x, y, weights, hp, spec)
    n = x.shape[0]
    grad_fn = flat_value_and_grad(
        lambda p, xb, yb, wb: _objective(p, xb, yb, wb, hp, spec), spec.layout, has_aux=True
    )

    batch = min(spec.batch_size or n, n)
    n_iter = iterations_per_epoch(n, batch)
    if batch < n:  # every epoch's order drawn at once, not by a small draw per step
        epochs = -(-spec.steps // n_iter)
        orders = jax.vmap(lambda e: epoch_order(key, e, n, batch))(jnp.arange(epochs))

    def project(new, lr):  # proximal L1: a soft-threshold on the weights it may change
        shrunk = jnp.sign(new) * jnp.maximum(jnp.abs(new) - lr * hp["l1"], 0.0)
        return jnp.where((is_w * pmask) > 0, shrunk, new)

    if not spec.proximal_l1:
        project = None

    def one_step(carry, t):
        flat, opt_state, avg, n_avg, smooth, exploded_at = carry
        if batch < n:
            idx, mask = batch_at(orders[t // n_iter], t % n_iter, n, batch)
            xb, yb, wb = x[idx], y[idx], weights[idx] if mask is None else weights[idx] * mask
        else:
            xb, yb, wb = x, y, weights
        (total, _), g = grad_fn(flat, xb, yb, wb)
        lr = sched_fn(t.astype(jnp.float32), sp, sched_state)
        live = exploded_at < 0
        step = take_step(
            opt,
            g,
            opt_state,
            flat,
            hp["opt"],
            lr,
            total,
            live=live,
            smooth=smooth,
            initial_cost=ref,
            t=t,
            n=n,
            batch_size=batch,
            mask=pmask,
            project=project,
        )
        ok = step.ok
        flat = jnp.where(ok, step.params, flat)
        opt_state = jax.tree.map(lambda a, b: jnp.where(ok, a, b), step.opt_state, opt_state)
        smooth = step.smooth
        take = ok & (t >= hp["avg_start"])  # Polyak averaging skips the early, poor iterates
        n_avg = n_avg + take
        avg = jnp.where(take, ewa_update(avg, flat, hp["ewa_beta"]), avg)
        exploded_at = jnp.where(step.nonfinite | step.exploded, t, exploded_at)
        record = jnp.where(live, total, jnp.nan), jnp.where(live, lr, jnp.nan)
        return (flat, opt_state, avg, n_avg, smooth, exploded_at), record

    def block(carry, start):
        carry, rec = jax.lax.scan(one_step, carry, start + jnp.arange(spec.record_every))
        return carry, (carry[0], rec)

    carry0 = (
        flat0,
        opt.init(flat0),
        jnp.zeros_like(flat0),
        jnp.zeros((), jnp.int32),
        jnp.zeros((), jnp.float32),
        jnp.full((), -1, jnp.int32),
    )
    starts = jnp.arange(spec.steps // spec.record_every) * spec.record_every
    (flat, _, avg, n_avg, _, exploded_at), (snaps, (loss, lr)) = jax.lax.scan(block, carry0, starts)
    # Polyak average: bias-corrected EWA of the accepted iterates (the start if none were).
    polyak = jnp.where(n_avg > 0, bias_correct(avg, hp["ewa_beta"], jnp.maximum(n_avg, 1)), flat0)
    return {
        "params": flat,
        "polyak": polyak,
        "snapshots": snaps,
        "loss": loss.reshape(-1),
        "lr": lr.reshape(-1),
        "exploded_at": exploded_at,
        "initial_cost": ref,
    }


@partial(jax.jit, static_argnames=("spec",))
def _fit(flat0, hp, weights, pmask, keys, x, y, is_w, *, spec: BatchSpec):
    TRACE_COUNTS["fit"] += 1
    x_axis = None  # the inputs are shared by all trials
    if _first_layer_per_trial(flat0.shape[0], x.shape[1], spec):
        x, x_axis = jnp.broadcast_to(x, (flat0.shape[0], *x.shape)), 0
    fn = jax.vmap(partial(_one_trial, spec=spec), in_axes=(0, 0, 0, 0, 0, x_axis, None, None))
    return fn(flat0, hp, weights, pmask, keys, x, y, is_w)


def _first_layer_per_trial(trials: int, features: int, spec: BatchSpec) -> bool:
    """Whether several trials sharing the whole training set compute their first layer one by one.

    Shared inputs make ``vmap`` compute the first layer of all trials as one product (the inputs
    times every trial's weights side by side), whose result XLA then rearranges trial by trial, and
    the gradient back. With fewer input features than first-layer units the per-trial products
    cost less than those rearrangements (CPU tuning); with more
    (the digits' 64 pixels) the shared product stays."""
    units = spec.layout[0][0][1][1]  # the first layer's weight is (features, units)
    return trials > 1 and not spec.batch_size and features < units


@cache
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(available_cores(), thread_name_prefix="optim-lab-trials")


def fit_batch(
    flat0: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    hp: Mapping[str, Any],
    spec: BatchSpec,
    *,
    weights: np.ndarray | None = None,
    param_mask: np.ndarray | None = None,
    seeds: Sequence[int] | None = None,
    groups: int | None = None,
) -> dict[str, np.ndarray]:
    """Trains T networks together in one compiled, vmapped run.

    Args:
        flat0: initial flat parameters ``(T, P)`` (see :func:`init_many`).
        x: preprocessed training inputs ``(N, D)`` (shared by all trials).
        y: integer labels ``(N,)``.
        hp: traced hyper-parameters from :func:`make_trial_hparams` (arrays of leading size T).
        spec: the static part.
        weights: 0/1 example weights ``(T, N)`` (default: every example for every trial).
        param_mask: 0/1 trainable mask ``(T, P)`` (default: everything trains).
        seeds: mini-batch seeds, one per trial (default ``0..T-1``).
        groups: the trials are split into this many groups, run by a pool of one thread per core
            (default: on a CPU two per available core, so a group's arrays stay in its core's
            cache and a core that finishes early takes the next group; elsewhere 1). The last
            group is padded with copies of the last trial, so every group has the same shape and
            one compiled program serves them all.

    Returns:
        NumPy arrays: ``params`` and ``polyak`` ``(T, P)``, ``snapshots`` ``(T, steps/record_every,
        P)``, ``loss`` and ``lr`` ``(T, steps)`` (NaN after an explosion), ``exploded_at`` ``(T,)``
        (-1 = never) and ``initial_cost`` ``(T,)``.

    Raises:
        ValueError: no trials, or ``steps`` not a positive multiple of ``record_every``.
    """
    flat0 = np.asarray(flat0, np.float32)
    t, p = flat0.shape
    if t < 1:
        raise ValueError("at least one trial is needed")
    if spec.steps < 1 or spec.record_every < 1 or spec.steps % spec.record_every:
        raise ValueError("steps must be a positive multiple of record_every")
    n = len(y)
    check_training(
        t,
        layer_sizes(spec.layout),
        n,
        snapshots=spec.steps // spec.record_every,
        optimizers=[spec.optimizer],
    )
    weights = np.ones((t, n), np.float32) if weights is None else np.asarray(weights, np.float32)
    pmask = (
        np.ones((t, p), np.float32) if param_mask is None else np.asarray(param_mask, np.float32)
    )
    seeds = range(t) if seeds is None else seeds
    keys = np.array([[0, int(s) % (2**32)] for s in seeds], np.uint32)
    if groups is None:
        groups = trial_groups()
    parts = equal_pieces((flat0, hp, weights, pmask, keys), int(groups))
    shared = (jnp.asarray(x, jnp.float32), jnp.asarray(y, jnp.int32), weight_mask(spec.layout))

    def run(part) -> dict[str, np.ndarray]:
        return jax.device_get(_fit(*part, *shared, spec=spec))

    # in threads: dispatched from one thread, XLA:CPU runs these calls one after another
    outs = [run(parts[0])] if len(parts) == 1 else list(_pool().map(run, parts))
    return {k: np.concatenate([o[k] for o in outs])[:t] for k in outs[0]}


@partial(jax.jit, static_argnames=("layout", "activation"))
def _proba_many(flats, x, *, layout: Layout, activation: str):
    TRACE_COUNTS["proba"] += 1

    def one(flat):
        logits, _, _ = apply_mlp(unflatten(flat, layout), x, activation)
        return jax.nn.softmax(logits, axis=-1)

    return jax.vmap(one)(flats)


def proba_many(flats: np.ndarray, x: np.ndarray, layout: Layout, activation: str = "relu"):
    """Class probabilities ``(M, N, K)`` of M flat parameter vectors on inputs ``x`` (test mode)."""
    flats = np.asarray(flats, np.float32)
    lead = flats.shape[:-1]
    flat2 = flats.reshape(-1, flats.shape[-1])
    probs = _proba_many(flat2, np.asarray(x, np.float32), layout=layout, activation=activation)
    probs = np.asarray(probs)
    return probs.reshape(*lead, *probs.shape[1:])


def accuracy(probs: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Accuracy of probabilities ``(..., N, K)`` against labels ``(N,)`` (one value per leading index);
    non-finite probabilities count as wrong."""
    probs = np.nan_to_num(np.asarray(probs), nan=-1.0)
    return np.mean(np.argmax(probs, axis=-1) == np.asarray(y), axis=-1)


# --------------------------------------------------------------------------- more data, augmentation


def size_curve(
    dataset: str = "digits",
    sizes: Sequence[int] = (25, 50, 100, 200, 400, 800),
    hidden: Sequence[int] = (32,),
    steps: int = 300,
    lr: float = 0.01,
    l2: float = 0.0,
    seed: int = 0,
    dataset_params: Mapping[str, Any] | None = None,
) -> dict[str, np.ndarray]:
    """Validation accuracy vs training-set size, every size in one vmapped run (a size is a 0/1
    example weight over the shared training set, so the shapes never change).

    Returns:
        ``{"sizes": (S,), "train_acc": (S,), "val_acc": (S,)}`` (sizes capped at the training set).
    """
    data = prepare_data(dataset, dataset_params, seed)
    n = len(data.y_train)
    sizes = np.array(sorted({min(max(int(s), 1), n) for s in sizes}))
    order = np.random.default_rng(seed).permutation(n)
    weights = np.zeros((len(sizes), n), np.float32)
    for i, s in enumerate(sizes):
        weights[i, order[:s]] = 1.0
    dims = (data.n_features, *hidden, data.n_classes)
    layout = layout_for(dims)
    spec = BatchSpec(layout, steps=steps, record_every=steps)
    hp = make_trial_hparams(len(sizes), lr=lr, l2=l2)
    out = fit_batch(
        init_many([seed] * len(sizes), dims), data.x_train, data.y_train, hp, spec, weights=weights
    )
    train_probs = proba_many(out["params"], data.x_train, layout)
    hits = np.argmax(train_probs, -1) == data.y_train
    train_acc = np.sum(hits * weights, axis=1) / np.sum(weights, axis=1)
    val_acc = accuracy(proba_many(out["params"], data.x_val, layout), data.y_val)
    return {"sizes": sizes, "train_acc": train_acc, "val_acc": val_acc}


def augment_digits(
    x: np.ndarray,
    y: np.ndarray,
    copies: int = 2,
    max_shift: int = 1,
    noise: float = 1.0,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Raw 8×8 digit images plus ``copies`` altered copies of each: shifted by up to ``max_shift``
    pixels (zeros fill the border) and with Gaussian pixel noise of std ``noise`` (pixels 0–16).

    Returns:
        ``(x_aug, y_aug)`` with the originals first.
    """
    x = np.asarray(x, np.float32)
    if x.ndim != 2 or x.shape[1] != 64:
        raise ValueError(f"augment_digits expects (N, 64) 8×8 images, got {x.shape}")
    rng = np.random.default_rng(seed)
    images = x.reshape(-1, 8, 8)
    xs, ys = [x], [np.asarray(y)]
    for _ in range(int(copies)):
        out = np.zeros_like(images)
        for i, img in enumerate(images):
            dy, dx = rng.integers(-max_shift, max_shift + 1, 2)
            shifted = np.roll(img, (dy, dx), axis=(0, 1))
            if dy > 0:
                shifted[:dy] = 0
            elif dy < 0:
                shifted[dy:] = 0
            if dx > 0:
                shifted[:, :dx] = 0
            elif dx < 0:
                shifted[:, dx:] = 0
            out[i] = shifted
        out = out + rng.standard_normal(out.shape).astype(np.float32) * noise
        xs.append(out.reshape(-1, 64))
        ys.append(np.asarray(y))
    return np.concatenate(xs).astype(np.float32), np.concatenate(ys).astype(np.int32)
