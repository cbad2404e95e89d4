"""Schedules, part 3: the LR range test on part 2's surface and optimizer, with a button that
carries its suggestion back to part 2 and a link that carries it into the arena."""

import streamlit as st

from optim_lab.lessons.schedules import text
from optim_lab.lessons.schedules.experiment import range_test_table
from optim_lab.lessons.schedules.figures import range_test_figure
from optim_lab.optimizers import OPTIMIZERS
from optim_lab.surfaces import SURFACES
from optim_lab.trajectory import RunSpec
from optim_lab.ui import cache, export
from optim_lab.ui import widgets as w
from optim_lab.ui.arena_controls import arena_link
from optim_lab.ui.layout import what_to_notice
from pages.parts.schedules.runs import RunSettings

RANGE_STEPS = ("50", "100", "200", "500")
ARENA = "pages/lessons/arena.py"
LR = OPTIMIZERS["sgd"].param("lr")


def show(state, run: RunSettings) -> None:
    st.markdown(text.RANGE_TEST)
    st.latex(text.RANGE_TEST_FORMULA)
    controls, chart = st.columns([1, 3])
    with controls:
        lr_min = w.number(state, "rt.min", LR, label="α_min (start)", default=1e-5)
        lr_max = w.number(state, "rt.max", LR, label="α_max (end)", default=10.0)
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
                run.surface_key,
                run.surface_params,
                RunSpec(run.optimizer, {k: v for k, v in run.hparams.items() if k != "lr"}),
                SURFACES[run.surface_key].start,
                test_steps,
                float(lr_min),
                float(lr_max),
            )  # the optimizer's own α is what the test sweeps
        except ValueError as error:
            chart.error(f"The range test cannot run: {error}")

    if result is not None and len(result.loss):
        range_fig = range_test_figure(
            result.lr, result.loss, result.smoothed, result.suggested_lr, result.stopped_at
        )
        chart.plotly_chart(range_fig, key="range-test")
        with controls:
            _suggestion(state, run, result)
        with chart:
            export.columns_export(
                "lr-range-test",
                range_test_table(result),
                range_fig,
                what="range test",
                surface=run.surface_key,
                surface_params=run.surface_params,
                optimizer=run.optimizer,
                hparams=run.hparams,
                suggested_lr=result.suggested_lr,
                stopped_at=result.stopped_at,
            )
    elif result is not None:
        chart.warning("The loss blew up at the very first step: lower α_min.")
    what_to_notice(text.RANGE_TEST_NOTICE)


def _suggestion(state, run: RunSettings, result) -> None:
    """The suggested α, why the test stopped, and the buttons that use it."""
    if result.suggested_lr is None:
        st.info("Too few steps before the loss blew up to suggest a rate: lower α_min.")
        return
    suggested = float(f"{result.suggested_lr:.3g}")
    st.metric("suggested α", f"{suggested:g}")
    if result.stopped_at is not None:
        st.caption(
            f"Stopped at step {result.stopped_at} (α ≈ {result.lr[len(result.loss) - 1]:.3g}): "
            "the loss passed 4× its best."
        )
    else:
        st.caption("The loss never blew up within the range: try a larger α_max.")
    lr_key = state.session_key(f"{run.optimizer}.lr")
    lr_spec = OPTIMIZERS[run.optimizer].param("lr")
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
        link = arena_link(run.surface_key, run.surface_params, run.optimizer, suggested)
        st.switch_page(ARENA, query_params=link)
