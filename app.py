"""optim-lab: routing only. Each lesson is a thin script in pages/."""

import streamlit as st

from optim_lab.config import enable_compile_cache

enable_compile_cache()
st.set_page_config(page_title="optim-lab", page_icon="📉", layout="wide")

pages = {
    "optim-lab": [st.Page("pages/home.py", title="Home", icon="🏠", default=True)],
}
st.navigation(pages).run()
