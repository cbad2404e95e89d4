"""AppTest checks of the optimizer arena (pages/lessons/arena.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from optim_lab.figures.animation import mp4_available
from optim_lab.figures.surface import CLICK_GRID_TRACE
from optim_lab.lessons.arena.presets import PRESETS
from optim_lab.ui.arena_controls import CHART_KEY
from optim_lab.ui.export import png_available

from .apptest import charts, open_page

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "lessons" / "arena.py")


def run_traces(figure: dict) -> list[dict]:
    return [t for t in figure["data"] if t.get("name", "")[:2] in {f"{i}:" for i in range(1, 7)}]


def test_defaults_race_three_runs_with_animation_click_grid_and_inspector():
    at = open_page(PAGE)
    assert not at.exception
    assert not at.error
    figure = charts(at)[0]
    names = [t["name"] for t in run_traces(figure)]
    assert [n.split(" α=")[0] for n in names] == ["1: SGD", "2: Momentum (EWA)", "3: Adam"]
    assert names[0] == "1: SGD α=0.5"  # the bowl's lr_hint
    assert figure["data"][CLICK_GRID_TRACE]["name"] == "click to start here"
    assert len(figure["frames"]) > 10
    assert figure["layout"]["images"]  # the contour is a background image: it survives Play
    assert len(at.get("plotly_chart")) == 3  # contour, loss, step arrows
    labels = [b.label for b in at.get("download_button")]
    expected = ["⬇ runs (CSV)", "⬇ runs (JSON)", "⬇ contour (HTML)"]
    if png_available():  # PNG export is offered where kaleido is installed
        expected.append("⬇ contour (PNG)")
    assert labels == expected
    # the animation's GIF (and MP4) sit in a popover, drawn when it is opened
    gif = "⬇ contour (GIF, MP4)" if mp4_available() else "⬇ contour (GIF)"
    assert [p.proto.popover.label for p in at.get("popover")] == [gif]
    assert len(at.dataframe) == 1
    assert not at.warning


def test_moving_a_learning_rate_changes_the_race():
    at = open_page(PAGE)
    before = run_traces(charts(at)[0])[0]
    at.select_slider(key="arena:r1.sgd.lr").set_value(0.1).run()
    assert not at.exception
    after = run_traces(charts(at)[0])[0]
    assert after["name"] == "1: SGD α=0.1"
    assert after["x"] != before["x"]
    assert at.query_params["r1.sgd.lr"] in ("0.1", ["0.1"])


def test_a_closed_runs_settings_hold_without_its_widgets():
    """Runs 2 and 3 start closed and run 1 shows its first tab: the other controls are not drawn,
    yet their settings from the link run, stay in the URL and survive other changes."""
    link = {"r1.clip_norm": "1", "r2.momentum.lr": "0.3", "r2.sched": "cosine", "r3.clip_norm": "2"}
    at = open_page(PAGE, link)
    drawn = {w.key for kind in ("select_slider", "slider", "selectbox") for w in at.get(kind)}
    assert {"arena:r1.opt", "arena:r1.sgd.lr"} <= drawn
    assert not {k for k in drawn if k.startswith(("arena:r2.", "arena:r3."))}
    assert not {"arena:r1.sched", "arena:r1.clip_norm"} & drawn
    at.select_slider(key="arena:r1.sgd.lr").set_value(0.1).run()
    at.slider(key="arena:n").set_value(3).run()  # a run without any change from a link
    assert not at.exception and not at.warning
    names = [t["name"] for t in run_traces(charts(at)[0])]
    assert names == [
        "1: SGD α=0.1, clip ‖g‖ ≤ 1",
        "2: Momentum (EWA) α=0.3, cosine annealing",
        "3: Adam α=0.08, clip ‖g‖ ≤ 2",
    ]
    query = {k: at.query_params[k] for k in at.query_params}
    for key, value in link.items():
        assert query[key] in (value, [value])


def test_step_inspector_follows_run_and_step():
    at = open_page(PAGE, {"ins.run": "3", "ins.k": "0"})
    assert not at.exception
    table = at.dataframe[0].value
    assert "m̂" in list(table["quantity"])  # Adam's bias-corrected moment
    at.slider(key="arena:ins.k").set_value(5).run()
    assert not at.exception
    assert at.dataframe[0].value.to_dict() != table.to_dict()


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.name)
def test_presets_run(preset):
    assert preset.page == "pages/lessons/arena.py"
    at = open_page(PAGE, preset.params)
    assert not at.exception
    assert not at.error
    assert not [w for w in at.warning if "could not be used" in w.value]
    n = int(preset.params["n"])
    assert len(run_traces(charts(at)[0])) == n
    diverged = [w.value for w in at.warning if "diverged at step" in w.value]
    if preset.name == "lr_too_high":
        assert diverged and "learning rate too high?" in diverged[0]
        assert "Run 1 (SGD)" in diverged[0]
    else:
        assert not diverged


def test_malformed_url_parameters_show_the_notice():
    at = open_page(PAGE, {"s.kappa": "lots", "x0": "99", "r1.opt": "magic"})
    assert not at.exception
    notice = at.warning[0].value
    assert "could not be used" in notice
    assert "s.kappa" in notice and "x0" in notice and "r1.opt" in notice
    assert run_traces(charts(at)[0])  # the page still races with the defaults


def test_bad_formula_shows_its_error_and_the_page_keeps_working():
    at = open_page(PAGE, {"surface": "custom", "f": "x**2 + "})
    assert not at.exception
    assert "This formula cannot be used" in at.error[0].value
    assert "column" in at.error[0].value
    assert run_traces(charts(at)[0])


def test_formula_surface_and_six_runs():
    at = open_page(PAGE, {"surface": "custom", "f": "x**2 + 3*y**2", "n": "6", "steps": "50"})
    assert not at.exception
    assert not at.error
    assert len(run_traces(charts(at)[0])) == 6


def test_a_click_on_the_contour_moves_the_start():
    at = open_page(PAGE)
    at.session_state[CHART_KEY] = {
        "selection": {"points": [{"curve_number": CLICK_GRID_TRACE, "x": 1.0, "y": -0.5}]}
    }
    at.run()
    assert not at.exception
    assert at.number_input(key="arena:x0").value == 1.0
    assert at.number_input(key="arena:y0").value == -0.5
    start = next(t for t in charts(at)[0]["data"] if t.get("name") == "start")
    assert start["x"] == [1.0] and start["y"] == [-0.5]


def test_3d_view_adds_the_surface_figure():
    at = open_page(PAGE, {"3d": "1"})
    assert not at.exception
    kinds = [json.loads(c.proto.spec)["data"][0]["type"] for c in at.get("plotly_chart")]
    assert "surface" in kinds


def test_exports_hold_every_run_and_stop_at_divergence():
    from optim_lab.exports import columns_csv, trajectories_columns, trajectories_json
    from optim_lab.surfaces import SURFACES
    from optim_lab.trajectory import RunSpec, run_many

    bowl = SURFACES["bowl"]
    specs = [
        RunSpec("sgd", {"lr": 2.5}, label="1: SGD"),
        RunSpec("adam", {"lr": 0.1}, schedule="cosine", modifiers={"clip_norm": 1.0}, seed=3),
    ]
    trajectories = run_many(bowl, specs, bowl.start, 50)
    lines = columns_csv(trajectories_columns(trajectories)).splitlines()
    assert lines[0].startswith("run,optimizer,step,x,y,loss,lr")
    diverged_at = trajectories[0].diverged_at
    assert len(lines) == 1 + diverged_at + 51
    payload = json.loads(
        trajectories_json(
            trajectories, surface="bowl", surface_params={}, start=bowl.start, steps=50
        )
    )
    assert [r["optimizer"] for r in payload["runs"]] == ["sgd", "adam"]
    assert payload["runs"][0]["diverged_at"] == diverged_at
    assert len(payload["runs"][1]["points"]) == 51
    adam = payload["runs"][1]
    assert adam["schedule"] == "cosine" and adam["schedule_params"]["lr"] == 0.1
    assert adam["modifiers"]["clip_norm"] == 1.0 and adam["seed"] == 3


def test_formula_undefined_at_the_start_keeps_the_contour_to_click_on():
    at = open_page(PAGE, {"surface": "custom", "f": "log(x) + y**2"})  # the default start has x < 0
    assert not at.exception
    assert "cannot run" in at.error[0].value
    figure = charts(at)[0]
    assert figure["data"][CLICK_GRID_TRACE]["name"] == "click to start here"
    assert not run_traces(figure)


def test_a_new_surface_resets_start_and_learning_rates():
    at = open_page(PAGE)
    at.select_slider(key="arena:r1.sgd.lr").set_value(0.3).run()
    at.selectbox(key="arena:surface").set_value("rosenbrock").run()
    assert not at.exception
    assert run_traces(charts(at)[0])[0]["name"] == "1: SGD α=0.001"  # Rosenbrock's lr_hint
    assert at.number_input(key="arena:x0").value == -1.5  # Rosenbrock's start


def test_fewer_runs_than_the_inspected_one_falls_back_to_run_1():
    at = open_page(PAGE, {"ins.run": "3"})
    at.slider(key="arena:n").set_value(2).run()
    assert not at.exception
    assert len(run_traces(charts(at)[0])) == 2
    assert at.selectbox(key="arena:ins.run").value == "1"


def test_an_old_click_does_not_move_the_start_of_a_new_surface():
    at = open_page(PAGE)
    at.session_state[CHART_KEY] = {
        "selection": {"points": [{"curve_number": CLICK_GRID_TRACE, "x": 1.0, "y": -0.5}]}
    }
    at.run()
    at.selectbox(key="arena:surface").set_value("himmelblau").run()
    assert not at.exception
    assert at.number_input(key="arena:x0").value == -0.5  # Himmelblau's own start


def _play_frame_ms(figure) -> int:
    play = figure["layout"]["updatemenus"][0]["buttons"][0]
    return play["args"][1]["frame"]["duration"]


def test_the_animation_speed_sets_the_frame_duration():
    at = open_page(PAGE)
    normal = _play_frame_ms(charts(at)[0])
    at.radio(key="arena:speed").set_value("4").run()
    assert not at.exception
    assert _play_frame_ms(charts(at)[0]) == round(normal / 4)
    assert at.query_params.get("speed") in ("4", ["4"])
    slow = open_page(PAGE, {"speed": "0.25"})
    assert _play_frame_ms(charts(slow)[0]) == normal * 4


def test_a_runs_label_names_the_penalties_it_carries():
    preset = next(p for p in PRESETS if p.name == "l2_or_weight_decay")
    at = open_page(PAGE, preset.params)
    titles = [e.label for e in at.expander if e.label[:2] in ("1:", "2:", "3:", "4:")]
    assert titles == [
        "1: SGD α=0.04, L2 0.5",
        "2: SGD α=0.04, decay 0.5",
        "3: Adam α=0.05, L2 0.5",
        "4: AdamW α=0.05",
    ]


def test_the_app_s_own_formulas_run_in_the_server_a_visitor_s_in_a_helper(monkeypatch):
    """The default formula and the lecture presets' are computed in the page; any other formula
    goes to a helper process (here a stand-in that records the call and runs it)."""
    from optim_lab import offload

    helper_calls = []

    class Helpers:
        def call(self, name, args, kwargs, long=False):
            helper_calls.append(name)
            return offload._FUNCTIONS[name](*args, **kwargs)

    monkeypatch.setattr(offload, "_pool", Helpers())
    presets = [dict(p.params) for p in PRESETS if p.params.get("surface") == "custom"]
    assert presets
    for params in [{"surface": "custom"}, *presets]:
        at = open_page(PAGE, {**params, "seed": "11"}, computed=True)
        assert not at.exception and charts(at), params
    assert helper_calls == []
    at = open_page(PAGE, {"surface": "custom", "f": "x**2 + 2*y**2 + 0.1*x*y", "n": "1"})
    assert not at.exception and charts(at)
    assert helper_calls and set(helper_calls) == {"optim_lab.ui.cache:_formula_compute"}
