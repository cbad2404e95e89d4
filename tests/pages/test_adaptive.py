"""AppTest checks of the adaptive-methods page (pages/lessons/adaptive.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from optim_lab.figures.animation import mp4_available
from optim_lab.lessons.adaptive.presets import PRESETS
from optim_lab.ui.export import png_available

from .apptest import charts, open_page

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "lessons" / "adaptive.py")


def names(figure: dict) -> list[str]:
    return [trace.get("name", "") for trace in figure["data"]]


def test_defaults_render_every_section():
    at = open_page(PAGE)
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
    # CSV, JSON, HTML (, PNG); the animation's GIF (, MP4) in a popover, drawn when opened
    assert len(at.get("download_button")) == 3 + png_available()
    gif = "GIF, MP4" if mp4_available() else "GIF"
    assert [p.proto.popover.label.endswith(f"({gif})") for p in at.get("popover")] == [True]


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.name)
def test_presets(preset):
    at = open_page(PAGE, preset.params)
    assert not at.exception
    assert not at.error
    assert not at.warning


def test_bias_correction_preset_shows_the_slow_start():
    preset = next(p for p in PRESETS if p.name == "adam_bias_correction")
    at = open_page(PAGE, preset.params)
    first_step = float(at.metric[0].value.rstrip("×"))
    assert first_step == pytest.approx(0.1**0.5, abs=0.02)  # √(1−0.9): a third of the step


def test_widget_changes_redraw():
    at = open_page(PAGE)
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
    at = open_page(PAGE, {"surf": "beale"})
    assert not at.exception and not at.error
    at = open_page(PAGE, {"s.angle": "45", "steps": "100"})
    assert not at.exception and not at.error


def test_loss_gap_stays_on_a_log_axis_when_the_minimum_moves():
    """Rosenbrock with a = 2: the listed minimum (1, 1) is no longer the bottom (that is (2, 4));
    the runs get below it, and the reference follows them so every gap stays positive."""
    at = open_page(PAGE, {"surf": "rosenbrock", "s.a": "2", "steps": "1000"})
    assert not at.exception and not at.error
    loss = charts(at)[1]
    assert loss["layout"]["yaxis"]["type"] == "log"
    assert loss["layout"]["yaxis"]["title"]["text"] == "loss − minimum (log)"


def test_adadelta_accepts_its_whole_learning_rate_range():
    """Adadelta's α goes above 10; the schedule's base lr must accept it too."""
    at = open_page(PAGE, {"adadelta.lr": "50"})
    assert not at.exception
    assert not at.error
    assert any(n.startswith("Adadelta") for n in names(charts(at)[0]))


def test_malformed_url_parameter_shows_the_notice():
    at = open_page(PAGE, {"surf": "nowhere", "adam.lr": "fast"})
    assert not at.exception
    notice = at.warning[0].value
    assert "could not be used" in notice and "surf=nowhere" in notice and "adam.lr=fast" in notice
