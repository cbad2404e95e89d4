"""The transfer lesson's table and verdict, from made-up accuracies (the experiments themselves are
tested in tests/nn/test_transfer.py)."""

import numpy as np
import pytest

from optim_lab.lessons.transfer.experiment import lecture_table, mean_accuracy, probe_verdict
from optim_lab.nn.transfer import LECTURE_ADVICE, SIMILARITIES, STRATEGIES

SIZES = (10, 200)


def _results(probe_little: float) -> dict:
    """Two seeds per similarity; the probe wins with little data by the given margin."""
    base = {
        "scratch": [0.5, 0.9],
        "probe": [0.5 + probe_little, 0.85],
        "finetune_top": [0.55, 0.88],
        "finetune_all": [0.52, 0.92],
    }
    seed = {"acc": {k: np.asarray(v) for k, v in base.items()}}
    return {sim: [seed, seed] for sim in SIMILARITIES}


def test_the_table_names_each_cells_winner_and_the_lectures_advice():
    curves, mean_acc = mean_accuracy(_results(0.3), SIZES)
    assert curves["similar"]["acc"]["probe"].shape == (2, 2)
    rows = lecture_table(mean_acc, SIZES, little=10, lots=200)
    assert len(rows) == 4 and set(STRATEGIES) <= set(rows[0])
    little, lots = rows[0], rows[1]
    assert little["best"] == "probe" and little["probe"] == pytest.approx(0.8)
    assert lots["best"] == "finetune_all" and lots["tied_with"] == ""  # 0.02 ahead: no tie
    assert little["advice"] == LECTURE_ADVICE[("similar", "little")]


@pytest.mark.parametrize("margin, kind", [(0.3, "success"), (-0.1, "info")])
def test_the_verdict_follows_the_probes_margin(margin, kind):
    _, mean_acc = mean_accuracy(_results(margin), SIZES)
    found, message = probe_verdict(lecture_table(mean_acc, SIZES, 10, 200), little=10)
    assert found == kind and "10 examples" in message
