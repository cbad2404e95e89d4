r"""Datasets (seeded NumPy generators, train/val/test splits) and preprocessing.

Every dataset is a registry entry whose ``generate(rng, params)`` returns ``(x, y)``: features
``(N, D)`` float32 and targets ``(N,)``: integer labels for a ``classification`` set, real numbers
for a ``regression`` set (its ``task``, the one place that says which). :func:`make_dataset`
shuffles and splits it. The 2D toy sets are made here (``plane`` and ``gaussians`` are TensorFlow
Playground's regression sets); ``digits`` is scikit-learn's 8×8 handwritten digits (1,797 real
images shipped with scikit-learn, no download).

Input features (:data:`FEATURES`, TensorFlow Playground's :math:`x_1, x_2, x_1^2, x_2^2, x_1x_2,
\sin x_1, \sin x_2`) map the two raw coordinates to the network's inputs before preprocessing:
with :math:`x_1 x_2` alone, XOR is linearly separable. The sines are taken on TensorFlow
Playground's scale, where every set spans :math:`[-6, 6]`: :math:`\sin(6 x_j / r_j)` with
:math:`r_j = \max |x_j|` over the training split (our 2D classification sets span about
:math:`[-1, 1]`, where :math:`\sin x \approx x` would add nothing).

Preprocessing is fit on the training split and applied unchanged to validation, test and
decision-boundary grids. Each method is an affine map :math:`x \mapsto (x - \mu) M`:

- ``center``: :math:`M = I`;
- ``standardize``: :math:`M = \mathrm{diag}(1/\sigma_j)`;
- ``pca``: :math:`M = U` (rotation onto the eigenvectors of the covariance
  :math:`\Sigma = U \Lambda U^\top`, largest first);
- ``whiten``: :math:`M = U (\Lambda + \epsilon)^{-1/2}` (PCA, then unit variance per component).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from ..registry import Entry, HParam, Registry

#: Digits is a fixed set of this many images.
DIGITS_SIZE = 1797


@dataclass(frozen=True)
class DatasetEntry(Entry):
    """A registered dataset.

    Attributes:
        generate: ``generate(rng, params) -> (x, y)`` with the resolved ``params``.
        n_classes: number of classes, or ``None`` when the ``classes`` parameter decides
            (a regression set: 1, its one real output).
        feature_names: names of the input features.
        task: ``classification`` (integer labels) or ``regression`` (a real target).
    """

    generate: Callable[[np.random.Generator, Mapping[str, Any]], tuple] | None = None
    n_classes: int | None = 2
    feature_names: tuple[str, ...] = ("x₁", "x₂")
    task: str = "classification"

    def classes(self, params: Mapping[str, Any]) -> int:
        return int(params["classes"]) if self.n_classes is None else self.n_classes


def _points(default=300) -> HParam:
    return HParam(
        "points", "points", default, 10, 5000, integer=True, help="Number of examples in all."
    )


def _noise(default: float, max_=2.0) -> HParam:
    return HParam(
        "noise", "noise", default, 0.0, max_, help="How much the classes blur into each other."
    )


def _classes(default=3) -> HParam:
    return HParam("classes", "classes K", default, 2, 8, integer=True, help="Number of classes.")


def _jitter(default=0.0) -> HParam:
    return HParam(
        "noise",
        "noise",
        default,
        0.0,
        0.5,
        help="The target is read at a point moved by up to noise × 6 along each axis.",
    )


#: TensorFlow Playground's problem types.
TASKS = ("classification", "regression")


def _split_counts(n: int, k: int) -> list[int]:
    return [n // k + (1 if j < n % k else 0) for j in range(k)]


def spiral(rng: np.random.Generator, p: Mapping[str, Any]):
    r"""K interleaved spiral arms (the CS231n toy set):
    :math:`r \in [0, 1]`, :math:`t = 4j + 4r + \epsilon`, :math:`x = r(\sin t, \cos t)`."""
    k = int(p["classes"])
    xs, ys = [], []
    for j, count in enumerate(_split_counts(int(p["points"]), k)):
        r = np.linspace(0.0, 1.0, count)
        t = np.linspace(j * 4.0, (j + 1) * 4.0, count) + rng.standard_normal(count) * p["noise"]
        xs.append(np.c_[r * np.sin(t), r * np.cos(t)])
        ys.append(np.full(count, j))
    return np.concatenate(xs), np.concatenate(ys)


def moons(rng: np.random.Generator, p: Mapping[str, Any]):
    """Two interleaving half circles (as ``sklearn.datasets.make_moons``)."""
    n_out, n_in = _split_counts(int(p["points"]), 2)
    a, b = np.linspace(0, np.pi, n_out), np.linspace(0, np.pi, n_in)
    x = np.r_[np.c_[np.cos(a), np.sin(a)], np.c_[1 - np.cos(b), 0.5 - np.sin(b)]]
    x += rng.standard_normal(x.shape) * p["noise"]
    return x, np.r_[np.zeros(n_out), np.ones(n_in)]


def circles(rng: np.random.Generator, p: Mapping[str, Any]):
    """A small circle inside a large one (radius 0.5 and 1)."""
    n_out, n_in = _split_counts(int(p["points"]), 2)
    a = rng.uniform(0, 2 * np.pi, n_out)
    b = rng.uniform(0, 2 * np.pi, n_in)
    x = np.r_[np.c_[np.cos(a), np.sin(a)], 0.5 * np.c_[np.cos(b), np.sin(b)]]
    x += rng.standard_normal(x.shape) * p["noise"]
    return x, np.r_[np.zeros(n_out), np.ones(n_in)]


def xor(rng: np.random.Generator, p: Mapping[str, Any]):
    r"""Uniform points in :math:`[-1, 1]^2`, class :math:`\mathbb 1[x_1 x_2 > 0]`, then jittered."""
    x = rng.uniform(-1, 1, size=(int(p["points"]), 2))
    y = (x[:, 0] * x[:, 1] > 0).astype(int)
    return x + rng.standard_normal(x.shape) * p["noise"], y


def blobs(rng: np.random.Generator, p: Mapping[str, Any]):
    """K Gaussian blobs with centres evenly spaced on a circle of radius 2 (std = ``noise``)."""
    k = int(p["classes"])
    xs, ys = [], []
    for j, count in enumerate(_split_counts(int(p["points"]), k)):
        angle = 2 * np.pi * j / k
        centre = 2.0 * np.array([np.cos(angle), np.sin(angle)])
        xs.append(centre + rng.standard_normal((count, 2)) * p["noise"])
        ys.append(np.full(count, j))
    return np.concatenate(xs), np.concatenate(ys)


def linear(rng: np.random.Generator, p: Mapping[str, Any]):
    r"""Two classes on either side of a random line through the origin, pushed 0.1 away from it
    (linearly separable when ``noise = 0``); ``noise`` jitters the points."""
    angle = rng.uniform(0, np.pi)
    w = np.array([np.cos(angle), np.sin(angle)])
    x = rng.uniform(-1, 1, size=(int(p["points"]), 2))
    side = np.where(x @ w > 0, 1.0, -1.0)
    x = x + 0.1 * side[:, None] * w
    return x + rng.standard_normal(x.shape) * p["noise"], (side > 0).astype(int)


def pass_class(rng: np.random.Generator, p: Mapping[str, Any]):
    r""" "Will I pass the class?": lectures attended (0–20) and hours spent on the project (0–60).

    The rule: pass when :math:`0.3(\text{lectures} - 10) + 0.1(\text{hours} - 30) + n\,\epsilon > 0`,
    :math:`\epsilon` logistic noise scaled by ``noise``. The features keep their natural units, so the
    set shows why standardizing matters.
    """
    n = int(p["points"])
    lectures = rng.integers(0, 21, n).astype(float)
    hours = rng.uniform(0, 60, n)
    score = 0.3 * (lectures - 10) + 0.1 * (hours - 30) + p["noise"] * rng.logistic(size=n)
    return np.c_[lectures, hours], (score > 0).astype(int)


#: Half-width of the square TensorFlow Playground's regression sets are drawn in.
PLAYGROUND_RADIUS = 6.0
#: ``gaussians``: centre (c₁, c₂) and sign of each bump.
BUMPS = ((-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1))


def _uniform_square(rng: np.random.Generator, p: Mapping[str, Any]):
    """Points uniform in the square and the jittered points their targets are read at."""
    n, r = int(p["points"]), PLAYGROUND_RADIUS
    x = rng.uniform(-r, r, size=(n, 2))
    return x, x + rng.uniform(-r, r, size=(n, 2)) * p["noise"]


def plane(rng: np.random.Generator, p: Mapping[str, Any]):
    r"""TensorFlow Playground's "plane": :math:`x \in [-6, 6]^2` uniform,
    :math:`y = (\tilde x_1 + \tilde x_2)/10` at the jittered point :math:`\tilde x = x + n u`,
    :math:`u \in [-6, 6]^2` uniform."""
    x, read = _uniform_square(rng, p)
    return x, (read[:, 0] + read[:, 1]) / 10.0


def bumps(points: np.ndarray) -> np.ndarray:
    r"""The ``gaussians`` target: of the six signed cones
    :math:`s_j \max(0, 1 - \lVert x - c_j\rVert / 2)`, the one largest in absolute value."""
    centres = np.array([(cx, cy) for cx, cy, _ in BUMPS], float)
    signs = np.array([sign for *_, sign in BUMPS], float)
    dist = np.linalg.norm(points[:, None, :] - centres[None], axis=-1)
    values = signs * np.clip(1.0 - dist / 2.0, 0.0, 1.0)
    strongest = np.argmax(np.abs(values), axis=1)
    return values[np.arange(len(points)), strongest]


def gaussians(rng: np.random.Generator, p: Mapping[str, Any]):
    """TensorFlow Playground's "multi Gaussian": six bumps of alternating sign (:func:`bumps`),
    read at the jittered point as in :func:`plane`."""
    x, read = _uniform_square(rng, p)
    return x, bumps(read)


def digits(rng: np.random.Generator, p: Mapping[str, Any]):
    """scikit-learn's 8×8 handwritten digits (pixel values 0–16), a random subset of ``points``
    images, plus Gaussian pixel noise of std ``noise``."""
    from sklearn.datasets import load_digits  # shipped with scikit-learn: no download

    bunch = load_digits()
    n = min(int(p["points"]), DIGITS_SIZE)
    pick = rng.permutation(DIGITS_SIZE)[:n]
    x = bunch.data[pick] + rng.standard_normal((n, 64)) * p["noise"]
    return x, bunch.target[pick]


DATASETS: Registry[DatasetEntry] = Registry("dataset")
for _entry in [
    DatasetEntry(
        "spiral",
        "Spiral",
        r"x = r(\sin t, \cos t),\ t = 4(j + r) + \epsilon",
        (_points(), _noise(0.2), _classes()),
        "K interleaved spiral arms: no linear classifier will do.",
        spiral,
        n_classes=None,
    ),
    DatasetEntry(
        "moons",
        "Two moons",
        r"(\cos\theta, \sin\theta)\ \text{vs}\ (1-\cos\theta, \tfrac12-\sin\theta)",
        (_points(), _noise(0.1)),
        "Two interleaving half circles.",
        moons,
    ),
    DatasetEntry(
        "circles",
        "Circles",
        r"r = 1\ \text{vs}\ r = \tfrac12",
        (_points(), _noise(0.05)),
        "A ring around a disc.",
        circles,
    ),
    DatasetEntry(
        "xor",
        "XOR",
        r"y = \mathbb 1[x_1 x_2 > 0]",
        (_points(), _noise(0.05)),
        "Opposite quadrants share a class: the classic non-linearly-separable set.",
        xor,
    ),
    DatasetEntry(
        "blobs",
        "Blobs",
        r"x \sim \mathcal N(c_j, \sigma^2 I)",
        (_points(), _noise(0.5, 5.0), _classes()),
        "K Gaussian clusters.",
        blobs,
        n_classes=None,
    ),
    DatasetEntry(
        "linear",
        "Linearly separable",
        r"y = \mathbb 1[w^\top x > 0]",
        (_points(), _noise(0.0)),
        "Two classes a straight line can separate.",
        linear,
    ),
    DatasetEntry(
        "pass_class",
        "Will I pass the class?",
        r"y = \mathbb 1[0.3(\ell - 10) + 0.1(h - 30) + \epsilon > 0]",
        (_points(), _noise(1.0, 10.0)),
        "Lectures attended and hours on the project → pass or fail (noisy).",
        pass_class,
        feature_names=("lectures attended", "hours on the project"),
    ),
    DatasetEntry(
        "digits",
        "Handwritten digits (8×8)",
        r"x \in [0, 16]^{64},\ y \in \{0, \dots, 9\}",
        (
            HParam(
                "points",
                "images",
                DIGITS_SIZE,
                50,
                DIGITS_SIZE,
                integer=True,
                help="How many of the 1,797 images to use.",
            ),
            _noise(0.0, 16.0),
        ),
        "Real 8×8 scans of handwritten digits (scikit-learn's copy of the UCI set).",
        digits,
        n_classes=10,
        feature_names=tuple(f"pixel {r},{c}" for r in range(8) for c in range(8)),
    ),
    DatasetEntry(
        "plane",
        "Plane (regression)",
        r"y = (x_1 + x_2)/10,\ x \in [-6, 6]^2",
        (_points(), _jitter()),
        "A tilted plane: the simplest regression, TensorFlow Playground's first.",
        plane,
        n_classes=1,
        task="regression",
    ),
    DatasetEntry(
        "gaussians",
        "Six bumps (regression)",
        r"y = s_j \max(0, 1 - \lVert x - c_j \rVert/2),\ j\ \text{the strongest}",
        (_points(), _jitter()),
        "Six bumps of alternating sign (TensorFlow Playground's multi-Gaussian).",
        gaussians,
        n_classes=1,
        task="regression",
    ),
]:
    DATASETS.add(_entry)


# --------------------------------------------------------------------------- input features


@dataclass(frozen=True)
class FeatureEntry(Entry):
    """An input feature of a 2D point: ``fn(x1, x2) -> (N,)``."""

    fn: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None


FEATURES: Registry[FeatureEntry] = Registry("feature")
for _entry in [
    FeatureEntry("x1", "x₁", "x_1", (), "The first coordinate.", lambda a, b: a),
    FeatureEntry("x2", "x₂", "x_2", (), "The second coordinate.", lambda a, b: b),
    FeatureEntry("x1sq", "x₁²", "x_1^2", (), "The first coordinate squared.", lambda a, b: a * a),
    FeatureEntry("x2sq", "x₂²", "x_2^2", (), "The second coordinate squared.", lambda a, b: b * b),
    FeatureEntry(
        "x1x2", "x₁x₂", "x_1 x_2", (), "The product: its sign is XOR's class.", lambda a, b: a * b
    ),
    FeatureEntry(
        "sin_x1",
        "sin x₁",
        r"\sin x_1",
        (),
        "Sine of the first coordinate, on TensorFlow Playground's scale: sin(6x₁/r₁), r₁ the "
        "largest |x₁| in the training split (the set spans [−6, 6]).",
        lambda a, b: np.sin(a),
    ),
    FeatureEntry(
        "sin_x2",
        "sin x₂",
        r"\sin x_2",
        (),
        "Sine of the second coordinate, on TensorFlow Playground's scale: sin(6x₂/r₂), r₂ the "
        "largest |x₂| in the training split.",
        lambda a, b: np.sin(b),
    ),
]:
    FEATURES.add(_entry)
#: The raw coordinates: what a network sees when no feature is chosen.
RAW_FEATURES = ("x1", "x2")


#: Half-width of TensorFlow Playground's plane, the scale its sine features are taken on.
SINE_SPAN = PLAYGROUND_RADIUS
_SINES = ("sin_x1", "sin_x2")


def sine_scale(x_train: np.ndarray) -> tuple[float, float]:
    """The factors that map each coordinate of the training split onto [−6, 6] (1 for a
    coordinate that is 0 throughout)."""
    reach = np.max(np.abs(np.asarray(x_train, np.float64)), axis=0)
    return tuple(float(SINE_SPAN / r) if r > 0 else 1.0 for r in reach[:2])


def feature_map(
    features: tuple[str, ...], x: np.ndarray, scale: tuple[float, float] = (1.0, 1.0)
) -> np.ndarray:
    r"""The inputs ``(N, F)`` made of ``features`` (names in :data:`FEATURES`) of 2D points
    ``x`` ``(N, 2)``, computed in float64; no features: ``x`` itself (any number of columns).
    The sine features see each coordinate times its ``scale`` (:func:`sine_scale`).

    Raises:
        ValueError: an unknown or repeated name, or features asked of a set that is not 2D.
    """
    x = np.asarray(x, np.float64)
    if not features:
        return x.astype(np.float32)
    if len(set(features)) != len(features):
        raise ValueError(f"each input feature at most once, got {', '.join(features)}")
    entries = [FEATURES[name] for name in features]
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"input features are made from 2 coordinates, these inputs have {x.shape}")
    scaled = x * np.asarray(scale, np.float64)
    columns = [entry.fn(*(scaled if entry.name in _SINES else x).T) for entry in entries]
    return np.stack(columns, axis=1).astype(np.float32)


class Dataset(NamedTuple):
    """A split dataset (raw features, before preprocessing)."""

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    n_classes: int
    feature_names: tuple[str, ...]
    task: str = "classification"

    @property
    def regression(self) -> bool:
        return self.task == "regression"

    @property
    def n_features(self) -> int:
        return self.x_train.shape[1]

    def bounds(self, margin: float = 0.1) -> tuple[tuple[float, float], ...]:
        """Per-feature ``(low, high)`` over all splits, widened by ``margin`` of the range."""
        x = np.concatenate([self.x_train, self.x_val, self.x_test])
        lo, hi = x.min(axis=0), x.max(axis=0)
        pad = margin * np.maximum(hi - lo, 1e-6)
        return tuple((float(a), float(b)) for a, b in zip(lo - pad, hi + pad, strict=True))


def make_dataset(
    name: str,
    overrides: Mapping[str, Any] | None = None,
    seed: int = 0,
    val_fraction: float = 0.2,
    test_fraction: float = 0.2,
) -> Dataset:
    """Generates, shuffles and splits dataset ``name``.

    Args:
        name: registry name.
        overrides: ``points``, ``noise`` (and ``classes`` for spiral and blobs).
        seed: NumPy seed of the generation and the split.
        val_fraction: share of the examples kept for validation.
        test_fraction: share kept for the test set (0: no test set).

    Returns:
        A :class:`Dataset` (targets int32, float32 for a regression set); every split has at
        least one example, the test split none when ``test_fraction`` is 0.
    """
    entry = DATASETS[name]
    params = entry.resolve(overrides)
    if not (0 <= val_fraction < 1 and 0 <= test_fraction < 1 and val_fraction + test_fraction < 1):
        raise ValueError("val_fraction and test_fraction must be in [0, 1) and sum to less than 1")
    rng = np.random.default_rng(seed)
    x, y = entry.generate(rng, params)
    n = len(y)
    order = rng.permutation(n)
    target_type = np.float32 if entry.task == "regression" else np.int32
    x, y = np.asarray(x, np.float32)[order], np.asarray(y, target_type)[order]
    n_val = max(1, math.floor(n * val_fraction))
    n_test = max(1, math.floor(n * test_fraction)) if test_fraction > 0 else 0
    n_train = n - n_val - n_test
    if n_train < 1:
        raise ValueError(f"{n} points are too few to split")
    cut1, cut2 = n_train, n_train + n_val
    return Dataset(
        name,
        x[:cut1],
        y[:cut1],
        x[cut1:cut2],
        y[cut1:cut2],
        x[cut2:],
        y[cut2:],
        entry.classes(params),
        entry.feature_names,
        entry.task,
    )


# --------------------------------------------------------------------------- preprocessing

PREPROCESSING = ("none", "center", "standardize", "pca", "whiten")
#: Other names of a preprocessing (TensorFlow Playground's words).
PREPROCESSING_ALIASES = {"raw": "none"}


class Preprocessor(NamedTuple):
    r"""An affine map :math:`x \mapsto (x - \mu) M` fit on the training data."""

    name: str
    mean: np.ndarray  # (D,)
    matrix: np.ndarray  # (D, D') (D' = D unless PCA keeps fewer components)
    features: tuple[str, ...] = ()  # input features computed first (empty: the raw inputs)
    sine_scale: tuple[float, float] = (1.0, 1.0)  # of the training split (see ``feature_map``)

    def apply(self, x: np.ndarray) -> np.ndarray:
        x = feature_map(self.features, x, self.sine_scale)
        return ((x - self.mean) @ self.matrix).astype(np.float32)


def fit_preprocessor(
    name: str,
    x_train: np.ndarray,
    n_components: int | None = None,
    eps: float = 1e-5,
    features: tuple[str, ...] = (),
) -> Preprocessor:
    r"""Fits ``name`` (one of :data:`PREPROCESSING`) on the training features.

    Args:
        name: ``none`` (also ``raw``), ``center``, ``standardize``, ``pca`` or ``whiten``.
        x_train: training inputs ``(N, D)``.
        n_components: PCA/whitening keep only this many leading components (default all).
        eps: :math:`\epsilon` added to the eigenvalues before whitening; components with eigenvalue
            below :math:`10^{-6}\lambda_{max}` (constant directions, e.g. always-blank pixels) are
            mapped to 0 instead of being blown up.
        features: names from :data:`FEATURES` computed from 2D inputs before the fit (empty:
            the inputs as they are).
    """
    name = PREPROCESSING_ALIASES.get(name, name)
    if name not in PREPROCESSING:
        known = ", ".join((*PREPROCESSING, *PREPROCESSING_ALIASES))
        raise ValueError(f"unknown preprocessing {name!r} (choose from: {known})")
    features = tuple(features)
    scale = sine_scale(x_train) if set(features) & set(_SINES) else (1.0, 1.0)
    x = feature_map(features, x_train, scale).astype(np.float64)
    d = x.shape[1]
    mean = x.mean(axis=0) if name != "none" else np.zeros(d)
    if name in ("none", "center"):
        matrix = np.eye(d)
    elif name == "standardize":
        std = x.std(axis=0)
        matrix = np.diag(1.0 / np.where(std > 1e-8, std, 1.0))
    else:
        xc = x - mean
        cov = xc.T @ xc / max(len(x), 1)
        eigval, eigvec = np.linalg.eigh(cov)
        order = np.argsort(eigval)[::-1]
        eigval, eigvec = np.maximum(eigval[order], 0.0), eigvec[:, order]
        k = d if n_components is None else int(n_components)
        if not 1 <= k <= d:
            raise ValueError(f"n_components must be between 1 and {d}, got {n_components}")
        eigval, matrix = eigval[:k], eigvec[:, :k]
        if name == "whiten":
            keep = eigval > 1e-6 * max(eigval.max(), 1e-30)
            matrix = matrix * np.where(keep, 1.0 / np.sqrt(eigval + eps), 0.0)
    return Preprocessor(name, mean.astype(np.float32), matrix.astype(np.float32), features, scale)


def zero_center(x_train: np.ndarray, *others: np.ndarray) -> list[np.ndarray]:
    r""":math:`x - \mu_{train}` for the training set and each of ``others``."""
    prep = fit_preprocessor("center", x_train)
    return [prep.apply(x) for x in (x_train, *others)]


def standardize(x_train: np.ndarray, *others: np.ndarray) -> list[np.ndarray]:
    r""":math:`(x - \mu_{train})/\sigma_{train}` for the training set and each of ``others``."""
    prep = fit_preprocessor("standardize", x_train)
    return [prep.apply(x) for x in (x_train, *others)]


def pca_rotate(x_train: np.ndarray, *others: np.ndarray, n_components: int | None = None):
    r""":math:`(x - \mu) U` (decorrelated, variance :math:`\lambda_k` along component k)."""
    prep = fit_preprocessor("pca", x_train, n_components)
    return [prep.apply(x) for x in (x_train, *others)]


def whiten(x_train: np.ndarray, *others: np.ndarray, n_components: int | None = None, eps=1e-5):
    r""":math:`(x - \mu) U (\Lambda + \epsilon)^{-1/2}` (decorrelated, unit variance)."""
    prep = fit_preprocessor("whiten", x_train, n_components, eps)
    return [prep.apply(x) for x in (x_train, *others)]
