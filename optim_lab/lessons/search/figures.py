"""Figures of the hyper-parameter search lesson: grid vs random with the same budget (and the
projection onto the important parameter), coarse → fine stages with their boxes, and the cost
curves of the trials with the exploded ones stopped early.

Pure functions: NumPy/Python in, ``plain.Figure`` out (no Streamlit).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ...figures import plain
from ...figures.theme import DIVERGED_COLOR, HEATMAP_SCALE, OKABE_ITO, base_layout

#: Marker of a trial stopped because its cost passed 3× the initial cost.
EXPLODED_SYMBOL = "x-thin-open"
STAGE_SYMBOLS = ("circle", "square", "diamond", "triangle-up", "pentagon")
STAGE_COLORS = (OKABE_ITO[0], OKABE_ITO[1], OKABE_ITO[2], OKABE_ITO[4], OKABE_ITO[5])
ACC_COLORBAR = dict(title=dict(text="val. acc.", side="right"), tickformat=".0%", thickness=14)
# Both searched hyper-parameters live on log axes with a tick per decade.
LOG_AXIS = dict(type="log", exponentformat="power", dtick=1)
LR_TITLE = "learning rate α (log)"
REG_TITLE = "L2 strength λ₂ (log)"


def _arrays(trials: Sequence[Mapping]) -> dict[str, np.ndarray]:
    """Trial dicts → arrays ``lr``, ``reg``, ``val_acc``, ``stage`` and ``exploded``."""
    return {
        "lr": np.array([t["lr"] for t in trials], float),
        "reg": np.array([t["reg"] for t in trials], float),
        "val_acc": np.array([t["val_acc"] for t in trials], float),
        "stage": np.array([t["stage"] for t in trials], int),
        "exploded": np.array([bool(t["exploded"]) for t in trials], bool),
    }


def distinct_count(values: np.ndarray) -> int:
    """Number of distinct values (compared in float32, as the trials are trained)."""
    return len({float(np.float32(v)) for v in np.asarray(values, float)})


def _log_range(values: np.ndarray, pad: float = 0.15) -> list[float]:
    lo, hi = np.log10(np.min(values)), np.log10(np.max(values))
    width = max(hi - lo, 1.0)
    return [lo - pad * width, hi + pad * width]


def _hover(prefix: str = "") -> str:
    return (
        prefix + "lr = %{customdata[0]:.3g}<br>λ₂ = %{customdata[1]:.3g}<br>"
        "val. acc. = %{customdata[2]:.1%}<extra></extra>"
    )


def _trial_traces(
    fig: plain.Figure,
    a: dict[str, np.ndarray],
    mask: np.ndarray,
    *,
    x: str,
    y: str,
    row: int,
    col: int,
    symbol: str = "circle",
    name: str = "trial",
    show_scale: bool = False,
    show_legend: bool = True,
    size: int = 12,
) -> None:
    """Finished trials coloured by validation accuracy, exploded ones as crosses."""
    custom = np.c_[a["lr"], a["reg"], a["val_acc"]]
    ok = mask & ~a["exploded"]
    bad = mask & a["exploded"]
    fig.add_trace(
        plain.scatter(
            x=a[x][ok],
            y=a[y][ok],
            mode="markers",
            name=name,
            showlegend=show_legend,
            customdata=custom[ok],
            hovertemplate=_hover(),
            marker=dict(
                symbol=symbol,
                size=size,
                color=a["val_acc"][ok],
                coloraxis="coloraxis",
                line=dict(color="#333333", width=1),
            ),
        ),
        row=row,
        col=col,
    )
    if bad.any():
        fig.add_trace(
            plain.scatter(
                x=a[x][bad],
                y=a[y][bad],
                mode="markers",
                name="exploded (cost > 3× start), stopped",
                legendgroup="exploded",
                showlegend=show_legend,
                customdata=custom[bad],
                hovertemplate=_hover("<b>exploded</b><br>"),
                marker=dict(
                    symbol=EXPLODED_SYMBOL, size=size, color=DIVERGED_COLOR, line=dict(width=3)
                ),
            ),
            row=row,
            col=col,
        )
    if show_scale:
        fig.update_layout(coloraxis_showscale=True)


def comparison_figure(results: Mapping[str, Sequence[Mapping]], height: int = 640) -> plain.Figure:
    """Grid vs random search with the same budget, one column each.

    Top row: validation accuracy against the learning rate alone (the projection onto the
    important parameter): a 3×3 grid puts its 9 trials on only 3 learning rates, random search on 9.
    Bottom row: the trials in the (lr, λ₂) plane, log axes, coloured by validation accuracy;
    exploded trials are crosses.

    Args:
        results: ``{"grid": trials, "random": trials}``, each a list of trial dicts (``lr``,
            ``reg``, ``val_acc``, ``stage``, ``exploded``).
        height: figure height in pixels.
    """
    methods = list(results)
    arrays = {m: _arrays(results[m]) for m in methods}
    titles = [
        f"{m}: {distinct_count(arrays[m]['lr'])} distinct learning rates" for m in methods
    ] + [f"{m}: {distinct_count(arrays[m]['reg'])} distinct λ₂ values" for m in methods]
    fig = plain.make_subplots(
        rows=2,
        cols=len(methods),
        row_heights=[0.36, 0.64],
        vertical_spacing=0.14,
        horizontal_spacing=0.08,
        subplot_titles=titles,
    )
    all_lr = np.concatenate([a["lr"] for a in arrays.values()])
    all_reg = np.concatenate([a["reg"] for a in arrays.values()])
    lr_range, reg_range = _log_range(all_lr), _log_range(all_reg)
    for j, m in enumerate(methods, start=1):
        a = arrays[m]
        everything = np.ones(len(a["lr"]), bool)
        # projection: one vertical tick per distinct learning rate, under the points
        for v in np.unique(a["lr"].astype(np.float32)):
            fig.add_trace(
                plain.scatter(
                    x=[float(v), float(v)],
                    y=[0.0, 1.0],
                    mode="lines",
                    line=dict(color="rgba(120,120,120,0.45)", width=1, dash="dot"),
                    hoverinfo="skip",
                    showlegend=False,
                ),
                row=1,
                col=j,
            )
        _trial_traces(
            fig, a, everything, x="lr", y="val_acc", row=1, col=j, show_legend=False, size=10
        )
        _trial_traces(fig, a, everything, x="lr", y="reg", row=2, col=j, show_legend=j == 1)
        fig.update_xaxes(**LOG_AXIS, range=lr_range, row=1, col=j)
        fig.update_xaxes(**LOG_AXIS, range=lr_range, title_text=LR_TITLE, row=2, col=j)
        fig.update_yaxes(range=[-0.03, 1.05], tickformat=".0%", row=1, col=j)
        fig.update_yaxes(**LOG_AXIS, range=reg_range, row=2, col=j)
    fig.update_yaxes(title_text="val. accuracy", row=1, col=1)
    fig.update_yaxes(title_text=REG_TITLE, row=2, col=1)
    fig.update_layout(
        coloraxis=dict(colorscale=HEATMAP_SCALE, cmin=0, cmax=1, colorbar=ACC_COLORBAR),
    )
    base_layout(fig, height=height, legend_below=-0.1)
    fig.update_layout(margin=dict(t=40, b=90))
    return fig


def _box_trace(box: Mapping[str, Sequence[float]], stage: int) -> dict:
    (x0, x1), (y0, y1) = box["lr"], box["reg"]
    return plain.scatter(
        x=[x0, x1, x1, x0, x0],
        y=[y0, y0, y1, y1, y0],
        mode="lines",
        name=f"stage {stage + 1} box",
        line=dict(color=STAGE_COLORS[stage % len(STAGE_COLORS)], width=2, dash="dash"),
        hoverinfo="skip",
    )


def stages_figure(
    trials: Sequence[Mapping],
    boxes: Sequence[Mapping[str, Sequence[float]]],
    best: Mapping | None = None,
    height: int = 520,
) -> plain.Figure:
    """Coarse → fine search: every trial in the (lr, λ₂) plane (log axes), coloured by validation
    accuracy, one marker shape per stage, exploded trials as crosses, and each stage's box.

    Args:
        trials: trial dicts of all stages.
        boxes: per stage ``{"lr": (lo, hi), "reg": (lo, hi)}`` (values).
        best: the best trial (ringed), or ``None``.
        height: figure height in pixels.
    """
    a = _arrays(trials)
    fig = plain.make_subplots(rows=1, cols=1)
    for s, box in enumerate(boxes):
        fig.add_trace(_box_trace(box, s), row=1, col=1)
    for s in range(len(boxes)):
        _trial_traces(
            fig,
            a,
            (a["stage"] == s) & ~a["exploded"],
            x="lr",
            y="reg",
            row=1,
            col=1,
            symbol=STAGE_SYMBOLS[s % len(STAGE_SYMBOLS)],
            name=f"stage {s + 1} trials",
        )
    if a["exploded"].any():
        _trial_traces(fig, a, a["exploded"], x="lr", y="reg", row=1, col=1)
    if best is not None:
        fig.add_trace(
            plain.scatter(
                x=[best["lr"]],
                y=[best["reg"]],
                mode="markers",
                name=f"best: {best['val_acc']:.1%}",
                marker=dict(
                    symbol="star",
                    size=20,
                    color="rgba(0,0,0,0)",
                    line=dict(color="#CC79A7", width=3),
                ),
                hovertemplate="best trial<extra></extra>",
            )
        )
    lr_all = np.r_[a["lr"], [v for b in boxes for v in b["lr"]]]
    reg_all = np.r_[a["reg"], [v for b in boxes for v in b["reg"]]]
    fig.update_xaxes(**LOG_AXIS, range=_log_range(lr_all, 0.05), title_text=LR_TITLE)
    fig.update_yaxes(**LOG_AXIS, range=_log_range(reg_all, 0.05), title_text=REG_TITLE)
    fig.update_layout(
        coloraxis=dict(colorscale=HEATMAP_SCALE, cmin=0, cmax=1, colorbar=ACC_COLORBAR)
    )
    base_layout(fig, height=height, legend_below=-0.16)
    fig.update_layout(margin=dict(t=20, b=110))
    return fig


def cost_curves_figure(
    losses: np.ndarray, trials: Sequence[Mapping], height: int = 380, max_steps_points: int = 300
) -> plain.Figure:
    """Training cost of every trial against step + 1 (log-log, so the first steps, where runs
    explode, are visible). Exploded trials are drawn in orange and end with a
    cross at the step where they were stopped; the others are coloured by stage.

    Args:
        losses: ``(trials, steps)`` cost curves, NaN after an explosion.
        trials: the trial dicts (same order).
        height: figure height in pixels.
        max_steps_points: curves are thinned to about this many points.
    """
    losses = np.asarray(losses, float)
    n_steps = losses.shape[1] if losses.ndim == 2 else 0
    idx = np.unique(np.linspace(0, max(n_steps - 1, 0), min(n_steps, max_steps_points)).astype(int))
    fig = plain.Figure()
    shown: set[str] = set()
    for i, t in enumerate(trials):
        curve = losses[i]
        finite = np.flatnonzero(np.isfinite(curve) & (curve > 0))
        steps = idx[np.isin(idx, finite)]
        if finite.size and (steps.size == 0 or steps[-1] != finite[-1]):
            steps = np.r_[steps, finite[-1]]  # an exploded curve ends where it was stopped
        if t["exploded"]:
            group, color, width = "exploded", DIVERGED_COLOR, 2
        else:
            group = f"stage {t['stage'] + 1}"
            color, width = STAGE_COLORS[t["stage"] % len(STAGE_COLORS)], 1.2
        label = f"lr={t['lr']:.3g}, λ₂={t['reg']:.3g}"
        fig.add_trace(
            plain.scatter(
                x=steps + 1,
                y=curve[steps],
                mode="lines",
                line=dict(color=color, width=width),
                opacity=0.9 if t["exploded"] else 0.55,
                name=group if group != "exploded" else "exploded (stopped)",
                legendgroup=group,
                showlegend=group not in shown,
                customdata=steps,
                hovertemplate=f"{label}<br>step %{{customdata}}: cost %{{y:.3g}}<extra></extra>",
            )
        )
        shown.add(group)
        if t["exploded"] and steps.size:
            fig.add_trace(
                plain.scatter(
                    x=[steps[-1] + 1],
                    y=[curve[steps[-1]]],
                    mode="markers",
                    marker=dict(
                        symbol=EXPLODED_SYMBOL, size=12, color=DIVERGED_COLOR, line=dict(width=3)
                    ),
                    legendgroup="exploded",
                    showlegend=False,
                    hovertemplate=f"{label}<br>stopped at step {t['exploded_at']}<extra></extra>",
                )
            )
    fig.update_xaxes(
        title_text="step + 1 (log: the explosions happen in the first few steps)",
        type="log",
        range=[0, np.log10(max(n_steps, 2))],
    )
    fig.update_yaxes(title_text="training cost (log)", type="log", exponentformat="power", dtick=1)
    base_layout(fig, height=height)
    return fig
