"""AppTest checks of the sanity-checks page (pages/lessons/sanity.py)."""

from __future__ import annotations

from pathlib import Path

from optim_lab.ui.export import png_available

from .apptest import charts, open_page

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "lessons" / "sanity.py")


def test_page_runs_all_four_checks_and_reacts_to_widgets():
    at = open_page(PAGE, timeout=180)
    assert not at.exception
    assert len(at.get("plotly_chart")) == 3
    assert any("matches ln C" in s.value for s in at.success)
    assert any(m.value == "100%" for m in at.metric)  # the 20 examples are memorised
    assert any("diverged at step" in w.value for w in at.warning)  # lr = 10
    assert any("planted bug is caught" in s.value for s in at.success)
    verdicts = at.dataframe[0].value
    assert set(verdicts["verdict"]) == {"pass"} and "FAIL" in set(verdicts["verdict (bug)"])
    assert len(at.get("download_button")) == 3 + png_available()  # CSV, JSON, HTML (, PNG)
    before = charts(at)[0]
    at.selectbox(key="sanity:init").set_value("he").run()
    assert not at.exception
    assert charts(at)[0] != before
    assert any("away from ln C" in w.value for w in at.warning)


def test_malformed_link_shows_notice():
    at = open_page(PAGE, {"gact": "swish"}, timeout=180)
    assert not at.exception
    assert any("could not be used" in w.value for w in at.warning)
