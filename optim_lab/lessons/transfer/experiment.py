"""The transfer lesson's reading of its experiments (:mod:`optim_lab.nn.transfer`): accuracy
averaged over seeds, the lectures' 2×2 table filled by the winners, and what the probe gained."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ...nn.transfer import LECTURE_ADVICE, SIMILARITIES, STRATEGIES
from .figures import winner


def mean_accuracy(results: Mapping[str, Sequence[dict]], sizes: Sequence[int]) -> tuple[dict, dict]:
    """``(curves, mean_acc)``: per similarity, each strategy's accuracy per seed and size
    (``{"sizes", "acc": {strategy: (seeds, S)}}``, for the figure) and its mean over the seeds."""
    curves = {
        sim: {
            "sizes": np.asarray(sizes),
            "acc": {k: np.stack([r["acc"][k] for r in results[sim]]) for k in STRATEGIES},
        }
        for sim in SIMILARITIES
    }
    mean_acc = {sim: {k: curves[sim]["acc"][k].mean(0) for k in STRATEGIES} for sim in SIMILARITIES}
    return curves, mean_acc


def lecture_table(mean_acc: Mapping, sizes: Sequence[int], little: int, lots: int) -> list[dict]:
    """The 2×2 table: per similarity and amount of data, every strategy's accuracy, the winner
    (and those within 0.01 of it) and what the lectures advise."""
    rows = []
    for sim in SIMILARITIES:
        for amount, n in (("little", little), ("lots", lots)):
            i = list(sizes).index(n)
            scores = {k: float(mean_acc[sim][k][i]) for k in STRATEGIES}
            best, close = winner(scores)
            rows.append(
                {
                    "similarity": sim,
                    "data": amount,
                    "target_examples": n,
                    **scores,
                    "best": best,
                    "tied_with": ", ".join(close),
                    "advice": LECTURE_ADVICE[(sim, amount)],
                }
            )
    return rows


def probe_verdict(rows: Sequence[dict], little: int) -> tuple[str, str]:
    """``(kind, message)``: how the linear probe did against training from scratch on the similar
    task with very little data (``success`` when it won)."""
    cell = next(r for r in rows if r["similarity"] == "similar" and r["data"] == "little")
    gain = cell["probe"] - cell["scratch"]
    if gain > 0:
        return "success", (
            f"Very similar task, {little} examples: the linear probe beats training from scratch "
            f"by {gain:.3f} ({cell['probe']:.3f} vs {cell['scratch']:.3f})."
        )
    return "info", (
        f"With this seed the probe does not beat scratch at {little} examples "
        f"({cell['probe']:.3f} vs {cell['scratch']:.3f}); average 3 seeds to see the trend."
    )
