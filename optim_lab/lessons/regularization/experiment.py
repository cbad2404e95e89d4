r"""Experiments of the regularization lesson: a λ sweep of weight penalties, dropout's keep
probability, early stopping on a recorded validation curve, and digit augmentation.

Every experiment trains all of its variants together (one vmapped :func:`fit_batch` call, or one
compare-mode :func:`~optim_lab.nn.training.train_chunk` loop) and returns NumPy arrays only.

The penalized objective of the λ sweep (full-batch gradient descent, proximal step for L1):

.. math::
    J(\theta) = \frac1N\sum_n \ell_n(\theta) + \lambda_1 \sum|W| + \tfrac{\lambda_2}{2}\sum W^2,
    \qquad (\lambda_1, \lambda_2) = (0, \lambda),\ (\lambda, 0)\ \text{or}\ (\tfrac\lambda2, \tfrac\lambda2)

for L2, L1 and the elastic net. One gradient step on the penalty alone moves a weight by
:math:`-\alpha\lambda w` (L2: proportional, it never reaches 0) or by :math:`-\alpha\lambda\,
\mathrm{sign}(w)` (L1: constant; the soft-threshold sets it to exactly 0 once :math:`|w| \le
\alpha\lambda`).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ...nn.data import fit_preprocessor, make_dataset
from ...nn.dropout import dropout_train
from ...nn.evaluation import evaluate
from ...nn.generalization import (
    BatchSpec,
    accuracy,
    fit_batch,
    init_many,
    layout_for,
    make_trial_hparams,
    proba_many,
    weight_mask,
)
from ...nn.history import History
from ...nn.training import init_training, train, train_chunk
from ...nn.training_config import TrainConfig

PENALTIES = ("l2", "l1", "elastic")
#: λ values of the sweep (0 = no penalty); the page's slider picks one of them.
SWEEP_LAMBDAS = (0.0, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1)
#: The noisy spiral every 2-D experiment of the lesson uses (few training points, large network:
#: it overfits without help). Half of the points are kept for validation so its accuracy is smooth.
SPIRAL = {"points": 300, "noise": 0.5}
VAL_FRACTION, TEST_FRACTION = 0.45, 0.1


def _split(seed: int, dataset: str = "spiral", params: dict | None = None):
    ds = make_dataset(dataset, params or SPIRAL, seed, VAL_FRACTION, TEST_FRACTION)
    prep = fit_preprocessor("standardize", ds.x_train)
    return ds, prep


def _spiral_adam(hidden: Sequence[int], lr: float, seed: int, **options) -> TrainConfig:
    """Adam on the lesson's noisy spiral with its splits (``options``: more TrainConfig fields)."""
    return TrainConfig(
        dataset="spiral",
        dataset_params=SPIRAL,
        val_fraction=VAL_FRACTION,
        test_fraction=TEST_FRACTION,
        hidden=tuple(hidden),
        optimizer="adam",
        optimizer_params={"lr": lr},
        seed=seed,
        **options,
    )


def penalty_lambdas(penalty: str, lam: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""``(λ₁, λ₂)`` of a penalty at strength λ: L2 :math:`(0, \lambda)`, L1 :math:`(\lambda, 0)`,
    elastic net :math:`(\lambda/2, \lambda/2)`."""
    lam = np.asarray(lam, np.float32)
    if penalty == "l2":
        return np.zeros_like(lam), lam
    if penalty == "l1":
        return lam, np.zeros_like(lam)
    if penalty == "elastic":
        return 0.5 * lam, 0.5 * lam
    raise ValueError(f"penalty must be one of {', '.join(PENALTIES)}, got {penalty!r}")


def _cross_entropy(probs: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Mean −ln p(y) over the last-but-one axis of probabilities ``(..., N, K)``."""
    p = np.asarray(probs)[..., np.arange(len(y)), np.asarray(y)]
    return -np.mean(np.log(np.clip(p, 1e-12, 1.0)), axis=-1)


def penalty_sweep(
    lams: Sequence[float] = SWEEP_LAMBDAS,
    hidden: Sequence[int] = (32, 32),
    steps: int = 1000,
    lr: float = 0.3,
    record_every: int = 25,
    seed: int = 0,
    resolution: int = 60,
) -> dict[str, Any]:
    r"""L2, L1 and elastic net at every λ of ``lams``: ``3·len(lams)`` networks from the same
    initial weights, trained together by full-batch gradient descent (L1 as a soft-threshold).

    Returns:
        ``penalties`` and ``lams`` (the trial ``i`` is penalty ``i // len(lams)`` at ``lams[i %
        len(lams)]``), ``steps`` ``(S,)`` (0 first), ``train_loss``/``val_loss`` (data
        cross-entropy) and ``train_acc``/``val_acc`` ``(T, S)``, ``weights`` ``(T, W)`` (the final
        weight-matrix entries), ``zeros`` ``(T,)`` (exactly zero), the decision-boundary grid
        ``grid_x``, ``grid_y``, ``grid_probs`` ``(T, R, R, K)`` and the raw points ``x_train``,
        ``y_train``, ``x_val``, ``y_val``.
    """
    if steps % record_every:
        raise ValueError("steps must be a multiple of record_every")
    ds, prep = _split(seed)
    x_tr, x_val = prep.apply(ds.x_train), prep.apply(ds.x_val)
    lams = np.asarray(lams, np.float32)
    l1, l2 = zip(*(penalty_lambdas(p, lams) for p in PENALTIES), strict=True)
    l1, l2 = np.concatenate(l1), np.concatenate(l2)
    n_trials = len(l1)
    sizes = (2, *map(int, hidden), ds.n_classes)
    layout = layout_for(sizes)
    spec = BatchSpec(
        layout, optimizer="sgd", steps=steps, record_every=record_every, proximal_l1=True
    )
    hp = make_trial_hparams(n_trials, "sgd", lr=lr, l1=l1, l2=l2)
    flat0 = init_many([seed] * n_trials, sizes)
    out = fit_batch(flat0, x_tr, ds.y_train, hp, spec)
    snaps = np.concatenate([flat0[:, None], out["snapshots"]], axis=1)  # (T, S, P)
    p_tr = proba_many(snaps, x_tr, layout)
    p_val = proba_many(snaps, x_val, layout)
    (x_lo, x_hi), (y_lo, y_hi) = ds.bounds()
    gx = np.linspace(x_lo, x_hi, resolution, dtype=np.float32)
    gy = np.linspace(y_lo, y_hi, resolution, dtype=np.float32)
    grid = prep.apply(np.stack(np.meshgrid(gx, gy), axis=-1).reshape(-1, 2))
    probs = proba_many(out["params"], grid, layout)
    w = out["params"][:, weight_mask(layout) > 0]
    return {
        "penalties": PENALTIES,
        "lams": lams,
        "steps": np.arange(snaps.shape[1]) * record_every,
        "train_loss": _cross_entropy(p_tr, ds.y_train),
        "val_loss": _cross_entropy(p_val, ds.y_val),
        "train_acc": accuracy(p_tr, ds.y_train),
        "val_acc": accuracy(p_val, ds.y_val),
        "weights": w,
        "zeros": np.sum(w == 0, axis=1),
        "grid_x": gx,
        "grid_y": gy,
        "grid_probs": probs.reshape(n_trials, resolution, resolution, -1),
        "x_train": ds.x_train,
        "y_train": ds.y_train,
        "x_val": ds.x_val,
        "y_val": ds.y_val,
        "n_classes": int(ds.n_classes),
    }


# --------------------------------------------------------------------------- dropout


def _lam_index(sweep: dict, lam: float) -> int:
    """Where ``lam`` is among the sweep's λ values (stored in float32: the nearest)."""
    return int(np.argmin(np.abs(np.asarray(sweep["lams"], float) - lam)))


def pick_penalty(sweep: dict, penalty: str, lam: float) -> dict:
    """One penalty's runs in a :func:`penalty_sweep` (its λ values in order) and the run at ``lam``:
    ``run`` and ``unpenalized`` (λ = 0) index the sweep's runs, ``lam_index`` its λ values, and
    ``final_train``/``final_val`` hold that penalty's final accuracies for every λ."""
    n = len(sweep["lams"])
    first = PENALTIES.index(penalty) * n
    lam_index = _lam_index(sweep, lam)
    return {
        "run": first + lam_index,
        "unpenalized": first,
        "lam_index": lam_index,
        "final_train": sweep["train_acc"][first : first + n, -1],
        "final_val": sweep["val_acc"][first : first + n, -1],
    }


def weights_at(sweep: dict, lam: float) -> tuple[dict, dict]:
    """The final weights and the count of exact zeros of every penalty at ``lam`` (at λ = 0 the
    three runs are one: ``none``)."""
    n, lam_index = len(sweep["lams"]), _lam_index(sweep, lam)
    names = PENALTIES if lam > 0 else ("none",)
    runs = {name: (PENALTIES.index(name) if lam > 0 else 0) * n + lam_index for name in names}
    return (
        {name: sweep["weights"][run] for name, run in runs.items()},
        {name: int(sweep["zeros"][run]) for name, run in runs.items()},
    )


def sweep_table(sweep: dict) -> dict[str, np.ndarray]:
    """Every run of the sweep's final numbers as columns (penalty by penalty, λ ascending)."""
    return {
        "penalty": np.repeat(PENALTIES, len(sweep["lams"])),
        "lambda": np.tile(sweep["lams"], len(PENALTIES)),
        "train_acc": sweep["train_acc"][:, -1],
        "val_acc": sweep["val_acc"][:, -1],
        "train_loss": sweep["train_loss"][:, -1],
        "val_loss": sweep["val_loss"][:, -1],
        "exact_zeros": sweep["zeros"],
    }


@partial(jax.jit, static_argnames=("samples",))
def _neuron_draws(h, w, key, keep, *, samples: int):
    hs = jnp.broadcast_to(h, (samples, h.shape[0]))
    # the same key: both modes see the same masks m
    vanilla = dropout_train(hs, key, keep, "vanilla") @ w
    inverted = dropout_train(hs, key, keep, "inverted") @ w
    return vanilla, inverted


def neuron_samples(
    w: Sequence[float], inputs: Sequence[float], keep: float, samples: int = 1000, seed: int = 0
) -> dict[str, np.ndarray]:
    r"""Training-time outputs of the single neuron :math:`a = w_1 x m_1 + w_2 y m_2` (vanilla) and
    :math:`a = (w_1 x m_1 + w_2 y m_2)/p` (inverted) for ``samples`` masks
    :math:`m_i \sim \mathrm{Bernoulli}(p)` (the same masks for both), and their running means.

    Returns:
        ``vanilla``, ``inverted`` ``(samples,)``, ``vanilla_mean``, ``inverted_mean`` (running
        means), ``full`` (:math:`w_1x + w_2y`), ``vanilla_expected`` (:math:`p(w_1x+w_2y)`, also the
        vanilla test output) and ``inverted_expected`` (:math:`w_1x + w_2y`, the inverted test
        output).
    """
    if not 0 < keep <= 1:
        raise ValueError(f"keep probability must be in (0, 1], got {keep}")
    h = np.asarray(inputs, np.float32)
    wv = np.asarray(w, np.float32)
    van, inv = _neuron_draws(
        h, wv, jax.random.PRNGKey(seed), np.float32(keep), samples=int(samples)
    )
    van, inv = np.asarray(van, float), np.asarray(inv, float)
    count = np.arange(1, len(van) + 1)
    full = float(np.dot(wv.astype(float), h.astype(float)))
    return {
        "vanilla": van,
        "inverted": inv,
        "vanilla_mean": np.cumsum(van) / count,
        "inverted_mean": np.cumsum(inv) / count,
        "full": full,
        "vanilla_expected": keep * full,
        "inverted_expected": full,
    }


def mask_table(
    w: Sequence[float], inputs: Sequence[float], keep: float
) -> list[dict[str, float | str]]:
    r"""The four masks of the two-input neuron with their probabilities and outputs (vanilla):
    :math:`\mathbb E[a] = \sum_m P(m)\,a(m) = p(w_1x + w_2y)`."""
    (w1, w2), (x, y) = w, inputs
    rows = []
    for m1, m2 in ((1, 1), (1, 0), (0, 1), (0, 0)):
        prob = (keep if m1 else 1 - keep) * (keep if m2 else 1 - keep)
        rows.append({"mask": f"({m1}, {m2})", "P(mask)": prob, "a": w1 * x * m1 + w2 * y * m2})
    return rows


def dropout_gap(
    keeps: Sequence[float] = (1.0, 0.8, 0.6, 0.4),
    mode: str = "inverted",
    hidden: Sequence[int] = (64, 64),
    steps: int = 600,
    lr: float = 0.01,
    seed: int = 0,
    chunk: int = 100,
) -> dict[str, Any]:
    """Adam on the noisy spiral with dropout after every hidden layer, one run per keep
    probability (up to 4, trained together from the same initial weights and masks' key).

    Returns:
        ``keeps``, ``val_loss`` ``(R, steps)`` (test mode, per step), ``train_acc``/``val_acc``/
        ``train_loss``/``final_val_loss`` ``(R,)``: final test-mode metrics.
    """
    # dropout layers on; each run's own keep probability is set below (traced)
    config = _spiral_adam(hidden, lr, seed, dropout=0.5, dropout_mode=mode)
    state = init_training(config, compare=[("adam", {"lr": lr})] * len(keeps))
    hparams = tuple(
        {**hp, "keep": np.float32(k)} for hp, k in zip(state.hparams, keeps, strict=True)
    )
    history = History.for_state(state)
    n = min(chunk, steps)
    while state.step < steps:
        state, records = train_chunk(state, hparams, n_steps=n, until=steps)
        history.append(records, limit=steps - history.steps)
    tr = [evaluate(state, "train", run=i) for i in range(len(keeps))]
    va = [evaluate(state, "val", run=i) for i in range(len(keeps))]
    return {
        "keeps": np.asarray(keeps, float),
        "val_loss": np.asarray(history["val_loss"], float),
        "train_acc": np.array([r["acc"] for r in tr]),
        "val_acc": np.array([r["acc"] for r in va]),
        "train_loss": np.array([r["loss"] for r in tr]),
        "final_val_loss": np.array([r["loss"] for r in va]),
    }


# --------------------------------------------------------------------------- early stopping


def stopping_curves(
    hidden: Sequence[int] = (64, 64), steps: int = 600, lr: float = 0.01, seed: int = 0
) -> dict[str, np.ndarray]:
    """One Adam run on the noisy spiral without stopping: per-step training (data) loss and the
    validation loss and accuracy of the weights *before* that step's update (what early stopping
    observes; see :func:`~optim_lab.nn.regularization.early_stopping_after`)."""
    config = _spiral_adam(hidden, lr, seed)
    history = train(config, steps, chunk=min(steps, 200))
    return {
        "train_loss": np.asarray(history["loss"][0], float),
        "val_loss": np.asarray(history["val_loss"][0], float),
        "val_acc": np.asarray(history["val_acc"][0], float),
        "train_acc": np.asarray(history["train_acc"][0], float),
    }


# --------------------------------------------------------------------------- augmentation


def shift_images(
    x: np.ndarray, copies: int = 3, max_shift: float = 0.5, noise: float = 1.0, seed: int = 0
) -> np.ndarray:
    r"""``copies`` altered versions of each 8×8 image ``(N, 64)``: moved by a random
    :math:`(\delta_y, \delta_x) \sim U[-s, s]^2` pixels (bilinear interpolation, zeros enter at the
    border; whole-pixel moves are exact) plus Gaussian pixel noise of std ``noise``.

    Returns:
        ``(copies, N, 64)`` float32 images (pixels 0–16 plus noise).
    """
    from scipy import ndimage

    x = np.asarray(x, np.float32)
    if x.ndim != 2 or x.shape[1] != 64:
        raise ValueError(f"expected (N, 64) 8×8 images, got {x.shape}")
    rng = np.random.default_rng(seed)
    images = x.reshape(-1, 8, 8)
    out = np.empty((int(copies), *images.shape), np.float32)
    for c in range(int(copies)):
        for i, img in enumerate(images):
            d = rng.uniform(-max_shift, max_shift, 2) if max_shift > 0 else (0.0, 0.0)
            out[c, i] = ndimage.shift(img, d, order=1, mode="constant", cval=0.0)
        out[c] += rng.standard_normal(images.shape).astype(np.float32) * noise
    return out.reshape(int(copies), -1, 64)


def augmentation_compare(
    n_train: int = 100,
    copies: int = 3,
    max_shift: float = 0.5,
    noise: float = 1.0,
    hidden: Sequence[int] = (32,),
    steps: int = 300,
    lr: float = 0.01,
    init_seeds: Sequence[int] = (0, 1, 2),
    seed: int = 0,
) -> dict[str, Any]:
    """Digits with ``n_train`` training images: validation accuracy without and with
    ``copies`` augmented copies of each image, for several initial weights (``2·len(init_seeds)``
    networks in one vmapped run; pixels scaled to [0, 1] by /16, the same for both).

    Returns:
        ``plain``, ``augmented`` ``(len(init_seeds),)`` validation accuracies, ``plain_moved``,
        ``augmented_moved`` the same on the validation images moved by up to one pixel, ``n_train``,
        ``n_augmented`` and ``examples`` ``(copies + 1, k, 64)`` (originals first, k ≤ 6 images).
    """
    ds = make_dataset("digits", {}, seed)
    n = min(max(int(n_train), 10), len(ds.y_train))
    x0, y0 = ds.x_train[:n], ds.y_train[:n]
    extra = shift_images(x0, copies, max_shift, noise, seed)
    x_all = np.concatenate([x0, extra.reshape(-1, 64)]) / 16.0
    y_all = np.concatenate([y0] * (int(copies) + 1))
    k = len(init_seeds)
    weights = np.ones((2 * k, len(y_all)), np.float32)
    weights[:k, n:] = 0.0  # the plain networks only see the originals
    dims = (64, *map(int, hidden), 10)
    layout = layout_for(dims)
    spec = BatchSpec(layout, steps=steps, record_every=steps)
    hp = make_trial_hparams(2 * k, lr=lr)
    flat0 = init_many([*init_seeds, *init_seeds], dims)
    out = fit_batch(flat0, x_all, y_all, hp, spec, weights=weights)
    acc = accuracy(proba_many(out["params"], ds.x_val / 16.0, layout), ds.y_val)
    moved = shift_images(ds.x_val, 1, 1.0, 0.0, seed + 1)[0] / 16.0
    acc_moved = accuracy(proba_many(out["params"], moved, layout), ds.y_val)
    shown = min(6, n)
    return {
        "plain": acc[:k],
        "augmented": acc[k:],
        "plain_moved": acc_moved[:k],
        "augmented_moved": acc_moved[k:],
        "n_train": n,
        "n_augmented": len(y_all),
        "examples": np.concatenate([x0[None, :shown], extra[:, :shown]]),
        "labels": y0[:shown],
    }


# ---------------------------------------------------------------------------------------------
# The constraint picture: a penalty as a budget on the weights


#: A loss of two weights, (w − c)ᵀ diag(a) (w − c): its unconstrained minimum c lies off both axes.
GEOMETRY_CENTRE = np.array([2.0, 1.2])
GEOMETRY_CURVATURE = np.array([3.0, 1.0])


def geometry_loss(w: np.ndarray) -> np.ndarray:
    """The picture's loss at points ``w`` (..., 2)."""
    d = np.asarray(w, float) - GEOMETRY_CENTRE
    return np.sum(GEOMETRY_CURVATURE * d * d, axis=-1)


def best_on_l2_ball(budget: float) -> np.ndarray:
    r"""The lowest loss with :math:`\lVert w\rVert_2 \le t`: :math:`w = (A + \mu I)^{-1} A c`, with
    μ ≥ 0 found by bisection so that :math:`\lVert w\rVert = t` (μ = 0 when c is inside)."""
    a, c = GEOMETRY_CURVATURE, GEOMETRY_CENTRE
    if np.linalg.norm(c) <= budget:
        return c.copy()
    lo, hi = 0.0, 1.0
    while np.linalg.norm(a * c / (a + hi)) > budget:
        hi *= 2
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if np.linalg.norm(a * c / (a + mid)) > budget else (lo, mid)
    return a * c / (a + hi)


def best_on_l1_ball(budget: float) -> np.ndarray:
    r"""The lowest loss with :math:`\lVert w\rVert_1 \le t`: a convex quadratic over the diamond,
    whose optimum (c outside it) lies on one of its four edges; each edge is a segment on which
    the loss is a 1-D quadratic, minimised in closed form and clipped to the segment."""
    c = GEOMETRY_CENTRE
    if np.abs(c).sum() <= budget:
        return c.copy()
    corners = budget * np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]])
    best, best_loss = corners[0], np.inf
    for p, q in zip(corners, np.roll(corners, -1, axis=0), strict=True):
        d = q - p  # points p + s·d, s in [0, 1]
        slope = 2 * np.sum(GEOMETRY_CURVATURE * d * (p - c))
        curve = 2 * np.sum(GEOMETRY_CURVATURE * d * d)
        point = p + np.clip(-slope / curve, 0.0, 1.0) * d
        if geometry_loss(point) < best_loss:
            best, best_loss = point, geometry_loss(point)
    return best
