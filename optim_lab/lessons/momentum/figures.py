"""The momentum lesson's figure: its (α, β) map, built on the shared sweep heat map."""

from __future__ import annotations

from ...figures import plain
from ...figures.heatmap import sweep_heatmap
from ...sweep import SweepResult
from .experiment import map_colours


def map_figure(
    result: SweepResult,
    metric: str,
    selected: tuple[float, float],
    beta_symbol: str,
    start_loss: float,
    tol: float,
) -> plain.Figure:
    """The sweep coloured by ``metric`` (see :func:`map_colours`) with the chosen (α, β) cell
    marked; coloured by loss, every cell at or above the loss at the start shares one colour."""
    values, missing, log_values, value_title = map_colours(result, metric)
    return sweep_heatmap(
        result.x_values,
        result.y_values,
        values,
        diverged=result.diverged,
        missing=missing,
        x_title="α",
        y_title=beta_symbol,
        value_title=value_title,
        log_values=log_values,
        selected=selected,
        value_format=".3g" if log_values else ".0f",
        missing_label=f"never within {tol:g} of the minimum",
        value_cap=start_loss if metric == "loss" else None,
        cap_label="≥ start",
    )
