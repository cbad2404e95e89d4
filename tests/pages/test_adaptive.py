"""AppTest checks of the adaptive-methods page (pages/lessons/adaptive.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from optim_lab.presets.adaptive import PRESETS

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "lessons" / "adaptive.py")


def run_page(**params: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def charts(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def names(figure: dict) -> list[str]:
    return [trace.get("name", "") for trace in figure["data"]]


def test_defaults_render_every_section():
    at = run_page()
    assert not at.exception
    assert not at.error
    paths, _loss, sizes, bias, _eps, eps_paths = charts(at)
    for label in ("SGD", "AdaGrad", "RMSprop", "Adam", "Adadelta"):
        assert any(n.startswith(label) for n in names(paths))
    assert sizes["layout"]["yaxis"]["type"] == "log"
    assert "with bias correction" in names(bias) and "without bias correction" in names(bias)
    assert {"ε outside √", "ε inside √"} <= set(names(eps_paths))
    # default β's: the first uncorrected step is √1000/10 ≈ 3.16 times too long
    assert at.metric[0].value == "3.16×"
    assert len(at.get("download_button")) == 3


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.name)
def test_presets(preset):
    at = run_page(**preset.params)
    assert not at.exception
    assert not at.error
    assert not at.warning


def test_bias_correction_preset_shows_the_slow_start():
    preset = next(p for p in PRESETS if p.name == "adam_bias_correction")
    at = run_page(**preset.params)
    first_step = float(at.metric[0].value.rstrip("×"))
    assert first_step == pytest.approx(0.1**0.5, abs=0.02)  # √(1−0.9): a third of the step


def test_widget_changes_redraw():
    at = run_page()
    before = charts(at)
    at.toggle(key="adaptive:sgd.on").set_value(False).run()
    assert not at.exception
    after = charts(at)
    assert not any(n.startswith("SGD") for n in names(after[0]))
    assert after[0] != before[0]
    at.radio(key="adaptive:qty").set_value("ratio").run()
    assert not at.exception
    assert charts(at)[2] != after[2]
    at.select_slider(key="adaptive:eps").set_value(1e-8).run()
    assert not at.exception
    assert charts(at)[4] != after[4]


def test_other_surface_and_rotation():
    at = run_page(surf="beale")
    assert not at.exception and not at.error
    at = run_page(**{"s.angle": "45", "steps": "100"})
    assert not at.exception and not at.error


def test_adadelta_accepts_its_whole_learning_rate_range():
    """Adadelta's α goes above 10; the schedule's base lr must accept it too."""
    at = run_page(**{"adadelta.lr": "50"})
    assert not at.exception
    assert not at.error
    assert any(n.startswith("Adadelta") for n in names(charts(at)[0]))


def test_malformed_url_parameter_shows_the_notice():
    at = run_page(surf="nowhere", **{"adam.lr": "fast"})
    assert not at.exception
    notice = at.warning[0].value
    assert "could not be used" in notice and "surf=nowhere" in notice and "adam.lr=fast" in notice
