r"""Transfer learning on the digits: pre-train on 0–4, transfer to 5–9 with few labelled examples.

A network is first trained on the **source** task (digits 0–4, five classes). On the **target** task
(digits 5–9, relabelled 0–4) four strategies train from the same few target examples, all four in
one vmapped run (each has its own initial weights and trainable-parameter mask :math:`m`; an update
is :math:`\theta \leftarrow \theta + m \odot \Delta\theta`):

- ``scratch``: fresh random weights, everything trains;
- ``probe``: the pre-trained layers frozen, only a new output layer trains (a *linear probe* on the
  pre-trained features);
- ``finetune_top``: pre-trained weights, the last hidden layer and the new output layer train;
- ``finetune_all``: pre-trained weights, everything trains.

**Similarity.** With ``similar`` the target images look like the source ones (other digits, same
strokes). With ``different`` the target images' pixels are shuffled by a fixed permutation: the
pre-trained features no longer fit, which is the "different task" row of the lectures' table.
The lectures' rule of thumb: little data + similar task favours the probe; lots of data favours
fine-tuning more layers. Measured here (8×8 digits, a 64-128-5 MLP pre-trained on augmented 0–4):
with lots of target data fine-tuning clearly beats the probe, but with little data the probe only
ties with training from scratch (small images are easy to learn from pixels, and features trained on
five classes lose some of what tells 5–9 apart) — an honest result to discuss, not a bug.
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
STRATEGIES = ("scratch", "probe", "finetune_top", "finetune_all")
SIMILARITIES = ("similar", "different")


def _balanced_order(y: np.ndarray, seed: int) -> np.ndarray:
    """A shuffled order that cycles through the classes, so any prefix is (nearly) balanced."""
    rng = np.random.default_rng(seed)
    per_class = [rng.permutation(np.flatnonzero(y == c)) for c in np.unique(y)]
    order = []
    for i in range(max(len(p) for p in per_class)):
        order += [int(p[i]) for p in per_class if i < len(p)]
    return np.asarray(order)


@lru_cache(maxsize=8)
def _task_data(seed: int, similarity: str, noise: float = 0.0):
    ds = make_dataset("digits", {"noise": noise}, seed)
    src = ds.y_train < 5
    prep = fit_preprocessor("standardize", ds.x_train[src])
    # Shifted and noisy copies make the source features stroke detectors rather than templates.
    x_raw, y_src = augment_digits(ds.x_train[src], ds.y_train[src], AUGMENT_COPIES, 1, 1.0, seed)
    x_src = prep.apply(x_raw).astype(np.float32)
    tgt_tr = ds.y_train >= 5
    x_eval = np.concatenate([ds.x_val, ds.x_test])
    y_eval = np.concatenate([ds.y_val, ds.y_test])
    tgt_ev = y_eval >= 5
    x_tgt = prep.apply(ds.x_train[tgt_tr]).astype(np.float32)
    x_tev = prep.apply(x_eval[tgt_ev]).astype(np.float32)
    if similarity == "different":
        perm = np.random.default_rng(1000 + seed).permutation(64)
        x_tgt, x_tev = x_tgt[:, perm], x_tev[:, perm]
    order = _balanced_order(ds.y_train[tgt_tr], seed)
    return (
        x_src,
        y_src.astype(np.int32),
        x_tgt[order],
        (ds.y_train[tgt_tr][order] - 5).astype(np.int32),
        x_tev,
        (y_eval[tgt_ev] - 5).astype(np.int32),
    )


@lru_cache(maxsize=8)
def pretrain(
    seed: int = 0,
    hidden: tuple[int, ...] = (128,),
    steps: int = 300,
    lr: float = 0.01,
    noise: float = 0.0,
) -> tuple[np.ndarray, float]:
    """The source network (digits 0–4), trained once per setting (cached).

    Returns:
        ``(flat_params, source_acc)``: the weights and their accuracy on the (augmented) source
        training images.
    """
    x_src, y_src, *_ = _task_data(seed, "similar", noise)
    sizes = (64, *hidden, 5)
    layout = layout_for(sizes)
    spec = BatchSpec(layout, steps=steps, record_every=steps)
    out = fit_batch(init_many([seed], sizes), x_src, y_src, make_trial_hparams(1, lr=lr), spec)
    acc = accuracy(proba_many(out["params"], x_src, layout), y_src)
    return out["params"][0], float(acc[0])


def transfer(
    target_examples: int = 25,
    similarity: str = "similar",
    seed: int = 0,
    *,
    hidden: Sequence[int] = (128,),
    pretrain_steps: int = 300,
    steps: int = 200,
    lr: float = 0.01,
    noise: float = 0.0,
) -> dict[str, Any]:
    """Scratch vs linear probe vs fine-tune top vs fine-tune all on the target task (digits 5–9).

    Args:
        target_examples: labelled target images used for training (5 to ~540).
        similarity: ``similar`` or ``different`` (target pixels shuffled).
        seed: data split and initial weights.
        hidden: hidden widths (at least one layer).
        pretrain_steps: full-batch Adam steps on the source task.
        steps: full-batch Adam steps on the target task.
        lr: Adam's learning rate (both phases).
        noise: Gaussian pixel noise of the digits (std, pixels 0–16), both tasks.

    Returns:
        ``{"scratch": a, "probe": b, "finetune_top": c, "finetune_all": d}`` (target accuracy on
        held-out 5–9 images) plus ``"target_examples"``, ``"similarity"``, ``"source_acc"`` and
        ``"curves"`` (per-strategy training cost per step), ``"initial"`` and ``"params"`` (flat
        weights ``(4, P)`` before and after, in :data:`STRATEGIES` order) and ``"layout"``.

    Raises:
        ValueError: invalid input (one line).
    """
    if similarity not in SIMILARITIES:
        raise ValueError(f"similarity must be similar or different, got {similarity!r}")
    hidden = tuple(int(h) for h in hidden)
    if not hidden or any(h < 1 for h in hidden):
        raise ValueError("transfer needs at least one hidden layer of positive width")
    _, _, x_tgt, y_tgt, x_ev, y_ev = _task_data(int(seed), similarity, float(noise))
    n = int(target_examples)
    if not 5 <= n <= len(y_tgt):
        raise ValueError(f"target examples must be between 5 and {len(y_tgt)}, got {n}")
    if not 1 <= int(steps) <= 100_000 or not 1 <= int(pretrain_steps) <= 100_000:
        raise ValueError("steps must be between 1 and 100000")
    pre, source_acc = pretrain(int(seed), hidden, int(pretrain_steps), float(lr), float(noise))
    sizes = (64, *hidden, 5)
    layout = layout_for(sizes)
    fresh = init_many([seed + 1], sizes)[0]
    head = layer_mask(layout, [-1]) > 0
    transferred = np.where(head, fresh, pre)  # pre-trained body, a new output layer
    flat0 = np.stack([fresh, transferred, transferred, transferred])
    masks = np.stack(
        [
            np.ones_like(fresh),
            layer_mask(layout, [-1]),
            layer_mask(layout, [-2, -1]),
            np.ones_like(fresh),
        ]
    )
    spec = BatchSpec(layout, steps=int(steps), record_every=int(steps))
    out = fit_batch(
        flat0, x_tgt[:n], y_tgt[:n], make_trial_hparams(4, lr=lr), spec, param_mask=masks
    )
    acc = accuracy(proba_many(out["params"], x_ev, layout), y_ev)
    result: dict[str, Any] = {name: float(a) for name, a in zip(STRATEGIES, acc, strict=True)}
    result.update(
        target_examples=n,
        similarity=similarity,
        source_acc=source_acc,
        curves={name: out["loss"][i] for i, name in enumerate(STRATEGIES)},
        initial=flat0,
        params=out["params"],
        layout=layout,
    )
    return result


def transfer_table(
    sizes: Sequence[int] = (25, 500),
    similarities: Sequence[str] = SIMILARITIES,
    seed: int = 0,
    **kwargs,
) -> list[dict[str, Any]]:
    """The lectures' 2×2 table by experiment: one row per (similarity, target size) with the four
    strategies' accuracies and the best one."""
    rows = []
    for sim in similarities:
        for n in sizes:
            r = transfer(n, sim, seed, **kwargs)
            scores = {k: r[k] for k in STRATEGIES}
            rows.append(
                {
                    "similarity": sim,
                    "target_examples": r["target_examples"],
                    **scores,
                    "best": max(scores, key=scores.get),
                }
            )
    return rows
