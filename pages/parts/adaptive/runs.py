"""Adaptive methods, part 1: plain SGD and the adaptive optimizers on one surface, each with its own
hyper-parameters."""

from typing import NamedTuple

import streamlit as st

from optim_lab.figures.lines import loss_figure
from optim_lab.figures.surface import paths_from_trajectories
from optim_lab.lessons.adaptive import text
from optim_lab.optimizers import OPTIMIZERS
from optim_lab.surfaces import SURFACES
from optim_lab.trajectory import RunSpec, best_known_loss
from optim_lab.ui import cache, widgets
from optim_lab.ui.contour import run_contour
from optim_lab.ui.layout import stopped_run_notice
from optim_lab.ui.state import plain_text

SURFACE_CHOICES = ("bowl", "plateau", "beale", "rosenbrock")
SURFACE_DEFAULTS = {"kappa": 100.0}  # a narrow valley, aligned with the axes
LR_DEFAULTS = {"sgd": 0.5, "adam": 0.05}  # others: the registry's defaults
STEP_CHOICES = ("50", "100", "200", "500", "1000")
ADAM_FLAGS = ("bias_correction", "eps_inside_sqrt")  # the later parts compare both settings


class Setting(NamedTuple):
    """What every run of the page shares: the surface, its parameters, the start, the steps."""

    surface: str
    params: dict
    start: tuple[float, float]
    steps: int

    def runs(self, specs) -> list:
        return cache.runs(self.surface, self.params, tuple(specs), self.start, self.steps)

    def context(self) -> dict:
        """The setting as the runs' JSON export records it."""
        start = list(self.start)
        return dict(surface=self.surface, surface_params=self.params, start=start, steps=self.steps)


def show(state, optimizers) -> tuple[Setting, list, dict]:
    """The surface, SGD and ``optimizers`` (Adam always among the runs), their paths and losses;
    returns the setting, the runs and the paths figure."""
    c1, c2, c3 = st.columns([2, 4, 1])
    surface_name = widgets.entry_choice(
        state, "surf", "surface", SURFACES, "bowl", names=list(SURFACE_CHOICES), container=c1
    )
    surface = SURFACES[surface_name]
    with c2:
        surface_params = widgets.entry_params(state, "s", surface, defaults=SURFACE_DEFAULTS)
    steps = widgets.int_choice(state, "steps", "steps", STEP_CHOICES, "200", container=c3)
    specs = _specs(state, optimizers)
    setting = Setting(surface_name, surface_params, tuple(surface.start), steps)
    trajs = setting.runs(specs)
    paths = paths_from_trajectories(trajs)
    minimum = best_known_loss(surface, surface_params, trajs)
    main_fig = run_contour(surface_name, surface_params, paths, start=setting.start, height=580)
    left, right = st.columns([3, 2], gap="medium")
    with left:
        st.plotly_chart(main_fig, key="adaptive_paths")
    with right:
        st.plotly_chart(
            loss_figure(paths, [t.loss for t in trajs], minimum=minimum, height=330),
            key="adaptive_loss",
        )
        for t in trajs:
            stopped_run_notice(t.label, t.diverged_at)
        st.caption(text.RUNS_CAPTION)
    return setting, trajs, main_fig


def _specs(state, optimizers) -> list[RunSpec]:
    """One column of hyper-parameters per optimizer (SGD can be hidden), read as runs."""
    specs = []
    hp_cols = st.columns(1 + len(optimizers))
    for slot, name in zip(hp_cols, ["sgd", *optimizers], strict=True):
        with slot:
            st.markdown(f"**{OPTIMIZERS[name].label}**")
            if name == "sgd" and not widgets.toggle(
                state,
                "sgd.on",
                "show",
                True,
                help="Plain SGD, one learning rate for all coordinates, as a reference.",
            ):
                continue
            hp = widgets.entry_params(
                state,
                name,
                OPTIMIZERS[name],
                skip=ADAM_FLAGS,
                defaults={"lr": LR_DEFAULTS[name]} if name in LR_DEFAULTS else None,
            )
        spec = RunSpec(name, hp)
        try:
            spec.resolve()
        except ValueError as error:  # e.g. a value the schedule refuses: skip this run, say why
            st.error(f"{OPTIMIZERS[name].label} is left out: {plain_text(error)}")
            continue
        specs.append(spec)
    if not any(s.optimizer == "adam" for s in specs):
        specs.append(RunSpec("adam", {"lr": LR_DEFAULTS["adam"]}))
    return specs
