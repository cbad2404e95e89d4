"""Training playground, sidebar: the data, the network, the optimizers and the regularization."""

from dataclasses import replace

import streamlit as st

from optim_lab.lessons.playground.experiment import changed_settings, task_loss
from optim_lab.nn import DATASETS, MAX_COMPARE, TrainConfig
from optim_lab.nn.training_config import train_param
from optim_lab.optimizers import OPTIMIZERS
from optim_lab.registry import HParam
from optim_lab.ui import widgets as w
from pages.parts.playground import inputs, network

OPTIMIZER_NAMES = [n for n in OPTIMIZERS.names() if n != "lbfgs"]
DEFAULT_OPTIMIZERS = ["adam", "sgd", "momentum", "rmsprop"]
BATCH_MODES = {"full": "full batch (GD)", "mini": "mini-batch", "one": "1 example (SGD)"}
VAL_SHARE = HParam(
    "val", "test share", 0.3, 0.1, 0.9, help="Part of the data held out; the rest trains."
)
CLIP = HParam("clip", "clip gradient norm", 0.0, 0.0, 100.0, log=True, help="0 = off.")
L1 = replace(train_param("l1"), max=1.0, log=True)
L2 = replace(train_param("l2"), max=1.0, log=True)
KEEP = replace(train_param("dropout"), name="keep", label="dropout keep-p", min=0.3)
PATIENCE = HParam(
    "pat",
    "early-stopping patience",
    0,
    0,
    500,
    integer=True,
    help="Stop after this many iterations without a better validation loss (0 = never).",
)


def show(state) -> tuple[TrainConfig, list[tuple[str, dict]], dict]:
    """The sidebar's controls as a training configuration, the runs (optimizer, settings) and
    the view options of the prediction panel."""
    sb = st.sidebar
    sb.header("Data")
    dataset = w.entry_choice(state, "ds", "dataset", DATASETS, "spiral", container=sb)
    data_params = w.entry_params(
        state, f"d.{dataset}", DATASETS[dataset], container=sb, defaults={"points": 200}
    )
    val_share = w.number(state, "val", VAL_SHARE, container=sb)
    seed = w.seed_control(state, container=sb)
    fed = inputs.show(state, sb, DATASETS[dataset])
    net = network.show(state, sb)

    sb.header("Optimization")
    runs = _optimizers(state, sb)
    schedule, schedule_params = w.schedule_controls(state, "s", container=sb)
    batch_mode = w.choice(
        state,
        "batch",
        "batch",
        list(BATCH_MODES),
        "full",
        format_func=BATCH_MODES.get,
        container=sb,
    )
    batch_size = None
    if batch_mode == "mini":
        batch_size = w.integer(state, "bs", "batch size", 16, 2, 128, container=sb)
    elif batch_mode == "one":
        batch_size = 1
    clip = w.number(state, "clip", CLIP, container=sb)

    sb.header("Regularization")
    l1 = w.number(state, "l1", L1, container=sb)
    l2 = w.number(state, "l2", L2, container=sb)
    keep = w.number(state, "keep", KEEP, container=sb)
    patience = w.number(state, "pat", PATIENCE, container=sb)
    view = inputs.view(state, sb)

    config = TrainConfig(
        dataset=dataset,
        dataset_params=data_params,
        seed=int(seed),
        train_share=round(1.0 - float(val_share), 6),
        **fed,
        **net,
        loss=task_loss(dataset),
        optimizer=runs[0][0],
        optimizer_params=runs[0][1],
        schedule=schedule,
        schedule_params=schedule_params,
        batch_size=batch_size,
        l1=float(l1),
        l2=float(l2),
        clip_norm=float(clip),
        dropout=float(keep),
        patience=int(patience),
    )
    return config, runs, view


def _optimizers(state, sb) -> list[tuple[str, dict]]:
    """One optimizer, or several to compare; each with the settings that differ from its
    defaults (they name the run)."""
    compare_on = w.toggle(state, "cmp", "compare optimizers", False, container=sb)
    n_runs = (
        w.integer(state, "n", "optimizers", 2, 2, MAX_COMPARE, container=sb) if compare_on else 1
    )
    runs = []
    for i in range(n_runs):
        name = w.optimizer_picker(
            state,
            f"o{i + 1}",
            DEFAULT_OPTIMIZERS[i],
            container=sb,
            label=f"optimizer {i + 1}",
            names=OPTIMIZER_NAMES,
        )
        params = w.entry_params(state, f"o{i + 1}.{name}", OPTIMIZERS[name], container=sb)
        runs.append((name, changed_settings(params, OPTIMIZERS[name].resolve({}))))
    return runs
