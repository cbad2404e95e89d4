"""Learning-rate schedules and the LR range test.

1. Every schedule of the registry over the steps, several at once, with its formula.
2. One schedule applied to a run, side by side with the same optimizer at a constant rate.
3. The LR range test on the same surface and optimizer, with a link that carries its suggestion
   into the arena.
"""

from dataclasses import replace

import streamlit as st

from optim_lab.figures.lines import loss_gap_figure, per_step_figure, recolor_runs
from optim_lab.figures.surface import paths_from_trajectories
from optim_lab.lessons.schedules import text
from optim_lab.lessons.schedules.figures import (
    ScheduleCurve,
    range_test_figure,
    schedule_color,
    schedule_figure,
)
from optim_lab.optimizers import OPTIMIZERS
from optim_lab.schedules import SCHEDULES, schedule_values
from optim_lab.surfaces import SURFACES
from optim_lab.trajectory import RunSpec, best_known_loss, step_bucket
from optim_lab.ui import cache, export
from optim_lab.ui import widgets as w
from optim_lab.ui.arena_controls import arena_link
from optim_lab.ui.contour import run_contour
from optim_lab.ui.layout import page_header, stopped_run_notice, what_to_notice
from optim_lab.ui.sections import section
from optim_lab.ui.state import UrlState, plain_text

# Explorer defaults chosen so that every schedule shows its shape within the default 200 steps.
EXPLORER_DEFAULTS = {
    "step": {"step_size": 50},
    "cosine": {"t_max": 200},
    "warm_restarts": {"t_mult": 2},
}
RUN_DEFAULTS = {
    "step": {"step_size": 50},
    "cosine": {"t_max": 200},
    "cyclic": {"lr_min": 0.01, "lr_max": 0.2, "step_size": 25},
    "warm_restarts": {"t_0": 50},
    "exponential": {"k": 0.02},
    "inverse_time": {"k": 0.05},
}
RANGE_STEPS = ("50", "100", "200", "500")
MAX_STEPS_SHOWN = 1000
ARENA = "pages/lessons/arena.py"

state = UrlState("schedules")
page_header(
    "Learning-rate schedules & the range test",
    text.INTRO,
)


def slider_entry(entry):
    """The schedule with its step-count parameters capped at the longest run shown, so their
    sliders span 1 … 1000 rather than the registry's 1 … 10⁶ (a link beyond is refused)."""

    def capped(spec):
        if spec.integer and spec.kind == "number" and spec.choices is None:
            return replace(spec, max=min(spec.max, MAX_STEPS_SHOWN))
        return spec

    return replace(entry, params=tuple(capped(p) for p in entry.params))


# ------------------------------------------------------------------------------------------------
# 1. The schedules
# ------------------------------------------------------------------------------------------------
with section("1 · The schedules", header=True):
    controls, chart = st.columns([1, 3])
    with controls:
        shown = w.entry_multiselect(
            state,
            "show",
            "schedules to compare",
            SCHEDULES,
            ["step", "cosine", "cyclic", "warm_restarts"],
            help="Pick one or several: each is drawn in its own colour.",
        )
        n_steps = w.integer(state, "steps", "steps shown", 200, 10, MAX_STEPS_SHOWN)
        log_y = w.toggle(
            state, "logy", "log scale", False, help="Decays look like straight lines on a log axis."
        )
    chart_slot = chart.container()
    curves = []
    if shown:
        tabs = chart.tabs([SCHEDULES[name].label for name in shown])
        for tab, name in zip(tabs, shown, strict=True):
            entry = SCHEDULES[name]
            with tab:
                st.latex(entry.latex)
                st.caption(entry.description)
                param_cols = st.columns(max(len(entry.params), 1))
                values = {}
                names = [p.name for p in entry.params]
                for col, spec in zip(param_cols, entry.params, strict=False):
                    values.update(  # one parameter per column
                        w.entry_params(
                            state,
                            f"s.{name}",
                            slider_entry(entry),
                            container=col,
                            skip=[n for n in names if n != spec.name],
                            defaults=EXPLORER_DEFAULTS.get(name),
                        )
                    )
                if entry.needs_loss:
                    st.info(text.PLATEAU_ALONE)
            try:
                lr = schedule_values(name, values, step_bucket(n_steps))[:n_steps]
            except ValueError as error:
                tab.error(f"{entry.label}: {error}")
                continue
            curves.append(ScheduleCurve(name, entry.label, lr))
        if curves:
            schedules_fig = schedule_figure(curves, log_y=log_y)
            chart_slot.plotly_chart(schedules_fig, key="schedules-chart")
            with chart_slot:
                export.columns_export(
                    "lr-schedules",
                    {
                        "step": list(range(n_steps)),
                        **{curve.name: curve.values for curve in curves},
                    },
                    schedules_fig,
                    what="learning rates",
                )
    else:
        chart_slot.info("Pick at least one schedule to draw.")

    what_to_notice(text.EXPLORER_NOTICE)

    # ------------------------------------------------------------------------------------------------
    # 2. A schedule in a run
    # ------------------------------------------------------------------------------------------------
with section("2 · A schedule in a run", header=True):
    st.markdown(text.RUNS)
    formula_slot = st.empty()  # the surface's formula, full width (some are long)
    controls, contour_col, lines_col = st.columns([1, 2.4, 2])
    with controls:
        surface_key = w.entry_choice(state, "surface", "surface", SURFACES, "least_squares")
        surface = SURFACES[surface_key]
        surface_params = w.entry_params(state, "sp", surface)
        opt = w.optimizer_picker(state, "opt", "sgd")
        hparams = w.entry_params(
            state, opt, OPTIMIZERS[opt], defaults={"lr": 0.1} if opt == "sgd" else None
        )
        sched = w.entry_choice(state, "r.sched", "lr schedule", SCHEDULES, "cosine")
        sched_params = w.entry_params(
            state,
            f"r.{sched}",
            slider_entry(SCHEDULES[sched]),
            skip=("lr",),
            defaults=RUN_DEFAULTS.get(sched),
        )
        run_steps = w.integer(state, "rsteps", "steps", 200, 10, MAX_STEPS_SHOWN)

    label = OPTIMIZERS[opt].label
    specs = (
        RunSpec(opt, hparams, "constant", label=f"{label}, constant α"),
        RunSpec(
            opt, hparams, sched, sched_params, label=f"{label}, {SCHEDULES[sched].label.lower()}"
        ),
    )
    if sched == "constant":
        specs = specs[:1]
        controls.info("Pick a schedule other than *constant* to compare.")
    try:
        trajectories = cache.runs(surface_key, surface_params, specs, surface.start, run_steps)
    except ValueError as error:
        st.error(f"These settings cannot run: {plain_text(error)}")
        trajectories = []

    if trajectories:
        paths = paths_from_trajectories(trajectories)
        # the runs differ by their schedule, so they wear the schedules' colours of section 1
        colors = {spec.label: schedule_color(spec.schedule) for spec in specs}
        contour = run_contour(surface_key, surface_params, paths)
        formula_slot.latex(surface.latex)
        with contour_col:
            st.plotly_chart(recolor_runs(contour, colors), key="run-contour")
        minimum = best_known_loss(surface, surface_params, trajectories)
        loss_fig = loss_gap_figure(paths, [t.loss for t in trajectories], minimum, height=340)
        lr_fig = per_step_figure(
            paths,
            [t.lr for t in trajectories],
            y_title="learning rate α",
            log_y=sched in ("exponential", "step", "multistep"),
            height=300,
        )
        with lines_col:
            st.plotly_chart(recolor_runs(loss_fig, colors), key="run-loss")
            st.plotly_chart(recolor_runs(lr_fig, colors), key="run-lr")
        for traj in trajectories:
            stopped_run_notice(
                traj.label,
                traj.diverged_at,
                escaped=traj.escaped_downhill(bottomless=not surface.minima),
                hint="The range test below suggests one.",
            )
        export.runs_export(
            "schedule-runs",
            trajectories,
            contour,
            surface=surface_key,
            surface_params=surface_params,
            start=list(surface.start),
            steps=run_steps,
            schedule=sched,
            schedule_params=sched_params,
        )

    what_to_notice(text.RUNS_NOTICE)

    # ------------------------------------------------------------------------------------------------
    # 3. The LR range test
    # ------------------------------------------------------------------------------------------------
with section("3 · The LR range test", header=True):
    st.markdown(text.RANGE_TEST)
    st.latex(r"\alpha_t = \alpha_{min}\left(\frac{\alpha_{max}}{\alpha_{min}}\right)^{t/(T-1)}")
    controls, chart = st.columns([1, 3])
    with controls:
        lr_min = w.number(
            state,
            "rt.min",
            OPTIMIZERS["sgd"].param("lr"),
            label="α_min (start)",
            default=1e-5,
        )
        lr_max = w.number(
            state, "rt.max", OPTIMIZERS["sgd"].param("lr"), label="α_max (end)", default=10.0
        )
        test_steps = w.int_choice(
            state,
            "rt.steps",
            "test length (steps)",
            RANGE_STEPS,
            "200",
            help="More steps sweep the range more finely.",
        )
    result = None
    if lr_min >= lr_max:
        chart.error(f"α_min ({lr_min:g}) must be smaller than α_max ({lr_max:g}).")
    else:
        try:
            result = cache.range_test(
                surface_key,
                surface_params,
                RunSpec(opt, {k: v for k, v in hparams.items() if k != "lr"}),  # its α is swept
                surface.start,
                test_steps,
                float(lr_min),
                float(lr_max),
            )
        except ValueError as error:
            chart.error(f"The range test cannot run: {error}")

    if result is not None and len(result.loss):
        range_fig = range_test_figure(
            result.lr, result.loss, result.smoothed, result.suggested_lr, result.stopped_at
        )
        chart.plotly_chart(range_fig, key="range-test")
        with controls:
            if result.suggested_lr is None:
                st.info("Too few steps before the loss blew up to suggest a rate: lower α_min.")
            else:
                suggested = float(f"{result.suggested_lr:.3g}")
                st.metric("suggested α", f"{suggested:g}")
                if result.stopped_at is not None:
                    st.caption(
                        f"Stopped at step {result.stopped_at} (α ≈ {result.lr[len(result.loss) - 1]:.3g}): "
                        "the loss passed 4× its best."
                    )
                else:
                    st.caption("The loss never blew up within the range: try a larger α_max.")
                lr_key = state.session_key(f"{opt}.lr")
                lr_spec = OPTIMIZERS[opt].param("lr")
                usable = lr_spec.min <= suggested <= lr_spec.max

                def use_here(key=lr_key, value=suggested):
                    st.session_state[key] = value

                st.button(
                    f"Use α = {suggested:g} in section 2",
                    on_click=use_here,
                    disabled=not usable,
                    help="Sets the optimizer's α above; both runs restart with it.",
                )
                if st.button(
                    "Open it in the arena →",
                    type="primary",
                    help="The arena with this surface, this optimizer and the suggested α.",
                    disabled=not usable,
                ):
                    st.switch_page(
                        ARENA, query_params=arena_link(surface_key, surface_params, opt, suggested)
                    )
        with chart:
            columns = {
                "lr": result.lr[: len(result.loss)],
                "loss": result.loss,
                "smoothed": result.smoothed,
            }
            export.columns_export(
                "lr-range-test",
                columns,
                range_fig,
                what="range test",
                surface=surface_key,
                surface_params=surface_params,
                optimizer=opt,
                hparams=hparams,
                suggested_lr=result.suggested_lr,
                stopped_at=result.stopped_at,
            )
    elif result is not None:
        chart.warning("The loss blew up at the very first step: lower α_min.")

    what_to_notice(text.RANGE_TEST_NOTICE)

    state.finish()
