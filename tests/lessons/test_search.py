"""The search lesson's tables of trials and stages, and its export."""

import json
import math

import numpy as np

from optim_lab.lessons.search import text
from optim_lab.lessons.search.experiment import (
    combine_stages,
    exploded_count,
    export_summary,
    stage_rows,
    trial_rows,
)
from optim_lab.nn.search import LR_RANGE


def _trial(stage, lr, val_acc, exploded=False, reg=1e-4):
    return {
        "stage": stage,
        "lr": lr,
        "reg": reg,
        "val_acc": val_acc,
        "train_loss": 9.0 if exploded else 0.2,
        "exploded": int(exploded),
        "exploded_at": 4 if exploded else None,
    }


STAGES = [
    {
        "box": {"lr": (1e-4, 1.0), "reg": (1e-6, 1e-1)},
        "trials": [_trial(0, 0.01, 0.8), _trial(0, 0.9, 0.95, exploded=True)],
        "losses": [[1.0, 0.5, 0.4], [1.0, 4.0, math.nan]],
    },
    {
        "box": {"lr": (3e-3, 0.1), "reg": (1e-5, 1e-2)},
        "trials": [_trial(1, 0.8, 0.3, exploded=True)],
        "losses": [[1.0, 3.5, math.nan]],
    },
]


def test_the_table_counts_stages_from_one_and_keeps_every_trial():
    trials = [_trial(0, 0.1, 0.9), _trial(1, 3.0, 0.3, exploded=True, reg=1e-3)]
    rows = trial_rows(trials)
    assert rows["stage"] == [1, 2] and rows["exploded"] == [False, True]
    assert rows["stopped at step"] == [None, 4] and rows["learning rate"] == [0.1, 3.0]


def test_stages_combine_in_order_with_their_boxes_and_curves():
    result = combine_stages(STAGES, "random")
    assert [t["lr"] for t in result.trials] == [0.01, 0.9, 0.8]
    assert result.stages == [STAGES[0]["box"], STAGES[1]["box"]] and result.method == "random"
    np.testing.assert_array_equal(
        result.losses, np.array([[1.0, 0.5, 0.4], [1.0, 4.0, np.nan], [1.0, 3.5, np.nan]])
    )
    assert result.best["lr"] == 0.01  # the more accurate trial exploded


def test_each_stage_row_ignores_exploded_trials_for_the_best_accuracy():
    rows = stage_rows(STAGES)
    assert rows["stage"] == [1, 2] and rows["exploded"] == [1, 1]
    assert rows["best acc."][0] == 0.8 and math.isnan(rows["best acc."][1])  # all exploded
    assert rows["α from"] == [1e-4, 3e-3] and rows["α to"] == [1.0, 0.1]
    assert rows["λ₂ from"] == [1e-6, 1e-5] and rows["λ₂ to"] == [1e-1, 1e-2]
    assert exploded_count(STAGES[0]["trials"] + STAGES[1]["trials"]) == 2


def test_the_export_holds_the_settings_the_comparison_and_the_stages():
    result = combine_stages(STAGES, "grid")
    compare = {"grid": STAGES[0]["trials"], "random": STAGES[1]["trials"]}
    summary = export_summary({"seed": 3, "hidden": (32,)}, compare, result)
    assert summary["settings"] == {"seed": 3, "hidden": (32,)}
    assert summary["comparison"] is compare and summary["best"]["lr"] == 0.01
    assert summary["stages"][1] == {"lr": [3e-3, 0.1], "reg": [1e-5, 1e-2]}
    assert len(summary["trials"]) == 3
    json.dumps(summary)  # plain data, ready for the JSON download


def test_the_setup_line_names_the_network_and_the_box():
    line = text.setup((32, 32), 200)
    assert "hidden layers 32, 32" in line and "for 200 steps" in line
    assert f"α ∈ [10^{LR_RANGE[0]:g}," in line
