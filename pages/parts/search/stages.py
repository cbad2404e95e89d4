"""Hyper-parameter search, part 2: coarse → fine stages, with exploding trials stopped early."""

import pandas as pd
import streamlit as st

from optim_lab.lessons.search import text
from optim_lab.lessons.search.experiment import (
    combine_stages,
    exploded_count,
    export_summary,
    stage_rows,
    trial_rows,
)
from optim_lab.lessons.search.figures import cost_curves_figure, distinct_count, stages_figure
from optim_lab.ui import nn_cache, widgets
from optim_lab.ui.export import export_row
from optim_lab.ui.layout import number_table, what_to_notice
from optim_lab.ui.sections import section

TRIALS = ("9", "16", "25", "36")
METHODS = {"random": "random (log-uniform)", "grid": "grid"}
STAGE_FORMATS = {"best acc.": "percent"} | dict.fromkeys(
    ("α from", "α to", "λ₂ from", "λ₂ to"), "%.2g"
)
TRIAL_FORMATS = {
    "learning rate": "%.3g",
    "L2 λ₂": "%.3g",
    "val. accuracy": "percent",
    "final cost": "%.3g",
}


def show(state, dataset: str, steps: int, seed: int, hidden: tuple[int, ...], compare) -> None:
    with section(text.STAGES_TITLE, header=True):
        st.markdown(text.STAGES)
        c1, c2, c3 = st.columns(3)
        method = widgets.choice(
            state,
            "method",
            "method",
            list(METHODS),
            "random",
            format_func=METHODS.get,
            container=c1,
        )
        trials = widgets.int_choice(
            state, "trials", "trials per stage", TRIALS, "16", container=c2, horizontal_radio=True
        )
        stages = widgets.integer(state, "stages", "stages", 3, 1, 4, container=c3)

        stage_results = _run_stages(dataset, method, trials, stages, seed, steps, hidden)
        result = combine_stages(stage_results, method)
        all_trials, best = result.trials, result.best
        stage_fig = stages_figure(all_trials, result.stages, best)
        chart, side = st.columns([3, 1], gap="medium")
        with chart:
            st.plotly_chart(stage_fig, key="search_stages")
        with side:
            st.metric("best validation accuracy", f"{best['val_acc']:.1%}")
            st.markdown(
                f"at **α = {best['lr']:.3g}**, **λ₂ = {best['reg']:.3g}** (stage {best['stage'] + 1})"
            )
            exploded_total = exploded_count(all_trials)
            if exploded_total:
                st.warning(
                    f"{exploded_total} of {len(all_trials)} trials exploded and were stopped early "
                    "(learning rate too high)."
                )
            else:
                st.info("No trial exploded: the box holds no learning rate that is too high.")

        st.markdown("**The stages' boxes**")
        number_table(stage_rows(stage_results), STAGE_FORMATS)
        st.markdown(
            "**Training cost of every trial**: an exploded run's curve ends where it was stopped."
        )
        st.plotly_chart(cost_curves_figure(result.losses, all_trials), key="search_costs")

        st.markdown("**All trials** (click a column header to sort)")
        table = pd.DataFrame(trial_rows(all_trials)).astype({"stopped at step": "Int64"})
        number_table(table, TRIAL_FORMATS, height=320)

        n_lr = {name: distinct_count([t["lr"] for t in trials]) for name, trials in compare.items()}
        what_to_notice(text.notice(n_lr["grid"], n_lr["random"]))

        with section("Export"):
            settings = {
                "dataset": dataset,
                "steps": steps,
                "seed": seed,
                "hidden": hidden,
                "method": method,
                "trials": trials,
                "stages": stages,
            }
            summary = export_summary(settings, compare, result)
            export_row("search", table, summary, stage_fig, key="search_export")


def _run_stages(dataset, method, trials, stages, seed, steps, hidden) -> list[dict]:
    """Every stage, one after the other, with a progress bar between them."""
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
    return stage_results
