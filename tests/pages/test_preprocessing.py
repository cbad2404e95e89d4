"""AppTest checks of the data-preprocessing page (pages/lessons/preprocessing.py)."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "lessons" / "preprocessing.py")


def run_page(**params: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def figure(at: AppTest, index: int = 0) -> dict:
    return json.loads(at.get("plotly_chart")[index].proto.spec)


def test_defaults_show_clouds_and_paths():
    at = run_page()
    assert not at.exception
    assert len(at.get("plotly_chart")) == 2
    titles = [a["text"] for a in figure(at)["layout"]["annotations"]]
    assert titles[-4:] == ["centred", "standardized", "PCA-rotated", "whitened"]
    metrics = [m.value for m in at.metric]
    assert metrics[0] == "100%"  # all-positive inputs: every update moves both weights alike
    assert len(at.get("download_button")) == 3


def test_widget_change_changes_figures():
    at = run_page()
    clouds, paths = figure(at, 0), figure(at, 1)
    at.slider(key="preprocessing:seed").set_value(3).run()
    assert not at.exception
    assert figure(at, 0) != clouds
    at.slider(key="preprocessing:epochs").set_value(5).run()
    assert figure(at, 1) != paths


def test_malformed_link_shows_notice():
    at = run_page(lr="-3", n="50")
    assert not at.exception
    assert any("could not be used" in w.value for w in at.warning)
    assert at.slider(key="preprocessing:n").value == 50
