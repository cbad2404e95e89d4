"""Second-order methods, part 1b: Newton's damping λ, its effect on the condition number at the
start and a sweep of the steps Newton needs for every λ."""

import streamlit as st

from optim_lab.lessons.second_order import text
from optim_lab.lessons.second_order.experiment import (
    DAMPINGS,
    damping_hits,
    damping_specs,
    start_condition_numbers,
)
from optim_lab.lessons.second_order.figures import damping_figure
from optim_lab.surfaces import SURFACES
from optim_lab.ui import cache
from optim_lab.ui.layout import what_to_notice
from optim_lab.ui.state import plain_text
from pages.parts.second_order.race import MINIMUM, Race


def show(race: Race) -> None:
    st.markdown(text.DAMPING)
    st.latex(text.DAMPING_FORMULA)
    surface = SURFACES[race.surface_key]
    newton_hp = race.newton.hparams
    damping = float(newton_hp["damping"])
    kappa, damped_kappa = start_condition_numbers(surface, race.surface_params, damping)
    metric_cols = st.columns(3)
    metric_cols[0].metric("κ(H) at the start", f"{kappa:.4g}")
    metric_cols[1].metric(f"κ(H + λI) at the start, λ = {damping:g}", f"{damped_kappa:.4g}")
    try:
        runs = cache.runs(
            race.surface_key,
            race.surface_params,
            damping_specs(race.newton),
            surface.start,
            race.steps,
        )
    except ValueError as error:
        st.error(f"The damping sweep cannot run: {plain_text(error)}")
        runs = None
    if runs is not None:  # the tolerance is read from the runs: moving it computes nothing
        hits, best = damping_hits(runs, MINIMUM, race.tol)
        fewest = "—" if best is None else f"{best} steps"
        metric_cols[2].metric("fewest steps over the λ sweep", fewest)
        current = damping if damping > 0 else None
        diverged = [t.diverged_at is not None for t in runs]
        fig = damping_figure(DAMPINGS, hits, diverged, max_steps=race.steps, current=current)
        st.plotly_chart(fig, key="damping")
    what_to_notice(text.DAMPING_NOTICE)
