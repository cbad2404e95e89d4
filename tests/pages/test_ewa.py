"""AppTest checks of the weighted-averages page (pages/lessons/ewa.py)."""

from __future__ import annotations

import base64
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from optim_lab.ui.export import png_available

from .apptest import charts, open_page

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "lessons" / "ewa.py")


def values(data) -> list:
    """A figure array as a list (Plotly writes NumPy arrays as base64 typed arrays)."""
    if isinstance(data, dict) and "bdata" in data:
        return np.frombuffer(base64.b64decode(data["bdata"]), dtype=data["dtype"]).tolist()
    return list(data)


def latex(at: AppTest) -> str:
    return "\n".join(element.value for element in at.latex)


def test_defaults_render_both_figures():
    at = open_page(PAGE)
    assert not at.exception
    assert not at.error
    assert len(at.get("plotly_chart")) == 2
    names = [trace.get("name", "") for trace in charts(at)[0]["data"]]
    assert any("EWA" in n for n in names) and any("bias-corrected" in n for n in names)
    assert any("last 10 values" in n for n in names)  # β = 0.9 → window of 10
    assert len(at.get("download_button")) == 3 + png_available()  # CSV, JSON, HTML (, PNG)


def test_quick_pick_sets_beta_and_redraws():
    at = open_page(PAGE)
    before = charts(at)[0]
    at.button(key="ewa_quick_0.98").click().run()
    assert not at.exception
    assert at.slider(key="ewa:beta").value == 0.98
    assert charts(at)[0] != before
    text = latex(at)
    # the lecture's worked example, computed live for β = 0.98
    assert "0.0196" in text and "0.02" in text and "0.0396" in text
    assert at.query_params["beta"] in ("0.98", ["0.98"])


def test_seed_changes_the_data():
    at = open_page(PAGE)
    before = values(charts(at)[0]["data"][0]["y"])
    at.slider(key="ewa:seed").set_value(7).run()
    assert not at.exception
    assert values(charts(at)[0]["data"][0]["y"]) != before


def test_pasted_numbers_are_used():
    at = open_page(PAGE, {"src": "paste", "data": "40, 49 45\n44", "beta": "0.5"})
    assert not at.exception and not at.error
    assert values(charts(at)[0]["data"][0]["y"]) == [40.0, 49.0, 45.0, 44.0]
    assert "θ₁ = 40, θ₂ = 49" in "\n".join(m.value for m in at.markdown)


def test_bad_numbers_show_a_message_and_the_page_keeps_working():
    at = open_page(PAGE, {"src": "paste", "data": "1, two, 3"})
    assert not at.exception
    assert "'two' (entry 2)" in at.error[0].value
    assert len(at.get("plotly_chart")) == 2


def test_malformed_url_parameter_shows_the_notice():
    at = open_page(PAGE, {"beta": "abc", "src": "nowhere"})
    assert not at.exception
    notice = at.warning[0].value
    assert "could not be used" in notice and "beta=abc" in notice and "src=nowhere" in notice
    assert at.slider(key="ewa:beta").value == 0.9
