"""Lesson: regularization — weight penalties (L2, L1, elastic net), dropout, early stopping, data
augmentation and more data. Each tab is one part in pages/parts/regularization/."""

import streamlit as st

from optim_lab.lessons.regularization import text
from optim_lab.ui.layout import page_header
from optim_lab.ui.state import UrlState
from pages.parts.regularization import data, dropout, penalties, stopping

PARTS = {
    "Weight penalties": penalties,
    "Dropout": dropout,
    "Early stopping": stopping,
    "Augmentation & more data": data,
}


def _tab_select() -> str:
    def parse(text: str) -> str:
        if text not in PARTS:
            raise ValueError(f"choose one of {', '.join(PARTS)}")
        return text

    return state.prepare("tab", next(iter(PARTS)), parse)


state = UrlState("regularization")
page_header("Regularization", text.INTRO)
tabs = st.tabs(list(PARTS), key=_tab_select(), on_change="rerun")
for tab, part in zip(tabs, PARTS.values(), strict=True):
    part.show(state, tab)
state.finish()
