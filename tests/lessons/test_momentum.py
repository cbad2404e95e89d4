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


FORMS = ("momentum", "heavy_ball", "nesterov")
BETA_KEY = {"momentum": "beta", "heavy_ball": "rho", "nesterov": "rho"}


@pytest.mark.parametrize("form", FORMS)
def test_the_iteration_matrix_is_one_step_of_the_optimizer(float64, form):
    h, lr, beta = 0.7, 0.4, 0.8
    opt = OPTIMIZERS[form].build()
    e0 = np.array([1.5])
    state = opt.init(e0)
    state = state._replace(velocity=np.array([-0.3]))  # a velocity from earlier steps
    updates, new = opt.update(h * e0, state, e0, {"lr": lr, BETA_KEY[form]: beta})
    m = momentum_lesson.iteration_matrix(form, lr, beta, h)
    # the EWA form keeps v as an average of gradients, the others as a sum: both are "v" in M
    e1, v1 = m @ np.array([1.5, -0.3])
    np.testing.assert_allclose(e0 + np.asarray(updates), [e1], rtol=1e-12)
    np.testing.assert_allclose(np.asarray(new.velocity), [v1], rtol=1e-12)


@pytest.mark.parametrize(
    ("form", "lr", "beta"),
    [
        ("momentum", 1.0, 0.9),
        ("heavy_ball", 0.3, 0.5),
        ("nesterov", 0.5, 0.8),
        ("momentum", 5.0, 0.95),
    ],
)
def test_the_analytic_rate_matches_the_measured_one_within_5_percent(float64, form, lr, beta):
    kappa = 100.0
    spec = RunSpec(form, {"lr": lr, BETA_KEY[form]: beta})
    (run,) = run_many(SURFACES["bowl"], [spec], (3.0, 2.0), 500, {"kappa": kappa, "angle": 0.0})
    measured = momentum_lesson.measured_direction_rates(np.asarray(run.points), noise_floor=1e-12)
    for h, seen in zip(momentum_lesson.bowl_curvatures(kappa), measured, strict=True):
        expected = float(momentum_lesson.direction_rate(form, lr, beta, h))
        assert seen == pytest.approx(expected, rel=0.05), (h, seen, expected)


@pytest.mark.parametrize("kappa", [10.0, 100.0, 1000.0])
@pytest.mark.parametrize("form", FORMS)
def test_no_cell_beats_the_fastest_one(form, kappa):
    lr, beta, rate = momentum_lesson.optimal_cell(form, kappa)
    assert float(momentum_lesson.rate_map(form, [lr], [beta], kappa)[0, 0]) == pytest.approx(rate)
    lrs, betas = np.geomspace(1e-3, 100.0, 300), np.linspace(0.0, 0.999, 300)
    assert np.min(momentum_lesson.rate_map(form, lrs, betas, kappa)) >= rate - 1e-3
    if form != "nesterov":  # Polyak's optimum for the quadratic
        root = np.sqrt(kappa)
        assert rate == pytest.approx((root - 1) / (root + 1))


@pytest.mark.parametrize("form", FORMS)
def test_critical_damping_separates_real_from_complex_roots(form):
    kappa, lr = 100.0, 2.0
    boundary = float(momentum_lesson.critical_damping(form, [lr], kappa)[0])
    m_below, m_above = (
        momentum_lesson.iteration_matrix(form, lr, b, 1 / kappa)
        for b in (boundary - 0.02, boundary + 0.02)
    )
    assert np.all(np.isreal(np.linalg.eigvals(m_below)))
    assert not np.any(np.isreal(np.linalg.eigvals(m_above)))


@pytest.mark.parametrize(("lr", "rho"), [(0.1, 0.9), (0.5, 0.5), (1.5, 0.7)])
def test_nesterovs_look_ahead_points_retrace_the_pytorch_form(float64, lr, rho):
    params, start = {"kappa": 30.0, "angle": 25.0}, (-1.5, 1.0)
    path = momentum_lesson.lookahead_nesterov("bowl", params, lr, rho, start, 150)
    spec = RunSpec("nesterov", {"lr": lr, "rho": rho})
    (run,) = run_many(SURFACES["bowl"], [spec], start, 150, params)
    assert momentum_lesson.lookahead_gap(path["lookahead"], run) < 1e-9
    assert np.max(np.abs(path["theta"] - run.points)) > 1e-3  # θ itself is another point
