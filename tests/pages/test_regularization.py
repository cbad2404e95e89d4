"""AppTest checks of the regularization page (pages/lessons/regularization.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from optim_lab.lessons.regularization.presets import PRESETS

from .apptest import charts, open_page

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "lessons" / "regularization.py")


def qp(at, key: str):
    value = at.query_params.get(key)
    return value[0] if isinstance(value, list) else value


def test_penalties_tab_renders_and_lambda_round_trips():
    at = open_page(PAGE, timeout=300)
    assert not at.exception
    figs = charts(at)
    assert len(figs) == 6  # gap, curves, boundary, histogram, pull, the constraint picture
    assert len(at.get("download_button")) >= 3
    before = figs[0]
    at.select_slider(key="regularization:lam").set_value(0.03).run()
    assert not at.exception
    assert qp(at, "lam") == "0.03"
    assert charts(at)[0] != before
    at.radio(key="regularization:pen").set_value("l1").run()
    assert qp(at, "pen") == "l1"
    assert any("Exactly zero weights" in c.value for c in at.caption)
    # a link reproduces the view
    again = open_page(PAGE, {"lam": "0.03", "pen": "l1"}, timeout=300)
    assert charts(again)[0] == charts(at)[0]


def test_lambda_zero_shows_no_pull():
    at = open_page(PAGE, {"lam": "0"}, timeout=300)
    assert not at.exception
    assert len(charts(at)) == 5  # no pull figure at λ = 0
    assert any("no penalty" in i.value for i in at.info)


def test_dropout_tab_expectation_and_keep_sweep():
    at = open_page(PAGE, {"tab": "Dropout", "p": "0.5"}, timeout=300)
    assert not at.exception
    assert len(charts(at)) == 2
    assert any("= **0.5000**" in m.value for m in at.markdown)  # ½(w₁x + w₂y) with w=(1,2), (3,-1)
    table = at.dataframe[1].value
    assert list(table["keep p"]) == [1.0, 0.8, 0.6, 0.4]
    at.slider(key="regularization:p").set_value(0.25).run()
    assert not at.exception
    assert qp(at, "p") == "0.25"
    assert any("= **0.2500**" in m.value for m in at.markdown)


def test_early_stopping_tab_follows_patience():
    at = open_page(PAGE, {"tab": "Early stopping", "patience": "20"}, timeout=300)
    assert not at.exception
    assert len(charts(at)) == 1
    metrics = {m.label: m.value for m in at.metric}
    best, stop = int(metrics["best step (restored)"]), int(metrics["stops at step"])
    assert stop - best == 20
    at.slider(key="regularization:patience").set_value(300).run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["stops at step"] == "never" or int(metrics["stops at step"]) > stop
    assert qp(at, "patience") == "300"


def test_augmentation_tab():
    at = open_page(PAGE, {"tab": "Augmentation & more data", "shift": "0.5"}, timeout=300)
    assert not at.exception
    assert len(charts(at)) == 3  # digits grid, augmentation bars, size curve
    assert at.radio(key="regularization:shift").value == "0.5"


def test_malformed_link_shows_notice():
    at = open_page(PAGE, {"lam": "7", "tab": "Nope"}, timeout=300)
    assert not at.exception
    assert any("could not be used" in w.value for w in at.warning)
    assert len(charts(at)) == 6  # falls back to the first tab


@pytest.mark.parametrize(
    "preset",
    PRESETS,
    ids=lambda p: p.name,
)
def test_presets_run(preset):
    at = open_page(PAGE, preset.params, timeout=300)
    assert not at.exception
    assert not any("could not be used" in w.value for w in at.warning)
    assert charts(at)
