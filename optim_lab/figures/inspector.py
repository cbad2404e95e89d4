r"""The step inspector's pieces: a table of the update's numbers, the update in numbers (LaTeX) and a
small arrow diagram of the step against the plain gradient step.

Pure functions of a :class:`optim_lab.step_inspector.StepInspection`'s ``values``; no Streamlit here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np

from ..optimizers import OPTIMIZERS
from ..step_inspector import QUANTITIES
from . import plain
from .theme import DIVERGED_COLOR, FONT

# Where each quantity goes in the table: the numbers a reader needs first, the state, then the step.
_ORDER = list(QUANTITIES)
GRADIENT_COLOR = "#888888"


def format_value(value: float) -> str:
    """A number in at most 5 significant digits; ``non-finite`` for inf/NaN (never "nan")."""
    value = float(value)
    if not np.isfinite(value):
        return "non-finite"
    if value == 0:
        return "0"
    if abs(value) >= 1e5 or abs(value) < 1e-3:
        return f"{value:.3e}"
    return f"{value:.5g}"


def inspection_rows(values: Mapping[str, np.ndarray]) -> list[dict[str, str]]:
    """Rows for a table: quantity, x (or the value of a scalar), y, meaning.

    Args:
        values: a :class:`~optim_lab.step_inspector.StepInspection`'s ``values``.

    Returns:
        One row per quantity, in :data:`optim_lab.step_inspector.QUANTITIES` order.
    """
    rows = []
    for name in sorted(values, key=lambda n: _ORDER.index(n) if n in _ORDER else len(_ORDER)):
        quantity = QUANTITIES.get(name)
        array = np.asarray(values[name], dtype=np.float64).reshape(-1)
        if name in ("t", "pairs"):
            first, second = f"{int(array[0])}", ""
        elif array.size == 1:
            first, second = format_value(array[0]), ""
        else:
            first, second = format_value(array[0]), format_value(array[1])
        rows.append(
            {
                "quantity": quantity.symbol if quantity else name,
                "x (or value)": first,
                "y": second,
                "meaning": quantity.meaning if quantity else "",
            }
        )
    return rows


def wrap_latex(latex: str, per_line: int = 2) -> str:
    r"""Breaks a rule written as ``a;\ b;\ c`` (the registries' one-line form) into centred lines of
    ``per_line`` statements, so long rules (Adam, Adadelta) fit a narrow column."""
    parts = [p.strip() for p in re.split(r";\\(?:quad|,|\s)\s*", latex) if p.strip()]
    if len(parts) <= per_line:
        return latex
    lines = [";\\quad ".join(parts[i : i + per_line]) for i in range(0, len(parts), per_line)]
    return r"\begin{gathered}" + r" \\ ".join(lines) + r"\end{gathered}"


def _vec(v: np.ndarray) -> str:
    return r"\begin{pmatrix}" + r" \\ ".join(_num(x) for x in np.ravel(v)) + r"\end{pmatrix}"


def _num(x: float) -> str:
    text = format_value(x)
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa}\cdot 10^{{{int(exponent)}}}"
    return r"\text{non-finite}" if text == "non-finite" else text


def step_equation_latex(optimizer: str, values: Mapping[str, np.ndarray]) -> list[str]:
    r"""The update of this step with its numbers, as two LaTeX lines: the step, e.g.
    :math:`\Delta\theta = -\alpha\, v = -0.5 \cdot (\ldots) = (\ldots)`, and the new point."""
    update = _vec(values["update"])
    middle = ""
    if optimizer in OPTIMIZERS and OPTIMIZERS[optimizer].step_latex is not None:
        latex, factor, direction = OPTIMIZERS[optimizer].step_latex
        scale = np.asarray(values[factor])
        scale_text = _num(float(scale)) if scale.ndim == 0 else _vec(scale)
        product = r"\cdot" if scale.ndim == 0 else r"\odot"
        middle = rf"{latex} = -{scale_text} {product} {_vec(values[direction])}"
    theta = rf"\theta_{{k+1}} = \theta_k + \Delta\theta = {_vec(values['theta'])} + {update} = "
    theta += _vec(values["theta_next"])
    step = rf"\Delta\theta = {middle} = {update}" if middle else rf"\Delta\theta = {update}"
    return [step, theta]


def step_vectors_figure(
    values: Mapping[str, np.ndarray], color: str, *, height: int = 300, diverged: bool = False
) -> plain.Figure:
    """Arrows from θₖ: the plain gradient step −αg (grey) and the step the optimizer took (in the
    run's colour), on equal axes, so rescaling and turning by momentum or adaptivity show at once.

    Args:
        values: a :class:`~optim_lab.step_inspector.StepInspection`'s ``values``.
        color: the run's colour.
        height: figure height in pixels.
        diverged: the step blew up (the arrows are drawn in the divergence colour).
    """
    theta = np.asarray(values["theta"], dtype=float)
    arrows = [
        ("−α g (plain gradient step)", np.asarray(values["sgd_step"], dtype=float), GRADIENT_COLOR),
        ("Δθ (step taken)", np.asarray(values["update"], dtype=float), color),
    ]
    finite = [a for a in arrows if np.all(np.isfinite(a[1]))]
    shift = np.asarray(values.get("lookahead", np.zeros(2)), dtype=float)
    shift = shift if np.all(np.isfinite(shift)) else np.zeros(2)
    reach = max([np.max(np.abs(v)) for _, v, _ in finite] + [np.max(np.abs(shift)), 1e-12])
    fig = plain.Figure()
    fig.add_trace(
        plain.scatter(
            x=[theta[0]],
            y=[theta[1]],
            mode="markers",
            name="θₖ",
            marker=dict(size=9, color="black", line=dict(width=1.5, color="white")),
            hovertemplate="θₖ = (%{x:.5g}, %{y:.5g})<extra></extra>",
        )
    )
    if "lookahead" in values and np.any(shift):  # Nesterov: the lectures' point, its look-ahead
        start = theta - shift
        fig.add_trace(
            plain.scatter(
                x=[start[0], theta[0]],
                y=[start[1], theta[1]],
                mode="lines+markers",
                name="look-ahead ρv_L from the lectures' θ",
                line=dict(color=GRADIENT_COLOR, width=2, dash="dot"),
                marker=dict(size=[9, 0], symbol="circle-open", color=GRADIENT_COLOR),
                hovertemplate="the lectures' θ = (%{x:.5g}, %{y:.5g})<extra></extra>",
            )
        )
    for label, vector, arrow_color in finite:
        arrow_color = DIVERGED_COLOR if diverged and arrow_color == color else arrow_color
        end = theta + vector
        # a legend entry and a hover point at the head; the arrow itself is an annotation
        fig.add_trace(
            plain.scatter(
                x=[theta[0], end[0]],
                y=[theta[1], end[1]],
                mode="lines",
                name=label,
                line=dict(color=arrow_color, width=3),
                hovertemplate=f"{label}<br>(%{{x:.5g}}, %{{y:.5g}})<extra></extra>",
            )
        )
        if np.any(vector != 0):
            fig.add_annotation(
                x=end[0],
                y=end[1],
                ax=theta[0],
                ay=theta[1],
                xref="x",
                yref="y",
                axref="x",
                ayref="y",
                showarrow=True,
                arrowhead=3,
                arrowsize=1.3,
                arrowwidth=3,
                arrowcolor=arrow_color,
                text="",
            )
    pad = 1.25 * reach
    fig.update_layout(
        font=FONT,
        height=height,
        margin=dict(l=60, r=20, t=20, b=40),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0.0),
        hovermode="closest",
    )
    fig.update_xaxes(range=[theta[0] - pad, theta[0] + pad], title="x", zeroline=False)
    fig.update_yaxes(
        range=[theta[1] - pad, theta[1] + pad],
        title="y",
        zeroline=False,
        scaleanchor="x",
        scaleratio=1,
    )
    return fig
