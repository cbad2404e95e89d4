"""Lesson: transfer learning — reuse a pre-trained network with few labelled examples (scratch vs
linear probe vs fine-tuning), and the lectures' 2×2 table filled by experiment."""

import pandas as pd
import streamlit as st

from optim_lab.lessons.transfer import text
from optim_lab.lessons.transfer.experiment import lecture_table, mean_accuracy, probe_verdict
from optim_lab.lessons.transfer.figures import STRATEGY_LABELS, curve_figure, table_figure
from optim_lab.nn.transfer import HIDDEN, SIMILARITIES, STRATEGIES, TARGET_CLASSES
from optim_lab.ui import nn_cache, widgets
from optim_lab.ui.export import export_row
from optim_lab.ui.layout import notice, page_header, what_to_notice
from optim_lab.ui.sections import section
from optim_lab.ui.state import UrlState

SIZES = (5, 10, 25, 50, 100, 200)  # labelled target examples (1 to 40 per class; the pool has ~270)
LITTLE = ("1", "2", "5")  # examples per class
LOTS = ("20", "40")
SEEDS = ("1", "3")

state = UrlState("transfer")
page_header(text.TITLE, text.INTRO)

st.markdown(text.SETTING)
c_text, c_math = st.columns([1, 1], gap="medium")
with c_text:
    st.markdown(text.STRATEGIES)
with c_math:
    for formula in text.FORMULAS:
        st.latex(formula)
    st.caption(text.FORMULAS_CAPTION)

controls = st.columns(4, gap="medium")
little_pc = widgets.int_choice(
    state,
    "little",
    "very little data: examples per class",
    LITTLE,
    "2",
    container=controls[0],
    horizontal_radio=True,
)
lots_pc = widgets.int_choice(
    state,
    "lots",
    "quite a lot: examples per class",
    LOTS,
    "40",
    container=controls[1],
    horizontal_radio=True,
)
n_seeds = widgets.int_choice(
    state,
    "seeds",
    "seeds averaged",
    SEEDS,
    "1",
    container=controls[2],
    horizontal_radio=True,
    help="Each seed redraws which target images train and the initial weights.",
)
seed = widgets.integer(
    state,
    "seed",
    "seed",
    0,
    0,
    9999,
    container=controls[3],
    help="Which target images train, which are held out, and the initial weights.",
)
little, lots = little_pc * TARGET_CLASSES, lots_pc * TARGET_CLASSES
seeds = [seed + i for i in range(n_seeds)]

progress = st.progress(0.0, text="Training on the target digits…")
results: dict[str, list[dict]] = {sim: [] for sim in SIMILARITIES}
for i, s in enumerate(seeds):
    progress.progress(
        i / len(seeds),
        text=f"4 strategies × {len(SIZES)} sizes on both tasks (seed {s})…",
    )
    by_similarity = nn_cache.transfer_curves(s, SIMILARITIES, SIZES)
    source_acc = by_similarity[SIMILARITIES[0]]["source_acc"]
    for sim in SIMILARITIES:
        results[sim].append(by_similarity[sim])
progress.empty()

curves, mean_acc = mean_accuracy(results, SIZES)
rows = lecture_table(mean_acc, SIZES, little, lots)

# ---------------------------------------------------------------- 1. the 2x2 table
with section(text.TABLE_TITLE, header=True):
    st.markdown(text.TABLE)
    grid_fig = table_figure(rows)
    st.plotly_chart(grid_fig, key="transfer_grid")
    st.caption(
        f"Accuracy of the pre-trained network on its own (source) images: {source_acc:.3f}. "
        f"Chance on the target task: {1 / TARGET_CLASSES:.2f}."
    )
    notice(*probe_verdict(rows, little))

    # ---------------------------------------------------------------- 2. accuracy vs examples
with section(text.CURVES_TITLE, header=True):
    st.markdown(
        text.CURVES + (" Error bars: standard deviation over the seeds." if n_seeds > 1 else "")
    )
    curve_fig = curve_figure(curves, marks=(little, lots))
    st.plotly_chart(curve_fig, key="transfer_curve")

    what_to_notice(text.NOTICE)

    with section("Export"):
        table = pd.DataFrame(
            [
                {"similarity": sim, "target_examples": n, "strategy": k, "accuracy": float(m[k][i])}
                for sim, m in mean_acc.items()
                for i, n in enumerate(SIZES)
                for k in STRATEGIES
            ]
        )
        export_row(
            "transfer",
            table,
            {
                "seeds": seeds,
                "hidden": list(HIDDEN),
                "sizes": list(SIZES),
                "source_acc": source_acc,
                "accuracy": {
                    sim: {k: curves[sim]["acc"][k] for k in STRATEGIES} for sim in SIMILARITIES
                },
                "table": rows,
                "labels": STRATEGY_LABELS,
            },
            curve_fig,
            key="transfer_export",
        )
        state.finish()
