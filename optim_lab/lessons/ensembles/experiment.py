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


def boundary_panels(independent: dict, max_panels: int) -> tuple[dict, list[str], int]:
    """The decision-boundary panels of an independent ensemble: its first members (at most
    ``max_panels``) and the ensemble, each titled with its test accuracy; ``(grid, titles, shown)``."""
    members = len(independent["member_acc"])
    shown = min(members, max_panels)
    grid = {
        "x": independent["grid"]["x"],
        "y": independent["grid"]["y"],
        "members": independent["grid"]["members"][:shown],
        "ensemble": independent["grid"]["ensemble"],
    }
    titles = [f"member {k + 1}: {independent['member_acc'][k]:.0%}" for k in range(shown)]
    titles.append(f"<b>ensemble of {members}: {independent['ensemble_acc']:.0%}</b>")
    return grid, titles, shown


def polyak_summary(polyak: dict) -> str:
    """Mean test accuracy of the last iterates and of their Polyak averages, and in how many runs
    the average has the lower log-loss."""
    runs = len(polyak["member_loss"])
    better = sum(b < a for a, b in zip(polyak["member_loss"], polyak["polyak_loss"], strict=True))
    return (
        f"Mean test accuracy: last iterate **{np.mean(polyak['member_acc']):.1%}**, Polyak average "
        f"**{np.mean(polyak['polyak_acc']):.1%}**. The average has the lower log-loss in "
        f"**{better} of {runs}** runs."
    )


def members_table(independent: dict, snapshot: dict, polyak: dict) -> dict[str, np.ndarray]:
    """The three experiments member by member (k = 1 … K), as columns."""
    return {
        "k": np.arange(1, len(independent["member_acc"]) + 1),
        "member acc (independent)": independent["member_acc"],
        "ensemble of 1..k acc": independent["curve"],
        "member log-loss": independent["member_loss"],
        "ensemble of 1..k log-loss": independent["loss_curve"],
        "snapshot acc": snapshot["member_acc"],
        "snapshot ensemble of 1..k acc": snapshot["curve"],
        "last iterate acc": polyak["member_acc"],
        "Polyak acc": polyak["polyak_acc"],
    }


def log_loss_summary(independent: dict) -> str:
    """The ensemble's test log-loss against its average and its best member."""
    mean = float(np.mean(independent["member_loss"]))
    return (
        f"Log-loss: ensemble {independent['loss_curve'][-1]:.3f} vs average member {mean:.3f} "
        f"(best member {min(independent['member_loss']):.3f})."
    )


# The export's settings, in the order its JSON lists them.
SETTINGS = (
    "dataset",
    "points",
    "noise",
    "members",
    "steps",
    "snapshot_steps",
    "beta",
    "polyak_lr",
    "seed",
    "hidden",
)
DRAWN_ONLY = ("grid", "x_test", "y_test")  # drawn on the page, left out of the JSON


def export_summary(settings: dict, independent: dict, snapshot: dict, polyak: dict) -> dict:
    """The JSON export: the settings (every name of ``SETTINGS``) and the three experiments'
    results."""
    runs = {"independent": independent, "snapshot": snapshot, "polyak": polyak}
    return {
        "settings": {name: settings[name] for name in SETTINGS},
        **{
            kind: {k: v for k, v in run.items() if k not in DRAWN_ONLY}
            for kind, run in runs.items()
        },
    }
