r"""What the batch-normalization lesson computes.

- :func:`transform_steps`: the transform on a real mini-batch (μ_B, σ²_B, x̂, y = γx̂ + β), from
  the spiral's examples through a random first layer; ``y`` comes from the engine's
  :func:`~optim_lab.nn.batchnorm.batchnorm_train`, the steps before it are computed here.
- :func:`train_and_test_modes`: a network with batch norm trained with batches of B examples,
  then tested in eval mode (running averages) and in train mode (each test batch's own
  statistics, batches of B); and one example alone vs inside a batch of 64.
- :func:`initialization_spreads`: the 10 × 500 tanh initialization experiment (0.01·randn) without
  and with batch norm: each layer's spread of activations.
- :func:`rate_sweep`: SGD at several learning rates with and without batch norm (each setting's
  rates train side by side in one compiled run).
- :func:`placement_compare`: batch norm before vs after the non-linearity, on the same network.
"""

from __future__ import annotations

import math

import jax
import numpy as np

from ...nn.batchnorm import BN_EPS, BN_POSITIONS, batchnorm_train
from ...nn.data import fit_preprocessor, make_dataset
from ...nn.evaluation import evaluate
from ...nn.init_experiment import init_stats
from ...nn.losses import predictions
from ...nn.mlp import apply_mlp
from ...nn.training import train
from ...nn.training_config import TrainConfig

BATCH_SIZES = (2, 8, 64)
UNITS = 3  # units of the layer whose pre-activations the transform normalizes
RATES = (0.03, 0.3, 1.0, 3.0)
HIDDEN = (32, 32, 32, 32)  # deep enough for the learning rate to matter
MODE_STEPS = 400
MODE_POINTS = 1000  # 200 validation examples: three test batches of 64
RATE_STEPS = 400
PLACEMENT_RATE = 0.3
PLACEMENT_ACTIVATIONS = ("relu", "tanh")
# Only the activations' spread is shown: no backward pass.
INIT_EXPERIMENT = dict(
    layers=10, width=500, samples=1000, activation="tanh", init="normal", scale=0.01, backward=False
)


def transform_steps(batch_size: int, gamma: float, beta: float, seed: int) -> dict[str, np.ndarray]:
    """One mini-batch of spiral examples through a random layer (He init, no bias), normalized.

    Returns ``z`` (m, UNITS), ``mu``, ``var`` (UNITS,), ``z_hat`` and ``y`` (m, UNITS)."""
    data = make_dataset("spiral", {}, seed)
    x = fit_preprocessor("standardize", data.x_train).apply(data.x_train)
    rng = np.random.default_rng(seed)
    batch = x[rng.choice(len(x), int(batch_size), replace=False)].astype(np.float64)
    w = rng.standard_normal((x.shape[1], UNITS)) * math.sqrt(2 / x.shape[1])
    z = batch @ w
    mu = z.mean(axis=0)
    var = ((z - mu) ** 2).mean(axis=0)  # the biased variance, as batch norm
    z_hat = (z - mu) / np.sqrt(var + BN_EPS)
    running = {"mean": np.zeros(UNITS), "var": np.ones(UNITS)}
    scale, shift = np.full(UNITS, gamma), np.full(UNITS, beta)
    y, _ = batchnorm_train(z.astype(np.float32), scale, shift, running, 0.9)
    return {"z": z, "mu": mu, "var": var, "z_hat": z_hat, "y": np.asarray(y, np.float64)}


def _mode_config(batch_size: int, seed: int) -> TrainConfig:
    return TrainConfig(
        dataset="spiral",
        dataset_params={"points": MODE_POINTS},
        hidden=(32, 32),
        batchnorm=True,
        optimizer="adam",
        batch_size=batch_size,
        seed=seed,
        eval_every=10,
    )


def train_and_test_modes(batch_size: int, seed: int) -> dict:
    """Trains with batches of ``batch_size`` and tests both ways.

    Returns ``loss`` (per step), ``eval_acc`` (validation, running averages), ``train_mode_acc``
    (validation in shuffled batches of ``batch_size`` normalized by their own statistics),
    ``alone_gap`` (largest output difference of one example alone vs inside a batch of 64, eval
    mode), ``single_spread`` (spread of the outputs of examples each normalized alone in train
    mode: 0, every example gives the same output) and ``diverged_at``."""
    history = train(_mode_config(batch_size, seed), MODE_STEPS)
    state = history.state
    params, bn = state.params()
    hp = state.hparams[0]
    x = state.prep.apply(state.dataset.x_val).astype(np.float32)
    y = state.dataset.y_val

    def outputs(batch, train):
        logits, _, _ = apply_mlp(
            params, batch, "relu", train=train, bn_state=bn, bn_momentum=hp["bn_momentum"]
        )
        return logits

    order = np.random.default_rng(seed).permutation(len(x))
    usable = len(x) // batch_size * batch_size
    groups = order[:usable].reshape(-1, batch_size)
    train_mode = jax.vmap(lambda batch: outputs(batch, True))(x[groups])
    hits = (
        np.asarray(predictions(train_mode.reshape(usable, -1), "cross_entropy"))
        == y[groups.ravel()]
    )
    first64 = x[:64]
    in_batch = np.asarray(outputs(first64, False))
    alone = np.stack([np.asarray(outputs(first64[i : i + 1], False))[0] for i in range(4)])
    singles = np.asarray(jax.vmap(lambda row: outputs(row[None], True)[0])(first64))
    return {
        "loss": history["loss"][0],
        "eval_acc": evaluate(state, "val")["acc"],
        "train_mode_acc": float(np.mean(hits)),
        "alone_gap": float(np.max(np.abs(alone - in_batch[:4]))),
        "single_spread": float(np.max(np.std(singles, axis=0))),
        "diverged_at": history.status[0]["diverged_at"],
    }


def initialization_spreads(seed: int) -> dict[str, np.ndarray]:
    """:data:`INIT_EXPERIMENT` without and with batch norm: ``plain`` and ``normalized``, the std
    of the activations at each layer."""
    return {
        key: init_stats(**INIT_EXPERIMENT, seed=seed, batchnorm=batchnorm)["std"]
        for key, batchnorm in (("plain", False), ("normalized", True))
    }


def rate_sweep(seed: int) -> dict:
    """SGD at :data:`RATES` with and without batch norm, mini-batches of 32.

    Returns ``rates`` and, per setting (``"bn"``, ``"plain"``), ``val_acc`` (per rate, NaN where
    the run diverged), ``diverged_at`` and ``loss`` (rates, steps)."""
    out: dict = {"rates": np.asarray(RATES)}
    for key, batchnorm in (("plain", False), ("bn", True)):
        config = TrainConfig(
            dataset="spiral",
            hidden=HIDDEN,
            batchnorm=batchnorm,
            optimizer="sgd",
            batch_size=32,
            seed=seed,
            eval_every=20,
        )
        history = train(config, RATE_STEPS, compare=[("sgd", {"lr": lr}) for lr in RATES])
        diverged = [s["diverged_at"] for s in history.status]
        accs = [
            np.nan if d is not None else evaluate(history.state, "val", run=i)["acc"]
            for i, d in enumerate(diverged)
        ]
        out[key] = {"val_acc": np.asarray(accs), "diverged_at": diverged, "loss": history["loss"]}
    return out


def rate_table(sweep: dict) -> list[dict[str, str]]:
    """One row per learning rate: each setting's validation accuracy, or the step it diverged at."""

    def outcome(key: str, i: int) -> str:
        diverged = sweep[key]["diverged_at"][i]
        return (
            f"diverged at step {diverged}"
            if diverged is not None
            else f"{sweep[key]['val_acc'][i]:.1%}"
        )

    return [
        {
            "learning rate": f"{lr:g}",
            "without batch norm": outcome("plain", i),
            "with batch norm": outcome("bn", i),
        }
        for i, lr in enumerate(sweep["rates"])
    ]


def placement_compare(activation: str, seed: int) -> dict:
    """The same network (four hidden layers of 32, SGD at α = 0.3, batches of 32) with batch norm
    before and after each non-linearity: per position ``loss`` (per step) and ``val_acc``."""
    out = {}
    for position in BN_POSITIONS:
        config = TrainConfig(
            dataset="spiral",
            hidden=HIDDEN,
            activation=activation,
            batchnorm=True,
            bn_position=position,
            optimizer="sgd",
            optimizer_params={"lr": PLACEMENT_RATE},
            batch_size=32,
            seed=seed,
            eval_every=20,
        )
        history = train(config, RATE_STEPS)
        out[position] = {
            "loss": history["loss"][0],
            "val_acc": evaluate(history.state, "val")["acc"],
            "diverged_at": history.status[0]["diverged_at"],
        }
    return out
