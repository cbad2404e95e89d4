r"""2D loss surfaces :math:`f(x, y)` that each teach one thing about optimization, plus their registry.

A surface is a :class:`SurfaceEntry`: an exact loss ``fn(xy, sp)``, a plot domain, known minima, a
good start point and an SGD learning rate that behaves well from there. ``sp`` holds the surface's
parameters (κ, batch size...) as **traced** numbers, so moving a slider never recompiles; entries are
hashable and serve as static arguments of ``jax.jit``.

Stochastic surfaces (``least_squares``) also have ``minibatch_fn(xy, sp, key)``, the loss on a random
minibatch, whose gradient is an unbiased estimate of the full gradient.

User formulas become surfaces with :func:`surface_from_expr`; :func:`evaluate_grid` samples any
surface on a grid for contour plots.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from .expr import expression_to_latex, parse_expression
from .registry import Entry, HParam, Registry

SurfaceParams = Mapping[str, Any]
Domain = tuple[tuple[float, float], tuple[float, float]]


@dataclass(frozen=True)
class SurfaceEntry(Entry):
    r"""A registered loss surface.

    Args:
        fn: exact loss ``fn(xy, sp) -> scalar`` for ``xy`` of shape ``(2,)``; jit-safe and twice
            differentiable; ``sp`` maps parameter names to traced scalars.
        domain: ``((xmin, xmax), (ymin, ymax))`` shown in plots.
        minima: known minima for the default parameters, the global one first.
        start: a good default start point.
        minibatch_fn: ``minibatch_fn(xy, sp, key) -> scalar`` loss on a random minibatch, or ``None``
            for deterministic surfaces.
        log_scale: contours look better on :math:`\log(1 + f - f_{\min})`.
        lr_hint: an SGD learning rate that behaves well from ``start`` (for ``cliff``: one at which
            unclipped SGD is thrown off the wall).
    """

    fn: Callable[[jax.Array, SurfaceParams], jax.Array] | None = None
    domain: Domain = ((-2.0, 2.0), (-2.0, 2.0))
    minima: tuple[tuple[float, float], ...] = ()
    start: tuple[float, float] = (0.0, 0.0)
    minibatch_fn: Callable[[jax.Array, SurfaceParams, jax.Array], jax.Array] | None = None
    log_scale: bool = False
    lr_hint: float = 0.01

    @property
    def stochastic(self) -> bool:
        """Whether the surface has a minibatch loss."""
        return self.minibatch_fn is not None


# ------------------------------------------------------------------------------------------------
# Deterministic surfaces
# ------------------------------------------------------------------------------------------------


def bowl(xy: jax.Array, sp: SurfaceParams) -> jax.Array:
    r"""Ill-conditioned quadratic, rotated by ``angle`` degrees, with curvatures :math:`1/\kappa`
    and 1 (so the Hessian's condition number is κ and the largest curvature stays 1):

    .. math:: f = \frac{1}{2\kappa}\left(u^2 + \kappa v^2\right),\quad
              u = x\cos\varphi + y\sin\varphi,\ v = -x\sin\varphi + y\cos\varphi
    """
    x, y = xy[0], xy[1]
    phi = sp["angle"] * (math.pi / 180.0)
    c, s = jnp.cos(phi), jnp.sin(phi)
    u = c * x + s * y
    v = -s * x + c * y
    kappa = sp["kappa"]
    return 0.5 * (u**2 + kappa * v**2) / kappa


def saddle(xy: jax.Array, sp: SurfaceParams) -> jax.Array:
    r"""Saddle point at the origin: :math:`f = x^2 - y^2`."""
    return xy[0] ** 2 - xy[1] ** 2


def monkey_saddle(xy: jax.Array, sp: SurfaceParams) -> jax.Array:
    r"""Degenerate (flat, third-order) saddle: :math:`f = x^3 - 3 x y^2`."""
    x, y = xy[0], xy[1]
    return x**3 - 3.0 * x * y**2


def plateau(xy: jax.Array, sp: SurfaceParams) -> jax.Array:
    r"""A Gaussian basin in a wide plateau whose gradient decays like :math:`e^{-r^2/2w^2}`:

    .. math:: f = 1 - \exp\left(-\frac{x^2 + y^2}{2 w^2}\right)
    """
    width = sp["width"]
    return 1.0 - jnp.exp(-(xy[0] ** 2 + xy[1] ** 2) / (2.0 * width**2))


# The cliff: a gentle valley sloping towards +x, a wall of slope ``steepness`` rising at x = 1.
_CLIFF_WALL = 1.0
_CLIFF_SHARPNESS = 1000.0


def cliff(xy: jax.Array, sp: SurfaceParams) -> jax.Array:
    r"""A gentle valley that runs into a steep wall at :math:`x = 1` (slope ``steepness`` = h):

    .. math:: f = \tfrac{1}{10}(x-3)^2 + \tfrac{1}{2} y^2
              + \frac{h}{k}\,\mathrm{softplus}\big(k (x - 1)\big),\quad k = 1000

    Just before the wall the curvature is about :math:`k f'`, far too large for the step size, so
    SGD overshoots into the wall, where the gradient is about h.
    """
    x, y = xy[0], xy[1]
    wall = (
        sp["steepness"] / _CLIFF_SHARPNESS * jax.nn.softplus(_CLIFF_SHARPNESS * (x - _CLIFF_WALL))
    )
    return 0.1 * (x - 3.0) ** 2 + 0.5 * y**2 + wall


# (x, y, depth) of the Gaussian wells of `local_minima`, the deepest (global) first.
_WELLS = np.array(
    [
        [1.5, 1.5, 2.0],
        [-1.6, 1.2, 1.3],
        [-1.0, -1.7, 1.1],
        [1.8, -1.2, 0.9],
    ]
)
_WELL_WIDTH = 0.6


def local_minima(xy: jax.Array, sp: SurfaceParams) -> jax.Array:
    r"""Gaussian wells of depths :math:`d_i` on a shallow bowl; the deepest is the global minimum:

    .. math:: f = \tfrac{1}{10}(x^2 + y^2) - \sum_i d_i \exp\left(-\frac{\lVert p - c_i\rVert^2}
              {2\sigma^2}\right),\quad \sigma = 0.6
    """
    x, y = xy[0], xy[1]
    wells = jnp.asarray(_WELLS, dtype=jnp.result_type(x))
    d2 = (x - wells[:, 0]) ** 2 + (y - wells[:, 1]) ** 2
    depth = sp["depth"] * wells[:, 2]
    return 0.1 * (x**2 + y**2) - jnp.sum(depth * jnp.exp(-d2 / (2.0 * _WELL_WIDTH**2)))


def rosenbrock(xy: jax.Array, sp: SurfaceParams) -> jax.Array:
    r"""Rosenbrock's banana valley: :math:`f = (a - x)^2 + b (y - x^2)^2`, minimum :math:`(a, a^2)`."""
    x, y = xy[0], xy[1]
    return (sp["a"] - x) ** 2 + sp["b"] * (y - x**2) ** 2


def himmelblau(xy: jax.Array, sp: SurfaceParams) -> jax.Array:
    r"""Himmelblau's function, four equal minima: :math:`f = (x^2 + y - 11)^2 + (x + y^2 - 7)^2`."""
    x, y = xy[0], xy[1]
    return (x**2 + y - 11.0) ** 2 + (x + y**2 - 7.0) ** 2


def beale(xy: jax.Array, sp: SurfaceParams) -> jax.Array:
    r"""Beale's function, minimum (3, 0.5) in a flat, curved valley:

    .. math:: f = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2
    """
    x, y = xy[0], xy[1]
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2


def rastrigin(xy: jax.Array, sp: SurfaceParams) -> jax.Array:
    r"""Rastrigin's egg crate: :math:`f = 2A + \sum_{z \in \{x, y\}} \left(z^2 - A\cos 2\pi z\right)`."""
    a = sp["A"]
    return 2.0 * a + jnp.sum(xy**2 - a * jnp.cos(2.0 * math.pi * xy))


# ------------------------------------------------------------------------------------------------
# Minibatch least squares: a real empirical loss over generated data, parameters (w, b)
# ------------------------------------------------------------------------------------------------

LSQ_MAX_POINTS = 500
"""Size of the fixed data buffer; ``n_points`` masks it, so changing it never recompiles."""
_LSQ_INDEX_BITS = np.uint32((1 << LSQ_MAX_POINTS.bit_length()) - 1)  # a minibatch score's low bits

LSQ_TRUE_W, LSQ_TRUE_B = 1.5, -0.5
_LSQ_RNG = np.random.default_rng(20240611)
LSQ_X = _LSQ_RNG.uniform(0.0, 3.0, LSQ_MAX_POINTS)
"""Inputs :math:`x_i`, uniform on [0, 3]: not centred, so w and b are correlated (tilted valley)."""
LSQ_EPS = _LSQ_RNG.standard_normal(LSQ_MAX_POINTS)
"""Fixed standard-normal label noise, scaled by the ``noise`` parameter."""


def least_squares_data(n_points: int = 100, noise: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    r"""The data set of ``least_squares`` (NumPy): :math:`y_i = w^* x_i + b^* + \sigma\epsilon_i`."""
    n = int(n_points)
    x = LSQ_X[:n]
    return x, LSQ_TRUE_W * x + LSQ_TRUE_B + noise * LSQ_EPS[:n]


def least_squares_solution(n_points: int = 100, noise: float = 0.5) -> tuple[float, float]:
    """The exact minimizer (w, b) of the full-data loss, by NumPy's least squares."""
    x, y = least_squares_data(n_points, noise)
    design = np.stack([x, np.ones_like(x)], axis=1)
    (w, b), *_ = np.linalg.lstsq(design, y, rcond=None)
    return float(w), float(b)


def _lsq_residuals(xy: jax.Array, sp: SurfaceParams) -> tuple[jax.Array, jax.Array]:
    """Squared residuals on the whole buffer and the mask of the first ``n_points`` points."""
    dtype = jnp.result_type(xy)
    x = jnp.asarray(LSQ_X, dtype)
    eps = jnp.asarray(LSQ_EPS, dtype)
    y = LSQ_TRUE_W * x + LSQ_TRUE_B + sp["noise"] * eps
    residual = xy[0] * x + xy[1] - y
    n = jnp.clip(jnp.round(sp["n_points"]), 1, LSQ_MAX_POINTS)
    mask = jnp.arange(LSQ_MAX_POINTS) < n
    return residual**2, mask


def _masked_mean(values: jax.Array, mask: jax.Array) -> jax.Array:
    return jnp.sum(jnp.where(mask, values, 0.0)) / jnp.sum(mask)


def least_squares(xy: jax.Array, sp: SurfaceParams) -> jax.Array:
    r"""Full-data mean squared error of the line :math:`w x + b` (``xy`` = (w, b)):

    .. math:: L(w, b) = \frac{1}{N}\sum_{i=1}^{N} (w x_i + b - y_i)^2
    """
    squares, mask = _lsq_residuals(xy, sp)
    return _masked_mean(squares, mask)


def least_squares_minibatch(xy: jax.Array, sp: SurfaceParams, key: jax.Array) -> jax.Array:
    r"""Mean squared error on ``batch_size`` distinct points drawn uniformly among the first N:

    .. math:: L_B(w, b) = \frac{1}{|B|}\sum_{i \in B} (w x_i + b - y_i)^2,\quad \mathbb{E}[\nabla L_B]
              = \nabla L

    The batch is the points with the smallest random scores (:func:`least_squares_batch_mask`), so a
    traced ``batch_size`` selects it without changing any shape. With ``batch_size >= n_points`` it
    equals :func:`least_squares` exactly.
    """
    squares, _ = _lsq_residuals(xy, sp)
    return _masked_mean(squares, least_squares_batch_mask(sp, key))


def least_squares_batch_mask(sp: SurfaceParams, key: jax.Array) -> jax.Array:
    """Boolean mask over the data buffer of the minibatch that ``key`` draws (for plots and tests).

    ``min(batch_size, n_points)`` distinct points, uniformly among the first ``n_points``: the ones
    with the smallest random scores. A score is 23 random bits above the point's index, so no two
    are equal and the batch is every score up to the ``batch_size``-th smallest (one sort; no shape
    depends on a parameter).
    """
    n = jnp.clip(jnp.round(sp["n_points"]), 1, LSQ_MAX_POINTS)
    index = jnp.arange(LSQ_MAX_POINTS, dtype=jnp.uint32)
    mask = index < n
    scores = (jax.random.bits(key, (LSQ_MAX_POINTS,), jnp.uint32) & ~_LSQ_INDEX_BITS) | index
    scores = jnp.where(mask, scores, jnp.uint32(0xFFFFFFFF))
    batch = jnp.clip(jnp.round(sp["batch_size"]), 1, LSQ_MAX_POINTS).astype(jnp.int32)
    return mask & (scores <= jnp.sort(scores)[batch - 1])


# ------------------------------------------------------------------------------------------------
# Registry
# ------------------------------------------------------------------------------------------------

# Minima without a closed form, found by Newton's method in float64 (the tests check them).
_LOCAL_MINIMA = (
    (1.4474925653, 1.4474312339),
    (-1.5147550402, 1.136057504),
    (-0.9372861603, -1.5934205054),
    (1.6617134113, -1.1074925377),
)
_CLIFF_MINIMUM = (0.9951821438926605, 0.0)
_HIMMELBLAU_MINIMA = (
    (3.0, 2.0),
    (-2.805118086952745, 3.131312518250573),
    (-3.779310253377747, -3.283185991286170),
    (3.584428340330492, -1.848126526964404),
)

SURFACES: Registry[SurfaceEntry] = Registry("surface")
for _entry in [
    SurfaceEntry(
        "bowl",
        "Ill-conditioned bowl",
        r"f = \frac{1}{2\kappa}\left(u^2 + \kappa v^2\right),\ "
        r"\begin{pmatrix} u \\ v \end{pmatrix} = R_{\varphi} \begin{pmatrix} x \\ y \end{pmatrix}",
        (
            HParam(
                "kappa",
                "condition number κ",
                10.0,
                1.0,
                1000.0,
                log=True,
                help="Ratio of the largest to the smallest curvature.",
            ),
            HParam(
                "angle",
                "rotation φ (degrees)",
                0.0,
                -90.0,
                90.0,
                help="Rotates the valley away from the axes (per-coordinate methods lose their edge).",
            ),
        ),
        "A long narrow valley: the step size is limited by the steep direction, so progress along "
        "the flat one slows as the condition number grows.",
        fn=bowl,
        domain=((-2.0, 2.0), (-2.0, 2.0)),
        minima=((0.0, 0.0),),
        start=(-1.8, 1.2),
        lr_hint=0.5,
    ),
    SurfaceEntry(
        "saddle",
        "Saddle point",
        r"f = x^2 - y^2",
        (),
        "Near a saddle the gradient vanishes, so gradient descent slows down before it escapes "
        "along the downhill direction.",
        fn=saddle,
        domain=((-2.0, 2.0), (-2.0, 2.0)),
        start=(-1.8, 0.001),
        lr_hint=0.05,
    ),
    SurfaceEntry(
        "monkey_saddle",
        "Monkey saddle",
        r"f = x^3 - 3 x y^2",
        (),
        "A saddle with zero curvature, where the gradient fades like the square of the distance "
        "and even second-order methods see nothing to follow.",
        fn=monkey_saddle,
        domain=((-2.0, 2.0), (-2.0, 2.0)),
        start=(1.5, 0.001),
        lr_hint=0.02,
    ),
    SurfaceEntry(
        "plateau",
        "Plateau",
        r"f = 1 - \exp\left(-\frac{x^2 + y^2}{2 w^2}\right)",
        (
            HParam(
                "width",
                "basin width w",
                0.8,
                0.3,
                3.0,
                log=True,
                help="Radius of the basin; outside it the surface is almost flat.",
            ),
        ),
        "On a plateau the gradient is tiny, so plain gradient descent crawls while methods that "
        "normalize the step (Adam, RMSprop) walk across at full speed.",
        fn=plateau,
        domain=((-3.0, 3.0), (-3.0, 3.0)),
        minima=((0.0, 0.0),),
        start=(2.6, 2.0),
        lr_hint=0.5,
    ),
    SurfaceEntry(
        "cliff",
        "Cliff",
        r"f = \tfrac{1}{10}(x-3)^2 + \tfrac{1}{2} y^2 + \frac{h}{k}\,\mathrm{softplus}"
        r"\big(k (x - 1)\big),\ k = 1000",
        (
            HParam(
                "steepness",
                "wall slope h",
                50.0,
                1.0,
                1000.0,
                log=True,
                help="Slope of the wall: the size of the gradient that hits an iterate on it.",
            ),
        ),
        "A steep wall produces a huge gradient that throws plain SGD far away, while clipping the "
        "gradient norm keeps each step small.",
        fn=cliff,
        domain=((-4.5, 2.0), (-2.0, 2.0)),
        minima=(_CLIFF_MINIMUM,),
        start=(-3.0, 1.0),
        lr_hint=0.1,
    ),
    SurfaceEntry(
        "local_minima",
        "Local minima",
        r"f = \tfrac{1}{10}(x^2 + y^2) - s\sum_i d_i \exp\left(-\frac{\lVert p - c_i\rVert^2}"
        r"{2\sigma^2}\right)",
        (
            HParam(
                "depth",
                "well depth s",
                1.0,
                0.0,
                3.0,
                help="Scales the depth of every well (0 leaves the plain bowl).",
            ),
        ),
        "Gradient descent stops in the nearest well; momentum, noise or a larger step can carry it "
        "to a deeper one.",
        fn=local_minima,
        domain=((-3.0, 3.0), (-3.0, 3.0)),
        minima=_LOCAL_MINIMA,
        start=(-2.8, 2.6),
        lr_hint=0.1,
    ),
    SurfaceEntry(
        "rosenbrock",
        "Rosenbrock",
        r"f = (a - x)^2 + b\,(y - x^2)^2",
        (
            HParam("a", "a", 1.0, 0.0, 2.0, help="Position of the minimum (a, a²)."),
            HParam(
                "b",
                "b",
                100.0,
                1.0,
                1000.0,
                log=True,
                help="Steepness of the valley walls (ill-conditioning).",
            ),
        ),
        "A curved, flat-bottomed valley: finding it is easy, following it to the minimum is slow.",
        fn=rosenbrock,
        domain=((-2.0, 2.0), (-1.0, 3.0)),
        minima=((1.0, 1.0),),
        start=(-1.5, 2.0),
        log_scale=True,
        lr_hint=0.001,
    ),
    SurfaceEntry(
        "himmelblau",
        "Himmelblau",
        r"f = (x^2 + y - 11)^2 + (x + y^2 - 7)^2",
        (),
        "Four equally good minima: where you end up depends on where you start.",
        fn=himmelblau,
        domain=((-5.0, 5.0), (-5.0, 5.0)),
        minima=_HIMMELBLAU_MINIMA,
        start=(-0.5, -0.5),
        log_scale=True,
        lr_hint=0.01,
    ),
    SurfaceEntry(
        "beale",
        "Beale",
        r"f = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2",
        (),
        "Sharp ridges and a flat curved valley: the gradient's size varies over orders of "
        "magnitude, which favours adaptive methods.",
        fn=beale,
        domain=((-4.5, 4.5), (-4.5, 4.5)),
        minima=((3.0, 0.5),),
        start=(1.0, 1.5),
        log_scale=True,
        lr_hint=0.01,
    ),
    SurfaceEntry(
        "rastrigin",
        "Rastrigin",
        r"f = 2A + \sum_{z \in \{x, y\}} \left(z^2 - A \cos 2\pi z\right)",
        (
            HParam(
                "A",
                "ripple amplitude A",
                10.0,
                0.0,
                20.0,
                help="Height of the ripples (0 leaves the plain bowl).",
            ),
        ),
        "A regular grid of local minima: gradient descent stops in the first one it meets.",
        fn=rastrigin,
        domain=((-5.12, 5.12), (-5.12, 5.12)),
        minima=((0.0, 0.0),),
        start=(-3.2, 2.8),
        lr_hint=0.002,
    ),
    SurfaceEntry(
        "least_squares",
        "Minibatch least squares",
        r"L(w, b) = \frac{1}{N}\sum_{i=1}^{N} (w x_i + b - y_i)^2,\quad "
        r"L_B = \frac{1}{|B|}\sum_{i \in B} (w x_i + b - y_i)^2",
        (
            HParam(
                "n_points",
                "data points N",
                100,
                10,
                LSQ_MAX_POINTS,
                integer=True,
                help="Size of the training set.",
            ),
            HParam(
                "noise",
                "label noise σ",
                0.5,
                0.0,
                3.0,
                help="Standard deviation of the noise added to the labels.",
            ),
            HParam(
                "batch_size",
                "batch size |B|",
                10,
                1,
                LSQ_MAX_POINTS,
                integer=True,
                help="Points per minibatch; N or more gives the full-batch gradient.",
            ),
        ),
        "Fitting a line to data with minibatches: small batches give noisy but unbiased gradients, "
        "and the noise keeps SGD bouncing around the minimum unless the step size shrinks.",
        fn=least_squares,
        domain=((-1.0, 4.0), (-3.0, 2.0)),
        minima=(least_squares_solution(100, 0.5),),
        start=(-0.5, 1.5),
        minibatch_fn=least_squares_minibatch,
        lr_hint=0.1,
    ),
]:
    SURFACES.add(_entry)


# ------------------------------------------------------------------------------------------------
# User formulas and grids
# ------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def _custom_surface(text: str, domain: Domain) -> SurfaceEntry:
    fn = parse_expression(text)
    try:
        latex = "f = " + expression_to_latex(text)
    except Exception:  # pragma: no cover - rendering is a nicety, the parse above succeeded
        latex = ""
    (x0, x1), (y0, y1) = domain
    start = (round(x0 + 0.2 * (x1 - x0), 6), round(y0 + 0.75 * (y1 - y0), 6))
    return SurfaceEntry(
        "custom",
        f"Custom: {text}",
        latex,
        (),
        "A surface from your own formula.",
        fn=fn,
        domain=domain,
        minima=(),
        start=start,
        lr_hint=0.01,
    )


def surface_from_expr(text: str, domain: Domain = ((-3.0, 3.0), (-3.0, 3.0))) -> SurfaceEntry:
    """A surface from a user formula in x and y (see :mod:`optim_lab.expr`).

    The same text and domain give the same (equal, hashable) entry, so compiled runs are reused.

    Args:
        text: the formula, e.g. ``"x**2 + 10*y**2"``.
        domain: ``((xmin, xmax), (ymin, ymax))`` for plots.

    Returns:
        An entry named ``"custom"`` with no parameters and no known minima.

    Raises:
        ExpressionError: the formula is refused; the message gives the column.
        ValueError: the domain is not two increasing, finite ranges.
    """
    try:
        (x0, x1), (y0, y1) = domain
        normalized = ((float(x0), float(x1)), (float(y0), float(y1)))
    except (TypeError, ValueError):
        raise ValueError(f"domain must be ((xmin, xmax), (ymin, ymax)), got {domain!r}") from None
    for lo, hi in normalized:
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise ValueError(f"domain ranges must be finite with min < max, got {domain!r}")
    return _custom_surface(text, normalized)


@functools.partial(jax.jit, static_argnames=("surface", "resolution"))
def _grid(surface: SurfaceEntry, sp: SurfaceParams, resolution: int):
    (x0, x1), (y0, y1) = surface.domain
    xs = jnp.linspace(x0, x1, resolution)
    ys = jnp.linspace(y0, y1, resolution)
    gx, gy = jnp.meshgrid(xs, ys)  # z[i, j] = f(xs[j], ys[i]), Plotly's convention
    points = jnp.stack([gx.ravel(), gy.ravel()], axis=-1)
    z = jax.vmap(lambda p: surface.fn(p, sp))(points)
    return xs, ys, z.reshape(resolution, resolution)


def evaluate_grid(
    surface: SurfaceEntry, sp: SurfaceParams | None, resolution: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The surface on a ``resolution`` × ``resolution`` grid over its domain, for contour plots.

    One compiled call per (surface, resolution); parameter values are traced.

    Args:
        surface: the surface.
        sp: parameter overrides (validated by ``surface.resolve``); ``None`` for the defaults.
        resolution: points per axis.

    Returns:
        ``(xs, ys, z)`` NumPy arrays with ``z[i, j] = f(xs[j], ys[i])``; non-finite values are
        replaced (NaN and +inf by the largest finite value, -inf by the smallest) so plots never
        see NaN.
    """
    params = surface.resolve(sp)
    xs, ys, z = _grid(surface, params, int(resolution))
    xs, ys, z = np.asarray(xs), np.asarray(ys), np.array(z)
    finite = np.isfinite(z)
    if not finite.all():
        if finite.any():
            high, low = z[finite].max(), z[finite].min()
        else:
            high = low = 0.0
        z[np.isnan(z) | (z == np.inf)] = high
        z[z == -np.inf] = low
    return xs, ys, z
