"""Plain-text exports of finished runs and tables: CSV and JSON, NumPy in, text out (the pages'
downloads and the tests read them)."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np


def columns_csv(columns: Mapping[str, Sequence[Any]]) -> str:
    """Equal-length columns as CSV text (header first); floats in their shortest repr."""
    names = list(columns)
    lengths = {len(columns[n]) for n in names}
    if len(lengths) > 1:
        raise ValueError(f"columns have different lengths: {sorted(lengths)}")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    for row in zip(*(columns[n] for n in names), strict=True):
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, float | np.floating):
        return "" if not math.isfinite(float(value)) else repr(float(value))
    if isinstance(value, np.integer | np.bool_):
        return value.item()
    return value


def trajectories_columns(trajectories, extra: Mapping[str, Sequence[np.ndarray]] | None = None):
    """One row per (run, point) of finished runs: run label, optimizer, step, x, y, loss, and the
    gradient, update and learning rate of the step taken from that point (empty on the last row).

    Args:
        trajectories: :class:`~optim_lab.trajectory.Trajectory` list.
        extra: more per-step columns, one ``(T, …)`` array per run (``(T, 2)`` arrays become
            ``name_x``/``name_y``).
    """
    cols: dict[str, list] = {
        k: []
        for k in (
            "run",
            "optimizer",
            "step",
            "x",
            "y",
            "loss",
            "lr",
            "grad_x",
            "grad_y",
            "update_x",
            "update_y",
        )
    }
    extra = dict(extra or {})
    extra_cols: dict[str, list] = {}
    for name, arrays in extra.items():
        if np.asarray(arrays[0]).ndim == 2:
            extra_cols[f"{name}_x"], extra_cols[f"{name}_y"] = [], []
        else:
            extra_cols[name] = []
    for index, traj in enumerate(trajectories):
        end = len(traj.points) if traj.diverged_at is None else traj.diverged_at
        steps = len(traj.lr)
        for k in range(end):
            cols["run"].append(traj.label)
            cols["optimizer"].append(traj.spec.optimizer)
            cols["step"].append(k)
            cols["x"].append(float(traj.points[k, 0]))
            cols["y"].append(float(traj.points[k, 1]))
            cols["loss"].append(float(traj.loss[k]))
            has_step = k < steps and k < end - 1
            detailed = has_step and traj.grads is not None and traj.updates is not None
            cols["lr"].append(float(traj.lr[k]) if has_step else math.nan)
            for i, axis in enumerate("xy"):
                cols[f"grad_{axis}"].append(float(traj.grads[k, i]) if detailed else math.nan)
                cols[f"update_{axis}"].append(float(traj.updates[k, i]) if detailed else math.nan)
            for name, arrays in extra.items():
                arr = np.asarray(arrays[index], dtype=np.float64)
                if arr.ndim == 2:
                    for i, axis in enumerate("xy"):
                        extra_cols[f"{name}_{axis}"].append(
                            float(arr[k, i]) if has_step else math.nan
                        )
                else:
                    extra_cols[name].append(float(arr[k]) if has_step else math.nan)
    return {**cols, **extra_cols}


def trajectories_json(trajectories, **context: Any) -> str:
    """Runs as JSON: the CLI's fields (points, loss, lr, diverged_at) plus each run's label,
    optimizer, hyper-parameters, schedule, gradient modifiers and seed (resolved, so defaults are
    written out); ``context`` (surface, steps…) is stored alongside."""
    runs = []
    for traj in trajectories:
        hp, schedule_params, modifiers = traj.spec.resolve()
        runs.append(
            {
                "label": traj.label,
                "optimizer": traj.spec.optimizer,
                "hparams": hp,
                "schedule": traj.spec.schedule,
                "schedule_params": schedule_params,
                "modifiers": modifiers,
                "seed": traj.spec.seed,
                **traj.to_dict(),
            }
        )
    return json.dumps(json_ready({**context, "runs": runs}), allow_nan=False)


def columns_json(columns: Mapping[str, Sequence[Any]], **context: Any) -> str:
    """Columns as a JSON object of lists (non-finite numbers become null)."""
    return json.dumps(json_ready({**context, **columns}), allow_nan=False)


def json_ready(value: Any) -> Any:
    """NumPy and Python values → what :func:`json.dumps` writes: mappings with string keys,
    lists, plain numbers; non-finite numbers become ``None`` (JSON's null)."""
    if isinstance(value, Mapping):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
