"""AppTest checks of the activation-functions page (pages/lessons/activations.py)."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "lessons" / "activations.py")


def run_page(**params: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def figure(at: AppTest, index: int = 0) -> dict:
    return json.loads(at.get("plotly_chart")[index].proto.spec)


def test_defaults_overlay_three_functions():
    at = run_page()
    assert not at.exception
    names = {t.get("name") for t in figure(at)["data"]}
    assert {"ReLU", "Sigmoid", "tanh"} <= names
    assert any("dead for z < " in m.value for m in at.markdown)
    assert len(at.get("download_button")) == 3


def test_widget_change_changes_figure():
    at = run_page()
    before = figure(at)
    at.selectbox(key="activations:a2").set_value("elu").run()
    assert not at.exception
    after = figure(at)
    assert after != before
    assert any(str(t.get("name", "")).startswith("ELU") for t in after["data"])
    assert at.query_params["a2"] in ("elu", ["elu"])


def test_link_with_parameters_and_malformed_value():
    at = run_page(a1="leaky_relu", **{"a1.leaky_relu.slope": "0.2", "a3": "none", "xr": "bogus"})
    assert not at.exception
    names = [str(t.get("name", "")) for t in figure(at)["data"]]
    assert any("slope=0.2" in n for n in names)
    assert not any(n == "tanh" for n in names)
    assert any("could not be used" in w.value for w in at.warning)
