"""Lesson: activation functions, their derivatives, and where the gradient dies."""

import numpy as np
import pandas as pd
import streamlit as st

from optim_lab.lessons.activations.figures import (
    ActivationCurve,
    activation_colour,
    activation_figure,
    describe_regions,
)
from optim_lab.nn import ACTIVATIONS
from optim_lab.ui import nn_cache, widgets
from optim_lab.ui.export import export_row
from optim_lab.ui.layout import page_header, what_to_notice
from optim_lab.ui.sections import section
from optim_lab.ui.state import UrlState

NONE = "none"
DEFAULTS = ("relu", "sigmoid", "tanh")
PROBES = (-10.0, 0.0, 10.0)
RANGES = ("3", "6", "10")


def _label(name: str) -> str:
    return "— none —" if name == NONE else ACTIVATIONS[name].label


state = UrlState("activations")
page_header(
    "Activation functions",
    "Each hidden unit computes a weighted sum *z* of its inputs and passes it through a "
    "non-linear function *f*. During backpropagation the gradient reaching that unit is multiplied "
    "by the slope *f′(z)*. Where the curve is flat the slope is (nearly) zero, so almost nothing "
    "flows back and the weights before it stop learning. Pick up to three functions and look at "
    "where their slopes vanish.",
)

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
        "**Where the gradient (almost) vanishes** (shaded, |f′| < 5 % of its peak; 'dead' = "
        "exactly 0):\n"
        + "\n".join(f"- {label}: {text or 'nowhere on this range'}" for label, text in flat)
    )
    st.caption("Maxout is drawn with the example pieces z and −z/2.")

with section("The formulas"):
    for name, _ in chosen:
        entry = ACTIVATIONS[name]
        st.markdown(f"**{entry.label}** — {entry.description}")
        st.latex(entry.latex + r"\qquad " + entry.latex_deriv)

with section("What happens at x = −10, 0 and 10"):
    probe_table = pd.DataFrame(rows)
    st.columns([1, 1])[0].dataframe(
        probe_table.style.format({"x": "{:g}", "f(x)": "{:.3g}", "f′(x)": "{:.3g}"}),
        hide_index=True,
        width="stretch",
    )
    st.caption(
        "A slope of 0 (or 0.00005) at x = ±10 means a unit pushed that far gets no learning "
        "signal: it is saturated, or for ReLU on the negative side, dead."
    )

with section("So which one should I use?"):
    st.markdown(
        "- **Start with ReLU.** It is cheap, its slope is exactly 1 for every positive input so it "
        "never saturates there, and networks with it usually train several times faster than with "
        "sigmoid or tanh. Keep an eye on the learning rate: too large a step can push units into the "
        "negative side for good (dead units).\n"
        "- **Worth a try: Leaky ReLU, PReLU, ELU or maxout.** They keep a non-zero slope (or a "
        "smooth one) for negative inputs, so units cannot die; ELU's outputs are also closer to zero "
        "mean. Maxout doubles the number of weights per unit.\n"
        "- **tanh is acceptable but not great.** It is zero-centred, but its flat tails still "
        "block the gradient.\n"
        "- **Avoid sigmoid in hidden layers.** Its flat tails stop the gradient, its outputs are "
        "always positive (so the next layer's weight gradients all share one sign), and its largest "
        "slope is only 0.25, so every layer shrinks the gradient by at least 4×."
    )
    st.markdown("**Every function at a glance**")
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "function": e.label,
                    "zero-centred": "yes" if e.zero_centred else "no",
                    "saturates": "yes" if e.saturates else "no",
                    "verdict": e.verdict,
                }
                for e in ACTIVATIONS
            ]
        ),
        hide_index=True,
        width="stretch",
    )

    what_to_notice(
        [
            "Sigmoid's slope never exceeds 0.25 and is almost 0 beyond |x| ≈ 5: a chain of such "
            "layers multiplies many small numbers together.",
            "tanh is sigmoid stretched to (−1, 1): zero-centred, but with the same flat tails.",
            "ReLU's slope is exactly 1 for x > 0 and exactly 0 for x < 0: no saturation on the right, "
            "a dead zone on the left.",
            "Leaky ReLU and ELU keep a small slope on the left; set the slope a to 0 and Leaky ReLU "
            "becomes ReLU again.",
        ]
    )

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
