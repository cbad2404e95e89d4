"""Momentum, part 1: the (α, β) map of one form of momentum on a narrow bowl, and the run of the
chosen (clicked) cell."""

from typing import NamedTuple

import streamlit as st

from optim_lab.figures.lines import loss_figure
from optim_lab.figures.surface import paths_from_trajectories
from optim_lab.lessons.momentum import experiment, text
from optim_lab.lessons.momentum.figures import map_figure
from optim_lab.optimizers import OPTIMIZERS
from optim_lab.registry import HParam
from optim_lab.surfaces import SURFACES
from optim_lab.sweep import SweepResult
from optim_lab.trajectory import RunSpec, Trajectory
from optim_lab.ui import arena_controls as arena
from optim_lab.ui import cache, widgets
from optim_lab.ui.animation_export import animation_download
from optim_lab.ui.contour import run_contour
from optim_lab.ui.layout import stopped_run_notice
from optim_lab.ui.state import select_cell

SURFACE = "bowl"
FORMS = {"momentum": "EWA form (β)", "heavy_ball": "classic form (ρ)", "nesterov": "Nesterov (ρ)"}
BETA_NAME = {"momentum": "beta", "heavy_ball": "rho", "nesterov": "rho"}
METRICS = {"loss": "final loss (log colour)", "steps": "steps to reach the tolerance"}
STEP_CHOICES = ("100", "200", "500", "1000")
TOL = 1e-4
LR_GRID, BETA_GRID = experiment.momentum_grid()
LR = HParam(
    "lr",
    "learning rate α",
    1.0,
    LR_GRID[0],
    LR_GRID[-1],
    log=True,
    help="Step size; click the map to pick a cell.",
)
BETA = HParam(
    "beta",
    "momentum β (ρ in the classic form)",
    0.9,
    0.0,
    0.995,
    help="How much of the velocity is kept at each step.",
)
MAP_KEY = "momentum_map"
RUN_KEY = "momentum_run"


def bowl_params(kappa: float) -> dict:
    return {"kappa": kappa, "angle": 0.0}  # axis-aligned: the map is about κ alone


class Cell(NamedTuple):
    """The chosen form and cell of the map, with the sweep, the map and the cell's run."""

    form: str
    lr: float
    beta: float
    kappa: float
    steps: int
    start: tuple[float, float]
    result: SweepResult
    heat: dict
    selected: Trajectory

    @property
    def surface_params(self) -> dict:
        return bowl_params(self.kappa)

    def context(self) -> dict:
        """The setting as the exports record it."""
        return dict(surface=SURFACE, kappa=self.kappa, start=list(self.start), steps=self.steps)


def show(state) -> Cell:
    st.markdown(text.MAP)
    c1, c2, c3, c4 = st.columns(4)
    form = widgets.choice(
        state,
        "form",
        "form of momentum",
        list(FORMS),
        "momentum",
        format_func=FORMS.get,
        container=c1,
    )
    kappa = float(widgets.number(state, "kappa", SURFACES[SURFACE].param("kappa"), container=c2))
    steps = widgets.int_choice(state, "steps", "steps per run", STEP_CHOICES, "200", container=c3)
    metric = widgets.choice(
        state, "metric", "colour by", list(METRICS), "loss", format_func=METRICS.get, container=c4
    )
    s1, s2, s3 = st.columns([2, 2, 3])
    lr = float(widgets.number(state, "lr", LR, container=s1))
    beta = float(widgets.number(state, "beta", BETA, container=s2))
    arena.apply_click(state, SURFACES[SURFACE], chart_key=RUN_KEY)  # a click on the run's contour
    with s3:
        start = arena.start_controls(state, SURFACES[SURFACE])
    surface_params = bowl_params(kappa)

    greek = "β" if form == "momentum" else "ρ"
    selected_spec = RunSpec(
        form,
        {"lr": lr, BETA_NAME[form]: beta},
        label=f"{OPTIMIZERS[form].label}: α={lr:.3g}, {greek}={beta:g}",
    )
    (selected,) = cache.runs(SURFACE, surface_params, (selected_spec,), start, steps)
    selected_paths = paths_from_trajectories([selected])
    grid = ("lr", LR_GRID, BETA_NAME[form], BETA_GRID)
    result = cache.sweep_grid(SURFACE, surface_params, RunSpec(form), *grid, start, steps, TOL)
    heat = map_figure(result, metric, (lr, beta), greek, float(selected.loss[0]), TOL)

    map_col, run_col = st.columns([11, 9], gap="medium")
    with map_col:
        st.plotly_chart(
            heat,
            key=MAP_KEY,
            on_select=select_cell(state.page, MAP_KEY, "lr", "beta"),
            selection_mode="points",
        )
        st.caption(text.map_caption(kappa, result.diverged, metric, TOL))
    with run_col:
        stopped_run_notice(selected.label, selected.diverged_at)
        run_fig = run_contour(
            SURFACE, surface_params, selected_paths, start=start, click_grid=True, height=460
        )
        # a narrow square plot: half its width (the default legend column) is too short for the run's
        # label, which would run into "minimum"; one legend row per entry instead
        run_fig.update_layout(legend=dict(entrywidth=1.0))
        st.plotly_chart(run_fig, key=RUN_KEY, on_select="rerun", selection_mode="points")
        animation_download(run_fig, "momentum-run", "run").show(key="momentum-run")
        st.caption(text.START_CAPTION)
        st.plotly_chart(
            loss_figure(selected_paths, [selected.loss], minimum=0.0, height=240),
            key="momentum_run_loss",
        )
    return Cell(form, lr, beta, kappa, steps, start, result, heat, selected)
