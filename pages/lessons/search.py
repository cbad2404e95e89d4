"""Lesson: hyper-parameter search (random vs grid with the same budget, coarse → fine stages,
exploding trials stopped early)."""

import math

import pandas as pd
import streamlit as st

from optim_lab.lessons.search import text
from optim_lab.lessons.search.experiment import trial_rows
from optim_lab.lessons.search.figures import (
    comparison_figure,
    cost_curves_figure,
    distinct_count,
    stages_figure,
)
from optim_lab.nn.search import LR_RANGE, REG_RANGE, SearchResult
from optim_lab.ui import nn_cache, widgets
from optim_lab.ui.export import export_row
from optim_lab.ui.layout import page_header, what_to_notice
from optim_lab.ui.sections import section
from optim_lab.ui.state import UrlState

DATASETS = {"spiral": "Spiral (2-D, 3 classes)", "digits": "Digits (8×8 images, 10 classes)"}
HIDDEN = {"spiral": (32, 32), "digits": (32,)}
STEPS = ("100", "200", "400")
BUDGETS = ("4", "9", "16", "25")
TRIALS = ("9", "16", "25", "36")
METHODS = {"random": "random (log-uniform)", "grid": "grid"}


state = UrlState("search")
page_header(
    text.TITLE,
    text.INTRO,
)
st.latex(text.FORMULA)
top = st.columns(3)
dataset = widgets.choice(
    state,
    "data",
    "data set",
    list(DATASETS),
    "spiral",
    format_func=DATASETS.get,
    container=top[0],
)
steps = widgets.int_choice(
    state,
    "steps",
    "training steps per trial",
    STEPS,
    "200",
    container=top[1],
    horizontal_radio=True,
)
seed = widgets.integer(
    state,
    "seed",
    "seed",
    0,
    0,
    9999,
    container=top[2],
    help="Data split, initial weights (the same for every trial) and the random proposals.",
)
hidden = HIDDEN[dataset]
st.caption(
    f"Every trial: an MLP with hidden layers {', '.join(map(str, hidden))} (ReLU), full-batch Adam "
    f"for {steps} steps from the same initial weights; only α and λ₂ differ. "
    f"Search box: α ∈ [10^{LR_RANGE[0]:g}, 10^{LR_RANGE[1]:g}], λ₂ ∈ [10^{REG_RANGE[0]:g}, "
    f"10^{REG_RANGE[1]:g}]."
)

# ---------------------------------------------------------------- 1. grid vs random
with section(text.COMPARE_TITLE, header=True):
    st.markdown(text.COMPARE)
    budget = widgets.int_choice(
        state,
        "budget",
        "budget N (trials per method)",
        BUDGETS,
        "9",
        horizontal_radio=True,
    )
    bar = st.progress(0.0, text="Grid search…")
    grid_stage = nn_cache.search_stage(
        dataset, "grid", budget, 0, seed, LR_RANGE, REG_RANGE, steps, hidden
    )
    bar.progress(0.5, text="Random search…")
    random_stage = nn_cache.search_stage(
        dataset, "random", budget, 0, seed, LR_RANGE, REG_RANGE, steps, hidden
    )
    bar.empty()
    compare = {"grid": grid_stage["trials"], "random": random_stage["trials"]}
    compare_fig = comparison_figure(compare)
    st.plotly_chart(compare_fig, key="search_compare")
    cols = st.columns(2)
    for slot, (name, trials) in zip(cols, compare.items(), strict=True):
        result = SearchResult(trials, [], name)
        best = result.best
        exploded = sum(t["exploded"] for t in trials)
        slot.metric(
            f"{name}: best validation accuracy",
            f"{best['val_acc']:.1%}",
            help=f"at α = {best['lr']:.3g}, λ₂ = {best['reg']:.3g}",
        )
        slot.caption(
            f"{len(trials)} trials · {result.distinct('lr')} distinct α · "
            f"{result.distinct('reg')} distinct λ₂ · {exploded} exploded"
        )
    if len(compare["grid"]) < budget:
        st.info(
            f"A grid needs k₁ × k₂ ≤ N trials: with N = {budget} it uses "
            f"{len(compare['grid'])}, the rest of the budget is left unused."
        )

    # ---------------------------------------------------------------- 2. coarse → fine
with section(text.STAGES_TITLE, header=True):
    st.markdown(text.STAGES)
    c1, c2, c3 = st.columns(3)
    method = widgets.choice(
        state, "method", "method", list(METHODS), "random", format_func=METHODS.get, container=c1
    )
    trials = widgets.int_choice(
        state,
        "trials",
        "trials per stage",
        TRIALS,
        "16",
        container=c2,
        horizontal_radio=True,
    )
    stages = widgets.integer(state, "stages", "stages", 3, 1, 4, container=c3)

    bar = st.progress(0.0, text=f"Stage 1 of {stages}…")
    stage_results = []
    for i, out in enumerate(
        nn_cache.search_stages(dataset, method, trials, stages, seed, steps, hidden)
    ):
        stage_results.append(out)
        done = i + 1
        bar.progress(
            done / stages,
            text=f"Stage {done} of {stages} done ({len(out['trials'])} trials in one run)"
            + (f" · stage {done + 1}…" if done < stages else ""),
        )
    bar.empty()
    all_trials = [t for out in stage_results for t in out["trials"]]
    boxes = [out["box"] for out in stage_results]
    losses = pd.concat([pd.DataFrame(out["losses"]) for out in stage_results]).to_numpy()
    result = SearchResult(all_trials, boxes, method, losses)
    best = result.best

    stage_fig = stages_figure(all_trials, boxes, best)
    chart, side = st.columns([3, 1], gap="medium")
    with chart:
        st.plotly_chart(stage_fig, key="search_stages")
    with side:
        st.metric("best validation accuracy", f"{best['val_acc']:.1%}")
        st.markdown(
            f"at **α = {best['lr']:.3g}**, **λ₂ = {best['reg']:.3g}** (stage {best['stage'] + 1})"
        )
        exploded_total = sum(t["exploded"] for t in all_trials)
        if exploded_total:
            st.warning(
                f"{exploded_total} of {len(all_trials)} trials exploded and were stopped early "
                "(learning rate too high)."
            )
        else:
            st.info("No trial exploded: the box holds no learning rate that is too high.")

    per_stage = pd.DataFrame(
        {
            "stage": range(1, len(stage_results) + 1),
            "best acc.": [
                max((t["val_acc"] for t in out["trials"] if not t["exploded"]), default=math.nan)
                for out in stage_results
            ],
            "exploded": [sum(t["exploded"] for t in out["trials"]) for out in stage_results],
            "α from": [b["lr"][0] for b in boxes],
            "α to": [b["lr"][1] for b in boxes],
            "λ₂ from": [b["reg"][0] for b in boxes],
            "λ₂ to": [b["reg"][1] for b in boxes],
        }
    )
    st.markdown("**The stages' boxes**")
    st.dataframe(
        per_stage.style.format(
            {
                "best acc.": "{:.1%}",
                "α from": "{:.2g}",
                "α to": "{:.2g}",
                "λ₂ from": "{:.2g}",
                "λ₂ to": "{:.2g}",
            }
        ),
        hide_index=True,
        width="stretch",
    )
    st.markdown(
        "**Training cost of every trial**: an exploded run's curve ends where it was stopped."
    )
    cost_fig = cost_curves_figure(result.losses, all_trials)
    st.plotly_chart(cost_fig, key="search_costs")

    st.markdown("**All trials** (click a column header to sort)")
    table = pd.DataFrame(trial_rows(all_trials)).astype({"stopped at step": "Int64"})
    st.dataframe(
        table.style.format(
            {
                "learning rate": "{:.3g}",
                "L2 λ₂": "{:.3g}",
                "val. accuracy": "{:.1%}",
                "final cost": "{:.3g}",
            },
            na_rep="",
        ),
        hide_index=True,
        width="stretch",
        height=320,
    )

    n_lr = {name: distinct_count([t["lr"] for t in trials]) for name, trials in compare.items()}
    what_to_notice(text.notice(n_lr["grid"], n_lr["random"]))

    with section("Export"):
        export_row(
            "search",
            table,
            {
                "settings": {
                    "dataset": dataset,
                    "steps": steps,
                    "seed": seed,
                    "hidden": hidden,
                    "method": method,
                    "trials": trials,
                    "stages": stages,
                },
                "comparison": compare,
                **result.as_dict(),
            },
            stage_fig,
            key="search_export",
        )
        state.finish()
