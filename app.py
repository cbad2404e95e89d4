"""optim-lab: routing only. Each lesson is a thin script in pages/."""

import logging

import streamlit as st

from optim_lab.config import enable_compile_cache
from optim_lab.offload import ComputeLimitError
from optim_lab.ui import PAGE_STOPPED
from optim_lab.ui.layout import LESSONS
from optim_lab.ui.serve import navigation_only

enable_compile_cache()
navigation_only()  # for `streamlit run app.py`; `make run` does it before the first session
st.set_page_config(page_title="optim-lab", page_icon=":material/trending_down:", layout="wide")

navigation = {
    section: [
        st.Page(lesson.path, title=lesson.title, icon=lesson.icon, default=lesson.default)
        for lesson in lessons
    ]
    for section, lessons in LESSONS.items()
}
try:
    st.navigation(navigation).run()
except ComputeLimitError as error:  # a training past the server's budget: the page stays usable
    st.warning(
        f"This computation was stopped: {error}. Smaller settings (fewer steps, trials or "
        "units) finish sooner."
    )
except Exception:  # a visitor sees a message, never a traceback or the server's paths
    logging.getLogger("optim_lab").exception("a page stopped on an unexpected error")
    st.error(
        f"**{PAGE_STOPPED}.** It was recorded on the server. Changing a setting, or opening the "
        "page again from the menu, starts it afresh."
    )
