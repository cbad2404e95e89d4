"""Momentum, part 2: the analytic rate over the (α, β) map beside the measured one, the fastest
cell, critical damping, and the chosen run's error along each eigen-direction."""

import numpy as np
import streamlit as st

from optim_lab.lessons.momentum import experiment, text
from optim_lab.lessons.momentum.figures import directions_figure, rate_map_figure
from pages.parts.momentum.convergence import BETA_NAME, Cell


def show(cell: Cell) -> None:
    st.markdown(text.THEORY)
    st.latex(text.RATE_FORMULA + r",\qquad " + text.THEORY_FORMULAS[cell.form])
    lrs, betas = cell.result.x_values, cell.result.y_values
    rates = experiment.rate_map(cell.form, lrs, betas, cell.kappa)
    optimum = experiment.optimal_cell(cell.form, cell.kappa)
    greek = "β" if BETA_NAME[cell.form] == "beta" else "ρ"
    heat = rate_map_figure(
        lrs,
        betas,
        rates,
        selected=(cell.lr, cell.beta),
        optimum=optimum[:2],
        boundary=experiment.critical_damping(cell.form, lrs, cell.kappa),
        beta_symbol=greek,
    )
    analytic = tuple(
        float(experiment.direction_rate(cell.form, cell.lr, cell.beta, h))
        for h in experiment.bowl_curvatures(cell.kappa)
    )
    map_col, run_col = st.columns([11, 9], gap="medium")
    map_col.plotly_chart(heat, key="momentum_rate_map")
    run_col.plotly_chart(directions_figure(cell.selected.points, analytic), key="momentum_dirs")
    measured = experiment.measured_direction_rates(np.asarray(cell.selected.finite_points))
    inside = lrs[0] <= optimum[0] <= lrs[-1]
    st.caption(text.theory_caption(analytic, measured, optimum, greek, inside))
