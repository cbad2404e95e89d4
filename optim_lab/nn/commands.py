"""CLI subcommands of the MLP lab, wired into ``python -m optim_lab`` by :func:`register`.

Each handler takes the parsed ``argparse`` namespace and returns a JSON-able dict (no NaN: values
after a divergence are cut off). Bad input raises ``ValueError`` with a one-line message (the CLI
turns it into exit code 2).

- ``init-stats`` → ``{"mean": [...], "std": [...]}`` (one per hidden layer)
- ``train`` → ``{"loss": [...], "val_loss": [...], "train_acc": a, "val_acc": b, "diverged_at": null | step}``
  (a regression set: ``train_mse`` and ``val_mse`` instead of the accuracies)
- ``gradcheck`` → ``{"max_rel_error": e, "per_param": {"W1": e1, ...}}`` (float64)
- ``search --dataset D --method random|grid --trials N [--stages S] [--seed S]`` →
  ``{"trials": [{"lr", "reg", "val_acc", "stage", "exploded", ...}], "best": {...}, "stages": [...]}``
- ``ensemble --dataset D --members K --kind independent|snapshot|polyak [--seed S]`` →
  ``{"member_acc": [...], "ensemble_acc": a, ...}``
- ``transfer [--target-examples N] [--seed S]`` →
  ``{"scratch": a, "probe": b, "finetune_top": c, "finetune_all": d, ...}``
- ``lr-find --dataset D --hidden H [--batch-size B] [--seed S]`` → ``{"lr": [...], "loss": [...],
  "smoothed": [...], "suggestions": {"steepest": a, "min_div_10": b, "valley": c}, "bounds": [lo,
  hi] | null, "stopped_at": null | step}`` (the LR range test, mini-batch by mini-batch)
- ``activations``, ``inits``, ``datasets``, ``losses``: the MLP registries.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..registry import parse_assignments


def _hidden(text: str) -> tuple[int, ...]:
    """``"64,64"`` → ``(64, 64)``; ``""`` or ``"none"`` → no hidden layer."""
    text = text.strip()
    if text in ("", "none", "0"):
        return ()
    try:
        sizes = tuple(int(v) for v in text.split(","))
    except ValueError:
        raise ValueError(f"--hidden must be comma-separated whole numbers, got {text!r}") from None
    if any(not 1 <= s <= 4096 for s in sizes) or len(sizes) > 20:
        raise ValueError(f"--hidden takes up to 20 widths between 1 and 4096, got {text!r}")
    return sizes


def _features(text: str | None) -> tuple[str, ...]:
    """``"x1,x2,x1x2"`` → ``("x1", "x2", "x1x2")`` (checked against the feature registry)."""
    from .data import FEATURES

    if text is None or not text.strip():
        return ()
    names = tuple(name.strip() for name in text.split(","))
    for name in names:
        FEATURES[name]  # the registry's one-line error for an unknown name
    return names


def _task_and_loss(args) -> tuple[str, str]:
    """The dataset's task (``--task``, when given, must agree) and the loss (its default)."""
    from .data import DATASETS, TASKS
    from .losses import DEFAULT_LOSS

    task = DATASETS[args.dataset].task
    if args.task is not None and args.task not in TASKS:
        raise ValueError(f"--task must be one of {', '.join(TASKS)}, got {args.task!r}")
    if args.task is not None and args.task != task:
        raise ValueError(f"dataset {args.dataset} is a {task} set, not {args.task}")
    return task, args.loss or DEFAULT_LOSS[task]


def _finite(value: float) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def _curve(values: np.ndarray, end: int) -> list[float]:
    """The finite prefix of a per-step curve, up to step ``end`` (exclusive)."""
    out = []
    for v in np.asarray(values[:end], dtype=float):
        if not math.isfinite(v):
            break
        out.append(float(v))
    return out


def cmd_init_stats(args) -> dict[str, Any]:
    from .init_experiment import init_stats

    stats = init_stats(
        args.layers,
        args.width,
        args.samples,
        args.activation,
        args.init,
        scale=args.scale,
        seed=args.seed,
        backward=False,
        batchnorm=args.batchnorm,
    )
    return {"mean": [float(v) for v in stats["mean"]], "std": [float(v) for v in stats["std"]]}


def config_from_args(args) -> Any:
    """A :class:`~optim_lab.nn.training_config.TrainConfig` from the ``train`` arguments."""
    from .training_config import TrainConfig

    data = {}
    if args.classes is not None:
        data["classes"] = args.classes
    if args.points is not None:
        data["points"] = args.points
    if args.data_noise is not None:
        data["noise"] = args.data_noise
    _, loss = _task_and_loss(args)
    return TrainConfig(
        dataset=args.dataset,
        dataset_params=data,
        seed=args.seed,
        features=_features(args.features),
        train_share=args.train_share,
        preprocess=args.preprocess,
        hidden=_hidden(args.hidden),
        activation=args.activation,
        activation_params=parse_assignments(args.activation_set),
        init=args.init,
        init_scale=args.scale,
        batchnorm=args.batchnorm,
        bn_position=args.bn_position,
        loss=loss,
        optimizer=args.optimizer,
        optimizer_params=parse_assignments(args.set),
        schedule=args.schedule,
        schedule_params=parse_assignments(args.schedule_set),
        batch_size=args.batch_size,
        l1=args.l1,
        l2=args.l2,
        weight_decay=args.weight_decay,
        clip_norm=args.clip_norm,
        clip_value=args.clip_value,
        grad_noise=args.grad_noise,
        dropout=args.dropout,
        dropout_mode=args.dropout_mode,
        patience=args.patience,
        eval_every=args.eval_every,
    )


def cmd_train(args) -> dict[str, Any]:
    from .evaluation import evaluate
    from .training import train

    if args.steps < 1 or args.steps > 1_000_000:
        raise ValueError(f"--steps must be between 1 and 1000000, got {args.steps}")
    history = train(config_from_args(args), args.steps, chunk=min(args.steps, 500))
    status = history.status[0]
    state = history.state
    stopped = status["stopped_at"]
    ends = [s for s in (status["diverged_at"], stopped) if s is not None]
    end = min(ends) + 1 if ends else history.steps
    best = stopped is not None
    metric = "mse" if state.dataset.regression else "acc"
    return {
        "loss": _curve(history["loss"][0], end),
        "val_loss": _curve(history["val_loss"][0], end),
        f"train_{metric}": _finite(evaluate(state, "train", best=best)[metric]),
        f"val_{metric}": _finite(evaluate(state, "val", best=best)[metric]),
        "diverged_at": status["diverged_at"],
    }


def cmd_gradcheck(args) -> dict[str, Any]:
    from .gradient_check import gradcheck_dataset

    result = gradcheck_dataset(
        args.dataset,
        _hidden(args.hidden),
        args.activation,
        batchnorm=args.batchnorm,
        dropout=args.dropout,
        dropout_mode=args.dropout_mode,
        loss=args.loss,
        init=args.init,
        points=args.points,
        seed=args.seed,
        broken=args.broken,
    )
    return {"max_rel_error": result["max_rel_error"], "per_param": result["per_param"]}


def _listing(key: str, registry, extra) -> dict[str, Any]:
    return {key: [entry.as_dict() | extra(entry) for entry in registry]}


def cmd_activations(args) -> dict[str, Any]:
    from .activations import ACTIVATIONS

    return _listing(
        "activations",
        ACTIVATIONS,
        lambda e: {
            "latex_deriv": e.latex_deriv,
            "zero_centred": e.zero_centred,
            "saturates": e.saturates,
            "verdict": e.verdict,
            "pieces": e.pieces,
            "learnable": e.learnable,
        },
    )


def cmd_inits(args) -> dict[str, Any]:
    from .init import INITS

    return _listing("inits", INITS, lambda e: {"dist": e.dist, "verdict": e.verdict})


def cmd_datasets(args) -> dict[str, Any]:
    from .data import DATASETS

    return _listing(
        "datasets",
        DATASETS,
        lambda e: {"n_classes": e.n_classes, "features": list(e.feature_names), "task": e.task},
    )


def cmd_losses(args) -> dict[str, Any]:
    from .losses import LOSSES

    return _listing("losses", LOSSES, lambda e: {"outputs": e.outputs})


# ------------------------------------------------------------------------------------------------
# Generalization: search, ensembles, transfer


def _clean(value: Any) -> Any:
    """JSON-safe: non-finite floats → None, NumPy scalars → Python."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and not hasattr(value, "__len__"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def cmd_search(args) -> dict[str, Any]:
    from .search import search

    result = search(
        args.dataset,
        args.method,
        args.trials,
        args.stages,
        args.seed,
        steps=args.steps,
        hidden=_hidden(args.hidden),
    )
    return _clean(result.as_dict())


def cmd_ensemble(args) -> dict[str, Any]:
    from .ensembles import run_ensemble

    result = run_ensemble(
        args.dataset,
        args.members,
        args.kind,
        args.seed,
        steps=args.steps,
        hidden=_hidden(args.hidden),
    )
    return _clean(result.as_dict())


def cmd_transfer(args) -> dict[str, Any]:
    from .transfer import STRATEGIES, transfer

    result = transfer(
        args.target_examples,
        args.similarity,
        args.seed,
        steps=args.steps,
        pretrain_steps=args.pretrain_steps,
    )
    keys = (*STRATEGIES, "target_examples", "similarity", "source_acc")
    return _clean({k: result[k] for k in keys})


def cmd_lr_find(args) -> dict[str, Any]:
    from .data import DATASETS
    from .losses import DEFAULT_LOSS
    from .lr_find import lr_find
    from .training_config import TrainConfig

    data = {} if args.points is None else {"points": args.points}
    config = TrainConfig(
        dataset=args.dataset,
        dataset_params=data,
        loss=DEFAULT_LOSS[DATASETS[args.dataset].task],
        seed=args.seed,
        hidden=_hidden(args.hidden),
        optimizer=args.optimizer,
        batch_size=args.batch_size,
    )
    result = lr_find(config, args.lr_min, args.lr_max, args.steps)
    return _clean(
        {
            "lr": result.lr.tolist(),
            "loss": result.loss.tolist(),
            "smoothed": result.smoothed.tolist(),
            "suggestions": result.suggestions,
            "bounds": None if result.bounds is None else list(result.bounds),
            "stopped_at": result.stopped_at,
        }
    )


def register(subparsers, parents: Sequence[argparse.ArgumentParser] = ()) -> None:
    """Adds the MLP subcommands; each parser gets ``handler`` (``args -> dict``) as a default."""
    from ..cli import seed_number  # cli.py imports this module while it builds its parser

    def add(name: str, handler, help_text: str) -> argparse.ArgumentParser:
        p = subparsers.add_parser(name, help=help_text, parents=list(parents))
        p.set_defaults(handler=handler)
        return p

    p = add("init-stats", cmd_init_stats, "per-layer activation statistics of a deep net at init")
    p.add_argument("--layers", type=int, default=10)
    p.add_argument("--width", type=int, default=500)
    p.add_argument("--samples", type=int, default=1000)
    p.add_argument("--activation", default="tanh")
    p.add_argument("--init", default="xavier")
    p.add_argument("--scale", type=float, default=0.01, help="σ of the 'normal' init")
    p.add_argument(
        "--batchnorm", action="store_true", help="normalize each layer with the batch's statistics"
    )
    p.add_argument("--seed", type=seed_number, default=0)

    p = add("train", cmd_train, "train an MLP on a dataset")
    p.add_argument("--dataset", required=True)
    p.add_argument("--classes", type=int, help="classes (spiral, blobs)")
    p.add_argument("--points", type=int, help="number of examples")
    p.add_argument("--data-noise", type=float, help="the dataset's noise level")
    p.add_argument(
        "--task", help="classification or regression (default: the dataset's; must agree with it)"
    )
    p.add_argument(
        "--features", help="input features of a 2D set, e.g. x1,x2,x1x2 (see the FEATURES list)"
    )
    p.add_argument(
        "--train-share",
        type=float,
        help="share of the data trained on, 0.1-0.9; the rest validates (default: 60/20/20 split)",
    )
    p.add_argument(
        "--preprocess",
        default="standardize",
        help="raw (= none), center, standardize, pca, whiten",
    )
    p.add_argument("--hidden", default="64,64", help="hidden widths, e.g. 64,64")
    p.add_argument("--activation", default="relu")
    p.add_argument("--activation-set", action="append", metavar="K=V", help="slope=0.1, alpha=1")
    p.add_argument("--init", default="he")
    p.add_argument(
        "--init-scale",
        "--scale",
        dest="scale",
        type=float,
        default=0.01,
        help="σ of the 'normal' init",
    )
    p.add_argument("--batchnorm", action="store_true")
    p.add_argument(
        "--bn-position", default="before", help="batch norm before or after the non-linearity"
    )
    p.add_argument("--loss", help="default: cross_entropy (classification), mse (regression)")
    p.add_argument("--optimizer", default="adam")
    p.add_argument("--set", action="append", metavar="K=V", help="optimizer hyper-parameter")
    p.add_argument("--schedule", default="constant")
    p.add_argument("--schedule-set", action="append", metavar="K=V", help="schedule parameter")
    p.add_argument("--steps", type=int, required=True)
    p.add_argument("--batch-size", type=int, help="default: full batch; 1: stochastic")
    p.add_argument("--l1", type=float, default=0.0)
    p.add_argument("--l2", type=float, default=0.0)
    p.add_argument("--weight-decay", type=float, default=0.0, help="coupled weight decay")
    p.add_argument("--clip-norm", type=float, default=0.0)
    p.add_argument("--clip-value", type=float, default=0.0)
    p.add_argument("--grad-noise", type=float, default=0.0, help="std of Gaussian gradient noise")
    p.add_argument("--dropout", type=float, default=1.0, help="KEEP probability p (1 = off)")
    p.add_argument("--dropout-mode", default="inverted", help="inverted or vanilla")
    p.add_argument("--patience", type=int, default=0, help="early stopping (0 = off)")
    p.add_argument(
        "--eval-every",
        type=int,
        default=1,
        help="validation and per-layer statistics every k steps",
    )
    p.add_argument("--seed", type=seed_number, default=0)

    p = add("gradcheck", cmd_gradcheck, "analytic vs numerical gradients (float64)")
    p.add_argument("--dataset", default="spiral")
    p.add_argument("--hidden", default="8,8")
    p.add_argument("--activation", default="tanh")
    p.add_argument("--init", default="xavier")
    p.add_argument("--batchnorm", action="store_true")
    p.add_argument("--dropout", type=float, default=1.0, help="KEEP probability p (1 = off)")
    p.add_argument("--dropout-mode", default="inverted")
    p.add_argument("--loss", default="cross_entropy")
    p.add_argument("--points", type=int, default=50)
    p.add_argument("--seed", type=seed_number, default=0)
    p.add_argument("--broken", action="store_true", help="plant a backward-pass bug")

    add("activations", cmd_activations, "the activation registry")
    add("inits", cmd_inits, "the initialization registry")
    add("datasets", cmd_datasets, "the dataset registry")
    add("losses", cmd_losses, "the loss registry")

    p = add(
        "search", cmd_search, "random vs grid hyper-parameter search (lr × L2), one vmapped run"
    )
    p.add_argument("--dataset", default="spiral")
    p.add_argument("--method", default="random", help="random or grid")
    p.add_argument("--trials", type=int, default=16, help="budget per stage (1-256)")
    p.add_argument("--stages", type=int, default=1, help="coarse → fine stages (1-5)")
    p.add_argument("--steps", type=int, default=200, help="training steps per trial")
    p.add_argument("--hidden", default="32,32", help="hidden widths, e.g. 32,32")
    p.add_argument("--seed", type=seed_number, default=0)

    p = add("ensemble", cmd_ensemble, "ensembles: independent, snapshot (SGDR) or Polyak averaging")
    p.add_argument("--dataset", default="spiral")
    p.add_argument("--members", type=int, default=5, help="K (1-32)")
    p.add_argument("--kind", default="independent", help="independent, snapshot or polyak")
    p.add_argument("--steps", type=int, default=300)
    p.add_argument("--hidden", default="32,32", help="hidden widths, e.g. 32,32")
    p.add_argument("--seed", type=seed_number, default=0)

    p = add(
        "transfer",
        cmd_transfer,
        "transfer digits (10 classes) → new images of 5-9: scratch, probe, fine-tune",
    )
    p.add_argument("--target-examples", type=int, default=10, help="labelled target images")
    p.add_argument("--similarity", default="similar", help="similar or different (shuffled pixels)")
    p.add_argument("--steps", type=int, default=200, help="training steps on the target")
    p.add_argument("--pretrain-steps", type=int, default=300, help="training steps on the source")
    p.add_argument(
        "--seed",
        type=seed_number,
        default=0,
        help="which target images train and the scratch weights (one source network for all)",
    )

    p = add("lr-find", cmd_lr_find, "the LR range test on a network, mini-batch by mini-batch")
    p.add_argument("--dataset", default="spiral")
    p.add_argument("--hidden", default="32,32", help="hidden widths, e.g. 32,32")
    p.add_argument("--batch-size", type=int, default=32, help="examples per step")
    p.add_argument("--optimizer", default="adam")
    p.add_argument("--points", type=int, help="number of examples (default: the dataset's)")
    p.add_argument("--steps", type=int, default=300, help="length of the sweep (2-300)")
    p.add_argument("--lr-min", type=float, default=1e-6)
    p.add_argument("--lr-max", type=float, default=10.0)
    p.add_argument("--seed", type=seed_number, default=0)
