"""Sanity checks, part 4: a gradient check in float64, of backprop as written and with a planted
bug."""

import pandas as pd
import streamlit as st

from optim_lab.lessons.sanity import text
from optim_lab.lessons.sanity.experiment import PASS, WARN, bug_caught, check_table
from optim_lab.lessons.sanity.figures import verdict_style
from optim_lab.nn import ACTIVATIONS
from optim_lab.ui import nn_cache, widgets
from optim_lab.ui.layout import notice

CHECK_DATA = ("spiral", "moons", "xor", "circles")
ERROR_FORMATS = dict.fromkeys(("correct backprop", "backprop without f′(z)"), "{:.2e}")


def show(state) -> tuple[dict, dict]:
    """The controls, both checks per tensor and whether the bug is caught; returns the checks of
    the correct and of the broken backward pass."""
    st.markdown(text.GRADCHECK)
    st.latex(text.GRADCHECK_FORMULA)
    g_controls, g_table = st.columns([1, 3], gap="medium")
    with g_controls:
        g_act = widgets.entry_choice(state, "gact", "activation", ACTIVATIONS, "tanh")
        g_data = widgets.choice(state, "gdata", "data (50 examples)", list(CHECK_DATA), "spiral")
        g_seed = widgets.integer(state, "gseed", "seed", 0, 0, 9999)
    with st.spinner("Checking gradients in float64…"):
        good = nn_cache.grad_check(g_act, g_data, False, g_seed)
        bad = nn_cache.grad_check(g_act, g_data, True, g_seed)
    check = pd.DataFrame(check_table(good, bad))
    with g_table:
        st.dataframe(
            check.style.format(ERROR_FORMATS).map(
                verdict_style, subset=["verdict", "verdict (bug)"]
            ),
            hide_index=True,
            width="stretch",
        )
        st.caption(
            f"Network 2-8-8-out, {good['checked']} coordinates checked in float64. "
            f"Green: error < {PASS:g} (correct); amber: < {WARN:g} (look closer, e.g. kinks of "
            "ReLU); red: a bug."
        )
        notice(*bug_caught(good, bad))
    return good, bad
