"""Schedules, part 1: every schedule of the registry over the steps, several at once, each with its
formula and parameters."""

import streamlit as st

from optim_lab.lessons.schedules import text
from optim_lab.lessons.schedules.experiment import (
    DECK_RECURSIONS,
    EXPLORER_DEFAULTS,
    MAX_STEPS_SHOWN,
    curves_table,
    deck_recursion,
    schedule_curve,
    slider_entry,
)
from optim_lab.lessons.schedules.figures import ScheduleCurve, schedule_figure
from optim_lab.schedules import SCHEDULES
from optim_lab.ui import export
from optim_lab.ui import widgets as w
from optim_lab.ui.layout import what_to_notice

SHOWN = ["step", "cosine", "cyclic", "warm_restarts"]


def show(state) -> None:
    controls, chart = st.columns([1, 3])
    with controls:
        shown = w.entry_multiselect(
            state,
            "show",
            "schedules to compare",
            SCHEDULES,
            SHOWN,
            help="Pick one or several: each is drawn in its own colour.",
        )
        n_steps = w.integer(state, "steps", "steps shown", 200, 10, MAX_STEPS_SHOWN)
        log_y = w.toggle(
            state, "logy", "log scale", False, help="Decays look like straight lines on a log axis."
        )
    chart_slot = chart.container()
    if not shown:
        chart_slot.info("Pick at least one schedule to draw.")
    else:
        curves = []
        tabs = chart.tabs(
            [SCHEDULES[n].label for n in shown], key="schedules_explorer_tab", on_change="rerun"
        )  # only the chosen tab's controls are drawn
        for tab, name in zip(tabs, shown, strict=True):
            curves += _schedule_tab(state, name, n_steps, tab if tab.open else w.UNSEEN, chart)
        if curves:
            schedules_fig = schedule_figure(curves, log_y=log_y)
            chart_slot.plotly_chart(schedules_fig, key="schedules-chart")
            with chart_slot:
                table = curves_table(curves, n_steps)
                export.columns_export("lr-schedules", table, schedules_fig, what="learning rates")
    what_to_notice(text.EXPLORER_NOTICE)


def _schedule_tab(state, name: str, n_steps: int, tab, chart) -> list[ScheduleCurve]:
    """The schedule's formula and one slider per parameter in its tab; its curve (none, with the
    reason in the tab, when its parameters cannot make one), and the decks' recursion if asked.
    A closed tab (``w.UNSEEN``) draws nothing: its values come from the link or the session, and
    a reason shows below the chart."""
    entry = SCHEDULES[name]
    params = (state, f"s.{name}", slider_entry(entry))
    defaults = EXPLORER_DEFAULTS.get(name)
    drawn = tab is not w.UNSEEN
    if drawn:
        values = {}
        tab.latex(entry.latex)
        tab.caption(entry.description)
        names = [p.name for p in entry.params]
        param_cols = tab.columns(max(len(entry.params), 1))
        for col, spec in zip(param_cols, entry.params, strict=False):
            skip = [n for n in names if n != spec.name]  # one parameter per column
            values.update(w.entry_params(*params, container=col, skip=skip, defaults=defaults))
        if entry.needs_loss:
            tab.info(text.PLATEAU_ALONE)
    else:
        values = w.entry_params(*params, container=tab, defaults=defaults)
    recursion = name in DECK_RECURSIONS and w.toggle(
        state, f"s.{name}.deck", text.DECK_TOGGLE, False, container=tab, help=text.DECK_HELP
    )
    try:
        curves = [ScheduleCurve(name, entry.label, schedule_curve(name, values, n_steps))]
    except ValueError as error:
        (tab if drawn else chart).error(f"{entry.label}: {error}")
        return []
    if recursion:
        values = deck_recursion(name, values, n_steps)
        label = f"{entry.label}, the decks' recursion"
        curves.append(ScheduleCurve(f"{name}_recursion", label, values, "dot", name))
    return curves
