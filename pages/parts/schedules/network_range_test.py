"""Schedules, part 4: the LR range test on the playground's data and network, mini-batch by
mini-batch: three suggestion rules side by side, the cyclical bounds, and a link that carries the
chosen rate into the playground."""

from urllib.parse import urlencode

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from optim_lab.lessons.schedules import text
from optim_lab.lessons.schedules.experiment import (
    NETWORK_OPTIMIZERS,
    network_datasets,
    network_range_table,
    playground_params,
    usable_rate,
)
from optim_lab.lessons.schedules.figures import network_range_figure
from optim_lab.nn import DATASETS
from optim_lab.ui import export, nn_cache
from optim_lab.ui import widgets as w
from optim_lab.ui.layout import lesson_page, what_to_notice

PLAYGROUND = "pages/lessons/playground.py"
LABELS = {rule: label for rule, (label, _) in text.SUGGESTIONS.items()}


def show(state) -> None:
    st.markdown(text.NETWORK_RANGE_TEST)
    st.latex(text.NETWORK_RANGE_FORMULA)
    controls, chart = st.columns([1, 3])
    with controls:
        settings = dict(
            dataset=w.entry_choice(
                state, "n.ds", "dataset", DATASETS, "spiral", names=network_datasets()
            ),
            layers=w.integer(state, "n.layers", "hidden layers", 2, 1, 4),
            units=w.integer(state, "n.units", "units per layer", 16, 1, 64),
            batch_size=w.integer(
                state, "n.bs", "batch size", 32, 2, 128, help="Examples per step of the test."
            ),
            optimizer=w.optimizer_picker(state, "n.opt", "adam", names=NETWORK_OPTIMIZERS),
            seed=w.seed_control(state, "n.seed"),
        )
    with chart, st.spinner("Training one network with a growing learning rate…"):
        result = nn_cache.network_range_test(**settings)
    fig = network_range_figure(
        result.lr,
        result.loss,
        result.smoothed,
        result.suggestions,
        LABELS,
        result.bounds,
        result.ending,
    )
    chart.plotly_chart(fig, key="network-range-test")
    with chart:
        _table(result)
        _use_in_playground(state, settings, result.suggestions)
        st.markdown(text.NETWORK_BOUNDS)
        export.columns_export(
            "lr-range-test-network",
            network_range_table(result),
            fig,
            what="network range test",
            **settings,
            suggestions=result.suggestions,
            bounds=result.bounds,
            stopped_at=result.stopped_at,
        )
    what_to_notice(text.NETWORK_RANGE_NOTICE)


def _table(result) -> None:
    """Each rule's rate and a one-line note."""
    rows = [
        {
            "rule": label,
            "α": "–" if result.suggestions[rule] is None else f"{result.suggestions[rule]:.3g}",
            "what it does": note,
        }
        for rule, (label, note) in text.SUGGESTIONS.items()
    ]
    st.table(pd.DataFrame(rows).set_index("rule"))  # a table wraps the notes


def _use_in_playground(state, settings: dict, suggestions: dict) -> None:
    """A choice among the suggestions and a link that opens the playground with it."""
    choose, go = st.columns([2, 3], vertical_alignment="bottom")
    rule = w.choice(
        state,
        "n.use",
        "rate to carry over",
        list(text.SUGGESTIONS),
        "valley",
        format_func=lambda r: (
            LABELS[r] + ("" if suggestions[r] is None else f" ({usable_rate(suggestions[r]):g})")
        ),
        container=choose,
    )
    if suggestions[rule] is None:
        go.info("Too few steps before the loss blew up for this rule: try a larger batch.")
        return
    lr = usable_rate(suggestions[rule])
    params = playground_params(**settings, lr=lr)
    label = f"Use α = {lr:g} in the playground"
    try:
        page = lesson_page(PLAYGROUND)
    except StreamlitPageNotFoundError:  # this script run alone, outside the app's navigation
        go.markdown(f"[{label} →](playground?{urlencode(params)})")
        return
    go.page_link(
        page,
        label=label,
        icon=":material/arrow_forward:",
        query_params=params,
        help="The playground with this data, network, batch size, optimizer and rate.",
    )
