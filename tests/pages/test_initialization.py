"""AppTest checks of the weight-initialization page (pages/lessons/initialization.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from optim_lab.lessons.initialization.presets import PRESETS

from .apptest import charts, open_page

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "lessons" / "initialization.py")


def std_column(at: AppTest) -> list[float]:
    return at.dataframe[0].value["std"].tolist()


def test_defaults_reproduce_small_random_collapse():
    at = open_page(PAGE)
    assert not at.exception
    assert len(at.get("plotly_chart")) == 3
    std = std_column(at)
    assert abs(std[0] - 0.21) < 0.02 and std[-1] < 1e-3
    assert any("Vanishing" in w.value for w in at.warning)


def test_quick_button_switches_to_xavier_and_changes_figure():
    at = open_page(PAGE)
    before = charts(at)[0]
    at.button(key="init_quick_tanh_xavier_0.01").click().run()
    assert not at.exception
    assert charts(at)[0] != before
    std = std_column(at)
    assert abs(std[0] - 0.63) < 0.03 and abs(std[-1] - 0.23) < 0.03
    assert at.query_params["init"] in ("xavier", ["xavier"])


@pytest.mark.parametrize("preset", PRESETS)
def test_presets_run(preset):
    at = open_page(PAGE, preset.params)
    assert not at.exception
    assert not any("could not be used" in w.value for w in at.warning)


def test_zero_init_and_malformed_link():
    at = open_page(PAGE, {"init": "zeros", "layers": "many"})
    assert not at.exception
    assert any("Symmetry" in e.value for e in at.error)
    assert any("could not be used" in w.value for w in at.warning)
