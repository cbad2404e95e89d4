"""Batch normalization, part 4: plain SGD at four learning rates, with and without batch norm."""

import pandas as pd
import streamlit as st

from optim_lab.lessons.batchnorm import text
from optim_lab.lessons.batchnorm.experiment import rate_table
from optim_lab.lessons.batchnorm.figures import rates_figure
from optim_lab.ui import nn_cache
from optim_lab.ui.export import export_row


def show(seed: int) -> None:
    st.markdown(text.RATES)
    with st.spinner("Training 8 networks (4 learning rates, with and without batch norm)…"):
        sweep = nn_cache.batchnorm_seed_runs(seed)["sweep"]  # computed with part 3's
    fig = rates_figure(sweep["rates"], sweep)
    st.plotly_chart(fig, key="bn_rates")
    table = pd.DataFrame(rate_table(sweep))
    st.dataframe(table, hide_index=True, width="stretch")
    st.markdown("#### Export")
    export_row("batchnorm_rates", table, sweep, fig, key="bn_rates_export")
