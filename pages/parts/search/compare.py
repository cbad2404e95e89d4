"""Hyper-parameter search, part 1: grid vs random search with the same budget of trials."""

import streamlit as st

from optim_lab.lessons.search import text
from optim_lab.lessons.search.experiment import exploded_count
from optim_lab.lessons.search.figures import comparison_figure
from optim_lab.nn.search import LR_RANGE, REG_RANGE, SearchResult
from optim_lab.ui import nn_cache, widgets
from optim_lab.ui.sections import section

BUDGETS = ("4", "9", "16", "25")


def show(state, dataset: str, steps: int, seed: int, hidden: tuple[int, ...]) -> dict | None:
    """The comparison; returns each method's trials (None if the part failed)."""
    with section(text.COMPARE_TITLE, header=True):
        st.markdown(text.COMPARE)
        budget = widgets.int_choice(
            state, "budget", "budget N (trials per method)", BUDGETS, "9", horizontal_radio=True
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
        st.plotly_chart(comparison_figure(compare), key="search_compare")
        cols = st.columns(2)
        for slot, (name, trials) in zip(cols, compare.items(), strict=True):
            result = SearchResult(trials, [], name)
            best = result.best
            slot.metric(
                f"{name}: best validation accuracy",
                f"{best['val_acc']:.1%}",
                help=f"at α = {best['lr']:.3g}, λ₂ = {best['reg']:.3g}",
            )
            slot.caption(
                f"{len(trials)} trials · {result.distinct('lr')} distinct α · "
                f"{result.distinct('reg')} distinct λ₂ · {exploded_count(trials)} exploded"
            )
        if len(compare["grid"]) < budget:
            st.info(
                f"A grid needs k₁ × k₂ ≤ N trials: with N = {budget} it uses "
                f"{len(compare['grid'])}, the rest of the budget is left unused."
            )
        return compare
    return None
