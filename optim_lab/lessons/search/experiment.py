"""The search lesson's tables and summaries of the trials (from :mod:`optim_lab.nn.search`'s
stages)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from ...nn.search import SearchResult


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


def exploded_count(trials: Sequence[Mapping]) -> int:
    """How many trials exploded (and were stopped early)."""
    return sum(t["exploded"] for t in trials)


def combine_stages(stages: Sequence[Mapping], method: str) -> SearchResult:
    """The stages of a coarse → fine search (``{"box", "trials", "losses"}`` each) as one result:
    trials in stage order, one box per stage, the cost curves stacked (a shorter one padded with
    NaN)."""
    trials = [t for out in stages for t in out["trials"]]
    boxes = [out["box"] for out in stages]
    losses = pd.concat([pd.DataFrame(out["losses"]) for out in stages]).to_numpy()
    return SearchResult(trials, boxes, method, losses)


def stage_rows(stages: Sequence[Mapping]) -> dict[str, list]:
    """One row per stage: the best validation accuracy of the trials that did not explode (NaN if
    all exploded), how many exploded, and the box searched."""
    boxes = [out["box"] for out in stages]
    return {
        "stage": list(range(1, len(stages) + 1)),
        "best acc.": [
            max((t["val_acc"] for t in out["trials"] if not t["exploded"]), default=math.nan)
            for out in stages
        ],
        "exploded": [exploded_count(out["trials"]) for out in stages],
        "α from": [b["lr"][0] for b in boxes],
        "α to": [b["lr"][1] for b in boxes],
        "λ₂ from": [b["reg"][0] for b in boxes],
        "λ₂ to": [b["reg"][1] for b in boxes],
    }


def export_summary(
    settings: Mapping[str, Any], compare: Mapping[str, list], result: SearchResult
) -> dict[str, Any]:
    """The JSON export: the page's settings, the grid-vs-random trials and the staged search."""
    return {"settings": dict(settings), "comparison": compare, **result.as_dict()}
