"""Figures of the transfer-learning lesson: the lectures' 2×2 table filled by experiment, and
target accuracy vs number of labelled target examples, one line per strategy."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ...figures import plain
from ...figures.theme import OKABE_ITO, base_layout

STRATEGY_LABELS = {
    "scratch": "from scratch",
    "probe": "linear probe",
    "finetune_top": "fine-tune top",
    "finetune_all": "fine-tune all",
}
STRATEGY_COLORS = {
    "scratch": OKABE_ITO[3],
    "probe": OKABE_ITO[0],
    "finetune_top": OKABE_ITO[2],
    "finetune_all": OKABE_ITO[1],
}
STRATEGY_DASHES = {
    "scratch": "dot",
    "probe": "solid",
    "finetune_top": "dash",
    "finetune_all": "dashdot",
}
#: Accuracy differences below this are called a tie.
TIE = 0.01


def _fill(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def winner(scores: Mapping[str, float], tie: float = TIE) -> tuple[str, list[str]]:
    """The best strategy and the others within ``tie`` of it."""
    best = max(scores, key=scores.get)
    close = [k for k in scores if k != best and scores[best] - scores[k] < tie]
    return best, close


def table_figure(
    rows: Sequence[Mapping], similarities: Sequence[str] = ("similar", "different")
) -> plain.Figure:
    """The 2×2 grid (rows: little / lots of target data; columns: similar / different task).

    Each cell is coloured by its winning strategy and lists the four accuracies (winner in bold),
    with the lectures' advice underneath.

    Args:
        rows: :func:`optim_lab.nn.transfer.transfer_table`-style rows with ``similarity``,
            ``data`` ("little"/"lots"), ``target_examples``, the four accuracies and ``advice``.
    """
    amounts = ("little", "lots")
    cell = {(r["similarity"], r["data"]): r for r in rows}
    fig = plain.Figure()
    titles = {"similar": "very similar task", "different": "very different task"}
    for j, sim in enumerate(similarities):
        for i, amount in enumerate(amounts):
            r = cell.get((sim, amount))
            if r is None:
                continue
            scores = {k: float(r[k]) for k in STRATEGY_LABELS}
            best, close = winner(scores)
            lines = []
            for k, label in STRATEGY_LABELS.items():
                text = f"{label}: {scores[k]:.3f}"
                lines.append(f"<b>{text}</b>" if k == best or k in close else text)
            verdict = STRATEGY_LABELS[best] + (
                " (tie: " + ", ".join(STRATEGY_LABELS[c] for c in close) + ")" if close else ""
            )
            y0 = 1 - i  # little data on top, as in the lectures
            fig.add_shape(
                type="rect",
                x0=j,
                x1=j + 1,
                y0=y0,
                y1=y0 + 1,
                fillcolor=_fill(STRATEGY_COLORS[best], 0.28),
                line=dict(color="rgba(128,128,128,0.6)", width=1),
                layer="below",
            )
            fig.add_annotation(
                x=j + 0.5,
                y=y0 + 0.5,
                text=(
                    f"<b>best: {verdict}</b><br>"
                    + "<br>".join(lines)
                    + f"<br><i>lectures: {r.get('advice', '')}</i>"
                ),
                showarrow=False,
                font=dict(size=14),
                align="center",
            )
    # invisible points carry hover text and give the axes their categories
    fig.add_trace(
        plain.scatter(
            x=[0.5, 1.5],
            y=[0.5, 1.5],
            mode="markers",
            opacity=0,
            hoverinfo="skip",
            showlegend=False,
        )
    )
    n_of = {r["data"]: int(r["target_examples"]) for r in rows}
    fig.update_xaxes(
        range=[0, len(similarities)],
        tickvals=[j + 0.5 for j in range(len(similarities))],
        ticktext=[titles.get(s, s) for s in similarities],
        side="top",
        showgrid=False,
        zeroline=False,
        fixedrange=True,
    )
    fig.update_yaxes(
        range=[0, 2],
        tickvals=[1.5, 0.5],
        ticktext=[
            f"very little data<br>({n_of.get('little', '?')} examples)",
            f"quite a lot of data<br>({n_of.get('lots', '?')} examples)",
        ],
        showgrid=False,
        zeroline=False,
        fixedrange=True,
    )
    base_layout(fig, height=430)
    fig.update_layout(margin=dict(l=150, r=20, t=40, b=20), showlegend=False)
    return fig


def curve_figure(
    curves: Mapping[str, Mapping],
    marks: Sequence[int] = (),
    similarities: Sequence[str] = ("similar", "different"),
) -> plain.Figure:
    """Target accuracy vs number of labelled target examples (log x), one panel per similarity
    and one line per strategy (mean over seeds, with the spread over seeds as error bars).

    Args:
        curves: ``{similarity: {"sizes": (S,), "acc": {strategy: (R, S)}}}`` with R seeds.
        marks: sizes to mark with a vertical line (the table's "little" and "lots").
    """
    titles = {"similar": "very similar task", "different": "very different task (pixels shuffled)"}
    fig = plain.make_subplots(
        rows=1,
        cols=len(similarities),
        shared_yaxes=True,
        horizontal_spacing=0.04,
        subplot_titles=[titles.get(s, s) for s in similarities],
    )
    for j, sim in enumerate(similarities, start=1):
        c = curves.get(sim)
        if c is None:
            continue
        sizes = np.asarray(c["sizes"])
        for k, label in STRATEGY_LABELS.items():
            acc = np.atleast_2d(np.asarray(c["acc"][k], float))
            mean = acc.mean(0)
            spread = acc.std(0) if acc.shape[0] > 1 else None
            fig.add_trace(
                plain.scatter(
                    x=sizes,
                    y=mean,
                    mode="lines+markers",
                    name=label,
                    legendgroup=k,
                    showlegend=j == 1,
                    line=dict(color=STRATEGY_COLORS[k], width=3, dash=STRATEGY_DASHES[k]),
                    marker=dict(size=8),
                    error_y=dict(
                        type="data", array=spread, visible=spread is not None, thickness=1
                    ),
                    hovertemplate=f"{label}<br>%{{x}} examples: %{{y:.3f}}<extra></extra>",
                ),
                row=1,
                col=j,
            )
        for n in marks:
            fig.add_vline(
                x=n, line=dict(color="rgba(128,128,128,0.7)", dash="dot", width=1), row=1, col=j
            )
        fig.update_xaxes(
            type="log",
            title_text="labelled target examples",
            tickvals=sizes,
            ticktext=[str(int(n)) for n in sizes],
            row=1,
            col=j,
        )
    lowest = min(
        (
            float(np.mean(np.atleast_2d(c["acc"][k]), 0).min())
            for c in curves.values()
            for k in c["acc"]
        ),
        default=0.4,
    )
    low = min(0.4, np.floor(lowest * 10) / 10)
    fig.update_yaxes(title_text="target accuracy (held out)", range=[low, 1.0], row=1, col=1)
    base_layout(fig, height=440)
    fig.update_layout(legend=dict(y=1.12), margin=dict(t=90))
    return fig
