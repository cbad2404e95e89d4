"""The weighted-averages lesson's data: an example series, numbers typed or uploaded by a
visitor (read as a stream, bounded), the sliding-window comparison and the table of weights."""

from __future__ import annotations

import csv
import io
import itertools
import math
import re
from dataclasses import dataclass

import numpy as np

from ...ewa import ewa_series, worked_example

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


def _factor(x: float) -> str:
    """A number for a LaTeX product (negative numbers in parentheses)."""
    return f"({x:g})" if x < 0 else f"{x:g}"


def worked_example_latex(beta: float, theta1: float, theta2: float) -> tuple[str, str]:
    r"""The first two steps from :math:`v_0 = 0` with the data's own first values: the LaTeX of
    :math:`v_1`, :math:`v_2` (and :math:`\hat v_2`), and a sentence on what the correction does."""
    ex = worked_example(beta)
    v1 = (1 - beta) * theta1
    v2 = ex["coef_theta1"] * theta1 + ex["coef_theta2"] * theta2
    lines = [
        rf"v_1 &= (1-\beta)\,\theta_1 = {1 - beta:.4g}\times{_factor(theta1)} = {v1:.4g}",
        r"v_2 &= \beta\,v_1 + (1-\beta)\,\theta_2 = \beta(1-\beta)\,\theta_1 + (1-\beta)\,\theta_2",
        rf"&= {ex['coef_theta1']:.4g}\,\theta_1 + {ex['coef_theta2']:.4g}\,\theta_2 = {v2:.4g}",
    ]
    if beta == 0:
        sentence = "With β = 0 the average is just the newest value: nothing to correct."
    else:
        lines += [
            rf"1-\beta^2 &= {ex['correction']:.4g}",
            rf"\hat v_2 &= \frac{{v_2}}{{1-\beta^2}} = \frac{{{v2:.4g}}}{{{ex['correction']:.4g}}}"
            rf" = {v2 / ex['correction']:.4g}",
        ]
        w1 = ex["coef_theta1"] / ex["correction"]
        sentence = (
            f"The raw v₂ puts a total weight of only {ex['correction']:.4g} on the data; the "
            f"rest, β² = {beta**2:.4g}, went to the starting value v₀ = 0. After correction the "
            f"weights add up to one ({w1:.3f}·θ₁ + {1 - w1:.3f}·θ₂), so v̂₂ is a proper "
            "average of what has been seen."
        )
    return r"\begin{aligned}" + r"\\".join(lines) + r"\end{aligned}", sentence
