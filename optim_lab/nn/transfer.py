r"""Transfer learning on the digits: pre-train on a large labelled set, transfer to a small one.

**Source.** A network (64 → 64 → 32 → 10, ReLU) is trained on half of the 8×8 digit images, all
ten classes, plus shifted and noisy copies of them: the "large data set" of the lectures' recipe.
It is trained once, from a split and weights fixed by :data:`SOURCE_SEED`: like a downloaded
pre-trained model, it is the same for every experiment, and a seed redraws only the target side.

**Target.** A new five-class task on the *other* half of the images (never seen in
pre-training): tell 5, 6, 7, 8 and 9 apart, relabelled 0–4. The seed shuffles these images: the
first 40 % are held out for accuracy, a few of the rest train. Four strategies train from the same
target examples:

- ``scratch``: fresh random (He) weights, everything trains;
- ``probe``: the pre-trained hidden layers frozen, only a new output layer trains (a *linear
  probe*, i.e. softmax regression on the pre-trained features :math:`h(x)`);
- ``finetune_top``: pre-trained weights, the last hidden layer and the new output layer train;
- ``finetune_all``: pre-trained weights, everything trains.

The new output layer starts at zero. Softmax regression has no symmetry to break (class
:math:`c`'s gradient is :math:`(p_c - [y = c])\,h(x)`), and a random start would leave random
weights in every feature direction the few target examples never touch.

The strategies train together in **vmapped runs** (:func:`fit_batch`): trial :math:`i` has its
own initial weights, trainable-parameter mask :math:`m_i` (an update is
:math:`\theta \leftarrow \theta + m_i \odot \Delta\theta`) and 0/1 example weights that select the
first :math:`n_i` target examples (a class-balanced order). Trials with :math:`n` examples train on
the first rows of the pool only, as many as the smallest power of two :math:`\ge n` (at least 32),
one run per such number: a few examples do not pay for the whole pool, and another number of
examples compiles a program only past a power of two. Another seed never does: the target set has
the same size for every seed.

**Similarity.** ``similar``: the target images are digits like the source ones. ``different``: the
target images' pixels are shuffled by a fixed permutation, so the pre-trained features no longer
fit (the "very different data set" column of the lectures' table).

Measured (target seeds 0–4, Adam lr 0.01, 300 pre-training and 200 target steps, mean accuracy):

============  =====  =====  =====  =====  =====
similar         n=5   n=10   n=25  n=100  n=250
============  =====  =====  =====  =====  =====
scratch       0.627  0.758  0.858  0.942  0.969
probe         0.805  0.866  0.930  0.957  0.974
finetune_top  0.773  0.856  0.902  0.964  0.973
finetune_all  0.769  0.838  0.891  0.950  0.971
============  =====  =====  =====  =====  =====

With shuffled pixels (``different``) the probe is last at every size (0.48 at n=5, 0.86 at
n=250) while scratch and fine-tuning everything tie (0.63 → 0.96): the lectures' "you're in
trouble" cell, and "fine-tune more layers" once there is data. Pre-training on digits 0–4 alone
and transferring to 5–9 did **not** give the probe an edge (about ±0.02 over ten set-ups):
features learned from five other digits are no better than raw pixels for a linear classifier on
8×8 images (nearest-centroid accuracy is the same in both spaces). The source has to know the kind
of distinctions the target needs, which is what "very similar data set" means.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from .data import fit_preprocessor, make_dataset
from .generalization import (
    BatchSpec,
    accuracy,
    augment_digits,
    fit_batch,
    init_many,
    layer_mask,
    layout_for,
    make_trial_hparams,
    proba_many,
)

#: Altered copies of each source image used in pre-training (shifts of one pixel, noise).
AUGMENT_COPIES = 3
#: Fraction of all digit images that form the source set (the rest is the target's pool).
SOURCE_FRACTION = 0.5
#: Fraction of the target images held out to measure accuracy.
TARGET_EVAL_FRACTION = 0.4
#: Default hidden widths: the top (32) layer is the "more specific" one a probe reads.
HIDDEN = (64, 32)
SOURCE_CLASSES = 10
TARGET_CLASSES = 5
STRATEGIES = ("scratch", "probe", "finetune_top", "finetune_all")
SIMILARITIES = ("similar", "different")
#: The lectures' advice per (similarity, amount of data).
LECTURE_ADVICE = {
    ("similar", "little"): "linear classifier on the top layer",
    ("similar", "lots"): "fine-tune a few layers",
    ("different", "little"): "in trouble: try linear classifiers on different layers",
    ("different", "lots"): "fine-tune a larger number of layers",
}


#: The seed of the source network's split, augmentation and initial weights (trained once).
SOURCE_SEED = 0


def _rows_trained(n: int, pool_rows: int) -> int:
    """The first rows of the pool that trials with ``n`` examples train on: the smallest power of
    two ≥ n, at least 32, at most the whole pool."""
    return min(pool_rows, max(32, 1 << (n - 1).bit_length()))


def _balanced_order(y: np.ndarray, seed: int) -> np.ndarray:
    """A shuffled order that cycles through the classes, so any prefix is (nearly) balanced."""
    rng = np.random.default_rng(seed)
    per_class = [rng.permutation(np.flatnonzero(y == c)) for c in np.unique(y)]
    order = []
    for i in range(max(len(p) for p in per_class)):
        order += [int(p[i]) for p in per_class if i < len(p)]
    return np.asarray(order)


@lru_cache(maxsize=1)
def _source_data():
    """Source images (augmented, standardized), labels, and the raw target half with its labels."""
    ds = make_dataset("digits", {}, SOURCE_SEED)
    x = np.concatenate([ds.x_train, ds.x_val, ds.x_test])
    y = np.concatenate([ds.y_train, ds.y_val, ds.y_test])
    n_src = int(SOURCE_FRACTION * len(y))
    # Shifted and noisy copies make the source features stroke detectors rather than templates.
    x_aug, y_aug = augment_digits(x[:n_src], y[:n_src], AUGMENT_COPIES, 1, 1.0, SOURCE_SEED)
    prep = fit_preprocessor("standardize", x_aug)
    return prep, prep.apply(x_aug).astype(np.float32), y_aug.astype(np.int32), x[n_src:], y[n_src:]


@lru_cache(maxsize=8)
def target_data(seed: int, similarity: str) -> dict[str, np.ndarray]:
    """The target task: digits 5–9 of the images the source never saw, relabelled 0–4, in an
    order drawn from ``seed``.

    Returns:
        ``{"x_pool", "y_pool"}`` (training pool in a class-balanced order: the first n examples
        have n/5 per class) and ``{"x_eval", "y_eval"}`` (held out), standardized with the
        source's statistics; with ``different`` the pixels of both are shuffled.
    """
    if similarity not in SIMILARITIES:
        raise ValueError(f"similarity must be similar or different, got {similarity!r}")
    prep, _, _, x_rest, y_rest = _source_data()
    keep = y_rest >= 5
    shuffle = np.random.default_rng(seed).permutation(int(keep.sum()))
    x_t = prep.apply(x_rest[keep][shuffle]).astype(np.float32)
    y_t = (y_rest[keep][shuffle] - 5).astype(np.int32)
    if similarity == "different":
        x_t = x_t[:, np.random.default_rng(1000 + seed).permutation(x_t.shape[1])]
    n_eval = int(TARGET_EVAL_FRACTION * len(y_t))
    order = _balanced_order(y_t[n_eval:], seed)
    return {
        "x_pool": x_t[n_eval:][order],
        "y_pool": y_t[n_eval:][order],
        "x_eval": x_t[:n_eval],
        "y_eval": y_t[:n_eval],
    }


def max_target_examples() -> int:
    """Size of the target training pool (about 280 images, the same for every seed)."""
    return len(target_data(0, "similar")["y_pool"])


@lru_cache(maxsize=4)
def pretrain(
    hidden: tuple[int, ...] = HIDDEN,
    steps: int = 300,
    lr: float = 0.01,
) -> tuple[np.ndarray, float]:
    """The source network (ten digit classes), trained once per setting (cached).

    Full-batch Adam on the augmented source images, cross-entropy loss.

    Returns:
        ``(flat_params, source_acc)``: the weights and their accuracy on the source images.
    """
    _, x_src, y_src, _, _ = _source_data()
    sizes = (64, *hidden, SOURCE_CLASSES)
    layout = layout_for(sizes)
    spec = BatchSpec(layout, steps=steps, record_every=steps)
    out = fit_batch(
        init_many([SOURCE_SEED], sizes), x_src, y_src, make_trial_hparams(1, lr=lr), spec
    )
    acc = accuracy(proba_many(out["params"], x_src, layout), y_src)
    return out["params"][0], float(acc[0])


def _check(similarity: str, hidden: Sequence[int], steps: int, pretrain_steps: int) -> tuple:
    if similarity not in SIMILARITIES:
        raise ValueError(f"similarity must be similar or different, got {similarity!r}")
    hidden = tuple(int(h) for h in hidden)
    if not hidden or any(h < 1 for h in hidden):
        raise ValueError("transfer needs at least one hidden layer of positive width")
    if not 1 <= int(steps) <= 100_000 or not 1 <= int(pretrain_steps) <= 100_000:
        raise ValueError("steps must be between 1 and 100000")
    return hidden


def transfer_curve(
    sizes: Sequence[int] = (5, 10, 25, 50, 100, 250),
    similarity: str = "similar",
    seed: int = 0,
    *,
    hidden: Sequence[int] = HIDDEN,
    pretrain_steps: int = 300,
    steps: int = 200,
    lr: float = 0.01,
) -> dict[str, Any]:
    r"""Target accuracy of the four strategies for several numbers of target examples.

    The ``len(sizes) × 4`` trainings run in one vmapped call per number of rows trained on (see
    the module notes).

    Args:
        sizes: numbers of labelled target examples (5 to :func:`max_target_examples`).
        similarity: ``similar`` or ``different`` (target pixels shuffled).
        seed: the target images' order (held out or training) and the scratch weights.
        hidden: hidden widths (at least one layer).
        pretrain_steps: full-batch Adam steps on the source task.
        steps: full-batch Adam steps on the target task.
        lr: Adam's learning rate (both phases).

    Returns:
        ``{"sizes": (S,), "acc": {strategy: (S,)}, "loss": {strategy: (S, steps)},
        "source_acc", "params": (S, 4, P), "initial": (4, P), "layout"}``; strategies in
        :data:`STRATEGIES` order.

    Raises:
        ValueError: invalid input (one line).
    """
    hidden = _check(similarity, hidden, steps, pretrain_steps)
    data = target_data(int(seed), similarity)
    pool = len(data["y_pool"])
    sizes = [int(n) for n in sizes]
    if not sizes or any(not TARGET_CLASSES <= n <= pool for n in sizes):
        raise ValueError(f"target examples must be between {TARGET_CLASSES} and {pool}")
    pre, source_acc = pretrain(hidden, int(pretrain_steps), float(lr))
    sizes_t = (64, *hidden, TARGET_CLASSES)
    layout = layout_for(sizes_t)
    body = layer_mask(layout, range(len(hidden))) > 0  # every layer but the output one
    pre_body = pre[: int(body.sum())]  # the flat vector stores the layers in order
    fresh = init_many([seed + 1], sizes_t)[0]
    transferred = np.zeros_like(fresh)
    transferred[body] = pre_body  # pre-trained body, a new output layer at zero
    flat0 = np.stack([fresh, transferred, transferred, transferred])
    masks = np.stack(
        [
            np.ones_like(fresh),
            layer_mask(layout, [-1]),
            layer_mask(layout, [-2, -1]),
            np.ones_like(fresh),
        ]
    )
    n_s, n_k = len(sizes), len(STRATEGIES)
    x_pool, y_pool = data["x_pool"], data["y_pool"]
    spec = BatchSpec(layout, steps=int(steps), record_every=int(steps))
    params = np.empty((n_s, n_k, flat0.shape[1]), np.float32)
    loss = np.empty((n_s, n_k, int(steps)), np.float32)
    by_rows: dict[int, list[int]] = {}
    for i, n in enumerate(sizes):
        by_rows.setdefault(_rows_trained(n, len(y_pool)), []).append(i)
    for rows, chosen in by_rows.items():
        weights = np.zeros((len(chosen), n_k, rows), np.float32)  # the rows past n weigh nothing
        for j, i in enumerate(chosen):
            weights[j, :, : sizes[i]] = 1.0
        out = fit_batch(
            np.tile(flat0, (len(chosen), 1)),
            x_pool[:rows],
            y_pool[:rows],
            make_trial_hparams(len(chosen) * n_k, lr=lr),
            spec,
            weights=weights.reshape(len(chosen) * n_k, rows),
            param_mask=np.tile(masks, (len(chosen), 1)),
        )
        params[chosen] = out["params"].reshape(len(chosen), n_k, -1)
        loss[chosen] = out["loss"].reshape(len(chosen), n_k, -1)
    acc = accuracy(proba_many(params, data["x_eval"], layout), data["y_eval"])  # (n_s, n_k)
    return {
        "sizes": np.asarray(sizes),
        "acc": {k: acc[:, j] for j, k in enumerate(STRATEGIES)},
        "loss": {k: loss[:, j] for j, k in enumerate(STRATEGIES)},
        "source_acc": source_acc,
        "params": params,
        "initial": flat0,
        "layout": layout,
    }


def transfer(
    target_examples: int = 10,
    similarity: str = "similar",
    seed: int = 0,
    *,
    hidden: Sequence[int] = HIDDEN,
    pretrain_steps: int = 300,
    steps: int = 200,
    lr: float = 0.01,
) -> dict[str, Any]:
    """Scratch vs linear probe vs fine-tune top vs fine-tune all on the target task (digits 5–9).

    Args:
        target_examples: labelled target images used for training (5 to ~270), class-balanced.
        similarity, seed, hidden, pretrain_steps, steps, lr: see :func:`transfer_curve`.

    Returns:
        ``{"scratch": a, "probe": b, "finetune_top": c, "finetune_all": d}`` (target accuracy on
        held-out images) plus ``"target_examples"``, ``"similarity"``, ``"source_acc"`` and
        ``"curves"`` (per-strategy training cost per step), ``"initial"`` and ``"params"`` (flat
        weights ``(4, P)`` before and after, in :data:`STRATEGIES` order) and ``"layout"``.

    Raises:
        ValueError: invalid input (one line).
    """
    r = transfer_curve(
        [int(target_examples)],
        similarity,
        seed,
        hidden=hidden,
        pretrain_steps=pretrain_steps,
        steps=steps,
        lr=lr,
    )
    result: dict[str, Any] = {k: float(r["acc"][k][0]) for k in STRATEGIES}
    result.update(
        target_examples=int(target_examples),
        similarity=similarity,
        source_acc=r["source_acc"],
        curves={k: r["loss"][k][0] for k in STRATEGIES},
        initial=r["initial"],
        params=r["params"][0],
        layout=r["layout"],
    )
    return result


def transfer_table(
    sizes: Sequence[int] = (10, 250),
    similarities: Sequence[str] = SIMILARITIES,
    seeds: Sequence[int] = (0,),
    **kwargs,
) -> list[dict[str, Any]]:
    """The lectures' 2×2 table by experiment: one row per (similarity, target size) with the four
    strategies' accuracies (mean over ``seeds``), the best one and the lecture's advice
    (the smaller size is "little" data, the larger "lots")."""
    sizes = sorted(int(n) for n in sizes)
    rows = []
    for sim in similarities:
        runs = [transfer_curve(sizes, sim, s, **kwargs)["acc"] for s in seeds]
        for i, n in enumerate(sizes):
            scores = {k: float(np.mean([r[k][i] for r in runs])) for k in STRATEGIES}
            amount = "little" if i == 0 else "lots" if i == len(sizes) - 1 else "some"
            rows.append(
                {
                    "similarity": sim,
                    "target_examples": n,
                    "data": amount,
                    **scores,
                    "best": max(scores, key=scores.get),
                    "advice": LECTURE_ADVICE.get((sim, amount), ""),
                }
            )
    return rows
