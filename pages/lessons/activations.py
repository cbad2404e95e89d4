"""Lesson: activation functions, their derivatives, and where the gradient dies."""

import numpy as np
import pandas as pd
import streamlit as st

from optim_lab.lessons.activations import text
from optim_lab.lessons.activations.experiment import overview_rows
from optim_lab.lessons.activations.figures import (
    ActivationCurve,
    activation_colour,
    activation_figure,
    describe_regions,
)
from optim_lab.nn import ACTIVATIONS
from optim_lab.ui import nn_cache, widgets
from optim_lab.ui.export import export_row
from optim_lab.ui.layout import number_table, page_header, what_to_notice
from optim_lab.ui.sections import section
from optim_lab.ui.state import UrlState

NONE = "none"
DEFAULTS = ("relu", "sigmoid", "tanh")
PROBES = (-10.0, 0.0, 10.0)
RANGES = ("3", "6", "10")


def _label(name: str) -> str:
    return "— none —" if name == NONE else ACTIVATIONS[name].label


state = UrlState("activations")
page_header(text.TITLE, text.INTRO)

controls, chart = st.columns([1, 3], gap="medium")
chosen: list[tuple[str, dict]] = []
with controls:
    for i, default in enumerate(DEFAULTS):
        options = ACTIVATIONS.names() if i == 0 else [NONE, *ACTIVATIONS.names()]
        name = widgets.choice(
            state, f"a{i + 1}", f"function {i + 1}", options, default, format_func=_label
        )
        if name == NONE:
            continue
        params = widgets.entry_params(state, f"a{i + 1}.{name}", ACTIVATIONS[name])
        if any(n == name and p == params for n, p in chosen):
            continue  # the same curve twice adds nothing
        chosen.append((name, params))
    x_max = float(
        widgets.choice(
            state, "xr", "x range ±", list(RANGES), "6", horizontal_radio=True, help="Plot range."
        )
    )
    shade = widgets.toggle(
        state, "shade", "shade flat regions", True, help="Where |f′| < 5 % of its peak."
    )

curves = []
rows = []
for name, params in chosen:
    entry = ACTIVATIONS[name]
    overrides = tuple(sorted((k, float(v)) for k, v in params.items()))
    x, y, dy = nn_cache.activation_curve(name, overrides, x_max)
    extra = ", ".join(f"{k}={v:g}" for k, v in params.items())
    label = entry.label + (f" ({extra})" if extra else "")
    curves.append(
        ActivationCurve(
            name,
            label,
            activation_colour(ACTIVATIONS.index(name)),
            x,
            y,
            dy,
            peak=max(entry.peak_deriv, float(np.max(np.abs(dy)))),
        )
    )
    fy, fdy = nn_cache.activation_values(name, overrides, PROBES)
    for p, v, d in zip(PROBES, fy, fdy, strict=True):
        rows.append({"function": label, "x": p, "f(x)": float(v), "f′(x)": float(d)})

fig = activation_figure(curves, shade=shade)
with chart:
    st.plotly_chart(fig, key="act_curves")
    flat = [(c.label, describe_regions(c.x, c.dy, c.peak)) for c in curves]
    st.markdown(
        text.FLAT_REGIONS
        + "\n"
        + "\n".join(f"- {label}: {where or 'nowhere on this range'}" for label, where in flat)
    )
    st.caption(text.MAXOUT_CAPTION)

with section("The formulas"):
    for name, _ in chosen:
        entry = ACTIVATIONS[name]
        st.markdown(f"**{entry.label}** — {entry.description}")
        st.latex(entry.latex + r"\qquad " + entry.latex_deriv)

with section("What happens at x = −10, 0 and 10"):
    number_table(rows, {"x": "%g", "f(x)": "%.3g", "f′(x)": "%.3g"}, where=st.columns([1, 1])[0])
    st.caption(text.PROBES_CAPTION)

with section("So which one should I use?"):
    st.markdown(text.ADVICE)
    st.markdown("**Every function at a glance**")
    st.dataframe(pd.DataFrame(overview_rows()), hide_index=True, width="stretch")
    st.caption(text.OVERVIEW_CAPTION)

    what_to_notice(text.NOTICE)

with section("Export"):
    export_row(
        "activations",
        pd.DataFrame(
            {
                "x": curves[0].x if curves else [],
                **{f"f {c.label}": c.y for c in curves},
                **{f"f' {c.label}": c.dy for c in curves},
            }
        ),
        {
            "functions": [
                {"name": c.name, "label": c.label, "x": c.x, "f": c.y, "df": c.dy} for c in curves
            ],
            "probes": rows,
        },
        fig,
        key="act_export",
    )
    state.finish()
