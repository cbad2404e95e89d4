"""The momentum lesson's quantities: the (α, β) grid of its map and the learning rates that make
the EWA and classic forms of momentum take the same path."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache, partial

import jax
import jax.numpy as jnp
import numpy as np

from ...optimizers import OPTIMIZERS
from ...surfaces import SURFACES, SurfaceEntry
from ...trajectory import RunSpec, Trajectory, _surface_params, default_dtype


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


# ---------------------------------------------------------------------------------------------
# The rate in theory: momentum on a quadratic, one eigen-direction at a time
#
# Along a direction of curvature h the error e and the velocity v follow (e, v) ← M (e, v), and
# the error shrinks per step by the spectral radius of M (the larger |root| of z² − tr·z + det):
#
#   EWA form    v' = βv + (1−β)he,  e' = e − αv'          M = [[1 − α(1−β)h, −αβ], [(1−β)h, β]]
#   classic     v' = ρv + he,       e' = e − αv'          M = [[1 − αh, −αρ], [h, ρ]]
#   Nesterov    v' = ρv + he,       e' = e − α(he + ρv')  M = [[1 − αh(1+ρ), −αρ²], [h, ρ]]


def iteration_matrix(form: str, lr, beta, h) -> np.ndarray:
    """``M`` of the form (``momentum``, ``heavy_ball`` or ``nesterov``) for curvature ``h``,
    broadcast over array arguments: shape ``(..., 2, 2)``."""
    lr, beta, h = np.broadcast_arrays(*(np.asarray(v, float) for v in (lr, beta, h)))
    if form == "momentum":
        rows = ((1 - lr * (1 - beta) * h, -lr * beta), ((1 - beta) * h, beta))
    elif form == "heavy_ball":
        rows = ((1 - lr * h, -lr * beta), (h, beta))
    elif form == "nesterov":
        rows = ((1 - lr * h * (1 + beta), -lr * beta**2), (h, beta))
    else:
        raise ValueError(f"no iteration matrix for {form!r}")
    return np.stack([np.stack(r, axis=-1) for r in rows], axis=-2)


def direction_rate(form: str, lr, beta, h) -> np.ndarray:
    """Per-step factor by which the error along curvature ``h`` shrinks (≥ 1: it does not)."""
    m = iteration_matrix(form, lr, beta, h)
    tr, det = m[..., 0, 0] + m[..., 1, 1], m[..., 0, 0] * m[..., 1, 1] - m[..., 0, 1] * m[..., 1, 0]
    root = np.sqrt((tr**2 - 4 * det).astype(complex))
    return np.maximum(np.abs((tr + root) / 2), np.abs((tr - root) / 2))


def bowl_curvatures(kappa: float) -> tuple[float, float]:
    """The bowl's two curvatures (its eigen-directions u and v): 1/κ and 1."""
    return 1.0 / kappa, 1.0


def rate_map(form: str, lrs, betas, kappa: float) -> np.ndarray:
    """The analytic rate on the bowl over the grid, ``(len(betas), len(lrs))``: the slower of its
    two directions."""
    lr, beta = np.meshgrid(np.asarray(lrs, float), np.asarray(betas, float))
    return np.maximum(*(direction_rate(form, lr, beta, h) for h in bowl_curvatures(kappa)))


def critical_damping(form: str, lrs, kappa: float) -> np.ndarray:
    r"""β (ρ) at which the flat direction (h = 1/κ) is critically damped, per α: below it the error
    decays without oscillating, above it it oscillates (the roots of M turn complex). With
    :math:`a = \alpha/\kappa`: EWA :math:`((1-a)/(1+a))^2`, classic :math:`(1-\sqrt a)^2`,
    Nesterov :math:`(1-\sqrt a)/(1+\sqrt a)`; NaN where :math:`a \ge 1`."""
    a = np.asarray(lrs, float) / kappa
    with np.errstate(invalid="ignore"):
        boundary = {
            "momentum": ((1 - a) / (1 + a)) ** 2,
            "heavy_ball": (1 - np.sqrt(a)) ** 2,
            "nesterov": (1 - np.sqrt(a)) / (1 + np.sqrt(a)),
        }[form]
    return np.where(a < 1, boundary, np.nan)


@lru_cache(maxsize=64)  # Nesterov's search is a 400 × 400 grid: once per (form, κ)
def optimal_cell(form: str, kappa: float, lr_range=(1e-3, 10.0), n: int = 400):
    r"""The fastest (α, β) on the bowl and its rate. Classic form (Polyak):
    :math:`\alpha^* = 4/(1+1/\sqrt\kappa)^2`, :math:`\rho^* = ((\sqrt\kappa-1)/(\sqrt\kappa+1))^2`,
    rate :math:`(\sqrt\kappa-1)/(\sqrt\kappa+1)`; the EWA form is the same run with
    :math:`\alpha = \alpha_c/(1-\beta)`. Nesterov: the best cell of a fine grid (``n`` × ``n``)."""
    root = np.sqrt(kappa)
    rho = ((root - 1) / (root + 1)) ** 2
    classic = 4.0 / (1.0 + 1.0 / root) ** 2
    if form == "heavy_ball":
        return classic, rho, (root - 1) / (root + 1)
    if form == "momentum":
        return ewa_lr(classic, rho), rho, (root - 1) / (root + 1)
    lrs, betas = np.geomspace(*lr_range, n), np.linspace(0.0, 0.999, n)
    rates = rate_map(form, lrs, betas, kappa)
    i, j = np.unravel_index(np.argmin(rates), rates.shape)
    return float(lrs[j]), float(betas[i]), float(rates[i, j])


def measured_direction_rates(points: np.ndarray, noise_floor: float = 1e-5) -> tuple[float, float]:
    """Per-step shrink factor of the error along u = x and v = y of a run on the axis-aligned
    bowl (minimum at 0), fitted over the steps where the error is above ``noise_floor`` × its start
    (two consecutive errors together, so that an oscillation does not spoil the fit); NaN when
    there are too few."""
    rates = []
    for e in np.asarray(points, float).T:
        size = np.hypot(e[1:], e[:-1])
        live = np.flatnonzero(size > noise_floor * size[0])
        last = live[-1] if len(live) else 0
        half = last // 2
        ok = last - half >= 4 and size[half] > 0
        rates.append(float((size[last] / size[half]) ** (1 / (last - half))) if ok else np.nan)
    return rates[0], rates[1]


# ---------------------------------------------------------------------------------------------
# Nesterov as the lectures write it: the gradient at the look-ahead point θ + ρv


@partial(jax.jit, static_argnames=("surface", "steps"))
def _lookahead_path(surface: SurfaceEntry, surface_params, start, lr, rho, steps: int):
    grad = jax.grad(lambda xy: surface.fn(xy, surface_params))

    def step(carry, _):
        theta, v = carry
        v = rho * v - lr * grad(theta + rho * v)
        return (theta + v, v), (theta + v, v)

    _, (thetas, velocities) = jax.lax.scan(step, (start, jnp.zeros_like(start)), None, length=steps)
    return thetas, velocities


def lookahead_nesterov(
    surface_key: str, surface_params: dict, lr: float, rho: float, start, steps: int
) -> dict[str, np.ndarray]:
    r"""Nesterov's look-ahead form, :math:`v \leftarrow \rho v - \alpha\nabla f(\theta + \rho v)`,
    :math:`\theta \leftarrow \theta + v`, from rest: ``theta`` (its points) and ``lookahead``
    (:math:`\varphi = \theta + \rho v`, where it takes its gradients), each ``(steps + 1, 2)``.

    With :math:`\varphi = \theta + \rho v` and :math:`b = -v/\alpha` it is PyTorch's form exactly:
    :math:`b \leftarrow \rho b + \nabla f(\varphi)`, :math:`\varphi \leftarrow \varphi -
    \alpha(\nabla f(\varphi) + \rho b)`, so the look-ahead points retrace the engine's Nesterov run.
    """
    surface = SURFACES[surface_key]
    dtype = default_dtype()
    start = np.asarray(start, dtype)
    sp = _surface_params(surface, surface_params, dtype)
    thetas, velocities = _lookahead_path(
        surface, sp, start, np.asarray(lr, dtype), np.asarray(rho, dtype), int(steps)
    )
    thetas, velocities = np.asarray(thetas, float), np.asarray(velocities, float)
    theta = np.vstack([start, thetas])
    lookahead = np.vstack([start, thetas + rho * velocities])
    return {"theta": theta, "lookahead": lookahead}


def lookahead_gap(lookahead: np.ndarray, nesterov: Trajectory) -> float:
    """Largest distance between the look-ahead points and the engine's Nesterov path."""
    n = min(len(lookahead), len(nesterov.finite_points))
    return float(np.max(np.linalg.norm(lookahead[:n] - nesterov.points[:n], axis=1)))
