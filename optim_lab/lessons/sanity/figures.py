"""Figures of the sanity-checks lesson: loss at step 0 vs ln C, overfitting a tiny set, learning
rates too low and too high."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ...figures import plain
from ...figures.theme import DIVERGED_COLOR, OKABE_ITO, base_layout
from ...nn.training_rules import EXPLODE_FACTOR


def initial_loss_figure(
    classes: np.ndarray, loss: np.ndarray, expected: np.ndarray
) -> plain.Figure:
    """Measured loss before any training next to ln C, for each number of classes C."""
    fig = plain.Figure()
    fig.add_trace(
        plain.scatter(
            x=classes,
            y=expected,
            mode="lines",
            name="ln C (uniform guess)",
            line=dict(color=OKABE_ITO[0], width=3, dash="dash"),
        )
    )
    fig.add_trace(
        plain.scatter(
            x=classes,
            y=loss,
            mode="markers",
            name="loss at step 0",
            marker=dict(color=OKABE_ITO[1], size=12, symbol="diamond", line=dict(width=1)),
        )
    )
    fig.update_xaxes(title_text="number of classes C", dtick=1)
    fig.update_yaxes(title_text="softmax cross-entropy", rangemode="tozero")
    return base_layout(fig, height=360)


def overfit_figure(loss: np.ndarray, acc: np.ndarray) -> plain.Figure:
    """Training loss (left axis, log) and training accuracy (right axis) of the tiny-set run."""
    steps = np.arange(len(loss))
    fig = plain.make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(
        plain.scatter(
            x=steps,
            y=np.where(loss > 0, loss, np.nan),
            mode="lines",
            name="training loss",
            line=dict(color=OKABE_ITO[0], width=3),
        ),
        secondary_y=False,
    )
    fig.add_trace(
        plain.scatter(
            x=steps,
            y=acc,
            mode="lines",
            name="training accuracy",
            line=dict(color=OKABE_ITO[2], width=3, dash="dash"),
        ),
        secondary_y=True,
    )
    fig.update_xaxes(title_text="step")
    fig.update_yaxes(title_text="loss (log)", type="log", exponentformat="power", secondary_y=False)
    fig.update_yaxes(
        title_text="accuracy",
        range=[0, 1.05],
        tickmode="array",
        tickvals=[0, 0.25, 0.5, 0.75, 1.0],
        tickformat=".0%",
        secondary_y=True,
        showgrid=False,
    )
    return base_layout(fig, height=360)


def lr_compare_figure(
    loss: np.ndarray,
    labels: Sequence[str],
    exploded_at: Sequence[int | None],
    colours: Sequence[str],
    *,
    explode_factor: float = 3.0,
) -> plain.Figure:
    """Loss per step of runs with different learning rates, one panel each (own y axis).

    A run that exploded (loss above ``explode_factor`` × its initial loss, or not finite) is drawn
    up to that step and marked with a ✕ and a label; NaN never reaches the plot.
    """
    fig = plain.make_subplots(rows=1, cols=len(labels), subplot_titles=list(labels))
    for i, (label, stop, colour) in enumerate(zip(labels, exploded_at, colours, strict=True)):
        values = np.asarray(loss[i], float)
        end = len(values) if stop is None else min(len(values), int(stop) + 1)
        values = values[:end]
        finite = np.isfinite(values)
        steps = np.arange(end)
        fig.add_trace(
            plain.scatter(
                x=steps[finite],
                y=values[finite],
                mode="lines+markers" if end < 10 else "lines",
                name=label,
                showlegend=False,
                line=dict(color=colour, width=3),
            ),
            row=1,
            col=i + 1,
        )
        if values.size and np.isfinite(values[0]):
            fig.add_hline(
                y=explode_factor * values[0],
                line=dict(color="gray", dash="dot", width=1),
                annotation_text=f"{explode_factor:g}× initial loss",
                annotation_position="top left",
                row=1,
                col=i + 1,
            )
        if stop is not None:
            last = int(np.flatnonzero(finite)[-1]) if finite.any() else 0
            y_last = float(values[last]) if finite.any() else 0.0
            fig.add_trace(
                plain.scatter(
                    x=[last],
                    y=[y_last],
                    mode="markers+text",
                    text=[f"exploded at step {int(stop)}"],
                    textposition="middle right",
                    marker=dict(symbol="x", size=14, color=DIVERGED_COLOR),
                    showlegend=False,
                    hoverinfo="skip",
                ),
                row=1,
                col=i + 1,
            )
            fig.update_xaxes(range=[-0.5, max(5, end + 1)], row=1, col=i + 1)
    fig.update_xaxes(title_text="step")
    fig.update_yaxes(title_text="training loss", col=1)
    base_layout(fig, height=360)
    fig.update_layout(margin=dict(t=60))
    return fig


# Gradient-check verdicts as table fills: translucent, readable in the light and the dark theme.
VERDICT_FILLS = {"pass": "rgba(0,158,115,0.30)", "check": "rgba(230,159,0,0.35)"}
FAIL_FILL = "rgba(213,94,0,0.40)"


def verdict_style(verdict: str) -> str:
    """The CSS of a verdict cell in the gradient-check table."""
    return f"background-color: {VERDICT_FILLS.get(verdict, FAIL_FILL)}"


# The babysitting gallery: training and validation by colour (and dash), the run before the fix
# in grey.
SYMPTOM_COLORS = {"train": OKABE_ITO[0], "val": OKABE_ITO[1], "total": OKABE_ITO[4]}
BEFORE_COLOR = "rgba(128,128,128,0.7)"


def _positive(values: np.ndarray) -> np.ndarray:
    """Values a log axis can show (0, NaN and inf left out of the line)."""
    values = np.asarray(values, float)
    return np.where(np.isfinite(values) & (values > 0), values, np.nan)


def loss_range(*curves: np.ndarray, decades: float = 1.5) -> list[float]:
    """A log axis' range (log10 units) over the curves' positive values, at least ``decades``
    tall, the largest value near the top: a loss that barely moves looks flat, not steep."""
    values = np.concatenate([_positive(c).ravel() for c in curves])
    values = values[np.isfinite(values)]
    if not values.size:
        return [-1.0, 1.0]
    top = float(np.log10(values.max())) + 0.1
    return [min(float(np.log10(values.min())) - 0.1, top - decades), top]


def symptom_figure(
    run: dict, before: dict | None = None, before_name: str = "with the mistake"
) -> plain.Figure:
    """Loss (left, log scale) and accuracy (right) per step of one gallery run, training and
    validation; with a penalty also the loss the optimizer minimises (data + penalty).

    ``before`` (the run with the mistake, when the fix is shown; named ``before_name``) is drawn
    in grey behind it. A run that diverged ends with a ✕ and a shaded band over its NaN steps.
    """
    steps = np.arange(len(run["loss"]))
    fig = plain.make_subplots(
        rows=1, cols=2, subplot_titles=["loss (log scale)", "accuracy"], horizontal_spacing=0.1
    )
    curves = [
        ("training", "loss", "train_acc", "train", "solid"),
        ("validation", "val_loss", "val_acc", "val", "dash"),
    ]
    if before is not None:
        for name, loss_key, acc_key, _, dash in curves:
            for col, key in ((1, loss_key), (2, acc_key)):
                values = _positive(before[key]) if col == 1 else before[key]
                fig.add_trace(
                    plain.scatter(
                        x=steps,
                        y=values,
                        mode="lines",
                        name=f"{before_name}: {name}",
                        legendgroup=f"before-{name}",
                        showlegend=col == 1,
                        line=dict(color=BEFORE_COLOR, width=2, dash=dash),
                    ),
                    row=1,
                    col=col,
                )
    for name, loss_key, acc_key, colour, dash in curves:
        for col, key in ((1, loss_key), (2, acc_key)):
            values = _positive(run[key]) if col == 1 else run[key]
            fig.add_trace(
                plain.scatter(
                    x=steps,
                    y=values,
                    mode="lines+markers" if np.isfinite(run[key]).sum() < 10 else "lines",
                    name=name,
                    legendgroup=name,
                    showlegend=col == 1,
                    line=dict(color=SYMPTOM_COLORS[colour], width=3, dash=dash),
                ),
                row=1,
                col=col,
            )
    shown = [run["loss"], run["val_loss"]] + ([] if before is None else [before["loss"]])
    if np.nanmax(np.asarray(run["reg_loss"], float), initial=0.0) > 0:
        shown.append(run["loss"] + run["reg_loss"])
        fig.add_trace(
            plain.scatter(
                x=steps,
                y=_positive(shown[-1]),
                mode="lines",
                name="training + penalty",
                line=dict(color=SYMPTOM_COLORS["total"], width=3, dash="dot"),
            ),
            row=1,
            col=1,
        )
    stop = run["status"]["diverged_at"]
    if stop is not None:
        _nan_band(fig, run, int(stop), len(steps))
    fig.update_xaxes(title_text="step", range=[0, len(steps) - 1])
    if before is not None:
        shown.append(before["val_loss"])
    fig.update_yaxes(type="log", exponentformat="power", range=loss_range(*shown), col=1)
    fig.update_yaxes(range=[0, 1.02], tickformat=".0%", col=2)
    base_layout(fig, height=430, legend_below=-0.22)
    fig.update_layout(margin=dict(t=40, b=100))
    return fig


def _nan_band(fig: plain.Figure, run: dict, stop: int, steps: int) -> None:
    """The ✕ where a run diverged, the 3× bound it passed and a band labelled NaN over the steps
    after it."""
    bound = EXPLODE_FACTOR * float(run["loss"][0])
    fig.add_hline(y=bound, line=dict(color="gray", dash="dot", width=1), row=1, col=1)
    fig.add_annotation(  # a log axis places annotations at log10 of the value
        x=1,
        y=float(np.log10(bound)),
        xref="x domain",
        yref="y",
        xanchor="right",
        yanchor="top",
        text=f"{EXPLODE_FACTOR:g}× initial loss",
        showarrow=False,
        font=dict(size=12, color="gray"),
    )
    fig.add_trace(
        plain.scatter(
            x=[stop],
            y=[float(run["loss"][stop])],
            mode="markers+text",
            text=[f"diverged at step {stop}"],
            textposition="middle right",
            marker=dict(symbol="x", size=14, color=DIVERGED_COLOR),
            showlegend=False,
            hoverinfo="skip",
        ),
        row=1,
        col=1,
    )
    if stop + 1 >= steps:
        return
    fig.add_vrect(x0=stop + 0.5, x1=steps - 1, fillcolor=DIVERGED_COLOR, opacity=0.12, line_width=0)
    for xref, yref in (("x", "y domain"), ("x2", "y2 domain")):
        fig.add_annotation(
            x=0.5 * (stop + steps),
            y=0.5,
            xref=xref,
            yref=yref,
            text=f"NaN from step {stop + 1} on",
            showarrow=False,
            font=dict(size=16, color=DIVERGED_COLOR),
        )
