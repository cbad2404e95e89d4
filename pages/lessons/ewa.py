"""Lesson: exponentially weighted averages and bias correction (the memory inside momentum and Adam)."""

import numpy as np
import streamlit as st

from optim_lab.ewa import effective_window, worked_example
from optim_lab.lessons.ewa import experiment
from optim_lab.lessons.ewa.figures import ewa_figure, lag_weights_figure
from optim_lab.registry import HParam
from optim_lab.ui import export, widgets
from optim_lab.ui.layout import page_header, what_to_notice
from optim_lab.ui.state import UrlState, plain_text

SOURCES = {
    "temperature": "example: a year of temperatures",
    "paste": "type or paste numbers",
    "upload": "upload a CSV/TXT file",
}
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


def _num(x: float) -> str:
    """A number for a LaTeX product (negative numbers in parentheses)."""
    return f"({x:g})" if x < 0 else f"{x:g}"


state = UrlState("ewa")
page_header(
    "Exponentially weighted averages",
    "Momentum, RMSprop and Adam all smooth a noisy signal (the gradient, or its square) with the "
    "same one-line recipe: keep a running average *v*, and at every step move it a fraction "
    "1−β of the way towards the newest value. Old values never leave the average, they just fade: "
    "a value seen *k* steps ago still counts with weight (1−β)βᵏ. Because *v* starts at 0, the "
    "first averages are too small; dividing by 1−βᵗ removes that start-up bias.",
)
st.latex(
    r"v_0 = 0,\qquad v_t = \beta\, v_{t-1} + (1-\beta)\,\theta_t"
    r"\;=\; (1-\beta)\sum_{k=0}^{t-1} \beta^{k}\,\theta_{t-k},"
    r"\qquad \hat v_t = \frac{v_t}{1-\beta^{t}}"
)

controls, chart = st.columns([1, 3], gap="medium")
with controls:
    source = widgets.choice(
        state, "src", "data", list(SOURCES), "temperature", format_func=SOURCES.get
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

        def _check_length(text: str) -> str:
            if len(text) > MAX_TEXT:
                raise ValueError(f"longer than {MAX_TEXT} characters")
            return text

        key = state.prepare("data", DEFAULT_TEXT, _check_length)
        text = st.text_area(
            "numbers (commas, spaces or new lines)", key=key, height=140, max_chars=MAX_TEXT
        )
        try:
            values = experiment.parse_numbers(text)
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
    gap = np.abs(table["ewa_corrected"] - table["window_mean"])
    st.caption(
        f"Both smooth about the same amount: over this series the corrected EWA and the "
        f"{window}-value window mean differ by {np.mean(gap):.3g} on average."
    )
with right:
    st.subheader("Worked example: the first two steps")
    theta1, theta2 = float(values[0]), float(values[1])
    ex = worked_example(beta)
    v1 = (1 - beta) * theta1
    v2 = ex["coef_theta1"] * theta1 + ex["coef_theta2"] * theta2
    st.markdown(f"With β = {beta:g} and the first two values θ₁ = {theta1:g}, θ₂ = {theta2:g}:")
    lines = [
        rf"v_1 &= (1-\beta)\,\theta_1 = {1 - beta:.4g}\times{_num(theta1)} = {v1:.4g}",
        r"v_2 &= \beta\,v_1 + (1-\beta)\,\theta_2 = \beta(1-\beta)\,\theta_1 + (1-\beta)\,\theta_2",
        rf"&= {ex['coef_theta1']:.4g}\,\theta_1 + {ex['coef_theta2']:.4g}\,\theta_2 = {v2:.4g}",
    ]
    if beta > 0:
        lines += [
            rf"1-\beta^2 &= {ex['correction']:.4g}",
            rf"\hat v_2 &= \frac{{v_2}}{{1-\beta^2}} = \frac{{{v2:.4g}}}{{{ex['correction']:.4g}}}"
            rf" = {v2 / ex['correction']:.4g}",
        ]
    st.latex(r"\begin{aligned}" + r"\\".join(lines) + r"\end{aligned}")
    if beta > 0:
        w1 = ex["coef_theta1"] / ex["correction"]
        st.markdown(
            f"The raw v₂ puts a total weight of only {ex['correction']:.4g} on the data; the "
            f"rest, β² = {beta**2:.4g}, went to the starting value v₀ = 0. After correction the "
            f"weights add up to one ({w1:.3f}·θ₁ + {1 - w1:.3f}·θ₂), so v̂₂ is a proper "
            "average of what has been seen."
        )
    else:
        st.markdown("With β = 0 the average is just the newest value: nothing to correct.")

what_to_notice(
    [
        "A larger β gives a smoother curve that reacts later: the average lags behind the season "
        "by roughly half its window.",
        "Without correction the EWA starts near 0 and needs about 1/(1−β) steps to catch up; "
        "the corrected curve is right from the first value and the two merge afterwards.",
        "The weights shrink geometrically; about 63% of the total weight sits on the last "
        "1/(1−β) values, the rest on the long tail.",
        "The window mean and the corrected EWA look alike, but the EWA needs a single stored "
        "number where the window keeps all N values: that is why optimizers use EWAs.",
    ]
)

st.markdown("#### Export")
export.columns_export("ewa", table, fig, what="data and averages", beta=beta, window=window)

state.finish()
