"""The momentum lesson: its grid on the sliders' steps, and the EWA and classic forms taking the
same steps; a clicked heat-map cell read back."""

from __future__ import annotations

import numpy as np
import pytest

from optim_lab.figures import heatmap
from optim_lab.lessons.momentum import experiment as momentum_lesson
from optim_lab.optimizers import OPTIMIZERS
from optim_lab.surfaces import SURFACES
from optim_lab.trajectory import RunSpec, run_many


def test_momentum_grid_is_on_the_slider_steps():
    lrs, betas = momentum_lesson.momentum_grid()
    assert len(lrs) == 64 and len(betas) == 100
    assert lrs[0] == 1e-3 and lrs[-1] == 10.0
    assert betas[0] == 0.0 and betas[-1] == 0.99
    assert all(abs(b / 0.005 - round(b / 0.005)) < 1e-9 for b in betas)


def test_classic_and_ewa_forms_take_identical_steps():
    surface = SURFACES["bowl"]
    lr, beta = 0.8, 0.9
    ewa, classic = run_many(
        surface,
        [
            RunSpec("momentum", {"lr": lr, "beta": beta}),
            RunSpec("heavy_ball", {"lr": momentum_lesson.classic_lr(lr, beta), "rho": beta}),
        ],
        surface.start,
        100,
    )
    np.testing.assert_allclose(ewa.points, classic.points, atol=1e-5)
    assert momentum_lesson.ewa_lr(momentum_lesson.classic_lr(lr, beta), beta) == pytest.approx(lr)


@pytest.mark.parametrize(
    ("event", "cell"),
    [
        ({"selection": {"points": [{"customdata": {"0": 0.02, "1": 0.99}}]}}, (0.02, 0.99)),
        ({"selection": {"points": [{"customdata": [1.5, 0.8]}]}}, (1.5, 0.8)),
        ({"selection": {"points": [{"x": 1.0}, {"customdata": [2.0, 0.5]}]}}, (2.0, 0.5)),
        ({"selection": {"points": []}}, None),
        (None, None),
    ],
)
def test_cell_from_selection(event, cell):
    assert heatmap.cell_from_selection(event) == cell


@pytest.mark.parametrize("rescale, kind", [(True, "success"), (False, "info")])
def test_the_two_forms_coincide_exactly_when_the_rate_is_rescaled(rescale, kind):
    specs, left_out = momentum_lesson.forms_compared("momentum", 0.5, 0.9, rescale)
    assert left_out == "" and [s.optimizer for s in specs][:2] == ["sgd", "momentum"]
    bowl = SURFACES["bowl"]
    trajs = run_many(bowl, specs, bowl.start, 100, {"kappa": 20.0})
    found, message = momentum_lesson.forms_agree(trajs, rescale)
    assert found == kind, message


def test_an_ewa_rate_past_its_range_is_left_out_with_a_note():
    lr_max = OPTIMIZERS["momentum"].param("lr").max
    specs, left_out = momentum_lesson.forms_compared("heavy_ball", lr_max, 0.99, True)
    assert "momentum" not in [s.optimizer for s in specs] and "above its maximum" in left_out
    assert momentum_lesson.forms_agree([], True) is None


def test_the_map_is_coloured_by_the_chosen_measure_and_exported_cell_by_cell():
    from optim_lab.sweep import sweep

    bowl = SURFACES["bowl"]
    result = sweep(
        bowl,
        RunSpec("momentum"),
        "lr",
        [0.1, 1.0, 3.0],
        "beta",
        [0.0, 0.9],
        bowl.start,
        100,
        tol=1e-4,
    )
    values, missing, log_scale, title = momentum_lesson.map_colours(result, "loss")
    assert values is result.final_loss and missing is None and log_scale and title == "final loss"
    values, missing, log_scale, _ = momentum_lesson.map_colours(result, "steps")
    assert not log_scale and np.array_equal(missing, result.steps_to_tol < 0)
    table = momentum_lesson.map_table(result, "beta")
    assert list(table["lr"]) == [0.1, 1.0, 3.0, 0.1, 1.0, 3.0]
    assert list(table["beta"]) == [0.0, 0.0, 0.0, 0.9, 0.9, 0.9]
    assert table["final_loss"][4] == result.final_loss[1, 1]  # (β = 0.9, α = 1)


def test_the_map_figure_follows_the_chosen_measure():
    from optim_lab.lessons.momentum.figures import map_figure
    from optim_lab.sweep import sweep

    bowl = SURFACES["bowl"]
    lrs, betas = [0.01, 1.0, 10.0], [0.0, 0.9]
    result = sweep(bowl, RunSpec("momentum"), "lr", lrs, "beta", betas, bowl.start, 50, tol=1e-4)
    # a start loss of 0.01 lies below the final loss of the slowest cells: they share the cap
    by_loss = map_figure(result, "loss", (1.0, 0.9), "β", 0.01, 1e-4).to_dict()
    by_steps = map_figure(result, "steps", (1.0, 0.9), "ρ", 0.01, 1e-4).to_dict()
    loss_bar, steps_bar = (fig["data"][0]["colorbar"] for fig in (by_loss, by_steps))
    assert loss_bar["title"]["text"] == "final loss" and loss_bar["ticktext"][-1] == "≥ start"
    assert steps_bar["title"]["text"] == "steps to tolerance" and "ticktext" not in steps_bar
    assert by_steps["layout"]["yaxis"]["title"]["text"] == "ρ"
    assert (result.steps_to_tol < 0).any()  # so the steps map marks cells that never get there
    assert "never within 0.0001 of the minimum" in [t.get("name") for t in by_steps["data"]]
    assert any(t.get("name") == "diverged" for t in by_loss["data"])  # α = 10 with β = 0


def test_the_map_caption_counts_the_diverged_runs():
    from optim_lab.lessons.momentum.text import map_caption

    diverged = np.array([[True, False], [False, False]])
    by_loss = map_caption(100.0, diverged, "loss", 1e-4)
    assert by_loss.startswith("κ = 100: 25% of the 4 runs diverged") and "last step" in by_loss
    assert "within 0.0001 of the minimum" in map_caption(100.0, diverged, "steps", 1e-4)
