"""Home: what optim-lab is, the lesson map, and one-click lecture presets."""

import streamlit as st

from optim_lab.lessons import all_presets
from optim_lab.ui.layout import LESSONS, lesson_page, page_header, preset_box_key
from optim_lab.ui.sections import section

page_header(
    "optim-lab",
    "See how neural networks are trained. Every lesson below is interactive: pick an optimizer, "
    "move a slider and watch the update rule play out on a loss surface, step by step. Every number "
    "is computed live by a compiled JAX engine, and every view has a link you can share: the "
    "address bar always holds the page's settings.",
)

with section("Lessons"):
    sections = [(name, lessons) for name, lessons in LESSONS.items() if name != "Start"]
    columns = st.columns(len(sections))
    for column, (group, lessons) in zip(columns, sections, strict=True):
        with column:
            st.markdown(f"**{group}**")
            for lesson in lessons:
                st.page_link(lesson_page(lesson.path))
                st.caption(lesson.summary)

with section("Lecture presets"):
    st.page_link(lesson_page("pages/lessons/lectures.py"))
    st.caption(next(lesson.summary for lesson in LESSONS["Start"] if not lesson.default))
    st.markdown(
        "One click opens a lesson with a scenario from the lectures already set up. Change anything "
        "afterwards: the preset is only a starting point."
    )
    presets = all_presets()
    lessons = [lesson for group in LESSONS.values() for lesson in group]
    with_presets = [lesson for lesson in lessons if any(p.page == lesson.path for p in presets)]
    columns = st.columns(2)
    for i, lesson in enumerate(with_presets):
        box = columns[i % 2].expander(
            lesson.title,
            icon=lesson.icon,
            expanded=i < 2,
            key=preset_box_key(lesson),
            on_change="rerun",
        )
        if box.open:  # a closed box sends nothing: Home stays light to serve
            for preset in (p for p in presets if p.page == lesson.path):
                box.page_link(
                    lesson_page(preset.page),
                    label=preset.label,
                    icon=":material/school:",
                    query_params=preset.params,
                )
                box.caption(preset.description)

    st.divider()
    st.caption(
        "Tip for lectures: the ⋮ menu (top right) → Settings switches between light and dark themes and wide "
        "mode; the same engine runs headless as `optim-lab` on the command line."
    )
