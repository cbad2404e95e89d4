"""Lectures: the course's lectures as scripts of steps, to present or to follow alone; a teacher's
own script from a file, turned into a link; the script format."""

import streamlit as st

from optim_lab.lectures import shipped, shipped_names, shipped_text
from optim_lab.lectures.readings import READINGS
from optim_lab.lectures.schema import (
    MAX_LINK_CHARS,
    MAX_SCRIPT_BYTES,
    REFERENCE,
    ScriptError,
    parse_script,
    to_link,
)
from optim_lab.ui.layout import page_header
from optim_lab.ui.presenter import lecture_contents
from optim_lab.ui.sections import section
from optim_lab.ui.state import UrlState, plain_text

state = UrlState("lectures")
page_header(
    "Lectures",
    "Each lecture of the course as a script: an ordered list of steps, each one a lesson page "
    "already set up, with its talking points and the slide's question. Some steps ask for a "
    "prediction first and show the run only once it is made. **Present it** opens the presenter "
    "view for a projector: no sidebar, larger type, only the controls the step needs, and ← / → "
    "to move through the steps. **Follow it on your own** keeps the whole page and your answers "
    "in the link, so you can pick up where you left off.",
)

with section("The course's lectures"):
    for name in shipped_names():
        lecture = shipped(name)
        label = f"{lecture.title} · {len(lecture.steps)} steps"
        with st.expander(label, icon=":material/co_present:"):
            lecture_contents(lecture, {"lecture": name})

with section("Your own script"):
    st.markdown(
        "Write a script in the format below (TOML or JSON) and load it here: it is checked, then "
        "packed into its links, so the links alone open it on any computer. Nothing is stored "
        "on the server."
    )
    upload = st.file_uploader(
        f"A lecture script (.toml or .json, at most {MAX_SCRIPT_BYTES // 1000} kB)",
        type=["toml", "json"],
        key="lecture-upload",
    )
    if upload is not None:
        fmt = "json" if upload.name.lower().endswith(".json") else "toml"
        try:
            own = parse_script(upload.getvalue(), fmt)
            word = to_link(own)
        except ScriptError as error:  # the message may quote the file: plain text only
            st.error(f"This script cannot be used: {plain_text(error, limit=400)}")
        else:
            st.success(
                f"**{plain_text(own.title)}**: {len(own.steps)} steps, "
                f"packed into {len(word):,} characters of each link (at most {MAX_LINK_CHARS:,})."
            )
            lecture_contents(own, {"script": word})

with section("The script format"):
    st.markdown(
        "One table per step, in order. Text is shown as written, without formatting. A step's "
        "`params` are the page's URL parameters (open the page, set it up, and copy them from "
        "the address bar); a preset's parameters can be the starting point."
    )
    st.markdown(
        "| field | what it holds |\n|---|---|\n"
        + "\n".join(f"| `{field}` | {meaning} |" for field, meaning in REFERENCE)
    )
    st.markdown(
        "**Readings.** A prediction's `reading` computes its answer and the numbers its "
        "explanation quotes, from the run on the screen:\n\n"
        + "\n".join(
            f"- `{r.name}` ({r.page} page"
            + (f", answers a {r.answers} question" if r.answers else "")
            + f"): {r.description} Values: "
            + ", ".join(f"`{v}`" for v in r.values)
            + "."
            for r in READINGS.values()
        )
    )
    example = shipped_names()[-1]
    with st.expander("An example: " + plain_text(shipped(example).title)):
        st.code(shipped_text(example), language="toml")
    st.download_button(
        "Download the example",
        shipped_text(example),
        file_name=f"{example}.toml",
        mime="application/toml",
        icon=":material/download:",
    )
state.finish()
