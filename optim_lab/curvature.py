r"""What curvature costs, and what it looks like along a path.

Second-order methods divide the gradient by the curvature. For N parameters the Hessian has
:math:`N^2` entries and solving with it takes on the order of :math:`N^3` operations, while L-BFGS keeps
only :math:`m` pairs of N-vectors. :func:`curvature_costs` puts numbers on that, and the ``human_*``
helpers write them in units a person reads (40 GB, 10¹⁵ operations, 3 hours).

For the 2-D surfaces the Hessian is a 2×2 matrix: :func:`path_hessians` evaluates it at every point
of a path (one compiled call per surface and path-length bucket) and :func:`condition_numbers` turns
it into :math:`\kappa(H + \lambda I) = |\mu|_{max} / |\mu|_{min}`, the number that says how
stretched the valley is there. No Streamlit here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

import jax
import numpy as np

from .surfaces import SurfaceEntry
from .trajectory import STEP_BUCKETS, default_dtype

FLOAT32_BYTES = 4
# κ is reported up to this value; a singular (or numerically singular) matrix reads as this cap.
CONDITION_CAP = 1e12
# Paths are padded to one of these lengths so the compiled Hessian program is reused.
_PATH_BUCKETS = tuple(b + 1 for b in STEP_BUCKETS)


@dataclass(frozen=True)
class CurvatureCosts:
    """Memory (bytes) and arithmetic (floating-point operations) of curvature for N parameters.

    Attributes:
        n_params: N.
        history: m, the number of (s, y) pairs L-BFGS keeps.
        bytes_per_number: 4 for float32, 8 for float64.
        gradient_bytes: one gradient, :math:`N` numbers (what first-order methods store per moment).
        hessian_entries: :math:`N^2`.
        hessian_bytes: :math:`N^2` numbers.
        solve_flops: about :math:`N^3` operations to solve (or invert) with the Hessian, each step.
        hessian_gradients: building the Hessian takes about N gradient-sized passes.
        lbfgs_bytes: :math:`2mN` numbers (m pairs of N-vectors).
        lbfgs_flops: about :math:`4mN` operations for the two-loop recursion, each step.
    """

    n_params: int
    history: int
    bytes_per_number: int
    gradient_bytes: int
    hessian_entries: int
    hessian_bytes: int
    solve_flops: int
    hessian_gradients: int
    lbfgs_bytes: int
    lbfgs_flops: int

    @property
    def memory_ratio(self) -> float:
        """How many times more memory the Hessian needs than L-BFGS's history."""
        return self.hessian_bytes / self.lbfgs_bytes


def curvature_costs(
    n_params: int, history: int = 10, bytes_per_number: int = FLOAT32_BYTES
) -> CurvatureCosts:
    r"""Orders of magnitude for Newton's method vs L-BFGS on N parameters.

    Exact Python integers (no overflow): :math:`N^2` numbers for the Hessian, :math:`N^3` operations to
    solve with it (Gaussian elimination needs about :math:`\tfrac23 N^3`; inversion about
    :math:`2N^3`; :math:`N^3` is the usual round figure), :math:`2mN` numbers for L-BFGS.

    Args:
        n_params: number of parameters N (≥ 1).
        history: L-BFGS history m (≥ 1).
        bytes_per_number: size of one number (4 for float32).

    Returns:
        The costs.

    Raises:
        ValueError: for N, m or the byte size below 1.
    """
    for name, value in (
        ("number of parameters", n_params),
        ("history", history),
        ("bytes per number", bytes_per_number),
    ):
        if int(value) != value or value < 1:
            raise ValueError(f"{name} must be a whole number ≥ 1, got {value!r}")
    n, m, b = int(n_params), int(history), int(bytes_per_number)
    return CurvatureCosts(
        n_params=n,
        history=m,
        bytes_per_number=b,
        gradient_bytes=n * b,
        hessian_entries=n * n,
        hessian_bytes=n * n * b,
        solve_flops=n**3,
        hessian_gradients=n,
        lbfgs_bytes=2 * m * n * b,
        lbfgs_flops=4 * m * n,
    )


_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_BYTE_UNITS = ("B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB")
_WORDS = (
    (1e24, "septillion"),
    (1e21, "sextillion"),
    (1e18, "quintillion"),
    (1e15, "quadrillion"),
    (1e12, "trillion"),
    (1e9, "billion"),
    (1e6, "million"),
    (1e3, "thousand"),
)


def _mantissa(value: float) -> str:
    return f"{value:.3g}"


def scientific(value: float) -> str:
    """``4 × 10¹⁰`` (or the plain number below 10 000)."""
    value = float(value)
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    if abs(value) < 1e4:
        return f"{value:,.4g}"
    exponent = math.floor(math.log10(abs(value)))
    mantissa = value / 10**exponent
    if round(mantissa, 2) >= 10:  # 9.999 rounds up to the next decade
        mantissa, exponent = mantissa / 10, exponent + 1
    power = "10" + str(exponent).translate(_SUPERSCRIPTS)
    return power if _mantissa(mantissa) == "1" else f"{_mantissa(mantissa)} × {power}"


def human_count(value: float) -> str:
    """A large count in words and powers of ten: ``10 billion (10¹⁰)``."""
    value = float(f"{float(value):.3g}")  # 999 999 reads as 1 million, not 1000 thousand
    if value >= 1000 * _WORDS[0][0]:
        return scientific(value)
    for size, word in _WORDS:
        if value >= size:
            return f"{_mantissa(value / size)} {word} ({scientific(value)})"
    return f"{value:,.0f}"


def human_bytes(value: float) -> str:
    """Bytes in decimal units (1 GB = 10⁹ bytes): ``40 GB``; beyond yottabytes in powers of ten."""
    value = float(f"{float(value):.3g}")
    for power, unit in enumerate(_BYTE_UNITS):
        scaled = value / 1000**power
        if scaled < 1000:
            return f"{_mantissa(scaled)} {unit}"
    return f"{scientific(value)} B"


def human_duration(seconds: float) -> str:
    """``0.3 ms``, ``12 s``, ``3.2 h``, ``4.1 years``, ``3 × 10⁶ years``."""
    seconds = float(seconds)
    if seconds < 1e-3:
        return f"{_mantissa(seconds * 1e6)} µs"
    if seconds < 1:
        return f"{_mantissa(seconds * 1e3)} ms"
    for limit, size, unit in (
        (120, 1, "s"),
        (7200, 60, "min"),
        (172_800, 3600, "h"),
        (3 * 31_557_600, 86_400, "days"),
    ):
        if seconds < limit:
            return f"{_mantissa(seconds / size)} {unit}"
    years = seconds / 31_557_600
    return f"{_mantissa(years) if years < 1e4 else scientific(years)} years"


# ------------------------------------------------------------------------------------------------
# The 2×2 Hessian along a path
# ------------------------------------------------------------------------------------------------


@partial(jax.jit, static_argnames=("surface",))
def _hessians(surface: SurfaceEntry, surface_params, points):
    return jax.vmap(jax.hessian(lambda p: surface.fn(p, surface_params)))(points)


def _padded_length(n: int) -> int:
    for length in _PATH_BUCKETS:
        if n <= length:
            return length
    return n


def path_hessians(
    surface: SurfaceEntry, points: np.ndarray, surface_params: Mapping[str, Any] | None = None
) -> np.ndarray:
    """The exact Hessian of the surface (by automatic differentiation) at each point.

    Args:
        surface: the surface.
        points: ``(n, 2)`` positions, e.g. a trajectory's finite points.
        surface_params: overrides of the surface's parameters.

    Returns:
        ``(n, 2, 2)`` float64 array; rows where the Hessian is not finite are filled with NaN.
    """
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    n = len(points)
    if n == 0:
        return np.zeros((0, 2, 2))
    dtype = default_dtype()
    padded = np.concatenate([points, np.repeat(points[-1:], _padded_length(n) - n, axis=0)])
    sp = {k: np.asarray(v, dtype) for k, v in surface.resolve(surface_params).items()}
    h = np.asarray(_hessians(surface, sp, padded.astype(dtype)), dtype=np.float64)[:n]
    return np.where(np.isfinite(h).all(axis=(1, 2))[:, None, None], h, np.nan)


def eigenvalues(hessians: np.ndarray, damping: float = 0.0) -> np.ndarray:
    r"""Eigenvalues of :math:`H + \lambda I`, ascending, ``(n, 2)`` (NaN rows stay NaN)."""
    h = np.asarray(hessians, dtype=np.float64)
    if h.size == 0:
        return np.zeros((0, 2))
    finite = np.isfinite(h).all(axis=(1, 2))
    safe = np.where(finite[:, None, None], h, 0.0)
    mu = np.linalg.eigvalsh(0.5 * (safe + np.swapaxes(safe, 1, 2))) + float(damping)
    return np.where(finite[:, None], mu, np.nan)


def condition_numbers(hessians: np.ndarray, damping: float = 0.0) -> np.ndarray:
    r"""Condition number :math:`\kappa = |\mu|_{max} / |\mu|_{min}` of :math:`H + \lambda I` per point.

    For a valley (positive definite H) this is the ratio of the steepest to the flattest curvature;
    where H has a negative eigenvalue (a saddle, a ridge) it still measures the stretch, and
    :func:`eigenvalues` tells the sign. Singular matrices read as :data:`CONDITION_CAP`; points
    whose Hessian is not finite give NaN.
    """
    mu = np.abs(eigenvalues(hessians, damping))
    if mu.size == 0:
        return np.zeros(0)
    high, low = mu.max(axis=1), mu.min(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = np.where(low > high / CONDITION_CAP, high / low, CONDITION_CAP)
    return np.where(np.isnan(high), np.nan, np.minimum(kappa, CONDITION_CAP))
