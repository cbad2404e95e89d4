"""The momentum lesson: its grid on the sliders' steps, and the EWA and classic forms taking the
same steps; a clicked heat-map cell read back."""

from __future__ import annotations

import numpy as np
import pytest

from optim_lab.figures import heatmap
from optim_lab.lessons.momentum import experiment as momentum_lesson
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
