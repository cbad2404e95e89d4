"""Lesson: momentum. The (α, β) convergence map, EWA vs classic form, and Nesterov. Each titled
section is one part in pages/parts/momentum/."""

import streamlit as st

from optim_lab.lessons.momentum import experiment, text
from optim_lab.ui import export
from optim_lab.ui.layout import page_header, update_rules, what_to_notice
from optim_lab.ui.sections import section
from optim_lab.ui.state import UrlState
from pages.parts.momentum import convergence, forms, theory

state = UrlState("momentum")
page_header(text.TITLE, text.INTRO)
update_rules(convergence.FORMS)

with section(text.MAP_TITLE):
    cell = convergence.show(state)

with section(text.THEORY_TITLE):
    theory.show(cell)

with section(text.FORMS_TITLE):
    trajs, cmp_fig = forms.show(state, cell)

    what_to_notice(text.notice(cell.kappa))

    st.markdown("#### Export")
    grid_table = experiment.map_table(cell.result, convergence.BETA_NAME[cell.form])
    context = cell.context()
    export.columns_export(
        "momentum_map",
        grid_table,
        cell.heat,
        what="map",
        figure_what="map",
        form=cell.form,
        **context,
    )
    export.runs_export(
        "momentum_runs",
        [cell.selected, *trajs],
        cmp_fig,
        figure_what="paths",
        figure_name="momentum_paths",
        **context,
    )

    state.finish()
