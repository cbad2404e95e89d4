"""The ensembles lesson's reading of its runs (:mod:`optim_lab.nn.ensembles`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def ensemble_gain(ensemble: float, members: Sequence[float], what: str) -> tuple[str, str]:
    """``(kind, message)``: whether the ensemble beat its average member on test accuracy."""
    mean = float(np.mean(members))
    if ensemble > mean + 1e-9:
        return "success", (
            f"{what}: {ensemble:.1%} test accuracy vs {mean:.1%} for the average member "
            f"(best member {max(members):.1%})."
        )
    if ensemble >= mean - 1e-9:
        return "info", (
            f"{what}: {ensemble:.1%}, the same as the average member. The members make the "
            "same mistakes here; more noise or fewer points make them disagree."
        )
    return "warning", (
        f"{what}: {ensemble:.1%} vs {mean:.1%} for the average member. On a small test "
        "set a single point moves the accuracy by several percent; the log-loss on the "
        "right is the steadier judge."
    )
