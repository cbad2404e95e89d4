"""Lesson: adaptive methods. AdaGrad, RMSprop, Adam and Adadelta give every coordinate its own step."""

import numpy as np
import streamlit as st

from optim_lab.figures.lines import loss_figure
from optim_lab.figures.surface import paths_from_trajectories
from optim_lab.lessons.adaptive import experiment, text
from optim_lab.lessons.adaptive.figures import bias_correction_figure, eps_figure, step_size_figure
from optim_lab.optimizers import OPTIMIZERS
from optim_lab.registry import HParam
from optim_lab.step_inspector import step_sizes
from optim_lab.surfaces import SURFACES
from optim_lab.trajectory import RunSpec, best_known_loss
from optim_lab.ui import cache, export, widgets
from optim_lab.ui.contour import run_contour
from optim_lab.ui.layout import page_header, stopped_run_notice, what_to_notice
from optim_lab.ui.sections import section
from optim_lab.ui.state import UrlState, plain_text

SURFACE_CHOICES = ("bowl", "plateau", "beale", "rosenbrock")
SURFACE_DEFAULTS = {"kappa": 100.0}  # a narrow valley, aligned with the axes
ADAPTIVE = ("adagrad", "rmsprop", "adam", "adadelta")
LR_DEFAULTS = {"sgd": 0.5, "adam": 0.05}  # others: the registry's defaults
STEP_CHOICES = ("50", "100", "200", "500", "1000")
ADAM_FLAGS = ("bias_correction", "eps_inside_sqrt")
QUANTITIES = {
    "size": "step size αₜ,ᵢ (what multiplies gᵢ, or m̂ᵢ for Adam)",
    "ratio": "|Δθᵢ| / |gᵢ| (what each step actually did)",
}
EPS_DEMO = HParam(
    "eps",
    "ε for this comparison",
    0.01,
    1e-8,
    1.0,
    log=True,
    help="Large ε makes the difference visible; Adam's default is 1e-8.",
)
BIAS_STEPS = 60  # first steps shown in the bias-correction comparison


state = UrlState("adaptive")
page_header(text.TITLE, text.INTRO)
for name in ADAPTIVE:
    st.latex(rf"\text{{{OPTIMIZERS[name].label}:}}\quad " + OPTIMIZERS[name].latex)

with section("Four adaptive optimizers on one surface"):
    c1, c2, c3 = st.columns([2, 4, 1])
    surface_name = widgets.entry_choice(
        state, "surf", "surface", SURFACES, "bowl", names=list(SURFACE_CHOICES), container=c1
    )
    surface = SURFACES[surface_name]
    with c2:
        surface_params = widgets.entry_params(state, "s", surface, defaults=SURFACE_DEFAULTS)
    steps = widgets.int_choice(state, "steps", "steps", STEP_CHOICES, "200", container=c3)

    specs = []
    hp_cols = st.columns(1 + len(ADAPTIVE))
    for slot, name in zip(hp_cols, ["sgd", *ADAPTIVE], strict=True):
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
    start = tuple(surface.start)
    trajs = cache.runs(surface_name, surface_params, tuple(specs), start, steps)
    paths = paths_from_trajectories(trajs)
    minimum = best_known_loss(surface, surface_params, trajs)
    main_fig = run_contour(surface_name, surface_params, paths, start=start, height=580)
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

with section("The step size of each coordinate"):
    quantity = widgets.choice(
        state,
        "qty",
        "show",
        list(QUANTITIES),
        "size",
        format_func=QUANTITIES.get,
        horizontal_radio=True,
    )
    sizes, y_title = experiment.per_coordinate(trajs, quantity)
    st.plotly_chart(step_size_figure(paths, sizes, y_title=y_title), key="adaptive_sizes")
    st.caption(text.SIZES_CAPTION)

with section(text.BIAS_TITLE):
    adam_hp = dict(next(t.spec.hparams for t in trajs if t.spec.optimizer == "adam"))
    b1, b2 = float(adam_hp["beta1"]), float(adam_hp["beta2"])
    st.markdown(text.BIAS)
    st.latex(text.BIAS_FORMULA)
    bias_specs = (
        RunSpec("adam", {**adam_hp, "bias_correction": 1.0}, label="Adam, corrected"),
        RunSpec("adam", {**adam_hp, "bias_correction": 0.0}, label="Adam, uncorrected"),
    )
    bias_runs = cache.runs(surface_name, surface_params, bias_specs, start, steps)
    shown = min(BIAS_STEPS, steps)
    factors = experiment.adam_bias_factors(b1, b2, shown)
    lengths = [experiment.step_lengths(t.updates[:shown]) for t in bias_runs]
    bias_fig = bias_correction_figure(factors, lengths[0], lengths[1], beta1=b1, beta2=b2)
    st.plotly_chart(bias_fig, key="adaptive_bias")
    st.markdown("**Uncorrected step length ÷ corrected step length** (measured on the two runs)")
    first = st.columns(4)
    for slot, t_index in zip(first, (0, 1, 4, 9), strict=True):
        if t_index < shown:
            on, off = lengths[0][t_index], lengths[1][t_index]
            slot.metric(
                f"step {t_index + 1}",
                f"{off / on:.2f}×" if on > 0 and off > 0 else "—",  # — : a run stopped (diverged)
                help=f"Theory for equal gradients and ε → 0: {factors['step'][t_index]:.2f}×",
            )
    for t in bias_runs:
        stopped_run_notice(t.label, t.diverged_at)

with section(text.EPS_TITLE):
    st.markdown(text.EPS)
    eps_col, eps_text_col = st.columns([1, 2], gap="medium")
    with eps_col:
        eps = float(widgets.number(state, "eps", EPS_DEMO))
    with eps_text_col:
        st.latex(text.EPS_FORMULA)
    eps_fig_col, eps_path_col = st.columns(2, gap="medium")
    eps_specs = (
        RunSpec("adam", {**adam_hp, "eps": eps, "eps_inside_sqrt": 0.0}, label="ε outside √"),
        RunSpec("adam", {**adam_hp, "eps": eps, "eps_inside_sqrt": 1.0}, label="ε inside √"),
    )
    eps_runs = cache.runs(surface_name, surface_params, eps_specs, start, steps)
    eps_paths = paths_from_trajectories(eps_runs)
    lr_adam = float(adam_hp["lr"])
    rms = np.geomspace(min(eps / 10, 1e-3), 10.0, 300)
    seen = experiment.sqrt_v_hat_ranges(eps_runs[0])
    with eps_fig_col:
        st.plotly_chart(
            eps_figure(
                rms,
                experiment.adam_step_multiplier(rms, lr_adam, eps, inside=False),
                experiment.adam_step_multiplier(rms, lr_adam, eps, inside=True),
                eps=eps,
                lr=lr_adam,
                seen=seen,
            ),
            key="adaptive_eps",
        )
    with eps_path_col:
        st.plotly_chart(
            run_contour(
                surface_name,
                surface_params,
                eps_paths,
                start=start,
                animate=False,
                show_final=False,
                height=400,
            ),
            key="adaptive_eps_paths",
        )
        gap = float(np.max(np.linalg.norm(eps_runs[0].points - eps_runs[1].points, axis=1)))
        st.caption(f"Largest distance between the two paths: {gap:.3g}.")

    what_to_notice(text.NOTICE)

    st.markdown("#### Export")
    all_runs = [*trajs, *bias_runs, *eps_runs]
    context = dict(
        surface=surface_name, surface_params=surface_params, start=list(start), steps=steps
    )
    export.runs_export(
        "adaptive_runs",
        all_runs,
        main_fig,
        extra=lambda: {"step_size": [step_sizes(t) for t in all_runs]},
        figure_what="paths figure",
        figure_name="adaptive_paths",
        **context,
    )

    state.finish()
