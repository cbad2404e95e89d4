r"""Training an MLP in compiled chunks of steps, one run or up to four optimizers side by side.

What a run is, its traced hyper-parameters and its restart key are in :mod:`.training_config`; the
trained network at test time in :mod:`.evaluation`.

A page keeps a :class:`TrainState` and calls :func:`train_chunk` repeatedly: each call is **one**
compiled ``lax.scan`` over ``n_steps`` (static, e.g. 25) steps, so progress can be drawn live.

Static (a change compiles a new program, once): the architecture (widths, batch norm), the dataset
size, the batch size, the chunk length, the names of the activation, loss, schedule and
optimizers, ``eval_every``, and two on/off switches whose *random draws* are costly to compile:
dropout (on when ``dropout < 1``) and gradient noise (on when ``grad_noise > 0``). Every
hyper-parameter *value* is a traced input built by :func:`make_hparams`: learning rate, betas and
every other optimizer setting, the schedule's parameters, λ₁, λ₂, weight decay, clipping, the noise
σ, the dropout keep probability p (any p < 1), the BN momentum, the activation's slope/α and the
early-stopping patience. Changing them never recompiles (a test counts traces with
:data:`TRACE_COUNTS`).

One step :math:`t` (``t = 0, 1, ...``) of a run:

.. math::
    g = \nabla_\theta \big[L_{data}(\theta; B_t) + \lambda_1 \textstyle\sum|W| + \tfrac{\lambda_2}{2}\sum W^2\big]
    \;\to\; \text{noise, clipping, coupled weight decay} \;\to\;
    \theta \leftarrow \theta + \mathrm{update}(g, \alpha_t)

with the mini-batch :math:`B_t` of iteration :math:`i = t \bmod I` of epoch :math:`e = \lfloor t/I\rfloor`,
:math:`I = \lceil N / B\rceil` iterations per epoch (a fresh shuffle every epoch; a short last batch
is padded and masked). ``batch_size=None`` is full-batch gradient descent, 1 is stochastic.

Divergence is data: a step with a non-finite loss or parameters is recorded in ``nonfinite_at``;
one whose loss (full batch: the loss; mini-batch: its bias-corrected running average over about an
epoch) exceeds 3× the initial loss is recorded in ``exploded_at``. Either stops the run there: its
parameters are no longer updated and its later history entries are NaN (so plots show the finite
part and a badge). Early stopping (``patience`` > 0 evaluations without a better validation loss)
stops a run the same way and keeps its best weights.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from ..optimizers import OPTIMIZERS
from ..schedules import SCHEDULES, init_schedule_state, observe_loss
from ..transforms import add_noise, add_weight_decay, clip_by_norm, clip_by_value
from .activations import ACTIVATIONS
from .batchnorm import BN_POSITIONS, init_bn_state
from .budget import check_training
from .data import Dataset, Preprocessor, fit_preprocessor, make_dataset
from .dropout import DROPOUT_MODES
from .history import History
from .init import INITS
from .losses import LOSSES, check_loss_task, output_accuracy, output_size
from .mlp import (
    STAT_KEYS,
    Layout,
    apply_mlp,
    count_params,
    flat_value_and_grad,
    flatten_numpy,
    init_mlp,
    layout_of,
    unflatten,
)
from .regularization import EarlyStopping, early_stopping_init, early_stopping_update, elastic_net
from .training_config import RunSpecLike, TrainConfig, make_hparams, run_labels, runs_of
from .training_rules import batch_at, epoch_order, iterations_per_epoch, take_step

#: Default number of steps per compiled chunk.
CHUNK = 25
#: Newton's exact Hessian is only allowed for networks this small.
NEWTON_MAX_PARAMS = 1500
#: Python-level trace counter of the compiled chunk (a retrace = a recompilation).
TRACE_COUNTS = {"chunk": 0, "init": 0}


class Spec(NamedTuple):
    """The static part of a training run (a different value compiles a new chunk function)."""

    optimizers: tuple[str, ...]
    schedule: str
    activation: str
    loss: str
    batch_size: int
    n_train: int
    dropout_mode: str  # "off" (no dropout layers: keep = 1), "inverted" or "vanilla"
    noise: bool  # gradient noise is drawn (σ > 0)
    eval_every: int
    layout: Layout  # the parameter pytree's structure (runs keep their parameters as one vector)
    bn_position: str = "before"

    @property
    def iterations_per_epoch(self) -> int:
        return iterations_per_epoch(self.n_train, self.batch_size)

    @property
    def full_batch(self) -> bool:
        return self.batch_size >= self.n_train


class Data(NamedTuple):
    x_train: jax.Array
    y_train: jax.Array
    x_val: jax.Array
    y_val: jax.Array
    key: jax.Array  # base PRNG key (raw uint32[2])


class RunState(NamedTuple):
    params: jax.Array  # flat parameter vector (see mlp.flatten)
    opt_state: Any
    bn_state: Any
    sched_state: Any
    early: EarlyStopping  # best_params holds (params, bn_state)
    ref_loss: jax.Array  # the initial loss L0 (full training set) of the 3× rule
    smooth: jax.Array  # EWA of the training objective (3× rule)
    nonfinite_at: jax.Array
    exploded_at: jax.Array
    val_loss: jax.Array
    val_acc: jax.Array
    layer_stats: dict  # the last per-layer statistics (mlp.STAT_KEYS), every eval_every steps


class Carry(NamedTuple):
    step: jax.Array
    perm: jax.Array  # this epoch's shuffled (and padded) example order
    runs: tuple[RunState, ...]


@dataclass(frozen=True)
class TrainState:
    """A training session: static spec, device state, data and the hyper-parameters last used.

    Attributes:
        spec: static part (names, batch size...).
        carry: the device state of every run (parameters, optimizer states, divergence info).
        data: the preprocessed training and validation sets on the device.
        hparams: the traced hyper-parameters of the last chunk.
        config: the configuration it was built from.
        labels: one legend label per run.
        dataset: the raw split dataset (NumPy).
        prep: the preprocessing fit on the training set.
    """

    spec: Spec
    carry: Carry
    data: Data
    hparams: tuple
    config: TrainConfig
    labels: tuple[str, ...]
    dataset: Dataset
    prep: Preprocessor

    @property
    def step(self) -> int:
        """Steps done so far."""
        return int(self.carry.step)

    @property
    def epoch(self) -> float:
        """Epochs done so far (fractional)."""
        return self.step / self.spec.iterations_per_epoch

    def status(self) -> list[dict[str, int | None]]:
        """Per run: ``nonfinite_at``, ``exploded_at``, ``diverged_at`` (the first of the two),
        ``stopped_at`` (early stopping) and ``best_step`` (lowest validation loss so far)."""
        out = []
        for run in jax.device_get(self.carry.runs):
            nonfinite, exploded = _opt_int(run.nonfinite_at), _opt_int(run.exploded_at)
            steps = [s for s in (nonfinite, exploded) if s is not None]
            out.append(
                {
                    "nonfinite_at": nonfinite,
                    "exploded_at": exploded,
                    "diverged_at": min(steps) if steps else None,
                    "stopped_at": _opt_int(run.early.stopped_at),
                    "best_step": _opt_int(run.early.best_step),
                }
            )
        return out

    def params(self, run: int = 0, best: bool = False) -> tuple[Any, Any]:
        """``(params, bn_state)`` of ``run`` as NumPy: the current ones or the best ones
        (lowest validation loss, what early stopping restores)."""
        state = self.carry.runs[run]
        flat, bn = jax.device_get(
            state.early.best_params if best else (state.params, state.bn_state)
        )
        return unflatten(flat, self.spec.layout), bn

    def restore_best(self) -> TrainState:
        """A state whose runs continue from their best weights (early stopping's restore)."""
        runs = tuple(
            r._replace(params=r.early.best_params[0], bn_state=r.early.best_params[1])
            for r in self.carry.runs
        )
        return replace(self, carry=self.carry._replace(runs=runs))


def _opt_int(value) -> int | None:
    value = int(value)
    return None if value < 0 else value


def _check_config(config: TrainConfig, n_train: int) -> None:
    for registry, name in (
        (ACTIVATIONS, config.activation),
        (INITS, config.init),
        (LOSSES, config.loss),
    ):
        registry[name]  # raises the registry's helpful ValueError for unknown names
    if config.bn_position not in BN_POSITIONS:
        raise ValueError(
            f"bn_position must be one of {', '.join(BN_POSITIONS)}, got {config.bn_position!r}"
        )
    if (
        config.batchnorm
        and config.bn_position == "after"
        and ACTIVATIONS[config.activation].pieces > 1
    ):
        raise ValueError("batch norm after maxout is not supported: place it before")
    if config.dropout_mode not in DROPOUT_MODES:
        raise ValueError(
            f"dropout mode must be one of {', '.join(DROPOUT_MODES)}, got {config.dropout_mode!r}"
        )
    if any(int(h) < 1 for h in config.hidden):
        raise ValueError(f"hidden layers need at least one unit each, got {tuple(config.hidden)}")
    if config.batch_size is not None and int(config.batch_size) < 1:
        raise ValueError(f"batch size must be at least 1, got {config.batch_size}")
    if int(config.eval_every) < 1:
        raise ValueError(f"eval_every must be at least 1, got {config.eval_every}")
    if config.batchnorm and (n_train < 2 or config.batch_size == 1):
        raise ValueError("batch norm needs batches of at least 2 examples (batch statistics)")


def init_training(config: TrainConfig, compare: Sequence[RunSpecLike] | None = None) -> TrainState:
    """Builds the dataset, the network (one initialization shared by all runs) and the run states.

    Args:
        config: the configuration.
        compare: up to :data:`MAX_COMPARE` optimizers to train together from the same initial
            weights, with the same mini-batches and dropout masks (``None``: ``config.optimizer``).

    Returns:
        The :class:`TrainState` at step 0.

    Raises:
        ValueError: invalid names or values (one-line message).
    """
    hparams = make_hparams(config, compare)
    runs = runs_of(config, compare)
    dataset = make_dataset(
        config.dataset, config.dataset_params, config.seed, *config.split_fractions()
    )
    n_train = len(dataset.y_train)
    _check_config(config, n_train)
    check_loss_task(config.loss, dataset.task)
    prep = fit_preprocessor(config.preprocess, dataset.x_train, features=tuple(config.features))
    n_out = output_size(config.loss, dataset.n_classes)
    sizes = (prep.matrix.shape[1], *map(int, config.hidden), n_out)
    # evaluation runs on the whole training split
    check_training(len(runs), sizes, n_train, optimizers=[name for name, _ in runs])
    params = init_mlp(
        config.seed,
        sizes,
        config.activation,
        config.init,
        config.init_scale,
        config.batchnorm,
        config.activation_params,
    )
    if any(name == "newton" for name, _ in runs) and count_params(params) > NEWTON_MAX_PARAMS:
        raise ValueError(
            f"Newton's exact Hessian needs a network of at most {NEWTON_MAX_PARAMS} parameters, "
            f"this one has {count_params(params)}"
        )
    batch = n_train if config.batch_size is None else min(int(config.batch_size), n_train)
    spec = Spec(
        tuple(name for name, _ in runs),
        config.schedule,
        config.activation,
        config.loss,
        batch,
        n_train,
        "off" if config.dropout >= 1 else config.dropout_mode,
        config.grad_noise > 0,
        int(config.eval_every),
        layout_of(params),
        config.bn_position,
    )
    data = Data(
        prep.apply(dataset.x_train),
        dataset.y_train,
        prep.apply(dataset.x_val),
        dataset.y_val,
        np.array([0, config.seed % (2**32)], np.uint32),
    )
    data = jax.device_put(data)
    carry = _init_carry(flatten_numpy(params), init_bn_state(params), data, hparams, spec=spec)
    return TrainState(
        spec, carry, data, hparams, config, tuple(run_labels(config, compare)), dataset, prep
    )


def _forward(spec: Spec, hp, params, bn_state, x, *, train, key=None, mask=None, stats=False):
    off = spec.dropout_mode == "off"
    return apply_mlp(
        params,
        x,
        spec.activation,
        train=train,
        key=key,
        dropout=1.0 if off else hp["keep"],
        dropout_mode="inverted" if off else spec.dropout_mode,
        bn_state=bn_state,
        bn_momentum=hp["bn_momentum"],
        act_params=hp["act"],
        mask=mask,
        stats=stats,
        bn_position=spec.bn_position,
    )


def _loss_fn(spec: Spec):
    return LOSSES[spec.loss].fn


def _build_optimizer(name: str, loss_fn: Callable | None = None):
    entry = OPTIMIZERS[name]
    if entry.needs_loss:
        return entry.build(loss_fn or (lambda p: 0.0))
    return entry.build()


@partial(jax.jit, static_argnames=("spec",))
def _init_carry(flat, bn_state, data: Data, hparams, *, spec: Spec) -> Carry:
    TRACE_COUNTS["init"] += 1
    params = unflatten(flat, spec.layout)
    runs = []
    for name, hp in zip(spec.optimizers, hparams, strict=True):
        # L0 of the 3× rule: the objective on the whole training set (batch statistics, no dropout).
        logits, _, _ = apply_mlp(
            params,
            data.x_train,
            spec.activation,
            train=True,
            bn_state=bn_state,
            bn_momentum=hp["bn_momentum"],
            act_params=hp["act"],
            bn_position=spec.bn_position,
        )
        ref = _loss_fn(spec)(logits, data.y_train) + elastic_net(params, hp["l1"], hp["l2"])
        nan = jnp.full((), jnp.nan, jnp.float32)
        never = jnp.full((), -1, jnp.int32)
        runs.append(
            RunState(
                flat,
                _build_optimizer(name).init(flat),
                bn_state,
                init_schedule_state(jnp.float32),
                early_stopping_init((flat, bn_state)),
                ref.astype(jnp.float32),
                jnp.zeros((), jnp.float32),
                never,
                never,
                nan,
                nan,
                {k: jnp.full((len(params) - 1,), jnp.nan, jnp.float32) for k in STAT_KEYS},
            )
        )
    n_pad = spec.iterations_per_epoch * spec.batch_size
    return Carry(
        jnp.zeros((), jnp.int32), jnp.arange(n_pad, dtype=jnp.int32) % spec.n_train, tuple(runs)
    )


def _layer_norms(tree) -> jax.Array:
    return jnp.stack([jnp.sqrt(jnp.sum(jnp.square(layer["w"]))) for layer in tree])


def _step_run(spec: Spec, name: str, run: RunState, hp, batch, keys, t, active, data: Data):
    xb, yb, mask = batch
    drop_key, noise_key = keys
    loss_fn = _loss_fn(spec)
    nan = jnp.float32(jnp.nan)
    live = active & (run.nonfinite_at < 0) & (run.exploded_at < 0) & (run.early.stopped_at < 0)

    # Validation (and early stopping) on the weights of this step, before the update.
    eval_step = t % spec.eval_every == 0
    do_eval = live & eval_step

    def evaluate():
        params = unflatten(run.params, spec.layout)
        logits, _, _ = _forward(spec, hp, params, run.bn_state, data.x_val, train=False)
        return (
            loss_fn(logits, data.y_val).astype(jnp.float32),
            output_accuracy(logits, data.y_val, spec.loss).astype(jnp.float32),
        )

    val_loss, val_acc = jax.lax.cond(do_eval, evaluate, lambda: (run.val_loss, run.val_acc))
    early = early_stopping_update(
        run.early, val_loss, (run.params, run.bn_state), t, hp["patience"], do_eval
    )
    observed = live  # this step's metrics are recorded, even if early stopping ends the run here
    live = live & (early.stopped_at < 0)

    # Per-layer statistics cost more than the rest of a small network's step: with eval_every > 1
    # they come from a separate forward pass (same batch, same dropout masks) every k steps only.
    inline_stats = spec.eval_every == 1

    def forward(params, stats):
        return _forward(
            spec, hp, params, run.bn_state, xb, train=True, key=drop_key, mask=mask, stats=stats
        )

    def objective(params):
        logits, new_bn, aux = forward(params, inline_stats)
        data_loss = loss_fn(logits, yb, mask)
        reg = elastic_net(params, hp["l1"], hp["l2"])
        return data_loss + reg, (data_loss, reg, logits, new_bn, aux)

    (total, (data_loss, reg, logits, new_bn, aux)), grads = flat_value_and_grad(
        objective, spec.layout, has_aux=True
    )(run.params)
    params = unflatten(run.params, spec.layout)
    if inline_stats:
        layer_stats = {k: v.astype(jnp.float32) for k, v in aux.items()}
    else:
        layer_stats = jax.lax.cond(
            eval_step,
            lambda: {k: v.astype(jnp.float32) for k, v in forward(params, True)[2].items()},
            lambda: run.layer_stats,
        )
    # transforms.apply_modifiers' order: noise, clip by norm, clip by value, coupled weight decay
    # (the noise is only compiled in when σ > 0 was asked for: random draws are costly to compile).
    mods = hp["mods"]
    modified = add_noise(grads, noise_key, mods["noise"]) if spec.noise else grads
    modified = clip_by_value(clip_by_norm(modified, mods["clip_norm"]), mods["clip_value"])
    modified = add_weight_decay(modified, run.params, mods["weight_decay"])
    # The schedule is static (like the optimizer): one branch instead of a lax.switch over all of them.
    lr = SCHEDULES[spec.schedule].fn(t.astype(jnp.float32), hp["sched"], run.sched_state)
    opt = _build_optimizer(name, lambda flat: objective(unflatten(flat, spec.layout))[0])
    step = take_step(
        opt,
        modified,
        run.opt_state,
        run.params,
        hp["opt"],
        lr,
        total,
        live=live,
        smooth=run.smooth,
        initial_cost=run.ref_loss,
        t=t,
        n=spec.n_train,
        batch_size=spec.batch_size,
    )
    ok = step.ok

    def pick(new, old):
        return jax.tree.map(lambda a, b: jnp.where(ok, a, b), new, old)

    new_run = RunState(
        pick(step.params, run.params),
        pick(step.opt_state, run.opt_state),
        pick(new_bn, run.bn_state),
        pick(observe_loss(run.sched_state, total, hp["sched"]), run.sched_state)
        if SCHEDULES[spec.schedule].needs_loss
        else run.sched_state,
        early,
        run.ref_loss,
        step.smooth.astype(jnp.float32),
        jnp.where(step.nonfinite, t, run.nonfinite_at).astype(jnp.int32),
        jnp.where(step.exploded, t, run.exploded_at).astype(jnp.int32),
        val_loss,
        val_acc,
        layer_stats,
    )
    w_norms = _layer_norms(params)
    record = {
        "loss": data_loss,
        "reg_loss": reg,
        "train_acc": output_accuracy(logits, yb, spec.loss, mask),
        "val_loss": val_loss,
        "val_acc": val_acc,
        "lr": lr,
        "grad_norm": _layer_norms(unflatten(grads, spec.layout)),
        "update_ratio": _layer_norms(unflatten(step.updates, spec.layout))
        / jnp.maximum(w_norms, 1e-8),
        **layer_stats,
    }
    # A run that has stopped (or diverged before this step) records NaN: plots end there.
    record = {k: jnp.where(observed, v.astype(jnp.float32), nan) for k, v in record.items()}
    return new_run, record


@partial(jax.jit, static_argnames=("spec", "n_steps"))
def _chunk(carry: Carry, data: Data, hparams, until, *, spec: Spec, n_steps: int):
    TRACE_COUNTS["chunk"] += 1
    drop_base = jax.random.fold_in(data.key, 1)
    noise_base = jax.random.fold_in(data.key, 2)
    shuffle_base = jax.random.fold_in(data.key, 3)
    n_iter, b = spec.iterations_per_epoch, spec.batch_size

    def body(carry: Carry, _):
        t = carry.step
        active = t < until
        if spec.full_batch:
            perm = carry.perm
            batch = (data.x_train, data.y_train, None)
        else:
            it = t % n_iter
            perm = jax.lax.cond(
                it == 0,
                lambda: epoch_order(shuffle_base, t // n_iter, spec.n_train, b),
                lambda: carry.perm,
            )
            idx, mask = batch_at(perm, it, spec.n_train, b)
            batch = (data.x_train[idx], data.y_train[idx], mask)
        keys = (jax.random.fold_in(drop_base, t), jax.random.fold_in(noise_base, t))
        # Compare mode: a static Python loop over the optimizers. Each one is compiled once and runs
        # exactly its own update on the shared batch and keys. (vmap over lax.switch would execute
        # every optimizer's branch for every run and force a union of all optimizer states.)
        runs, records = [], []
        for name, run, hp in zip(spec.optimizers, carry.runs, hparams, strict=True):
            new_run, record = _step_run(spec, name, run, hp, batch, keys, t, active, data)
            runs.append(new_run)
            records.append(record)
        return Carry(jnp.where(active, t + 1, t), perm, tuple(runs)), records

    carry, records = jax.lax.scan(body, carry, None, length=n_steps)
    stacked = {k: jnp.stack([r[k] for r in records]) for k in records[0]}
    return carry, stacked


def train_chunk(
    state: TrainState, hparams: tuple | None = None, n_steps: int = CHUNK, until: int | None = None
) -> tuple[TrainState, dict[str, np.ndarray]]:
    """Runs ``n_steps`` more steps of every run in one compiled call.

    Args:
        state: the current state.
        hparams: traced hyper-parameters from :func:`make_hparams` (default: the last ones). New
            values take effect from this chunk on, without recompiling.
        n_steps: steps in the chunk (static: keep it to one or two values).
        until: total step count at which runs stop (steps beyond it leave the state unchanged and
            record NaN): lets :func:`train` reach any count with one chunk size.

    Returns:
        ``(new_state, chunk)``: ``chunk`` maps each history key (see :class:`History`) to a NumPy
        array of shape ``(runs, n_steps, ...)``.
    """
    hparams = state.hparams if hparams is None else hparams
    limit = np.int32(2**31 - 1 if until is None else until)
    carry, records = _chunk(
        state.carry, state.data, hparams, limit, spec=state.spec, n_steps=n_steps
    )
    return replace(state, carry=carry, hparams=hparams), jax.device_get(records)


def train(
    config: TrainConfig,
    steps: int,
    compare: Sequence[RunSpecLike] | None = None,
    chunk: int = 100,
    callback: Callable[[History], None] | None = None,
) -> History:
    """Trains for ``steps`` steps in compiled chunks (for the CLI, tests and scripts).

    Args:
        config: the configuration.
        steps: total steps (any number: the last chunk is cut with ``until``).
        compare: optimizers to train together (see :func:`init_training`).
        chunk: steps per compiled chunk.
        callback: called with the history after every chunk.

    Returns:
        The :class:`History`, with ``status`` and the final ``state``.
    """
    if int(steps) < 1:
        raise ValueError(f"steps must be at least 1, got {steps}")
    state = init_training(config, compare)
    history = History.for_state(state)
    n = min(int(chunk), int(steps))
    while state.step < steps:
        state, records = train_chunk(state, n_steps=n, until=steps)
        history.append(records, limit=steps - history.steps)
        if callback is not None:
            callback(history)
    history.status = state.status()
    history.state = state
    return history
