"""The ensembles lesson's verdict on an ensemble against its members."""

import pytest

from optim_lab.lessons.ensembles.experiment import ensemble_gain


@pytest.mark.parametrize("ensemble, kind", [(0.95, "success"), (0.9, "info"), (0.85, "warning")])
def test_the_ensemble_is_judged_against_its_average_member(ensemble, kind):
    found, message = ensemble_gain(ensemble, [0.88, 0.9, 0.92], "Ensemble of 3")
    assert found == kind and message.startswith("Ensemble of 3")
    if kind == "success":
        assert "best member 92.0%" in message


def test_panels_summary_and_table_from_made_up_runs():
    import numpy as np

    from optim_lab.lessons.ensembles.experiment import (
        boundary_panels,
        members_table,
        polyak_summary,
    )

    grid = {
        "x": np.arange(3),
        "y": np.arange(3),
        "members": np.zeros((7, 3, 3, 2)),
        "ensemble": np.zeros((3, 3, 2)),
    }
    independent = {
        "member_acc": [0.8] * 7,
        "ensemble_acc": 0.9,
        "grid": grid,
        "curve": [0.8] * 7,
        "member_loss": [0.5] * 7,
        "loss_curve": [0.4] * 7,
    }
    panels, titles, shown = boundary_panels(independent, max_panels=5)
    assert shown == 5 and len(panels["members"]) == 5 and len(titles) == 6
    assert titles[-1] == "<b>ensemble of 7: 90%</b>"
    polyak = {
        "member_acc": [0.8, 0.9],
        "polyak_acc": [0.85, 0.9],
        "member_loss": [0.5, 0.4],
        "polyak_loss": [0.45, 0.41],
    }
    assert "**1 of 2** runs" in polyak_summary(polyak)
    snapshot = {"member_acc": [0.7] * 7, "curve": [0.75] * 7}
    table = members_table(
        independent, snapshot, {**polyak, "member_acc": [0.8] * 7, "polyak_acc": [0.85] * 7}
    )
    assert list(table["k"]) == list(range(1, 8)) and len(table) == 9


def test_log_loss_summary_compares_the_ensemble_with_its_members():
    from optim_lab.lessons.ensembles.experiment import log_loss_summary

    run = {"member_loss": [0.5, 0.3, 0.4], "loss_curve": [0.5, 0.35, 0.25]}
    assert log_loss_summary(run) == (
        "Log-loss: ensemble 0.250 vs average member 0.400 (best member 0.300)."
    )


def test_the_export_lists_the_settings_in_order_and_leaves_out_what_is_only_drawn():
    from optim_lab.lessons.ensembles.experiment import SETTINGS, export_summary

    settings = {name: i for i, name in enumerate(reversed(SETTINGS))}
    runs = [
        {"member_acc": [0.8], "grid": {"x": 1}, "x_test": 2, "y_test": 3, "n_classes": c}
        for c in (2, 3, 4)
    ]
    summary = export_summary(settings, *runs)
    assert list(summary) == ["settings", "independent", "snapshot", "polyak"]
    assert list(summary["settings"]) == list(SETTINGS)
    assert summary["settings"]["dataset"] == settings["dataset"]
    assert summary["polyak"] == {"member_acc": [0.8], "n_classes": 4}
    with pytest.raises(KeyError):  # every setting is recorded
        export_summary({k: v for k, v in settings.items() if k != "beta"}, *runs)
