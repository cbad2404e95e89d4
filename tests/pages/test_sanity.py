"""AppTest checks of the sanity-checks page (pages/lessons/sanity.py)."""

from __future__ import annotations

from pathlib import Path

from optim_lab.ui.export import png_available

from .apptest import charts, open_page

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "lessons" / "sanity.py")


def test_page_runs_all_checks_and_reacts_to_widgets():
    at = open_page(PAGE, timeout=180)
    assert not at.exception
    assert len(at.get("plotly_chart")) == 4
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


def _param(at, key: str) -> str | None:
    value = at.query_params.get(key)
    return value[-1] if isinstance(value, list) else value


def _symptom_chart(at) -> dict:
    return charts(at)[-1]  # the gallery is the page's last chart


def test_the_fix_button_reruns_the_symptom_fixed_and_back():
    at = open_page(PAGE, {"sym": "init"}, timeout=180)
    assert not at.exception
    mistake = _symptom_chart(at)
    assert any("for the first" in i.value and "steps" in i.value for i in at.info)  # the plateau
    button = at.button(key="sanity_fix")
    assert button.label == "Apply the fix: initialization N(0, 0.01²) → He (normal)"
    button.click().run()
    assert not at.exception
    assert _param(at, "fix") == "init" and _param(at, "sym") == "init"
    fixed = _symptom_chart(at)
    assert fixed != mistake
    assert any(t.get("name") == "with the mistake: training" for t in fixed["data"])
    assert any("Training loss 1.748 →" in s.value for s in at.success)
    at.button(key="sanity_fix").click().run()  # "Show the mistake again"
    assert not at.exception and "fix" not in at.query_params
    assert _symptom_chart(at) == mistake


def test_a_link_reproduces_a_fixed_symptom_and_another_symptom_shows_its_mistake():
    at = open_page(PAGE, {"sym": "high", "fix": "high"}, timeout=180)
    assert not at.exception
    assert at.button(key="sanity_fix").label == "Show the mistake again"
    at.radio(key="sanity:sym").set_value("overfit").run()
    assert not at.exception and "fix" not in at.query_params  # each symptom starts unfixed
    assert at.button(key="sanity_fix").label == "Apply the fix: L2 λ₂ 0 → 0.03"
    mistake = open_page(PAGE, {"sym": "high"}, timeout=180)
    notes = [a["text"] for a in _symptom_chart(mistake)["layout"]["annotations"]]
    assert "NaN from step 2 on" in notes
