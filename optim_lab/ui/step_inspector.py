"""The step inspector panel: pick a run and a step, and see every number of that update (the rule,
the step as arrows, the equation with its numbers, a table of every quantity)."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from ..figures.inspector import (
    inspection_rows,
    step_equation_latex,
    step_vectors_figure,
    wrap_latex,
)
from ..figures.surface import Highlight
from ..figures.theme import optimizer_color
from ..optimizers import OPTIMIZERS
from ..step_inspector import StepInspection, inspect_step
from ..trajectory import RunSpec, Trajectory
from . import widgets
from .cache import compute
from .state import UrlState

STEP_VECTORS_CAPTION = (
    "Grey: the plain gradient step −αg. Coloured: the step the optimizer took. "
    "Momentum turns it, adaptive methods rescale each coordinate."
)


@st.cache_data(max_entries=256, show_spinner=False)
def inspect_cached(
    surface_key: str,
    surface_params: dict,
    spec: RunSpec,
    start: tuple[float, float],
    steps: int,
    k: int,
) -> StepInspection:
    """:func:`optim_lab.step_inspector.inspect_step`, cached."""
    return compute(inspect_step, surface_key, spec, start, k, steps, surface_params)


def step_inspector_panel(
    state: UrlState,
    surface_key: str,
    surface_params: dict,
    specs: Sequence[RunSpec],
    trajectories: Sequence[Trajectory],
    start: tuple[float, float],
    steps: int,
) -> Highlight:
    """The panel (URL keys ``ins.run`` and ``ins.k``); returns the inspected step, to be drawn on
    the contour."""
    st.subheader("Step inspector")
    picker, slider = st.columns([1, 3])
    if st.session_state.get(state.session_key("ins.run"), "1") not in {
        str(i) for i in range(1, len(specs) + 1)
    }:  # fewer runs than before: inspect the first
        state.set("ins.run", "1")
    with picker:
        run_number = widgets.int_choice(
            state,
            "ins.run",
            "run",
            range(1, len(specs) + 1),
            1,
            format_func=lambda i: specs[int(i) - 1].label,
        )
    chosen = trajectories[run_number - 1]
    # the step that made a run diverge is the last one worth reading
    last = steps - 1 if chosen.diverged_at is None else chosen.diverged_at - 1
    if st.session_state.get(state.session_key("ins.k"), 0) > last:
        state.set("ins.k", last)
    with slider:
        k = widgets.integer(
            state,
            "ins.k",
            "step k (the update from θₖ to θₖ₊₁)",
            0,
            0,
            max(last, 1),
            help="Step 0 is the first update.",
        )
    k = min(k, last)
    inspection = inspect_cached(surface_key, surface_params, chosen.spec, start, steps, k)
    values = inspection.values
    opt_entry = OPTIMIZERS[chosen.spec.optimizer]
    color = optimizer_color(chosen.spec.optimizer)
    rule, arrows = st.columns([3, 2])
    with rule:
        st.latex(wrap_latex(opt_entry.latex, per_line=1))
        if inspection.diverged:
            st.error(
                f"Step {k} is where run {run_number} diverged: the new point is non-finite or "
                "far too large, so the run stopped before it.",
                icon=":material/error:",
            )
    with arrows:
        st.plotly_chart(
            step_vectors_figure(values, color, diverged=inspection.diverged, height=280),
            key="arena_step_vectors",
        )
        st.caption(
            "Grey: the plain gradient step −αg. Coloured: the step the optimizer took. "
            "Momentum turns it, adaptive methods rescale each coordinate."
        )
    for line in step_equation_latex(chosen.spec.optimizer, values):
        st.latex(line)
    rows = inspection_rows(values)
    st.dataframe(
        rows,
        hide_index=True,
        width="stretch",
        height=35 * (len(rows) + 1) + 3,  # every row visible, no inner scrolling
        column_config={
            "quantity": st.column_config.TextColumn(width="small"),
            "x (or value)": st.column_config.TextColumn(width="small"),
            "y": st.column_config.TextColumn(width="small"),
            "meaning": st.column_config.TextColumn(width="large"),
        },
    )

    return Highlight(
        tuple(values["theta"]),
        tuple(values["theta_next"]) if not inspection.diverged else tuple(values["theta"]),
        label=f"inspected: run {run_number}, step {k}",
        color=color,
    )
