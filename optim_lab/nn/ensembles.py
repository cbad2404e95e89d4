r"""Ensembles: K independent models, snapshot ensembles and Polyak averaging.

An ensemble predicts with the **average of its members' class probabilities**,

.. math::  \bar p(y \mid x) = \frac1K \sum_{k=1}^K p_k(y \mid x),

which cancels part of the members' independent errors, so it is usually at least as accurate as
its average member.

- ``independent``: K networks from different initial weights and mini-batch orders (one vmapped run).
- ``snapshot``: one network trained with cosine warm restarts (SGDR, ``warm_restarts``) over K cycles;
  the weights at the end of each cycle (learning rate near its minimum) are the members, for the cost
  of a single training run.
- ``polyak``: Polyak averaging keeps an EWA of the parameters,
  :math:`\bar\theta_t = \beta\bar\theta_{t-1} + (1-\beta)\theta_t` (bias-corrected, via
  :mod:`optim_lab.ewa`), and tests with :math:`\bar\theta` instead of the noisy last iterate
  :math:`\theta_T`: an average in weight space rather than in prediction space.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .generalization import (
    BatchSpec,
    PreparedData,
    accuracy,
    fit_batch,
    init_many,
    layout_for,
    make_trial_hparams,
    prepare_data,
    proba_many,
)
from .mlp import Layout

KINDS = ("independent", "snapshot", "polyak")


@dataclass
class EnsembleResult:
    """The outcome of an ensemble experiment.

    Attributes:
        kind: ``independent``, ``snapshot`` or ``polyak``.
        member_acc: test accuracy of each member (polyak: each run's last iterate).
        ensemble_acc: accuracy of the averaged probabilities (polyak: the mean accuracy of the
            runs' averaged parameters).
        curve: accuracy of the ensemble of the first k members, k = 1 … K (polyak: per run, the
            Polyak-averaged parameters' accuracy).
        members: the members' flat parameters ``(K, P)`` (for decision boundaries).
        lr: learning rate per step of the first run (snapshot: the restarts).
        snapshot_steps: steps at which snapshots were taken (snapshot kind).
        layout: the parameter layout; ``data``: the prepared data set.
    """

    kind: str
    member_acc: list[float]
    ensemble_acc: float
    curve: list[float]
    members: np.ndarray
    lr: np.ndarray
    snapshot_steps: list[int]
    layout: Layout
    data: PreparedData
    polyak: np.ndarray | None = None

    def as_dict(self) -> dict[str, Any]:
        """The CLI's JSON object ``{"member_acc": [...], "ensemble_acc": a, ...}``."""
        out = {
            "kind": self.kind,
            "member_acc": self.member_acc,
            "ensemble_acc": self.ensemble_acc,
            "mean_member_acc": float(np.mean(self.member_acc)),
            "curve": self.curve,
        }
        if self.kind == "snapshot":
            out["snapshot_steps"] = self.snapshot_steps
        if self.kind == "polyak":
            out["polyak_acc"] = self.curve  # per run: the averaged parameters' accuracy
        return out


def ensemble_curve(member_probs: np.ndarray, y: np.ndarray) -> list[float]:
    """Accuracy of the average of the first k members' probabilities, for k = 1 … K."""
    cumulative = (
        np.cumsum(member_probs, axis=0) / np.arange(1, len(member_probs) + 1)[:, None, None]
    )
    return [float(a) for a in accuracy(cumulative, y)]


def log_loss(probs: np.ndarray, y: np.ndarray, eps: float = 1e-7) -> np.ndarray:
    r"""Mean cross-entropy :math:`-\frac1N\sum_n \ln p(y_n \mid x_n)` of probabilities
    ``(..., N, K)`` (one value per leading index; probabilities are clipped at ``eps``)."""
    probs = np.asarray(probs, float)
    y = np.asarray(y)
    picked = np.take_along_axis(probs, y.reshape(*([1] * (probs.ndim - 2)), -1, 1), axis=-1)
    return -np.mean(np.log(np.clip(picked[..., 0], eps, 1.0)), axis=-1)


def ensemble_log_loss_curve(member_probs: np.ndarray, y: np.ndarray) -> list[float]:
    r"""Log-loss of the average of the first k members' probabilities, for k = 1 … K.

    Because :math:`-\ln` is convex, the averaged prediction's log-loss is never above the mean of
    the members' log-losses (Jensen's inequality), whatever the members are.
    """
    cumulative = (
        np.cumsum(member_probs, axis=0) / np.arange(1, len(member_probs) + 1)[:, None, None]
    )
    return [float(v) for v in log_loss(cumulative, y)]


def run_ensemble(
    dataset: str = "spiral",
    members: int = 5,
    kind: str = "independent",
    seed: int = 0,
    *,
    steps: int = 300,
    hidden: Sequence[int] = (32, 32),
    lr: float = 0.01,
    batch_size: int | None = 32,
    ewa_beta: float = 0.99,
    split: str = "test",
    dataset_params: Mapping[str, Any] | None = None,
) -> EnsembleResult:
    """Trains an ensemble of ``members`` networks and scores members and ensemble.

    Args:
        dataset: registry name.
        members: K (1 to 32).
        kind: ``independent``, ``snapshot`` or ``polyak``.
        seed: data split; members use seeds ``seed, seed+1, ...``.
        steps: training steps (snapshot: in total, K cycles of ``steps // K``).
        hidden: hidden widths.
        lr: Adam's learning rate (snapshot: the restarts' α₀).
        batch_size: mini-batch size (``None`` = full batch; mini-batches make the last iterate
            noisy, which Polyak averaging smooths).
        ewa_beta: β of Polyak averaging (iterates of the second half of training are averaged).
        split: where accuracies are measured: ``val`` or ``test``.
        dataset_params: dataset overrides.

    Returns:
        An :class:`EnsembleResult`.

    Raises:
        ValueError: invalid input (one line).
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    if not 1 <= int(members) <= 32:
        raise ValueError(f"members must be between 1 and 32, got {members}")
    if split not in ("val", "test"):
        raise ValueError(f"split must be val or test, got {split!r}")
    k = int(members)
    steps = int(steps)
    if kind == "snapshot":
        steps = max(k, steps - steps % k)
    if not 1 <= steps <= 100_000:
        raise ValueError(f"steps must be between 1 and 100000, got {steps}")
    if not 0 <= ewa_beta < 1:
        raise ValueError(f"ewa_beta must be in [0, 1), got {ewa_beta}")
    data = prepare_data(dataset, dataset_params, seed)
    x_eval, y_eval = getattr(data, f"x_{split}"), getattr(data, f"y_{split}")
    sizes = (data.n_features, *map(int, hidden), data.n_classes)
    layout = layout_for(sizes)
    batch = 0 if batch_size is None else min(int(batch_size), len(data.y_train))
    if kind == "snapshot":
        cycle = steps // k
        spec = BatchSpec(
            layout, schedule="warm_restarts", steps=steps, record_every=cycle, batch_size=batch
        )
        hp = make_trial_hparams(
            1,
            schedule="warm_restarts",
            lr=lr,
            ewa_beta=ewa_beta,
            schedule_params={"t_0": cycle, "t_mult": 1, "lr_min": 0.0},
        )
        out = fit_batch(
            init_many([seed], sizes), data.x_train, data.y_train, hp, spec, seeds=[seed]
        )
        flats = out["snapshots"][0]
        snap_steps = [cycle * (i + 1) for i in range(k)]
        probs = proba_many(flats, x_eval, layout)
        member_acc = [float(a) for a in accuracy(probs, y_eval)]
        return EnsembleResult(
            kind,
            member_acc,
            float(accuracy(probs.mean(0), y_eval)),
            ensemble_curve(probs, y_eval),
            flats,
            out["lr"][0],
            snap_steps,
            layout,
            data,
        )
    seeds = [seed + i for i in range(k)]
    spec = BatchSpec(layout, steps=steps, record_every=steps, batch_size=batch)
    hp = make_trial_hparams(k, lr=lr, ewa_beta=ewa_beta, avg_start=steps // 2)
    out = fit_batch(init_many(seeds, sizes), data.x_train, data.y_train, hp, spec, seeds=seeds)
    probs = proba_many(out["params"], x_eval, layout)
    member_acc = [float(a) for a in accuracy(probs, y_eval)]
    if kind == "polyak":
        polyak_acc = [float(a) for a in accuracy(proba_many(out["polyak"], x_eval, layout), y_eval)]
        return EnsembleResult(
            kind,
            member_acc,
            float(np.mean(polyak_acc)),
            polyak_acc,
            out["params"],
            out["lr"][0],
            [],
            layout,
            data,
            out["polyak"],
        )
    return EnsembleResult(
        kind,
        member_acc,
        float(accuracy(probs.mean(0), y_eval)),
        ensemble_curve(probs, y_eval),
        out["params"],
        out["lr"][0],
        [],
        layout,
        data,
    )


def ensemble_grid(
    result: EnsembleResult, resolution: int = 80, margin: float = 0.1
) -> dict[str, np.ndarray]:
    """Members' and ensemble's class probabilities on a grid over a 2-feature dataset (in the
    preprocessed feature space), for decision-boundary plots.

    Returns:
        ``{"x": (R,), "y": (R,), "members": (K, R, R, C), "ensemble": (R, R, C)}``.
    """
    data = result.data
    if data.n_features != 2:
        raise ValueError(f"decision boundaries need 2 features, {data.name} has {data.n_features}")
    pts = np.concatenate([data.x_train, data.x_val, data.x_test])
    lo, hi = pts.min(0), pts.max(0)
    pad = margin * (hi - lo)
    xs = np.linspace(lo[0] - pad[0], hi[0] + pad[0], int(resolution), dtype=np.float32)
    ys = np.linspace(lo[1] - pad[1], hi[1] + pad[1], int(resolution), dtype=np.float32)
    grid = np.stack(np.meshgrid(xs, ys), -1).reshape(-1, 2)
    probs = proba_many(result.members, grid, result.layout)
    probs = probs.reshape(len(result.members), len(ys), len(xs), -1)
    return {"x": xs, "y": ys, "members": probs, "ensemble": probs.mean(0)}
