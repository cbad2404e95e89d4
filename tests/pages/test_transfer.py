"""AppTest checks of the transfer-learning page (pages/lessons/transfer.py)."""

from __future__ import annotations

from pathlib import Path

from optim_lab.ui.export import png_available

from .apptest import charts, count_traces, open_page

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "lessons" / "transfer.py")


def test_page_fills_the_table_and_reacts_to_the_amount_of_data():
    at = open_page(PAGE, timeout=300)
    assert not at.exception
    figs = charts(at)
    assert len(figs) == 2
    grid, curve = figs
    cells = [a["text"] for a in grid["layout"]["annotations"]]
    assert len(cells) == 4 and all("best:" in c and "lectures:" in c for c in cells)
    assert len(curve["data"]) == 8  # 4 strategies × 2 similarities
    assert any("linear probe beats training from scratch" in s.value for s in at.success)
    assert len(at.get("download_button")) == 3 + png_available()  # CSV, JSON, HTML (, PNG)
    # changing the amount of data only reads the cached curves: no new compilation
    with count_traces() as traces:
        at.radio(key="transfer:little").set_value("1").run()
    assert not at.exception and not traces
    assert "5 examples" in charts(at)[0]["layout"]["yaxis"]["ticktext"][0]
    assert at.query_params["little"] in ("1", ["1"])  # the URL follows the control


def test_url_parameters_round_trip():
    at = open_page(PAGE, {"little": "5", "lots": "20"}, timeout=300)
    assert not at.exception
    assert at.radio(key="transfer:little").value == "5"
    ticks = charts(at)[0]["layout"]["yaxis"]["ticktext"]
    assert "25 examples" in ticks[0] and "100 examples" in ticks[1]


def test_malformed_link_shows_notice():
    at = open_page(PAGE, {"little": "7"}, timeout=300)
    assert not at.exception
    assert any("could not be used" in w.value for w in at.warning)
    assert at.radio(key="transfer:little").value == "2"
