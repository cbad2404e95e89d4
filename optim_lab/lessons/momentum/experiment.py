"""The momentum lesson's quantities: the (α, β) grid of its map and the learning rates that make
the EWA and classic forms of momentum take the same path."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ...optimizers import OPTIMIZERS
from ...trajectory import RunSpec, Trajectory


def momentum_grid(
    n_lr: int = 64, n_beta: int = 100, lr_range: tuple[float, float] = (1e-3, 10.0)
) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """The (α, β) grid of the momentum map: log-spaced α (3 significant digits, so links stay
    short) and β = 0, 0.01, …, 0.99 (on the β slider's steps)."""
    lrs = tuple(float(f"{v:.3g}") for v in np.geomspace(*lr_range, n_lr))
    betas = tuple(round(float(b), 4) for b in np.linspace(0.0, 0.99, n_beta))
    return lrs, betas


def classic_lr(lr_ewa: float, beta: float) -> float:
    r"""The classic-form learning rate that reproduces EWA-form momentum: :math:`\alpha(1-\beta)`.

    With :math:`u = v/(1-\beta)`, :math:`u \leftarrow \beta u + g` and
    :math:`\alpha_c u = \alpha v` exactly when :math:`\alpha_c = \alpha(1-\beta)`.
    """
    return lr_ewa * (1.0 - beta)


def ewa_lr(lr_classic: float, beta: float) -> float:
    r"""The inverse of :func:`classic_lr`: :math:`\alpha_c / (1-\beta)`."""
    return lr_classic / (1.0 - beta)


def forms_compared(form: str, lr: float, beta: float, rescale: bool) -> tuple[list[RunSpec], str]:
    """The runs of the two-forms comparison for the map's chosen cell (``form`` at ``lr``,
    ``beta``): plain SGD, the EWA form (when its α is allowed), the classic form and Nesterov,
    with α translated between the forms when ``rescale``. Also a note when the EWA form is left
    out ("" otherwise)."""
    if form == "momentum":
        lr_ewa, lr_classic = lr, (classic_lr(lr, beta) if rescale else lr)
    else:
        lr_classic, lr_ewa = lr, (ewa_lr(lr, beta) if rescale else lr)
    runs = [
        RunSpec("sgd", {"lr": lr_classic}, label=f"SGD (no momentum): α={lr_classic:.3g}"),
        RunSpec(
            "heavy_ball",
            {"lr": lr_classic, "rho": beta},
            label=f"classic: α={lr_classic:.3g}, ρ={beta:g}",
        ),
        RunSpec(
            "nesterov",
            {"lr": lr_classic, "rho": beta},
            label=f"Nesterov: α={lr_classic:.3g}, ρ={beta:g}",
        ),
    ]
    lr_max = OPTIMIZERS["momentum"].param("lr").max
    if lr_ewa > lr_max:
        note = (
            f"The EWA form would need α = {lr_ewa:.3g}, above its maximum of {lr_max:g}; "
            "it is left out. Pick a smaller α or β."
        )
        return runs, note
    ewa = RunSpec(
        "momentum", {"lr": lr_ewa, "beta": beta}, label=f"EWA: α={lr_ewa:.3g}, β={beta:g}"
    )
    return [runs[0], ewa, *runs[1:]], ""


def forms_agree(trajectories: Sequence[Trajectory], rescale: bool) -> tuple[str, str] | None:
    """``(kind, message)`` on whether the EWA and classic paths coincide (None without an EWA run)."""
    by_name = {t.spec.optimizer: t for t in trajectories}
    if "momentum" not in by_name:
        return None
    a, b = by_name["momentum"], by_name["heavy_ball"]
    n = min(len(a.finite_points), len(b.finite_points))
    gap = float(np.max(np.linalg.norm(a.points[:n] - b.points[:n], axis=1)))
    scale = float(np.max(np.abs(a.points[:n]))) or 1.0
    if gap <= 1e-4 * scale:
        return (
            "success",
            f"EWA and classic paths coincide: largest distance {gap:.1e} (rounding only).",
        )
    why = "one of them diverged." if rescale else "turn on the rescaling to make them identical."
    return "info", f"EWA and classic paths differ (largest distance {gap:.3g}): {why}"


def map_colours(result, metric: str) -> tuple[np.ndarray, np.ndarray | None, bool, str]:
    """What colours the (α, β) map of a sweep: ``(values, missing, log scale, title)``. ``loss``:
    the final loss, on a log scale; ``steps``: the first step within the tolerance, cells that
    never get there marked missing."""
    if metric == "loss":
        return result.final_loss, None, True, "final loss"
    return result.steps_to_tol.astype(float), result.steps_to_tol < 0, False, "steps to tolerance"


def map_table(result, beta_name: str) -> dict[str, np.ndarray]:
    """The sweep as columns, one row per cell (α varying fastest)."""
    return {
        "lr": np.tile(result.x_values, len(result.y_values)),
        beta_name: np.repeat(result.y_values, len(result.x_values)),
        "final_loss": result.final_loss.ravel(),
        "steps_to_tol": result.steps_to_tol.ravel(),
        "diverged": result.diverged.ravel(),
    }
