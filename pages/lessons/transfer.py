"""Lesson: transfer learning — reuse a pre-trained network with few labelled examples (scratch vs
linear probe vs fine-tuning), and the lectures' 2×2 table filled by experiment."""

import numpy as np
import pandas as pd
import streamlit as st

from optim_lab.lessons.transfer.figures import STRATEGY_LABELS, curve_figure, table_figure, winner
from optim_lab.nn.transfer import (
    HIDDEN,
    LECTURE_ADVICE,
    SIMILARITIES,
    STRATEGIES,
    TARGET_CLASSES,
)
from optim_lab.ui import nn_cache, widgets
from optim_lab.ui.export import export_row
from optim_lab.ui.layout import page_header, what_to_notice
from optim_lab.ui.sections import section
from optim_lab.ui.state import UrlState

SIZES = (5, 10, 25, 50, 100, 200)  # labelled target examples (1 to 40 per class; the pool has ~270)
LITTLE = ("1", "2", "5")  # examples per class
LOTS = ("20", "40")
SEEDS = ("1", "3")

state = UrlState("transfer")
page_header(
    "Transfer learning",
    "Training a network needs many labelled examples, but you rarely have to start from nothing. "
    "Take a network already trained on a large data set, keep its hidden layers — they have "
    "learned useful features — and train only what your new task needs, on the few examples you "
    "have. How much to retrain depends on two things: how similar the new task is to the old "
    "one, and how much labelled data the new task has.",
)

st.markdown(
    f"**Here.** The source network (64 → {HIDDEN[0]} → {HIDDEN[1]} → 10, ReLU) is pre-trained on "
    "half of the 8×8 digit images, all ten digits (plus shifted, noisy copies): our stand-in for "
    "ImageNet. The new task uses the *other* half of the images, written by other people: tell "
    "5, 6, 7, 8 and 9 apart, from a handful of labelled examples. In the *very different* "
    "version the pixels of every target image are shuffled by one fixed permutation — the same "
    "information, but nothing the pre-trained features were made for. Four ways to train, from "
    "the same target examples:"
)
c_text, c_math = st.columns([1, 1], gap="medium")
with c_text:
    st.markdown(
        "- **from scratch**: fresh random weights, every layer trains;\n"
        "- **linear probe**: hidden layers frozen, only a new output layer (softmax regression "
        "on the features h(x)) trains;\n"
        "- **fine-tune top**: the last hidden layer and the new output layer train;\n"
        "- **fine-tune all**: start from the pre-trained weights, every layer trains."
    )
with c_math:
    st.latex(r"p(y \mid x) = \mathrm{softmax}\big(W\,h_{\theta^\star}(x) + b\big)")
    st.latex(r"\theta \leftarrow \theta + m \odot \Delta\theta,\qquad m_i \in \{0, 1\}")
    st.caption(
        "θ* = the pre-trained hidden layers; the mask m says which weights may move "
        "(probe: only W, b). The new output layer starts at zero."
    )

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
    help="Each seed redraws the split, the pre-training and the initial weights.",
)
seed = widgets.integer(
    state,
    "seed",
    "seed",
    0,
    0,
    9999,
    container=controls[3],
    help="Split of the images, augmentation and initial weights.",
)
little, lots = little_pc * TARGET_CLASSES, lots_pc * TARGET_CLASSES
seeds = [seed + i for i in range(n_seeds)]

progress = st.progress(0.0, text="Pre-training on the source digits…")
source_acc = []
results: dict[str, list[dict]] = {sim: [] for sim in SIMILARITIES}
for i, s in enumerate(seeds):
    progress.progress(
        i / len(seeds),
        text=f"Pre-training, then 4 strategies × {len(SIZES)} sizes on both tasks (seed {s})…",
    )
    by_similarity = nn_cache.transfer_curves(s, SIMILARITIES, SIZES)
    source_acc.append(by_similarity[SIMILARITIES[0]]["source_acc"])
    for sim in SIMILARITIES:
        results[sim].append(by_similarity[sim])
progress.empty()

curves = {
    sim: {
        "sizes": np.asarray(SIZES),
        "acc": {k: np.stack([r["acc"][k] for r in results[sim]]) for k in STRATEGIES},
    }
    for sim in SIMILARITIES
}
mean_acc = {sim: {k: curves[sim]["acc"][k].mean(0) for k in STRATEGIES} for sim in SIMILARITIES}
rows = []
for sim in SIMILARITIES:
    for amount, n in (("little", little), ("lots", lots)):
        i = SIZES.index(n)
        scores = {k: float(mean_acc[sim][k][i]) for k in STRATEGIES}
        best, close = winner(scores)
        rows.append(
            {
                "similarity": sim,
                "data": amount,
                "target_examples": n,
                **scores,
                "best": best,
                "tied_with": ", ".join(close),
                "advice": LECTURE_ADVICE[(sim, amount)],
            }
        )

# ---------------------------------------------------------------- 1. the 2x2 table
st.header("1. The lectures' table, by experiment")
st.markdown(
    "Each cell trains the four strategies and colours the cell by the winner (accuracy on "
    "held-out target images; differences under 0.01 count as a tie). Underneath: what the "
    "lectures advise for that cell."
)
grid_fig = table_figure(rows)
st.plotly_chart(grid_fig, key="transfer_grid")
st.caption(
    f"Source accuracy of the pre-trained network: {np.mean(source_acc):.3f} "
    f"({'seed ' + str(seed) if n_seeds == 1 else f'mean of {n_seeds} seeds'}). "
    f"Chance on the target task: {1 / TARGET_CLASSES:.2f}."
)
sim_little = next(r for r in rows if r["similarity"] == "similar" and r["data"] == "little")
gain = sim_little["probe"] - sim_little["scratch"]
if gain > 0:
    st.success(
        f"Very similar task, {little} examples: the linear probe beats training from scratch "
        f"by {gain:.3f} ({sim_little['probe']:.3f} vs {sim_little['scratch']:.3f})."
    )
else:
    st.info(
        f"With this seed the probe does not beat scratch at {little} examples "
        f"({sim_little['probe']:.3f} vs {sim_little['scratch']:.3f}); average 3 seeds to see the "
        "trend."
    )

# ---------------------------------------------------------------- 2. accuracy vs examples
st.header("2. Accuracy vs number of labelled examples")
st.markdown(
    "The same experiments along the whole range, from one labelled image per class to forty. "
    "Dotted lines mark the table's two rows."
    + (" Error bars: standard deviation over the seeds." if n_seeds > 1 else "")
)
curve_fig = curve_figure(curves, marks=(little, lots))
st.plotly_chart(curve_fig, key="transfer_curve")

what_to_notice(
    [
        "Similar task, very little data: the linear probe is far ahead. It only fits a few "
        "hundred weights on features that already separate digits; training from scratch fits "
        "thousands of weights to ten images.",
        "Fine-tuning everything from a few examples throws away part of that advantage: the "
        "features drift to fit the handful of images. More labelled data, and the gap closes — "
        "with ~40 per class, fine-tuning catches up with (or passes) the probe.",
        "Very different task (shuffled pixels): the frozen features are wrong for these inputs "
        "and the probe comes last at every size. With little data nothing is good (the "
        "lectures' \"you're in trouble\"); with more data, train more layers.",
        "Pre-training knew the kind of images, not these images: the target examples and the "
        "test images come from the half the source network never saw.",
        "All 24 trainings of a panel (4 strategies × 6 sizes) run in one compiled, vmapped call: "
        "the number of examples is a 0/1 weight on the target images, so changing it never "
        "recompiles.",
    ]
)

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
