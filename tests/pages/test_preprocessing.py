"""AppTest checks of the data-preprocessing page (pages/lessons/preprocessing.py)."""

from __future__ import annotations

from pathlib import Path

from optim_lab.ui.export import png_available

from .apptest import charts, open_page

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "lessons" / "preprocessing.py")


def test_defaults_show_clouds_and_paths():
    at = open_page(PAGE)
    assert not at.exception
    assert len(at.get("plotly_chart")) == 2
    titles = [a["text"] for a in charts(at)[0]["layout"]["annotations"]]
    assert titles[-4:] == ["centred", "standardized", "PCA-rotated", "whitened"]
    metrics = [m.value for m in at.metric]
    assert metrics[0] == "100%"  # all-positive inputs: every update moves both weights alike
    assert len(at.get("download_button")) == 3 + png_available()  # CSV, JSON, HTML (, PNG)


def test_widget_change_changes_figures():
    at = open_page(PAGE)
    clouds, paths = charts(at)[0], charts(at)[1]
    at.slider(key="preprocessing:seed").set_value(3).run()
    assert not at.exception
    assert charts(at)[0] != clouds
    at.slider(key="preprocessing:epochs").set_value(5).run()
    assert charts(at)[1] != paths


def test_malformed_link_shows_notice():
    at = open_page(PAGE, {"lr": "-3", "n": "50"})
    assert not at.exception
    assert any("could not be used" in w.value for w in at.warning)
    assert at.slider(key="preprocessing:n").value == 50
