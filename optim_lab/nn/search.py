r"""Hyper-parameter search: random vs grid over learning rate × regularization, in log space.

Both methods get the same budget of N trials per stage over the box
:math:`\log_{10}\alpha \in [a_0, a_1]`, :math:`\log_{10}\lambda_2 \in [r_0, r_1]`:

- **grid**: :math:`k_1 \times k_2 \le N` evenly spaced log values (:math:`k_1 = \lfloor\sqrt N\rfloor`),
  so each parameter is tried at only about :math:`\sqrt N` distinct values;
- **random**: N points drawn log-uniformly, so each parameter is tried at N distinct values. When
  only one parameter matters (often the learning rate), random search explores it √N times better.

**Coarse → fine**: after a stage, the box shrinks around the best trials (the bounding box of the
best quarter, at least a quarter of the previous width on each axis) and the next stage searches it.

A trial whose cost passes 3× its initial cost is stopped early and marked **exploded**. All trials of
a stage train together in **one** vmapped compiled run (:func:`~optim_lab.nn.generalization.fit_batch`):
the hyper-parameters are traced, so further stages reuse the compiled program.
:func:`search_stage` runs one stage (a pure function of its arguments, so a page can cache stages
one by one and report progress between them); :func:`search` chains the stages.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .budget import check_training
from .generalization import (
    BatchSpec,
    accuracy,
    fit_batch,
    init_many,
    layout_for,
    make_trial_hparams,
    prepare_data,
    proba_many,
)

METHODS = ("random", "grid")
#: Default search box (log10): learning rate and L2 λ.
LR_RANGE = (-4.0, 0.5)
REG_RANGE = (-6.0, 0.0)


@dataclass
class SearchResult:
    """All trials of a search.

    Attributes:
        trials: one dict per trial: ``lr``, ``reg``, ``val_acc``, ``train_loss`` (last finite cost),
            ``stage``, ``exploded`` and ``exploded_at`` (step or None).
        stages: per stage the searched box ``{"lr": (lo, hi), "reg": (lo, hi)}`` (values, not logs).
        method: ``random`` or ``grid``.
        losses: cost curves ``(trials, steps)`` (NaN after an explosion), stages concatenated.
    """

    trials: list[dict[str, Any]]
    stages: list[dict[str, tuple[float, float]]]
    method: str
    losses: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))

    @property
    def best(self) -> dict[str, Any]:
        """The trial with the highest validation accuracy among those that did not explode (ties:
        the lower final cost)."""
        pool = [t for t in self.trials if not t["exploded"]] or self.trials
        return max(pool, key=lambda t: (t["val_acc"], -_finite_or(t["train_loss"], math.inf)))

    def distinct(self, key: str, stage: int | None = None) -> int:
        """How many distinct values of ``lr`` or ``reg`` were tried (in one stage or overall)."""
        values = [t[key] for t in self.trials if stage is None or t["stage"] == stage]
        return len({float(np.float32(v)) for v in values})

    def as_dict(self) -> dict[str, Any]:
        """The CLI's JSON object: ``{"trials": [...], "best": {...}, "stages": [...]}``."""
        return {
            "trials": self.trials,
            "best": self.best,
            "stages": [{k: list(v) for k, v in s.items()} for s in self.stages],
        }


def _finite_or(value, default):
    return value if value is not None and math.isfinite(value) else default


def propose(
    method: str,
    n_trials: int,
    lr_log: tuple[float, float],
    reg_log: tuple[float, float],
    rng: np.random.Generator,
) -> np.ndarray:
    """Trial points ``(n, 2)`` of ``(log10 lr, log10 reg)`` in the box, for one stage.

    Args:
        method: ``random`` (log-uniform) or ``grid`` (``k1 × k2 ≤ n`` evenly spaced values).
        n_trials: the budget N.
        lr_log: the learning rate's log10 range.
        reg_log: the regularization's log10 range.
        rng: NumPy generator (random search).

    Raises:
        ValueError: unknown method or a budget below 1.
    """
    if method not in METHODS:
        raise ValueError(f"method must be random or grid, got {method!r}")
    if n_trials < 1:
        raise ValueError(f"trials must be at least 1, got {n_trials}")
    if method == "random":
        return np.c_[rng.uniform(*lr_log, n_trials), rng.uniform(*reg_log, n_trials)]
    k1 = max(1, math.isqrt(n_trials))
    k2 = max(1, n_trials // k1)

    def axis(lo, hi, k):
        return np.linspace(lo, hi, k) if k > 1 else np.array([(lo + hi) / 2])

    lr, reg = np.meshgrid(axis(*lr_log, k1), axis(*reg_log, k2), indexing="ij")
    return np.c_[lr.ravel(), reg.ravel()]


def narrow(
    points: np.ndarray,
    scores: np.ndarray,
    lr_log: tuple[float, float],
    reg_log: tuple[float, float],
    keep: float = 0.25,
) -> tuple[tuple[float, float], tuple[float, float]]:
    """The next stage's box: the bounding box of the best ``keep`` share of the points (log space),
    padded to at least a quarter of the previous width and clipped to the previous box."""
    order = np.argsort(-np.nan_to_num(scores, nan=-1.0), kind="stable")
    top = points[order[: max(1, math.ceil(keep * len(points)))]]
    out = []
    for j, (lo, hi) in enumerate((lr_log, reg_log)):
        a, b = float(top[:, j].min()), float(top[:, j].max())
        min_w = (hi - lo) / 4
        if b - a < min_w:
            mid = (a + b) / 2
            a, b = mid - min_w / 2, mid + min_w / 2
            shift = max(lo - a, 0.0) - max(b - hi, 0.0)
            a, b = a + shift, b + shift
        out.append((max(a, lo), min(b, hi)))
    return out[0], out[1]


@dataclass
class StageResult:
    """One stage of a search: its box, its trials and the box the next stage will search.

    Attributes:
        stage: index (0 = the coarse stage).
        box: the searched box ``{"lr": (lo, hi), "reg": (lo, hi)}`` (values, not logs).
        points: the proposals ``(n, 2)`` as ``(log10 lr, log10 reg)``.
        trials: one dict per trial (see :class:`SearchResult`).
        losses: cost curves ``(n, steps)`` (NaN after an explosion).
        next_box: the narrowed ``(lr_log, reg_log)`` for the following stage (see :func:`narrow`).
    """

    stage: int
    box: dict[str, tuple[float, float]]
    points: np.ndarray
    trials: list[dict[str, Any]]
    losses: np.ndarray
    next_box: tuple[tuple[float, float], tuple[float, float]]


def _check(trials: int, steps: int, method: str) -> None:
    if not 1 <= int(trials) <= 256:
        raise ValueError(f"trials must be between 1 and 256, got {trials}")
    if not 1 <= int(steps) <= 100_000:
        raise ValueError(f"steps must be between 1 and 100000, got {steps}")
    if method not in METHODS:
        raise ValueError(f"method must be random or grid, got {method!r}")


def search_stage(
    dataset: str = "spiral",
    method: str = "random",
    trials: int = 16,
    stage: int = 0,
    seed: int = 0,
    lr_log: tuple[float, float] = LR_RANGE,
    reg_log: tuple[float, float] = REG_RANGE,
    *,
    steps: int = 200,
    hidden: Sequence[int] = (32, 32),
    optimizer: str = "adam",
    batch_size: int | None = None,
    dataset_params: Mapping[str, Any] | None = None,
) -> StageResult:
    """Proposes and trains one stage of ``trials`` points in the log box, all in one vmapped run.

    The proposals of stage ``s`` come from the generator seeded with ``(seed, s)``, so a stage is
    a pure function of its arguments (the page caches stages one by one). Every trial starts from
    the same initial weights (seeded with ``seed``): only the hyper-parameters differ.

    Args:
        dataset, method, trials, seed, steps, hidden, optimizer, batch_size, dataset_params: as in
            :func:`search`.
        stage: the stage's index.
        lr_log: the learning rate's log10 range.
        reg_log: λ₂'s log10 range.

    Returns:
        A :class:`StageResult`.

    Raises:
        ValueError: invalid input (one line).
    """
    _check(trials, steps, method)
    lr_log = (float(lr_log[0]), float(lr_log[1]))
    reg_log = (float(reg_log[0]), float(reg_log[1]))
    data = prepare_data(dataset, dataset_params, seed)
    sizes = (data.n_features, *map(int, hidden), data.n_classes)
    layout = layout_for(sizes)
    batch = 0 if batch_size is None else min(int(batch_size), len(data.y_train))
    spec = BatchSpec(
        layout, optimizer=optimizer, steps=int(steps), record_every=int(steps), batch_size=batch
    )
    rng = np.random.default_rng([int(seed), int(stage)])
    points = propose(method, int(trials), lr_log, reg_log, rng)
    lr, reg = 10.0 ** points[:, 0], 10.0 ** points[:, 1]
    n = len(points)
    hp = make_trial_hparams(n, optimizer, lr=lr, l2=reg)
    check_training(n, sizes, len(data.y_train), what=f"{n} trials of a network {sizes}")
    init = init_many([seed], sizes)
    out = fit_batch(
        np.repeat(init, n, axis=0), data.x_train, data.y_train, hp, spec, seeds=[seed] * n
    )
    acc = accuracy(proba_many(out["params"], data.x_val, layout), data.y_val)
    trials_out = []
    for i in range(n):
        finite = out["loss"][i][np.isfinite(out["loss"][i])]
        exploded_at = int(out["exploded_at"][i])
        trials_out.append(
            {
                "lr": float(lr[i]),
                "reg": float(reg[i]),
                "val_acc": float(acc[i]),
                "train_loss": float(finite[-1]) if finite.size else None,
                "stage": int(stage),
                "exploded": exploded_at >= 0,
                "exploded_at": exploded_at if exploded_at >= 0 else None,
            }
        )
    scores = np.where(out["exploded_at"] >= 0, -1.0, acc)
    return StageResult(
        int(stage),
        {"lr": _pow10(lr_log), "reg": _pow10(reg_log)},
        points,
        trials_out,
        out["loss"],
        narrow(points, scores, lr_log, reg_log),
    )


def search(
    dataset: str = "spiral",
    method: str = "random",
    trials: int = 16,
    stages: int = 1,
    seed: int = 0,
    *,
    steps: int = 200,
    hidden: Sequence[int] = (32, 32),
    optimizer: str = "adam",
    batch_size: int | None = None,
    lr_range: tuple[float, float] | None = None,
    reg_range: tuple[float, float] | None = None,
    dataset_params: Mapping[str, Any] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SearchResult:
    """Random or grid search over learning rate × L2 λ, in coarse → fine stages.

    Args:
        dataset: registry name (e.g. ``spiral`` or ``digits``).
        method: ``random`` or ``grid``.
        trials: budget per stage (1 to 256).
        stages: number of stages (1 to 5); each narrows the box around the best trials.
        seed: data split, initial weights (shared by all trials) and random proposals.
        steps: training steps per trial.
        hidden: hidden layer widths.
        optimizer: registry name (the searched ``lr`` is its learning rate).
        batch_size: ``None`` = full batch.
        lr_range: learning-rate range as values (default 1e-4 … 3.16).
        reg_range: λ₂ range as values (default 1e-6 … 1).
        dataset_params: dataset overrides (``points``, ``noise``...).
        progress: called as ``progress(stage_done, stages)`` after each stage.

    Returns:
        A :class:`SearchResult`.

    Raises:
        ValueError: invalid input (one line).
    """
    _check(trials, steps, method)
    if not 1 <= int(stages) <= 5:
        raise ValueError(f"stages must be between 1 and 5, got {stages}")
    lr_log = _log_range(lr_range, LR_RANGE, "lr_range")
    reg_log = _log_range(reg_range, REG_RANGE, "reg_range")
    all_trials, boxes, curves = [], [], []
    for stage in range(int(stages)):
        result = search_stage(
            dataset,
            method,
            trials,
            stage,
            seed,
            lr_log,
            reg_log,
            steps=steps,
            hidden=hidden,
            optimizer=optimizer,
            batch_size=batch_size,
            dataset_params=dataset_params,
        )
        boxes.append(result.box)
        all_trials.extend(result.trials)
        curves.append(result.losses)
        lr_log, reg_log = result.next_box
        if progress is not None:
            progress(stage + 1, int(stages))
    return SearchResult(all_trials, boxes, method, np.concatenate(curves))


def _pow10(r: tuple[float, float]) -> tuple[float, float]:
    return float(10.0 ** r[0]), float(10.0 ** r[1])


def _log_range(values, default, name) -> tuple[float, float]:
    if values is None:
        return default
    lo, hi = (float(v) for v in values)
    if not (math.isfinite(lo) and math.isfinite(hi) and 0 < lo < hi):
        raise ValueError(f"{name} must be two positive numbers, low < high, got {values}")
    return math.log10(lo), math.log10(hi)


def compare_methods(
    dataset: str = "spiral", trials: int = 16, seed: int = 0, **kwargs
) -> dict[str, SearchResult]:
    """Random and grid search with the same budget (one stage each), for the side-by-side picture."""
    return {m: search(dataset, m, trials, 1, seed, **kwargs) for m in METHODS}
