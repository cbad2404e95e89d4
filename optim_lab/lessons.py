r"""Small NumPy helpers behind the lesson pages: example data, user-number parsing, the quantities
the momentum and adaptive-method lessons plot, and plain-text exports.

Nothing here imports Streamlit or compiles JAX code: every function is pure NumPy on finished
results (a :class:`~optim_lab.trajectory.Trajectory`, a series of numbers), so pages stay thin and
these helpers are tested directly.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .ewa import ewa_series

# ------------------------------------------------------------------------------------------------
# Exponentially weighted averages: data
# ------------------------------------------------------------------------------------------------

MAX_VALUES = 10_000
"""Most numbers a user may paste or upload (plots stay fast, the EWA loop stays instant)."""

MAX_COLUMNS = 100  # of a file: the first numeric column among these is read


def temperature_series(seed: int = 0, days: int = 365) -> np.ndarray:
    """A year of made-up daily temperatures (°C): a seasonal wave plus day-to-day noise.

    Coldest around mid-January, warmest around mid-July, like a mid-latitude city.

    Args:
        seed: seeds the noise; the same seed gives the same series.
        days: length of the series.

    Returns:
        ``days`` temperatures, rounded to 0.1 °C.
    """
    rng = np.random.default_rng(seed)
    day = np.arange(days)
    seasonal = 11.0 - 9.0 * np.cos(2.0 * math.pi * (day - 15) / 365.0)
    # Weather persists for a few days: AR(1) noise rather than independent jitter.
    noise = np.empty(days)
    level = 0.0
    for i, shock in enumerate(rng.normal(0.0, 2.2, days)):
        level = 0.6 * level + shock
        noise[i] = level
    return np.round(seasonal + noise, 1)


_TOKEN = re.compile(r"[^\s,;]+")  # what commas, semicolons and white space separate


def parse_numbers(text: str, *, max_values: int = MAX_VALUES) -> np.ndarray:
    """Numbers separated by commas, semicolons, spaces or new lines.

    Args:
        text: what the user typed or pasted.
        max_values: refuse longer lists (reading stops there).

    Returns:
        The numbers, float64, in order.

    Raises:
        ValueError: with a message naming the first few entries that are not finite numbers, or
            saying the list is empty or too long.
    """
    values: list[float] = []
    shown: list[str] = []  # the first few entries that are not numbers
    bad = count = 0
    stopped = False
    for position, match in enumerate(_TOKEN.finditer(text), start=1):  # read as a stream
        count = position
        token = match.group()
        try:
            value = float(token)
        except ValueError:
            value = math.nan
        if math.isfinite(value):
            values.append(value)
            if len(values) > max_values:
                raise ValueError(f"at most {max_values} numbers, got more")
        else:
            bad += 1
            if bad <= 5:
                shown.append(f"'{token[:20]}' (entry {position})")
            elif not values:  # text, not a list of numbers: no need to read on
                stopped = True
                break
    if not count:
        raise ValueError("no numbers found: type or paste values separated by commas or spaces")
    if bad:
        more = " and more" if stopped else f" and {bad - 5} more" if bad > 5 else ""
        raise ValueError(f"not a number: {', '.join(shown)}{more}")
    return np.asarray(values, dtype=np.float64)


@dataclass(frozen=True)
class ColumnData:
    """Numbers read from a file: the values, the column they came from and the cells skipped."""

    values: np.ndarray
    column: str
    skipped: int


def numbers_from_file(data: bytes | str, *, max_values: int = MAX_VALUES) -> ColumnData:
    """The first numeric column of a CSV/TXT file (a header row and stray text cells are skipped).

    A plain list of numbers (one per line, or separated by spaces or commas) is read whole.

    Args:
        data: the file's bytes (UTF-8) or text.
        max_values: refuse longer columns.

    Raises:
        ValueError: the file is not text, or has no column with at least two numbers.
    """
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValueError("the file is not UTF-8 text: upload a .csv or .txt file") from None
    else:
        text = data
    if not text.strip():
        raise ValueError("the file is empty")
    try:  # a bare list of numbers
        return ColumnData(parse_numbers(text, max_values=max_values), "all values", 0)
    except ValueError:
        pass
    try:
        sample = "".join(itertools.islice(io.StringIO(text), 50))
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    # Rows past the limit (a header and one number more) or cells past MAX_COLUMNS are never read.
    rows = []
    for row in csv.reader(io.StringIO(text), delimiter=delimiter):
        if any(c.strip() for c in row):
            rows.append(row[:MAX_COLUMNS])
            if len(rows) > max_values + 1:
                break
    width = max((len(row) for row in rows), default=0)
    for col in range(width):
        cells = [row[col].strip() if col < len(row) else "" for row in rows]
        numbers = []
        for cell in cells:
            try:
                value = float(cell)
            except ValueError:
                continue
            if math.isfinite(value):
                numbers.append(value)
        filled = sum(1 for c in cells if c)
        # numeric if nearly every filled cell (a header aside) is a number
        if len(numbers) >= 2 and len(numbers) >= 0.9 * (filled - 1):
            if len(numbers) > max_values:
                raise ValueError(f"at most {max_values} numbers, got more")
            header = cells[0] if cells and _not_number(cells[0]) else f"column {col + 1}"
            return ColumnData(
                np.asarray(numbers, dtype=np.float64),
                header or f"column {col + 1}",
                filled - len(numbers),
            )
    raise ValueError("no column with at least two numbers found in the file")


def _not_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return True
    return False


def sliding_window_mean(values: np.ndarray, window: int) -> np.ndarray:
    """Mean of the last ``window`` values at every step (fewer at the start, while the window
    fills up): the average an EWA approximates, at the cost of storing ``window`` numbers."""
    values = np.asarray(values, dtype=np.float64)
    window = max(1, int(window))
    sums = np.cumsum(np.concatenate([[0.0], values]))
    t = np.arange(1, len(values) + 1)
    start = np.maximum(t - window, 0)
    return (sums[t] - sums[start]) / (t - start)


def window_for(beta: float) -> int:
    """The sliding-window length that matches an EWA: ``round(1/(1−β))``, at least 1."""
    return max(1, round(1.0 / (1.0 - beta)))


def ewa_table(values: np.ndarray, beta: float) -> dict[str, np.ndarray]:
    """Everything the EWA page plots, as columns: t, θ, raw and corrected EWA, sliding mean."""
    raw, corrected = ewa_series(values, beta)
    return {
        "t": np.arange(1, len(values) + 1),
        "value": np.asarray(values, dtype=np.float64),
        "ewa": raw,
        "ewa_corrected": corrected,
        "window_mean": sliding_window_mean(values, window_for(beta)),
    }


# ------------------------------------------------------------------------------------------------
# Momentum
# ------------------------------------------------------------------------------------------------


def momentum_grid(
    n_lr: int = 64, n_beta: int = 100, lr_range: tuple[float, float] = (1e-3, 10.0)
) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """The (α, β) grid of the momentum map: log-spaced α (3 significant digits, so links stay
    short) and β = 0, 0.01, …, 0.99 (on the β slider's steps)."""
    lrs = tuple(float(f"{v:.3g}") for v in np.geomspace(*lr_range, n_lr))
    betas = tuple(round(float(b), 4) for b in np.linspace(0.0, 0.99, n_beta))
    return lrs, betas


def cell_from_selection(event: Mapping[str, Any] | None) -> tuple[float, float] | None:
    """The (x, y) values of a clicked heat-map cell from a Streamlit Plotly selection event.

    Cells carry ``customdata = [x, y]``; the browser sends it back as a list or as
    ``{"0": x, "1": y}``. Points without such data (other traces) are ignored.

    Returns:
        The first selected cell's values, or ``None``.
    """
    selection = (event or {}).get("selection") or {}
    for point in selection.get("points") or []:
        data = point.get("customdata")
        if isinstance(data, Mapping):
            data = [data.get("0"), data.get("1")]
        try:
            x, y = float(data[0]), float(data[1])
        except (TypeError, ValueError, IndexError, KeyError):
            continue
        if math.isfinite(x) and math.isfinite(y):
            return x, y
    return None


def classic_lr(lr_ewa: float, beta: float) -> float:
    r"""The classic-form learning rate that reproduces EWA-form momentum: :math:`\alpha(1-\beta)`.

    With :math:`u = v/(1-\beta)`, :math:`u \leftarrow \beta u + g` and
    :math:`\alpha_c u = \alpha v` exactly when :math:`\alpha_c = \alpha(1-\beta)`.
    """
    return lr_ewa * (1.0 - beta)


def ewa_lr(lr_classic: float, beta: float) -> float:
    r"""The inverse of :func:`classic_lr`: :math:`\alpha_c / (1-\beta)`."""
    return lr_classic / (1.0 - beta)


# ------------------------------------------------------------------------------------------------
# Adaptive methods
# ------------------------------------------------------------------------------------------------


def step_ratio(grads: np.ndarray, updates: np.ndarray, floor: float = 1e-12) -> np.ndarray:
    r""":math:`|\Delta\theta_{t,i}| / |g_{t,i}|`, what actually multiplied each gradient component
    (momentum included); NaN where the gradient component is below ``floor``."""
    g = np.abs(np.asarray(grads, dtype=np.float64))
    u = np.abs(np.asarray(updates, dtype=np.float64))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(g > floor, u / g, np.nan)


def adam_bias_factors(beta1: float, beta2: float, steps: int) -> dict[str, np.ndarray]:
    r"""How far the raw moments fall short of their corrected values at t = 1 … steps.

    Returns:
        ``t``; ``m`` = :math:`1-\beta_1^t` (raw m over corrected m̂); ``sqrt_v`` =
        :math:`\sqrt{1-\beta_2^t}` (raw √v over √v̂); ``step`` = their ratio, the size of an
        uncorrected step relative to a corrected one when ε is negligible (< 1: a slow start,
        > 1: early steps too long).
    """
    t = np.arange(1, steps + 1, dtype=np.float64)
    m = 1.0 - beta1**t
    sqrt_v = np.sqrt(1.0 - beta2**t)
    return {"t": t, "m": m, "sqrt_v": sqrt_v, "step": m / sqrt_v}


def adam_step_multiplier(rms: np.ndarray, lr: float, eps: float, inside: bool) -> np.ndarray:
    r"""Adam's per-coordinate step size as a function of the gradient's RMS :math:`\sqrt{\hat v}`:
    :math:`\alpha/(\sqrt{\hat v}+\epsilon)` or, with ε inside the root, :math:`\alpha/\sqrt{\hat v+\epsilon}`."""
    rms = np.asarray(rms, dtype=np.float64)
    if inside:
        return lr / np.sqrt(rms * rms + eps)
    return lr / (rms + eps)


def step_lengths(updates: np.ndarray) -> np.ndarray:
    """Euclidean length of each step, ``(T, n) -> (T,)``."""
    return np.linalg.norm(np.asarray(updates, dtype=np.float64), axis=1)


# ------------------------------------------------------------------------------------------------
# Exports
# ------------------------------------------------------------------------------------------------


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
