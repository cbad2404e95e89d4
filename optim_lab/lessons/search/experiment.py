"""The search lesson's table of trials (from :mod:`optim_lab.nn.search`'s stages)."""

from __future__ import annotations

from collections.abc import Sequence


def trial_rows(trials: Sequence[dict]) -> dict[str, list]:
    """Every trial of every stage as table columns (stages counted from 1; "stopped at step" is
    None for a trial that did not explode)."""
    return {
        "stage": [t["stage"] + 1 for t in trials],
        "learning rate": [t["lr"] for t in trials],
        "L2 λ₂": [t["reg"] for t in trials],
        "val. accuracy": [t["val_acc"] for t in trials],
        "final cost": [t["train_loss"] for t in trials],
        "exploded": [bool(t["exploded"]) for t in trials],
        "stopped at step": [t["exploded_at"] for t in trials],
    }
