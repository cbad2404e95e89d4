"""Cached wrappers around the MLP lab core for the "Training networks" pages.

Python values in, NumPy (or plain Python) out, so ``st.cache_data`` can hash the arguments and a
rerun with unchanged controls is a dictionary look-up.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from ..nn import TrainConfig, curve, gradcheck_dataset, init_stats, train
from ..nn.lessons import correlated_cloud, initial_losses, sign_bias_sgd


@st.cache_data(max_entries=64, show_spinner=False)
def activation_curve(
    name: str, overrides: tuple[tuple[str, float], ...], x_max: float, n: int = 801
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(x, f(x), f'(x))`` on ``n`` points of ``[-x_max, x_max]`` (0 is always one of them)."""
    x = np.linspace(-x_max, x_max, n)
    y, dy = curve(name, x, dict(overrides))
    return x, y, dy


@st.cache_data(max_entries=64, show_spinner=False)
def activation_values(
    name: str, overrides: tuple[tuple[str, float], ...], points: tuple[float, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """``(f, f')`` at a few points (the table of x = −10, 0, 10)."""
    y, dy = curve(name, np.asarray(points, float), dict(overrides))
    return np.asarray(y, float), np.asarray(dy, float)


@st.cache_data(max_entries=64, show_spinner=False)
def init_experiment(
    layers: int, width: int, samples: int, activation: str, init: str, scale: float, seed: int
) -> dict[str, np.ndarray]:
    """:func:`optim_lab.nn.init_stats` (forward histograms and backward gradient norms)."""
    return init_stats(
        layers=layers,
        width=width,
        samples=samples,
        activation=activation,
        init=init,
        scale=scale,
        seed=seed,
    )


@st.cache_data(max_entries=32, show_spinner=False)
def cloud(points: int, seed: int, angle: float) -> np.ndarray:
    return correlated_cloud(points, seed, angle_deg=angle)


@st.cache_data(max_entries=64, show_spinner=False)
def sign_bias(centred: bool, lr: float, epochs: int, seed: int) -> dict[str, np.ndarray]:
    return sign_bias_sgd(centred, lr=lr, epochs=epochs, seed=seed)


@st.cache_data(max_entries=32, show_spinner=False)
def first_losses(init: str, scale: float, hidden: int, seed: int) -> dict[str, np.ndarray]:
    return initial_losses(init=init, scale=scale, hidden=hidden, seed=seed)


@st.cache_data(max_entries=16, show_spinner=False)
def overfit_run(hidden: int, lr: float, steps: int, seed: int) -> dict:
    """Adam on 20 overlapping blob examples (3 classes), no regularization:
    ``{"loss", "acc", "examples", "status"}``."""
    config = TrainConfig(
        dataset="blobs",
        dataset_params={"points": 24, "noise": 1.5, "classes": 3},
        val_fraction=0.1,
        test_fraction=0.1,
        hidden=(hidden, hidden),
        activation="relu",
        init="he",
        optimizer="adam",
        optimizer_params={"lr": lr},
        seed=seed,
    )
    history = train(config, steps)
    return {
        "loss": np.asarray(history["loss"][0], float),
        "acc": np.asarray(history["train_acc"][0], float),
        "examples": int(history.state.dataset.x_train.shape[0]),
        "status": history.status[0],
    }


@st.cache_data(max_entries=16, show_spinner=False)
def lr_runs(lrs: tuple[float, ...], steps: int, seed: int) -> dict:
    """Plain SGD with several learning rates on the spiral: ``{"loss" (runs, steps), "status"}``."""
    config = TrainConfig(
        dataset="spiral", hidden=(50,), activation="relu", init="he", optimizer="sgd", seed=seed
    )
    history = train(config, steps, compare=[("sgd", {"lr": lr}) for lr in lrs])
    return {
        "loss": np.asarray(history["loss"], float),
        "acc": np.asarray(history["train_acc"], float),
        "status": history.status,
    }


@st.cache_data(max_entries=32, show_spinner=False)
def grad_check(activation: str, dataset: str, broken: bool, seed: int) -> dict:
    return gradcheck_dataset(dataset, (8, 8), activation, broken=broken, seed=seed)
