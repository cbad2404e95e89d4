"""optim-lab: routing only. Each lesson is a thin script in pages/."""

import streamlit as st

from optim_lab import offload
from optim_lab.config import enable_compile_cache
from optim_lab.ui.layout import navigation_pages, presenting, scale_figures
from optim_lab.ui.presenter import presenter_style
from optim_lab.ui.sections import guarded
from optim_lab.ui.serve import navigation_only

enable_compile_cache()
offload.new_caller()  # this page run's trainings wait in line as one
navigation_only()  # for `streamlit run app.py`; `make run` does it before the first session
presenter = presenting()  # a projector's view: no sidebar (a page's own stays collapsed)
st.set_page_config(
    page_title="optim-lab",
    page_icon=":material/trending_down:",
    layout="wide",
    initial_sidebar_state="collapsed" if presenter else "auto",
)
if presenter:
    presenter_style()
scale_figures()

with guarded("This page"):
    st.navigation(navigation_pages(), position="hidden" if presenter else "sidebar").run()
