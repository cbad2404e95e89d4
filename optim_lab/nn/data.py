r"""Datasets (seeded NumPy generators, train/val/test splits) and preprocessing.

Every dataset is a registry entry whose ``generate(rng, params)`` returns ``(x, y)``: features
``(N, D)`` float32 and integer labels ``(N,)``. :func:`make_dataset` shuffles and splits it.
The 2D toy sets are made here; ``digits`` is scikit-learn's 8×8 handwritten digits (1,797 real
images shipped with scikit-learn, no download).

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
        n_classes: number of classes, or ``None`` when the ``classes`` parameter decides.
        feature_names: names of the input features.
    """

    generate: Callable[[np.random.Generator, Mapping[str, Any]], tuple] | None = None
    n_classes: int | None = 2
    feature_names: tuple[str, ...] = ("x₁", "x₂")

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
]:
    DATASETS.add(_entry)


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
        test_fraction: share kept for the test set.

    Returns:
        A :class:`Dataset`; every split has at least one example.
    """
    entry = DATASETS[name]
    params = entry.resolve(overrides)
    if not (0 <= val_fraction < 1 and 0 <= test_fraction < 1 and val_fraction + test_fraction < 1):
        raise ValueError("val_fraction and test_fraction must be in [0, 1) and sum to less than 1")
    rng = np.random.default_rng(seed)
    x, y = entry.generate(rng, params)
    n = len(y)
    order = rng.permutation(n)
    x, y = np.asarray(x, np.float32)[order], np.asarray(y, np.int32)[order]
    n_val = max(1, math.floor(n * val_fraction))
    n_test = max(1, math.floor(n * test_fraction))
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
    )


# --------------------------------------------------------------------------- preprocessing

PREPROCESSING = ("none", "center", "standardize", "pca", "whiten")


class Preprocessor(NamedTuple):
    r"""An affine map :math:`x \mapsto (x - \mu) M` fit on the training data."""

    name: str
    mean: np.ndarray  # (D,)
    matrix: np.ndarray  # (D, D') (D' = D unless PCA keeps fewer components)

    def apply(self, x: np.ndarray) -> np.ndarray:
        return ((np.asarray(x, np.float32) - self.mean) @ self.matrix).astype(np.float32)


def fit_preprocessor(
    name: str, x_train: np.ndarray, n_components: int | None = None, eps: float = 1e-5
) -> Preprocessor:
    r"""Fits ``name`` (one of :data:`PREPROCESSING`) on the training features.

    Args:
        name: ``none``, ``center``, ``standardize``, ``pca`` or ``whiten``.
        x_train: training features ``(N, D)``.
        n_components: PCA/whitening keep only this many leading components (default all).
        eps: :math:`\epsilon` added to the eigenvalues before whitening; components with eigenvalue
            below :math:`10^{-6}\lambda_{max}` (constant directions, e.g. always-blank pixels) are
            mapped to 0 instead of being blown up.
    """
    if name not in PREPROCESSING:
        raise ValueError(
            f"unknown preprocessing {name!r} (choose from: {', '.join(PREPROCESSING)})"
        )
    x = np.asarray(x_train, np.float64)
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
    return Preprocessor(name, mean.astype(np.float32), matrix.astype(np.float32))


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
