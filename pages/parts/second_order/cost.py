"""Second-order methods, part 2: what the Hessian and L-BFGS cost for N parameters."""

import streamlit as st

from optim_lab.curvature import curvature_costs, human_bytes, scientific
from optim_lab.lessons.second_order import text
from optim_lab.lessons.second_order.experiment import MAX_PARAMS
from optim_lab.lessons.second_order.figures import memory_figure
from optim_lab.ui import widgets as w
from optim_lab.ui.layout import what_to_notice

N_BOUNDS = w.Bounds(1, MAX_PARAMS, integer=True)  # the input's range, and a link's


def show(state) -> None:
    st.markdown(text.COST)
    inputs, results = st.columns([1, 3])
    with inputs:
        n_params = int(
            st.number_input(
                "number of parameters N",
                min_value=int(N_BOUNDS.low),
                max_value=int(N_BOUNDS.high),
                step=1000,
                key=state.prepare("n", 100_000, N_BOUNDS.parse),
                help="The slides' small network has 100,000 parameters.",
            )
        )
        history = w.integer(state, "m", "L-BFGS history m", 10, 1, 100)
        precision = w.choice(
            state,
            "prec",
            "number format",
            ["float32", "float64"],
            "float32",
            help="4 or 8 bytes per number.",
        )
    costs = curvature_costs(n_params, history, 4 if precision == "float32" else 8)
    with results:
        row1 = st.columns(3)
        row1[0].metric("Hessian entries (N²)", scientific(costs.hessian_entries))
        row1[1].metric("Hessian memory", human_bytes(costs.hessian_bytes))
        row1[2].metric("solve with H, per step (~N³ ops)", scientific(costs.solve_flops))
        row2 = st.columns(3)
        row2[0].metric(f"L-BFGS memory (2mN, m = {history})", human_bytes(costs.lbfgs_bytes))
        row2[1].metric("L-BFGS work per step (~4mN ops)", scientific(costs.lbfgs_flops))
        row2[2].metric("one gradient", human_bytes(costs.gradient_bytes))
        st.markdown(text.cost_summary(costs))
    st.plotly_chart(
        memory_figure(n_params, history=history, bytes_per_number=costs.bytes_per_number)
    )
    what_to_notice(text.COST_NOTICE)
    st.caption(text.hessian_erratum())
