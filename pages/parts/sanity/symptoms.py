"""Sanity checks, part 5: babysitting. Curves of real runs with a planted mistake, to read and
diagnose, each with what to look at, the fix and a button that reruns it fixed."""

import streamlit as st

from optim_lab.lessons.sanity import text
from optim_lab.lessons.sanity.figures import symptom_figure
from optim_lab.lessons.sanity.symptoms import BY_NAME, NAMES, change, describe, reading
from optim_lab.ui import nn_cache, widgets

#: The ``fix`` URL value when the mistake is shown; otherwise the name of the fixed symptom.
MISTAKE = "none"


def _parse_fix(value: str) -> str:
    if value != MISTAKE and value not in NAMES:
        raise ValueError(f"choose one of {', '.join(NAMES)}")
    return value


def show(state) -> dict:
    """The symptom picker, its run (with the mistake, or fixed), what to look at and the fix;
    returns ``{"symptom", "fixed", "run"}``."""
    st.markdown(text.SYMPTOMS_INTRO)
    name = widgets.choice(
        state,
        "sym",
        "symptom",
        list(NAMES),
        NAMES[0],
        format_func=lambda n: BY_NAME[n].title,
        horizontal_radio=True,
    )
    entry = BY_NAME[name]
    fix_key = state.prepare("fix", MISTAKE, _parse_fix)
    if st.session_state[fix_key] != name:  # a fix applies to the symptom it was applied to
        st.session_state[fix_key] = MISTAKE
    fixed = st.session_state[fix_key] == name
    with st.spinner("Training the run with the mistake…"):
        planted = nn_cache.symptom_run(name, False)
    run = planted
    if fixed:
        with st.spinner("Training the run with the fix…"):
            run = nn_cache.symptom_run(name, True)
    st.caption(f"**{entry.states[fixed].capitalize()}:** {describe(entry, fixed, run['examples'])}")
    fig = symptom_figure(run, planted if fixed else None, entry.states[0])
    st.plotly_chart(fig, key="sanity_symptom")
    (st.success if fixed else st.info)(reading(name, run, planted if fixed else None))
    look, fix = st.columns(2, gap="medium")
    look.markdown(f"**What to look at.** {entry.look}")
    with fix:
        st.markdown(f"**The fix.** {entry.fix}")
        st.button(
            entry.undo if fixed else f"{entry.action}: {change(entry)}",
            key="sanity_fix",
            on_click=state.set,
            args=("fix", MISTAKE if fixed else name),
            icon=":material/undo:" if fixed else ":material/build:",
            type="secondary" if fixed else "primary",
        )
    return {"symptom": name, "fixed": fixed, "run": run}
