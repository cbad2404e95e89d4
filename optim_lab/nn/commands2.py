"""CLI subcommands of the MLP lab, part 2 (generalization), wired in by :func:`register`.

Same conventions as :mod:`optim_lab.nn.commands`: each handler returns a JSON-able dict (no NaN);
bad input raises ``ValueError`` with a one-line message (exit code 2).

- ``search --dataset D --method random|grid --trials N [--stages S] [--seed S]`` →
  ``{"trials": [{"lr", "reg", "val_acc", "stage", "exploded", ...}], "best": {...}, "stages": [...]}``
- ``ensemble --dataset D --members K --kind independent|snapshot|polyak [--seed S]`` →
  ``{"member_acc": [...], "ensemble_acc": a, ...}``
- ``transfer [--target-examples N] [--seed S]`` →
  ``{"scratch": a, "probe": b, "finetune_top": c, "finetune_all": d, ...}``
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Sequence
from typing import Any

from .commands import _hidden


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


def register(subparsers, parents: Sequence[argparse.ArgumentParser] = ()) -> None:
    """Adds ``search``, ``ensemble`` and ``transfer``; each parser gets ``handler`` as a default."""
    from ..cli import seed_number  # cli.py imports this module while it builds its parser

    def add(name: str, handler, help_text: str) -> argparse.ArgumentParser:
        p = subparsers.add_parser(name, help=help_text, parents=list(parents))
        p.set_defaults(handler=handler)
        return p

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
    p.add_argument("--seed", type=seed_number, default=0)
