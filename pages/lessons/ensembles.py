"""Lesson: ensembles (K independent models, snapshot ensembles from warm restarts, Polyak
averaging) and their decision boundaries. Each numbered section is one part in
pages/parts/ensembles/, all on the settings of pages/parts/ensembles/setup.py."""

import pandas as pd
import streamlit as st

from optim_lab.lessons.ensembles import text
from optim_lab.lessons.ensembles.experiment import export_summary, members_table
from optim_lab.ui.export import export_row
from optim_lab.ui.layout import page_header, what_to_notice
from optim_lab.ui.sections import section
from optim_lab.ui.state import UrlState
from pages.parts.ensembles import boundaries, independent, polyak, setup, snapshot

state = UrlState("ensembles")
page_header(text.TITLE, text.INTRO)
st.latex(text.FORMULAS)
ensemble = setup.show(state)

with section("1. K independent models", header=True):
    ind, ind_fig = independent.show(ensemble)

with section("2. Members vs ensemble: decision boundaries", header=True):
    boundaries.show(ind, ensemble.members)

with section("3. Snapshot ensembles: one run, K members", header=True):
    snap, snap_steps = snapshot.show(state, ensemble)

with section("4. Polyak averaging: average the weights, not the predictions", header=True):
    pol, beta, polyak_lr = polyak.show(state, ensemble)

    what_to_notice(text.NOTICE)

    with section("Export"):
        chosen = {"snapshot_steps": snap_steps, "beta": beta, "polyak_lr": polyak_lr}
        settings = ensemble._asdict() | chosen | {"hidden": setup.HIDDEN}
        table = pd.DataFrame(members_table(ind, snap, pol))
        summary = export_summary(settings, ind, snap, pol)
        export_row("ensembles", table, summary, ind_fig, key="ens_export")
        state.finish()
