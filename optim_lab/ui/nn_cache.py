"""Cached wrappers around the MLP lab core for the "Training networks" pages.

Python values in, NumPy (or plain Python) out, so ``st.cache_data`` can hash the arguments and a
rerun with unchanged controls is a dictionary look-up. The trainings are :func:`~optim_lab.offload.offloaded`:
on a server they run in helper processes, beside the other sessions' pages. Runs that the page's
choices keep to tens of milliseconds run in the page instead.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from ..lessons.preprocessing.experiment import correlated_cloud, sign_bias_sgd
from ..lessons.sanity.experiment import initial_losses
from ..nn import TrainConfig, curve, gradcheck_dataset, init_stats, train
from ..offload import offloaded


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
@offloaded
def init_experiment(
    layers: int,
    width: int,
    samples: int,
    activation: str,
    init: str,
    scale: float,
    seed: int,
    batchnorm: bool = False,
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
        batchnorm=batchnorm,
    )


@st.cache_data(max_entries=32, show_spinner=False)
def cloud(points: int, seed: int, angle: float) -> np.ndarray:
    return correlated_cloud(points, seed, angle_deg=angle)


@st.cache_data(max_entries=64, show_spinner=False)
def sign_bias(centred: bool, lr: float, epochs: int, seed: int) -> dict[str, np.ndarray]:
    return sign_bias_sgd(centred, lr=lr, epochs=epochs, seed=seed)


# The sanity lesson's runs below are small and bounded by the page's choices (2–40 ms): they run in
# the page, as the 2-D lessons' do, not behind the helpers' line, where under load a page waits for
# other students' trainings.


@st.cache_data(max_entries=32, show_spinner=False)
def first_losses(init: str, scale: float, hidden: int, seed: int) -> dict[str, np.ndarray]:
    return initial_losses(init=init, scale=scale, hidden=hidden, seed=seed)


@st.cache_data(max_entries=16, show_spinner=False)
def overfit_run(hidden: int, lr: float, steps: int, seed: int) -> dict:
    """Plain SGD (as the lecture) on 20 overlapping blob examples (3 classes), no
    regularization: ``{"loss", "acc", "examples", "status"}``."""
    config = TrainConfig(
        dataset="blobs",
        dataset_params={"points": 24, "noise": 1.5, "classes": 3},
        val_fraction=0.1,
        test_fraction=0.1,
        hidden=(hidden, hidden),
        activation="relu",
        init="he",
        optimizer="sgd",
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


# --------------------------------------------------------------------------- hyper-parameter search


def _long_search(dataset, method, trials, stage, seed, lr_log, reg_log, steps, hidden) -> bool:
    """A stage well past the page's defaults (16 trials of 200 steps) runs for many seconds."""
    return trials * steps > 4000


@st.cache_data(max_entries=64, show_spinner=False)
@offloaded(long=_long_search)
def search_stage(
    dataset: str,
    method: str,
    trials: int,
    stage: int,
    seed: int,
    lr_log: tuple[float, float],
    reg_log: tuple[float, float],
    steps: int,
    hidden: tuple[int, ...],
) -> dict:
    """One stage of :func:`optim_lab.nn.search.search_stage` (all its trials in one vmapped run):
    ``{"box", "trials", "losses", "next_box"}``."""
    from ..nn.search import search_stage as run_stage

    result = run_stage(
        dataset, method, trials, stage, seed, lr_log, reg_log, steps=steps, hidden=hidden
    )
    return {
        "box": result.box,
        "trials": result.trials,
        "losses": np.asarray(result.losses, float),
        "next_box": result.next_box,
    }


def search_stages(
    dataset: str,
    method: str,
    trials: int,
    stages: int,
    seed: int,
    steps: int,
    hidden: tuple[int, ...],
):
    """Yields the stages of a coarse → fine search one at a time (each cached on its own), so the
    page can advance a progress bar between them."""
    from ..nn.search import LR_RANGE, REG_RANGE

    lr_log, reg_log = LR_RANGE, REG_RANGE
    for stage in range(stages):
        out = search_stage(dataset, method, trials, stage, seed, lr_log, reg_log, steps, hidden)
        yield out
        lr_log, reg_log = out["next_box"]


# --------------------------------------------------------------------------- ensembles


def _long_ensemble(dataset, points, noise, members, kind, seed, steps, *rest, **options) -> bool:
    """Training well past the page's defaults (5 networks of 300 steps; a snapshot ensemble is one
    network) runs for many seconds."""
    networks = 1 if kind == "snapshot" else members
    return networks * steps > 2000


@st.cache_data(max_entries=32, show_spinner=False)
@offloaded(long=_long_ensemble)
def ensemble_run(
    dataset: str,
    points: int,
    noise: float,
    members: int,
    kind: str,
    seed: int,
    steps: int,
    hidden: tuple[int, ...],
    lr: float,
    ewa_beta: float = 0.99,
    resolution: int = 70,
) -> dict:
    """:func:`optim_lab.nn.ensembles.run_ensemble` plus test log-losses and, for 2-D data, the
    members' and the ensemble's probabilities on a grid.

    Returns:
        ``member_acc``, ``ensemble_acc``, ``curve`` (accuracy of members 1…k), ``member_loss``,
        ``loss_curve`` (log-loss of members 1…k), ``lr``, ``snapshot_steps``, for ``polyak`` also
        ``polyak_acc`` and ``polyak_loss`` (per run); ``grid`` (or None), the test split and
        ``n_classes``.
    """
    from ..nn.ensembles import ensemble_grid, ensemble_log_loss_curve, log_loss, run_ensemble
    from ..nn.generalization import proba_many

    params = {} if dataset == "digits" else {"points": points, "noise": noise}
    r = run_ensemble(
        dataset,
        members,
        kind,
        seed,
        steps=steps,
        hidden=hidden,
        lr=lr,
        ewa_beta=ewa_beta,
        dataset_params=params,
    )
    data = r.data
    probs = proba_many(r.members, data.x_test, r.layout)
    out = {
        "member_acc": list(r.member_acc),
        "ensemble_acc": float(r.ensemble_acc),
        "curve": list(r.curve),
        "member_loss": [float(v) for v in log_loss(probs, data.y_test)],
        "loss_curve": ensemble_log_loss_curve(probs, data.y_test),
        "lr": np.asarray(r.lr, float),
        "snapshot_steps": list(r.snapshot_steps),
        "x_test": data.x_test,
        "y_test": data.y_test,
        "n_classes": int(data.n_classes),
        "grid": None,
    }
    if kind == "polyak":
        out["polyak_acc"] = list(r.curve)
        avg_probs = proba_many(r.polyak, data.x_test, r.layout)
        out["polyak_loss"] = [float(v) for v in log_loss(avg_probs, data.y_test)]
        out["curve"] = out["loss_curve"] = None  # the runs are not combined here
    if data.n_features == 2 and kind != "polyak":
        out["grid"] = ensemble_grid(r, resolution)
    return out


# --------------------------------------------------------------------------- regularization lesson


@st.cache_data(max_entries=8, show_spinner=False)
@offloaded
def penalty_sweep(seed: int) -> dict:
    """L2, L1 and elastic net at every λ of the sweep (:func:`optim_lab.lessons.regularization.experiment.penalty_sweep`)."""
    from ..lessons.regularization.experiment import penalty_sweep as run

    return run(seed=seed)


@st.cache_data(max_entries=64, show_spinner=False)
def neuron_samples(
    w: tuple[float, float], inputs: tuple[float, float], keep: float, samples: int, seed: int
) -> dict:
    from ..lessons.regularization.experiment import neuron_samples as run

    return run(w, inputs, keep, samples, seed)


@st.cache_data(max_entries=8, show_spinner=False)
@offloaded
def dropout_gap(keeps: tuple[float, ...], mode: str, seed: int) -> dict:
    from ..lessons.regularization.experiment import dropout_gap as run

    return run(keeps, mode, seed=seed)


@st.cache_data(max_entries=8, show_spinner=False)
@offloaded
def stopping_curves(seed: int) -> dict:
    from ..lessons.regularization.experiment import stopping_curves as run

    return run(seed=seed)


@st.cache_data(max_entries=16, show_spinner=False)
@offloaded
def augmentation_compare(n_train: int, max_shift: float, noise: float, seed: int) -> dict:
    from ..lessons.regularization.experiment import augmentation_compare as run

    return run(n_train=n_train, max_shift=max_shift, noise=noise, seed=seed)


@st.cache_data(max_entries=8, show_spinner=False)
@offloaded
def digits_size_curve(seed: int) -> dict:
    """Validation accuracy vs training-set size on the digits (:func:`optim_lab.nn.generalization.size_curve`)."""
    from ..nn.generalization import size_curve

    return size_curve("digits", sizes=(25, 50, 100, 200, 400, 800), seed=seed)


# ---------------------------------------------------------------- transfer learning


@st.cache_data(max_entries=16, show_spinner=False)
@offloaded
def transfer_curves(seed: int, similarities: tuple[str, ...], sizes: tuple[int, ...]) -> dict:
    """:func:`optim_lab.nn.transfer.transfer_curve` for each similarity, in one helper so that the
    source network is pre-trained once: ``{similarity: {"sizes", "acc": {strategy: (S,)},
    "loss": {strategy: (S, steps)}, "source_acc"}}`` as NumPy."""
    from ..nn.transfer import transfer_curve

    curves = {}
    for similarity in similarities:
        r = transfer_curve(sizes, similarity, int(seed))
        curves[similarity] = {
            "sizes": np.asarray(r["sizes"]),
            "acc": {k: np.asarray(v, float) for k, v in r["acc"].items()},
            "loss": {k: np.asarray(v, float) for k, v in r["loss"].items()},
            "source_acc": float(r["source_acc"]),
        }
    return curves


# ---------------------------------------------------------------- batch normalization


@st.cache_data(max_entries=16, show_spinner=False)
@offloaded
def batchnorm_modes(batch_size: int, seed: int) -> dict:
    """:func:`optim_lab.lessons.batchnorm.experiment.train_and_test_modes`."""
    from ..lessons.batchnorm.experiment import train_and_test_modes

    return train_and_test_modes(batch_size, seed)


@st.cache_data(max_entries=8, show_spinner=False)
@offloaded
def batchnorm_seed_runs(seed: int) -> dict:
    """What the lesson computes from the seed alone, in one helper call (one wait in the helpers'
    line instead of three): ``spreads``
    (:func:`optim_lab.lessons.batchnorm.experiment.initialization_spreads`) and ``sweep``
    (:func:`~optim_lab.lessons.batchnorm.experiment.rate_sweep`, 8 networks). Under a second: not
    in the long calls' lane."""
    from ..lessons.batchnorm.experiment import initialization_spreads, rate_sweep

    return {"spreads": initialization_spreads(seed), "sweep": rate_sweep(seed)}


@st.cache_data(max_entries=8, show_spinner=False)
@offloaded
def batchnorm_placement(activation: str, seed: int) -> dict:
    """:func:`optim_lab.lessons.batchnorm.experiment.placement_compare`."""
    from ..lessons.batchnorm.experiment import placement_compare

    return placement_compare(activation, seed)


# ---------------------------------------------------------------- sanity: the babysitting gallery


@st.cache_data(max_entries=32, show_spinner=False)
@offloaded
def symptom_run(name: str, fixed: bool, seed: int = 0) -> dict:
    """:func:`optim_lab.lessons.sanity.symptoms.train_symptom`: one gallery run, planted or
    fixed."""
    from ..lessons.sanity.symptoms import train_symptom

    return train_symptom(name, fixed, seed)


# ---------------------------------------------------------------- LR range test on a network


@st.cache_data(max_entries=32, show_spinner=False)
@offloaded
def network_range_test(
    dataset: str, layers: int, units: int, batch_size: int, optimizer: str, seed: int
):
    """:func:`optim_lab.lessons.schedules.experiment.network_range_test` (one run of at most
    300 mini-batches)."""
    from ..lessons.schedules.experiment import network_range_test

    return network_range_test(dataset, layers, units, batch_size, optimizer, seed)
