"""AppTest checks of the activation-functions page (pages/lessons/activations.py)."""

from __future__ import annotations

from pathlib import Path

from optim_lab.ui.export import png_available

from .apptest import charts, open_page

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "lessons" / "activations.py")


def test_defaults_overlay_three_functions():
    at = open_page(PAGE)
    assert not at.exception
    names = {t.get("name") for t in charts(at)[0]["data"]}
    assert {"ReLU", "Sigmoid", "tanh"} <= names
    assert any("dead for z < " in m.value for m in at.markdown)
    assert len(at.get("download_button")) == 3 + png_available()  # CSV, JSON, HTML (, PNG)


def test_widget_change_changes_figure():
    at = open_page(PAGE)
    before = charts(at)[0]
    at.selectbox(key="activations:a2").set_value("elu").run()
    assert not at.exception
    after = charts(at)[0]
    assert after != before
    assert any(str(t.get("name", "")).startswith("ELU") for t in after["data"])
    assert at.query_params["a2"] in ("elu", ["elu"])


def test_link_with_parameters_and_malformed_value():
    at = open_page(
        PAGE,
        {"a1": "leaky_relu", "a1.leaky_relu.slope": "0.2", "a3": "none", "xr": "bogus"},
    )
    assert not at.exception
    names = [str(t.get("name", "")) for t in charts(at)[0]["data"]]
    assert any("slope=0.2" in n for n in names)
    assert not any(n == "tanh" for n in names)
    assert any("could not be used" in w.value for w in at.warning)
