"""Saddles, plateaus, cliffs and gradient clipping: the lecture's trouble spots as scenarios.

Each scenario is a surface, a start and a few runs; the page draws their paths, their loss and the
size of the gradient they used at every step.
"""

from dataclasses import dataclass, field

import numpy as np
import streamlit as st

from optim_lab.figures.lines import loss_gap_figure, per_step_figure, recolor_runs
from optim_lab.figures.surface import paths_from_trajectories
from optim_lab.lessons.saddles import text
from optim_lab.optimizers import OPTIMIZERS
from optim_lab.registry import HParam
from optim_lab.surfaces import SURFACES
from optim_lab.trajectory import RunSpec, best_known_loss
from optim_lab.transforms import MODIFIER_PARAMS
from optim_lab.ui import cache, export
from optim_lab.ui import widgets as w
from optim_lab.ui.contour import run_contour
from optim_lab.ui.layout import page_header, stopped_run_notice, what_to_notice
from optim_lab.ui.state import UrlState, plain_text


@dataclass(frozen=True)
class Run:
    """One run of a scenario: ``tag`` names its controls in the URL (``saddle.hb.lr``)."""

    tag: str
    optimizer: str
    label: str
    hparams: dict = field(default_factory=dict)  # defaults of the controls shown
    clip: str | None = None  # "clip_norm" or "clip_value": the scenario's threshold applies
    color: str | None = None  # runs of one optimizer that differ by clipping get their own colour


@dataclass(frozen=True)
class Scenario:
    label: str
    surface: str
    start: tuple[float, float]
    story: str
    runs: tuple[Run, ...]
    notice: tuple[str, ...]
    offset: bool = False  # the start's y is a control (how far off the saddle's axis)
    shared_lr: float | None = None  # one α for every run (the clipping comparison)


SCENARIOS = {
    "saddle": Scenario(
        "Saddle point",
        "saddle",
        (1.0, 1e-3),
        "At a saddle the slope is zero, yet it is no minimum: the surface curves **up** along x "
        "and **down** along y. The runs start almost exactly on the x axis, the one line that leads "
        "straight into the saddle. The gradient first pulls them towards the saddle point, where it "
        "is tiny, and the small sideways offset y₀ grows by only a factor (1 + 2α) per SGD step. "
        "Momentum piles the small sideways pushes up into speed and leaves much sooner; Adam "
        "divides the tiny sideways gradient by its own size, so even that direction gets a "
        "full-length step.",
        (
            Run("sgd", "sgd", "SGD", {"lr": 0.01}),
            Run("hb", "heavy_ball", "Momentum (heavy ball)", {"lr": 0.01, "rho": 0.9}),
            Run("adam", "adam", "Adam", {"lr": 0.01}),
        ),
        (
            "SGD spends most of its steps near the saddle: its gradient norm dives, then climbs "
            "only slowly as it drifts away along y.",
            "Momentum and Adam leave the saddle tens of steps earlier. Where the path leaves the "
            "picture the surface keeps falling forever, so those runs end as *escaped downhill*.",
            "Set y₀ = 0: exactly on the axis no method ever sees a sideways gradient, and all of "
            "them converge to the saddle. In practice minibatch noise supplies the nudge.",
        ),
        offset=True,
    ),
    "monkey": Scenario(
        "Monkey saddle",
        "monkey_saddle",
        (1.5, 1e-3),
        "Three valleys meet at a monkey saddle, and its curvature is **zero** in every direction: "
        "the gradient shrinks with the *square* of the distance, so a run that approaches slows to "
        "a crawl far sooner than at an ordinary saddle. The Hessian is the zero matrix there, so "
        "even curvature information gives no hint of which way is down.",
        (
            Run("sgd", "sgd", "SGD", {"lr": 0.01}),
            Run("hb", "heavy_ball", "Momentum (heavy ball)", {"lr": 0.01, "rho": 0.9}),
            Run("adam", "adam", "Adam", {"lr": 0.02}),
        ),
        (
            "SGD's gradient norm falls steadily as it creeps towards the flat centre: the closer "
            "it gets, the slower it moves.",
            "Momentum keeps its speed, rolls straight through the centre and down the valley on "
            "the other side; Adam's normalised steps escape into another valley.",
        ),
        offset=True,
    ),
    "plateau": Scenario(
        "Plateau",
        "plateau",
        (2.6, 2.0),
        "Far from the basin this surface is almost flat: the gradient is exponentially small, and "
        "so is SGD's step α·g, however long you wait. Momentum accumulates the tiny gradients into "
        "speed; Adam divides by the gradient's own running size, so its steps stay about α long "
        "however flat the ground. (A saturated unit in a network is such a plateau.)",
        (
            Run("sgd", "sgd", "SGD", {"lr": 0.5}),
            Run("hb", "heavy_ball", "Momentum (heavy ball)", {"lr": 0.5, "rho": 0.9}),
            Run("adam", "adam", "Adam", {"lr": 0.05}),
        ),
        (
            "SGD's gradient norm stays around 10⁻³ for the whole run: the loss curve is flat "
            "because the run barely moves, not because it has arrived.",
            "Momentum and Adam cross the plateau and then fall into the basin, where the gradient "
            "first grows, then vanishes at the minimum.",
            "A larger SGD rate helps on the plateau but overshoots in the basin: that trade-off is "
            "what adaptive steps and cyclical schedules address.",
        ),
    ),
    "cliff": Scenario(
        "Cliff & clipping",
        "cliff",
        (-3.0, 1.0),
        "A gentle valley runs into a steep wall. On the wall the gradient is huge (about the wall "
        "slope h), so a single SGD step α·g throws the run far back, or off the map. **Gradient "
        "clipping** limits the step before it is taken. *By norm*: when ‖g‖ > c, rescale g to "
        "length c; the direction is kept. *By value*: clamp each component to [−c, c]; large "
        "components are cut, so the direction can change.",
        (
            Run("raw", "sgd", "SGD, no clipping"),
            Run("norm", "sgd", "SGD, clip by norm", clip="clip_norm", color="#E69F00"),
            Run("value", "sgd", "SGD, clip by value", clip="clip_value", color="#CC79A7"),
        ),
        (
            "The unclipped run's gradient norm spikes to about h each time it touches the wall, "
            "and every spike throws it back down the valley.",
            "Clipped runs never take a step longer than α·c (by norm) or α·c·√2 (by value): they "
            "walk up to the foot of the wall and stay there, within one short step of the minimum.",
            "Raise the wall slope h: the unclipped throws grow with it, the clipped runs do not "
            "change.",
        ),
        shared_lr=0.1,
    ),
}
OFFSET_SPEC = HParam(
    "y0",
    "start offset y₀",
    1e-3,
    0.0,
    0.5,
    log=True,
    help="How far from the saddle's axis the runs start (0: exactly on it).",
)
CLIP_LATEX = (
    r"\text{by norm: } g \leftarrow g\,\min\!\left(1, \frac{c}{\lVert g \rVert}\right)"
    r"\qquad \text{by value: } g_i \leftarrow \max\!\big(-c, \min(c, g_i)\big)"
)


state = UrlState("saddles")
page_header(
    "Saddles, plateaus & cliffs",
    text.INTRO,
)

key = w.choice(
    state,
    "scenario",
    "scenario",
    list(SCENARIOS),
    "saddle",
    format_func=lambda k: SCENARIOS[k].label,
    horizontal_radio=True,
)
scenario = SCENARIOS[key]
surface = SURFACES[scenario.surface]
st.markdown(scenario.story)
st.latex(surface.latex)
if key == "cliff":
    st.latex(CLIP_LATEX)

controls, contour_col, lines_col = st.columns([1, 2.2, 2])
with controls:
    surface_params = w.entry_params(state, f"{key}.sp", surface)
    start = scenario.start
    if scenario.offset:
        y0 = w.number(state, f"{key}.y0", OFFSET_SPEC, default=scenario.start[1])
        start = (scenario.start[0], float(y0))
    shared_lr = None
    if scenario.shared_lr is not None:
        shared_lr = w.number(
            state,
            f"{key}.lr",
            OPTIMIZERS["sgd"].param("lr"),
            default=scenario.shared_lr,
            label="learning rate α (all runs)",
        )
    specs = []
    for run in scenario.runs:
        entry = OPTIMIZERS[run.optimizer]
        modifiers = {}
        if run.clip is not None:
            spec = next(p for p in MODIFIER_PARAMS if p.name == run.clip)
            modifiers[run.clip] = w.number(
                state, f"{key}.{run.tag}", spec, default=1.0, label=f"{spec.label} c"
            )
            hparams = {"lr": shared_lr}
        elif run.hparams:
            st.markdown(f"**{run.label}**")
            hparams = w.entry_params(
                state,
                f"{key}.{run.tag}",
                entry,
                skip=[p.name for p in entry.params if p.name not in run.hparams],
                defaults=run.hparams,
            )
        else:
            hparams = {"lr": shared_lr}
        specs.append(RunSpec(run.optimizer, hparams, modifiers=modifiers, label=run.label))
    steps = w.integer(state, "steps", "steps", 200, 10, 1000)

try:
    trajectories = cache.runs(scenario.surface, surface_params, tuple(specs), start, steps)
except ValueError as error:
    st.error(f"These settings cannot run: {plain_text(error)}")
    trajectories = []

if trajectories:
    paths = paths_from_trajectories(trajectories)
    contour = run_contour(scenario.surface, surface_params, paths, start=start)
    colors = {run.label: run.color for run in scenario.runs if run.color}
    contour_col.plotly_chart(recolor_runs(contour, colors), key="contour")
    norms = [np.linalg.norm(t.grads, axis=1) for t in trajectories]
    minimum = best_known_loss(surface, surface_params, trajectories)
    loss_fig = loss_gap_figure(paths, [t.loss for t in trajectories], minimum, height=330)
    lowest_shown = float(np.min(cache.grid(scenario.surface, surface_params)[2]))
    if minimum is None and lowest_shown > min(float(np.min(t.loss)) for t in trajectories):
        # a bottomless surface: show the losses met inside the map, not the −10⁶ of an escape
        top = max(float(np.max(t.loss[: len(t.finite_points)])) for t in trajectories)
        pad = 0.05 * (top - lowest_shown)
        loss_fig.update_yaxes(range=[lowest_shown - pad, top + pad])
    norm_fig = per_step_figure(
        paths, norms, y_title="gradient norm ‖g‖ (log)", log_y=True, height=330
    )
    with lines_col:
        st.plotly_chart(recolor_runs(loss_fig, colors), key="loss")
        st.plotly_chart(recolor_runs(norm_fig, colors), key="grad-norm")

    rows = []
    for traj, norm in zip(trajectories, norms, strict=True):
        end = traj.finite_points[-1]
        status = "ran all steps"
        escaped = traj.escaped_downhill(bottomless=not surface.minima)
        stopped_run_notice(traj.label, traj.diverged_at, escaped=escaped)
        if escaped:
            status = f"escaped downhill (left the map at step {traj.diverged_at})"
        elif traj.diverged_at is not None:
            status = f"diverged at step {traj.diverged_at}"
        finite = norm[: traj.diverged_at] if traj.diverged_at else norm
        rows.append(
            {
                "run": traj.label,
                "ends at (x, y)": f"({end[0]:.3g}, {end[1]:.3g})",
                "final loss": float(traj.loss[len(traj.finite_points) - 1]),
                "largest ‖g‖": float(finite.max()) if finite.size else float("nan"),
                "smallest ‖g‖": float(finite.min()) if finite.size else float("nan"),
                "status": status,
            }
        )
    st.dataframe(
        rows,
        hide_index=True,
        width="stretch",
        column_config={
            name: st.column_config.NumberColumn(format="%.4g")
            for name in ("final loss", "largest ‖g‖", "smallest ‖g‖")
        },
    )
    export.runs_export(
        f"saddles-{key}",
        trajectories,
        contour,
        extra={"grad_norm": norms},
        scenario=key,
        surface=scenario.surface,
        surface_params=surface_params,
        start=list(start),
        steps=steps,
        summary=rows,
    )
    with st.expander("Update rules of the runs"):
        for optimizer in dict.fromkeys(run.optimizer for run in scenario.runs):
            entry = OPTIMIZERS[optimizer]
            st.markdown(f"**{entry.label}**")
            st.latex(entry.latex)

what_to_notice(list(scenario.notice))
state.finish()
