"""Lesson: exponentially weighted averages and bias correction (the memory inside momentum and Adam)."""

import streamlit as st

from optim_lab.ewa import effective_window
from optim_lab.lessons.ewa import experiment, text
from optim_lab.lessons.ewa.figures import ewa_figure, lag_weights_figure
from optim_lab.registry import HParam
from optim_lab.ui import export, widgets
from optim_lab.ui.layout import page_header, what_to_notice
from optim_lab.ui.state import UrlState, plain_text

QUICK_BETAS = (0.5, 0.9, 0.98)
MAX_TEXT = 3000
DEFAULT_TEXT = "40, 49, 45, 44, 52, 50, 47, 55, 58, 53, 60, 57, 62, 59, 64, 61, 58, 63, 66, 60"
BETA = HParam(
    "beta",
    "β (how much of the old average is kept)",
    0.9,
    0.0,
    0.995,
    help="Each new value gets weight 1−β; the average remembers about 1/(1−β) values.",
)


state = UrlState("ewa")
page_header(text.TITLE, text.INTRO)
st.latex(text.FORMULA)

controls, chart = st.columns([1, 3], gap="medium")
with controls:
    source = widgets.choice(
        state, "src", "data", list(text.SOURCES), "temperature", format_func=text.SOURCES.get
    )
    value_title = "value"
    values = None
    if source == "temperature":
        seed = widgets.integer(
            state, "seed", "seed", 0, 0, 9999, help="Another seed draws another year of weather."
        )
        values = experiment.temperature_series(seed)
        value_title = "temperature (°C)"
    elif source == "paste":

        def _check_length(typed: str) -> str:
            if len(typed) > MAX_TEXT:
                raise ValueError(f"longer than {MAX_TEXT} characters")
            return typed

        key = state.prepare("data", DEFAULT_TEXT, _check_length)
        typed = st.text_area(
            "numbers (commas, spaces or new lines)", key=key, height=140, max_chars=MAX_TEXT
        )
        try:
            values = experiment.parse_numbers(typed)
        except ValueError as error:
            st.error(  # the numbers may come from a link: their text is shown as plain text
                f"Could not read your numbers: {plain_text(error, limit=300)}. "
                "Showing the example numbers instead."
            )
    else:
        upload = st.file_uploader(
            "CSV or TXT file (the first numeric column is used)", type=["csv", "txt", "tsv"]
        )
        st.caption("Uploaded files are not part of the shareable link.")
        if upload is None:
            st.info("Choose a file; until then the example numbers are shown.")
        else:
            try:
                column = experiment.numbers_from_file(upload.getvalue())
                values = column.values
                value_title = column.column
                skipped = f", {column.skipped} non-numeric cells skipped" if column.skipped else ""
                st.caption(f"Read {len(values)} numbers from “{column.column}”{skipped}.")
            except ValueError as error:
                st.error(  # the message may quote the file: shown as plain text
                    f"Could not read the file: {plain_text(error, limit=300)}. "
                    "Showing the example numbers instead."
                )
    if values is None:
        values = experiment.parse_numbers(DEFAULT_TEXT)
    elif len(values) < 2:
        st.warning("At least two numbers are needed; showing the example numbers instead.")
        values = experiment.parse_numbers(DEFAULT_TEXT)

    st.markdown("**Quick picks for β**")
    for column_slot, quick in zip(st.columns(len(QUICK_BETAS)), QUICK_BETAS, strict=True):
        column_slot.button(
            f"{quick:g}",
            key=f"ewa_quick_{quick}",
            on_click=state.set,
            args=("beta", quick),
            width="stretch",
            help=f"β = {quick:g}: averages about {effective_window(quick):.0f} values",
        )
    beta = float(widgets.number(state, "beta", BETA))
    show_raw = widgets.toggle(state, "raw", "EWA without correction", True)
    show_corrected = widgets.toggle(state, "corr", "bias-corrected EWA", True)
    show_window = widgets.toggle(state, "win", "sliding-window mean", True)

window = experiment.window_for(beta)
table = experiment.ewa_table(values, beta)
fig = ewa_figure(
    table,
    beta,
    window,
    show_raw=show_raw,
    show_corrected=show_corrected,
    show_window=show_window,
    value_title=value_title,
)
with chart:
    st.plotly_chart(fig, key="ewa_series")
    st.caption(
        f"β = {beta:g}: each new value gets weight {1 - beta:.3g}, and the average spans about "
        f"1/(1−β) = {effective_window(beta):.3g} values."
    )

left, right = st.columns(2, gap="large")
with left:
    st.subheader("How much each past value counts")
    st.plotly_chart(lag_weights_figure(beta, window), key="ewa_weights")
    st.markdown("**Memory needed for the same smoothing**")
    m1, m2 = st.columns(2)
    m1.metric("EWA stores", "1 number", help="Only vₜ₋₁ (and β) are needed for the next step.")
    m2.metric(
        "sliding window stores",
        f"{window} numbers",
        help="The last N values must be kept to drop the oldest one at each step.",
    )
    st.caption(text.smoothing_compared(beta, window))
with right:
    st.subheader("Worked example: the first two steps")
    theta1, theta2 = float(values[0]), float(values[1])
    latex, sentence = experiment.worked_example_latex(beta, theta1, theta2)
    st.markdown(f"With β = {beta:g} and the first two values θ₁ = {theta1:g}, θ₂ = {theta2:g}:")
    st.latex(latex)
    st.markdown(sentence)

what_to_notice(text.NOTICE)

st.markdown("#### Export")
export.columns_export("ewa", table, fig, what="data and averages", beta=beta, window=window)

state.finish()
