"""The momentum lesson's quantities: the (α, β) grid of its map and the learning rates that make
the EWA and classic forms of momentum take the same path."""

from __future__ import annotations

import numpy as np


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
