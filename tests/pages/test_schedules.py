"""AppTest checks of the learning-rate schedules page (pages/lessons/schedules.py)."""

import json
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from streamlit.testing.v1 import AppTest

from optim_lab.figures import plain
from optim_lab.lessons.schedules.presets import PRESETS

from .apptest import charts, count_traces, open_page

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "lessons" / "schedules.py")


def test_defaults_render_every_section():
    at = open_page(PAGE)
    assert not at.exception
    assert not at.error
    # schedules, contour, loss, lr, range test, range test on a network
    assert len(at.get("plotly_chart")) == 6
    names = [trace["name"] for trace in json.loads(at.get("plotly_chart")[0].proto.spec)["data"]]
    assert names == ["Step decay", "Cosine annealing", "Cyclical (triangular)",
                     "Cosine with warm restarts (SGDR)"]  # fmt: skip
    assert any(m.label == "suggested α" for m in at.metric)


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.name)
def test_presets(preset):
    assert preset.page == "pages/lessons/schedules.py"
    at = open_page(PAGE, preset.params)
    assert not at.exception
    assert not at.error
    assert not at.warning  # every parameter was understood, no run diverged
    contour = json.loads(at.get("plotly_chart")[1].proto.spec)
    labels = [t.get("name", "") for t in contour["data"]]
    assert any("constant α" in label for label in labels)
    assert any(preset.params["r.sched"].split("_")[0] in label.lower() for label in labels)


def test_widget_change_changes_the_figure():
    at = open_page(PAGE)
    before = json.loads(at.get("plotly_chart")[0].proto.spec)
    at.toggle(key="schedules:logy").set_value(True).run()
    after = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert not at.exception
    assert before["layout"]["yaxis"].get("type") != "log"
    assert after["layout"]["yaxis"]["type"] == "log"
    assert at.query_params["logy"] == "1"


def test_schedule_parameter_moves_the_curve():
    at = open_page(PAGE, {"show": "step"})
    before = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]["y"]
    at.slider(key="schedules:s.step.gamma").set_value(0.1).run()
    after = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]["y"]
    assert before != after


def test_malformed_url_parameter_shows_the_notice():
    at = open_page(PAGE, {"steps": "lots", "show": "step,nonsense"})
    assert not at.exception
    notice = " ".join(w.value for w in at.warning)
    assert "could not be used" in notice
    assert "steps=lots" in notice and "nonsense" in notice


def test_bad_milestones_show_an_error_not_a_traceback():
    at = open_page(PAGE, {"show": "multistep,step", "s.multistep.milestones": "10,oops"})
    assert not at.exception
    # the malformed text is refused at the URL; typing it into the box shows an error instead
    at.text_input(key="schedules:s.multistep.milestones").set_value("10,oops").run()
    assert not at.exception
    assert any("milestones" in e.value for e in at.error)
    assert len(json.loads(at.get("plotly_chart")[0].proto.spec)["data"]) == 1  # step still drawn


def test_range_test_suggestion_can_be_used_in_section_2():
    at = open_page(PAGE)
    suggested = next(m for m in at.metric if m.label == "suggested α").value
    button = next(b for b in at.button if b.label.startswith("Use α"))
    button.click().run()
    assert not at.exception
    assert at.query_params["sgd.lr"] == suggested


def test_arena_button_carries_the_suggestion():
    app = str(Path(PAGE).parents[2] / "app.py")
    at = AppTest.from_file(app, default_timeout=90).run()
    at.switch_page("pages/lessons/schedules.py")
    at.query_params["surface"] = "bowl"
    at.query_params["sp.kappa"] = "50"
    at.query_params["opt"] = "adam"
    at.run()
    assert not at.exception
    suggested = next(m for m in at.metric if m.label == "suggested α").value
    next(b for b in at.button if b.label.startswith("Open it in the arena")).click().run()
    assert not at.exception
    assert at.title[0].value == "Optimizer arena"
    # the arena keeps the parameters it understood: no "could not be used" notice
    assert not any("could not be used" in w.value for w in at.warning)
    assert at.query_params["r1.opt"] == "adam"
    assert at.query_params["r1.adam.lr"] == suggested
    assert at.query_params["s.kappa"] == "50"


def test_moving_sliders_never_recompiles():
    at = open_page(PAGE, computed=True)
    with count_traces() as traces:
        at.select_slider(key="schedules:sgd.lr").set_value(0.05).run()
        at.slider(key="schedules:s.step.gamma").set_value(0.2).run()
        at.slider(key="schedules:steps").set_value(700).run()  # any length: one program
        at.slider(key="schedules:r.cosine.t_max").set_value(150).run()
        at.select_slider(key="schedules:rt.min").set_value(1e-4).run()
        at.slider(key="schedules:sp.batch_size").set_value(20).run()
    assert not at.exception
    assert traces == []


def _network_table(at) -> dict[str, float]:
    """The network range test's table: rule → α."""
    table = next(t.value for t in at.table if t.value.index.name == "rule")
    return {rule: float(row["α"]) for rule, row in table.iterrows()}


def test_network_range_test_draws_its_curve_and_suggestions():
    at = open_page(PAGE, {"n.units": "12", "n.bs": "16"})
    assert not at.exception and not at.error
    fig = charts(at)[-1]
    names = [trace["name"] for trace in fig["data"]]
    assert names[:2] == ["mini-batch loss", "smoothed (β = 0.98)"]
    table = _network_table(at)
    assert list(table) == ["steepest slope", "minimum ÷ 10", "valley"]
    for label, alpha in table.items():
        assert any(name.startswith(f"{label}: α ≈ {alpha:.2g}") for name in names)
    assert fig["layout"]["xaxis"]["type"] == "log"
    assert any(shape["type"] == "rect" for shape in fig["layout"]["shapes"])  # cyclical bounds
    assert at.query_params["n.units"] == "12" and at.query_params["n.bs"] == "16"


def test_network_range_test_link_carries_the_rate_into_the_playground():
    app = str(Path(PAGE).parents[2] / "app.py")
    at = AppTest.from_file(app, default_timeout=90).run()
    at.switch_page("pages/lessons/schedules.py")
    at.query_params["n.ds"] = "moons"
    at.query_params["n.use"] = "min_div_10"
    at.run()
    assert not at.exception and not at.error
    link = next(link for link in at.get("page_link") if "playground" in link.proto.label)
    params = dict(parse_qsl(link.proto.query_string))
    assert link.proto.page == "playground"
    assert float(params["o1.adam.lr"]) == _network_table(at)["minimum ÷ 10"]
    assert params["ds"] == "moons" and params["bs"] == "32" and params["batch"] == "mini"
    # the playground understands every parameter of the link
    at.switch_page("pages/lessons/playground.py")
    at.query_params.clear()
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    assert not any("could not be used" in w.value for w in at.warning)
    assert at.session_state["playground:o1.adam.lr"] == float(params["o1.adam.lr"])
    assert at.session_state["playground:bs"] == 32 and at.session_state["playground:ds"] == "moons"


def test_the_decks_recursion_is_drawn_dotted_beside_the_closed_form():
    at = open_page(PAGE, {"show": "exponential"})
    assert not at.exception
    at.toggle(key="schedules:s.exponential.deck").set_value(True).run()
    assert not at.exception
    traces = charts(at)[0]["data"]
    closed, recursion = traces[0], traces[1]
    assert recursion["name"] == "Exponential decay, the decks' recursion"
    assert (
        recursion["line"]["dash"] == "dot" and recursion["line"]["color"] == closed["line"]["color"]
    )
    assert plain.values(recursion["y"])[-1] < plain.values(closed["y"])[-1]


def test_a_closed_tabs_schedule_holds_without_its_widgets():
    """Only the chosen tab's controls are drawn; a closed tab's settings from the link still
    shape its curve, stay in the URL and survive other changes."""
    link = {"s.cosine.t_max": "40", "s.cyclic.step_size": "7"}
    at = open_page(PAGE, link)
    drawn = {w.key for w in at.slider}
    assert "schedules:s.step.gamma" in drawn
    assert not {k for k in drawn if k.startswith(("schedules:s.cosine", "schedules:s.cyclic"))}
    at.slider(key="schedules:s.step.gamma").set_value(0.2).run()
    assert not at.exception and not at.warning
    cosine = plain.values(charts(at)[0]["data"][1]["y"])
    assert cosine.argmin() == 40  # back at its largest rate one period later
    assert cosine[80] == pytest.approx(cosine[0])
    query = {k: at.query_params[k] for k in at.query_params}
    for key, value in link.items():
        assert query[key] in (value, [value])
